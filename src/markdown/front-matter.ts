import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { Report } from '../domain/index.js';

/** Metadata keys in the order the front matter lists them. */
export const FRONT_MATTER_KEYS = [
  'id',
  'kind',
  'state',
  'severity',
  'period',
  'detection',
  'authors',
  'facilitator',
  'reviewers',
  'involved',
  'tags',
  'systems',
  'visibility',
  'members',
  'related',
  'recurrenceOf',
] as const;

export type FrontMatterKey = (typeof FRONT_MATTER_KEYS)[number];

/** Largest front matter accepted: metadata is small. (The yaml parser itself refuses runaway nesting.) */
export const FRONT_MATTER_MAX_BYTES = 256 * 1024;

/** Write the report's metadata as YAML in a fixed key order; empty optional scalars are left out. */
export function stringifyFrontMatter(report: Report): string {
  const data: Record<string, unknown> = {};
  for (const key of FRONT_MATTER_KEYS) {
    const value = report[key];
    if (value === undefined) continue;
    if (key === 'period') {
      const p = report.period;
      data.period = {
        ...(p.start !== undefined ? { start: p.start } : {}),
        ...(p.end !== undefined ? { end: p.end } : {}),
        timezone: p.timezone,
      };
      continue;
    }
    data[key] = value;
  }
  const doc = new Document(data);
  // Empty lists stay visible as `[]` so a person editing the file sees where names go.
  return doc.toString({ lineWidth: 0, minContentWidth: 0, flowCollectionPadding: false, indentSeq: true });
}

export interface YamlProblem {
  line: number;
  column: number;
  message: string;
}

export interface ParsedFrontMatter {
  data: unknown;
  problems: YamlProblem[];
  /** Position (1-based, in the whole file) of each key path, e.g. "period.start" or "authors.1". */
  positions: Map<string, { line: number; column: number }>;
}

/**
 * Parse front matter YAML safely: YAML 1.2 core schema only, no aliases, no custom tags, bounded size.
 * `firstLine` is the file line where the YAML starts, so positions point into the whole file.
 */
export function parseFrontMatter(yamlText: string, firstLine: number): ParsedFrontMatter {
  const positions = new Map<string, { line: number; column: number }>();
  const problems: YamlProblem[] = [];
  if (Buffer.byteLength(yamlText) > FRONT_MATTER_MAX_BYTES) {
    problems.push({
      line: firstLine,
      column: 1,
      message: `front matter is larger than ${FRONT_MATTER_MAX_BYTES / 1024} KB`,
    });
    return { data: undefined, problems, positions };
  }
  const counter = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(yamlText, {
      lineCounter: counter,
      schema: 'core',
      customTags: [],
      uniqueKeys: true,
      prettyErrors: false,
      strict: true,
    });
  } catch (e) {
    problems.push({
      line: firstLine,
      column: 1,
      message: `front matter cannot be read: ${(e as Error).message.split('\n')[0]}`,
    });
    return { data: undefined, problems, positions };
  }
  const at = (offset: number) => {
    const p = counter.linePos(offset);
    return { line: firstLine + p.line - 1, column: p.col };
  };
  for (const e of [...doc.errors, ...doc.warnings]) {
    problems.push({ ...at(e.pos[0]), message: `front matter: ${e.message.split('\n')[0]}` });
  }
  let hasAlias = false;
  const walk = (node: Node | null | undefined, path: string) => {
    if (!node) return;
    if (node.range && path) positions.set(path, at(node.range[0]));
    if (
      (node as { tag?: string }).tag &&
      !String((node as { tag?: string }).tag).startsWith('tag:yaml.org,2002:')
    ) {
      problems.push({
        ...at(node.range?.[0] ?? 0),
        message: `front matter: tag ${(node as { tag?: string }).tag} is not allowed`,
      });
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '?';
        const keyPath = path ? `${path}.${key}` : key;
        if (isScalar(pair.key) && pair.key.range) positions.set(`${keyPath}#key`, at(pair.key.range[0]));
        walk(pair.value as Node, keyPath);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => walk(item as Node, `${path}.${i}`));
    } else if (isAlias(node)) {
      hasAlias = true;
    }
  };
  if (problems.length === 0) walk(doc.contents as Node, '');
  if (hasAlias)
    problems.push({ line: firstLine, column: 1, message: 'front matter: aliases are not allowed' });
  if (problems.length > 0) return { data: undefined, problems, positions };
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 0 });
  } catch (e) {
    problems.push({
      line: firstLine,
      column: 1,
      message: `front matter: ${(e as Error).message.split('\n')[0]}`,
    });
  }
  return { data, problems, positions };
}
