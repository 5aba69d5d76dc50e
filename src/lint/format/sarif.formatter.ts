import { ruleDoc, ruleHelpUri } from '../docs.js';
import { RULES } from '../rules.js';
import type { Severity } from '../types.js';
import type { FileResult } from './result.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
};

/** A file path as a SARIF relative URI: forward slashes, each segment percent-encoded. */
function toUri(file: string): string {
  return file
    .replace(/\\/gu, '/')
    .split('/')
    .map((seg) => (seg === '..' || seg === '.' ? seg : encodeURIComponent(seg)))
    .join('/');
}

function helpOf(id: string, description: string): { help: { text: string; markdown?: string } } {
  const page = ruleDoc(id);
  return { help: page ? { text: description, markdown: page } : { text: description } };
}

/**
 * SARIF 2.1.0 for GitHub code scanning and other tools; paths are relative to the working directory. Each rule
 * carries its documentation page: `help` holds the page itself (code scanning shows it next to the alert) and
 * `helpUri` points at it — under `docsBase` when given, else at the installed file.
 */
export function formatSarif(results: FileResult[], version: string, docsBase?: string): string {
  const used = new Set(results.flatMap((r) => r.findings.map((f) => f.ruleId)));
  const known = new Set(RULES.map((r) => r.id));
  const rules = [
    ...RULES.map((r) => ({
      id: r.id,
      name: r.id.replace(/(^|-)(\w)/gu, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: r.description },
      defaultConfiguration: { level: LEVEL[r.defaultSeverity] },
      helpUri: ruleHelpUri(r.id, docsBase),
      ...helpOf(r.id, r.description),
      properties: { tags: ['post-mortem', r.kind] },
    })),
    // Problems that are not lint rules (a file that is not a report) still need a rule entry.
    ...[...used]
      .filter((id) => !known.has(id))
      .map((id) => ({
        id,
        name: id,
        shortDescription: { text: 'The file could not be read as a post-mortem report.' },
        defaultConfiguration: { level: 'error' as const },
      })),
  ];
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'hindsight', semanticVersion: version, rules } },
        columnKind: 'utf16CodeUnits',
        results: results.flatMap((r) =>
          r.findings.map((f) => ({
            ruleId: f.ruleId,
            ruleIndex: index.get(f.ruleId) as number,
            level: LEVEL[f.severity],
            message: { text: f.suggestion ? `${f.message} ${f.suggestion}` : f.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: toUri(r.file) },
                  region: {
                    startLine: Math.max(1, f.line),
                    startColumn: Math.max(1, f.column),
                    ...(f.range
                      ? { endColumn: Math.max(1, f.column) + Math.max(1, f.range.end - f.range.start) }
                      : {}),
                  },
                },
                logicalLocations: [{ fullyQualifiedName: f.path.join('.'), kind: 'member' }],
              },
            ],
            partialFingerprints: { 'hindsight/v1': `${f.ruleId}:${f.path.join('.')}:${f.range?.start ?? 0}` },
          })),
        ),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
