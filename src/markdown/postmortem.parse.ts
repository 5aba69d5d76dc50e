import {
  ACTION_CATEGORIES,
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  BARRIER_STATUSES,
  BASES,
  codeOf,
  EVENT_KINDS,
  FINANCIAL_KINDS,
  FISHBONE_CATEGORIES,
  IMPACT_CATEGORIES,
  lineNesting,
  MAX_TEXT_NESTING,
  MATERIAL_KINDS,
  canonicalInstant,
  reportSchema,
  SECTION_KEYS,
  VERIFICATION_RESULTS,
  type ModelPath,
  type Report,
  type SectionKey,
} from '../domain/index.js';
import { parseFrontMatter } from './front-matter.js';
import {
  ACTION_FIELDS,
  EVIDENCE_SEPARATOR,
  FISHBONE_LABELS,
  NOTES_HEADING,
  readFactorText,
  SECTION_BLOCKS,
  SECTION_HEADINGS,
  splitRow,
  TABLE_COLUMNS,
  UNKNOWN_TIME,
  APPROXIMATE_MARK,
  SPAN_SEPARATOR,
  unescapeProseLine,
  type BlockSpec,
} from './postmortem.format.js';

/** A problem in a Postmortem Markdown file, with the 1-based line and column it concerns. */
export interface ParseProblem {
  /** The file name given to the parser, when one was. */
  file?: string;
  line: number;
  column: number;
  message: string;
  path?: ModelPath;
  /** The file cannot be read as Postmortem Markdown at all (unreadable front matter, too large, too deep). */
  fatal?: boolean;
}

export interface Position {
  line: number;
  column: number;
}

export interface ParsedPostmortem {
  /** The report, when the file is free of problems. */
  report?: Report;
  problems: ParseProblem[];
  /** Where a model path (or its nearest located ancestor) starts in the file. */
  locate(path: ModelPath): Position | undefined;
}

/** Largest Postmortem Markdown file accepted. */
export const MAX_MARKDOWN_BYTES = 10 * 1024 * 1024;

/**
 * Most quote and list markers a line may start with (`lineNesting`: digits, dots and spaces that are not
 * markers do not count). Twice the limit on a value's own lines, so whatever the schema accepts reads back.
 */
export const MAX_LINE_NESTING = 2 * MAX_TEXT_NESTING;

interface Line {
  text: string;
  no: number;
}

interface Block {
  heading: string;
  line: number;
  lines: Line[];
}

interface Section {
  key: SectionKey;
  line: number;
  preamble: Line[];
  blocks: Block[];
}

type CellKind = 'time' | 'number' | 'skip' | [readonly string[], string];

/** How each table cell is read; cells not listed are plain text. */
const CELL_KINDS: Record<string, Record<string, CellKind>> = {
  'details.timeline': { at: 'time', kind: [EVENT_KINDS, 'timeline kind'] },
  'analysis.changes': { at: 'time' },
  'impact.financial': { kind: [FINANCIAL_KINDS, 'kind of cost'], amount: 'number', basis: [BASES, 'basis'] },
  'impact.figures': {
    category: [IMPACT_CATEGORIES, 'impact category'],
    value: 'number',
    basis: [BASES, 'basis'],
  },
  'analysis.barriers': { status: [BARRIER_STATUSES, 'barrier status'] },
  'materials.items': { kind: [MATERIAL_KINDS, 'kind of material'] },
  whys: { '#': 'skip' },
};

const HEADING = /^(#{1,6})(?:[ \t]+([^ \t](?:.*[^ \t])?))?[ \t]*$/;
const isBlank = (l: Line) => l.text.trim() === '';

/**
 * Drop comment lines (guidance) and blank lines from structured blocks; prose keeps them. Only comments that
 * start a line count, so a value that contains "<!--" inside a table cell or list item stays intact.
 */
function withoutComments(lines: Line[]): Line[] {
  const out: Line[] = [];
  let inComment = false;
  for (const l of lines) {
    const t = l.text;
    if (inComment) {
      if (t.includes('-->')) inComment = false;
      continue;
    }
    const lead = t.trimStart();
    if (lead.startsWith('<!--')) {
      if (!lead.includes('-->', 4)) inComment = true;
      continue;
    }
    if (lead !== '') out.push(l);
  }
  return out;
}

const ONLY_COMMENT = /^<!--(?:(?!-->)[\s\S])*-->$/;

const headingKey = (s: string) => s.trim().toLowerCase().replaceAll(/\s+/g, ' ');

const SECTION_BY_HEADING = new Map<string, SectionKey>(
  SECTION_KEYS.map((k) => [headingKey(SECTION_HEADINGS[k]), k] as const),
);

const FISHBONE_BY_LABEL = new Map<string, string>(
  Object.entries(FISHBONE_LABELS).map(([code, label]) => [headingKey(label), code] as const),
);

class Parser {
  problems: ParseProblem[] = [];
  positions = new Map<string, Position>();
  rowCells = new Map<string, Record<string, { value: string; column: number }>>();

  problem(line: number, column: number, message: string, path?: ModelPath) {
    this.problems.push({ line, column, message, ...(path ? { path } : {}) });
  }

  fatal(line: number, column: number, message: string) {
    this.problems.push({ line, column, message, fatal: true });
  }

  at(path: ModelPath | string, line: number, column = 1) {
    const key = typeof path === 'string' ? path : path.join('.');
    if (!this.positions.has(key)) this.positions.set(key, { line, column });
  }

  prose(lines: Line[], path: ModelPath): string | undefined {
    let start = 0;
    let end = lines.length;
    while (start < end && isBlank(lines[start] as Line)) start += 1;
    while (end > start && isBlank(lines[end - 1] as Line)) end -= 1;
    if (start === end) return undefined;
    const text = lines
      .slice(start, end)
      .map((l) => unescapeProseLine(l.text))
      .join('\n')
      .trim();
    if (ONLY_COMMENT.test(text)) return undefined;
    this.at(path, (lines[start] as Line).no);
    return text;
  }

  cellInstant(value: string, line: number, column: number, path: ModelPath, allowUnknown: boolean) {
    if (value === '' || value.toLowerCase() === UNKNOWN_TIME || /^-{1,2}:-{1,2}$/.test(value)) {
      return allowUnknown ? null : undefined;
    }
    // Table times are UTC without a zone (the header says so); an explicit zone or "UTC" is accepted too.
    const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2})(:\d{2}(?:\.\d{1,9})?)?(?: ?UTC)?$/i.exec(value);
    const canonical = canonicalInstant(m ? `${m[1]}T${m[2]}${m[3] ?? ':00'}Z` : value);
    if (canonical === undefined) {
      this.problem(
        line,
        column,
        `"${value}" is not a time; write it as YYYY-MM-DD HH:MM in UTC, or "unknown"`,
        path,
      );
      return allowUnknown ? null : undefined;
    }
    return canonical;
  }

  /** A timeline Time cell: an instant or `unknown`, `~` when rough, and ` – end` for a span. */
  timelineTime(value: string, line: number, column: number, path: ModelPath) {
    const out: { at: string | null; approximate?: true; end?: string; endApproximate?: true } = { at: null };
    const split = value.indexOf(SPAN_SEPARATOR);
    const startText = split < 0 ? value : value.slice(0, split);
    const start = stripMark(startText);
    out.at = this.cellInstant(start.text, line, column, path, true) ?? null;
    if (start.marked) out.approximate = true;
    if (split >= 0) {
      const end = stripMark(value.slice(split + SPAN_SEPARATOR.length));
      const endPath = [...path.slice(0, -1), 'end'];
      const at = this.cellInstant(end.text, line, column + split + SPAN_SEPARATOR.length, endPath, false);
      if (typeof at === 'string') out.end = at;
      if (end.marked) out.endApproximate = true;
    }
    return out;
  }

  cellNumber(value: string, line: number, column: number, path: ModelPath): number | undefined {
    const plain = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(value) ? value.replaceAll(',', '') : value;
    if (!/^-?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(plain)) {
      this.problem(line, column, `"${value}" is not a number`, path);
      return undefined;
    }
    return Number(plain);
  }

  cellEnum(
    codes: readonly string[],
    value: string,
    line: number,
    column: number,
    path: ModelPath,
    what: string,
  ) {
    if (value === '') return undefined;
    const code = codeOf(codes, value);
    if (!code) {
      this.problem(
        line,
        column,
        `"${value}" is not a ${what}; use one of: ${codes.map((c) => c.replaceAll('_', ' ')).join(', ')}`,
        path,
      );
    }
    return code;
  }

  /** Read a table block into rows of raw cell values keyed by field, checking the header. */
  table(
    tableKey: string,
    lines: Line[],
    path: ModelPath,
  ): { row: Record<string, { value: string; column: number }>; line: number }[] {
    const columns = TABLE_COLUMNS[tableKey] ?? [];
    const content = withoutComments(lines);
    if (content.length === 0) return [];
    const [head, sep, ...rows] = content as [Line, Line | undefined, ...Line[]];
    const headers = splitRow(head.text);
    if (!head.text.trimStart().startsWith('|') || headers.length === 0) {
      this.problem(
        head.no,
        1,
        `expected a table with the columns ${columns.map((c) => c.header).join(' | ')}`,
        path,
      );
      return [];
    }
    const fields: (string | undefined)[] = headers.map((h) => {
      const col = columns.find((c) => headingKey(c.header) === headingKey(h.value));
      if (!col) {
        this.problem(
          head.no,
          h.column,
          `unknown column "${h.value}"; expected ${columns.map((c) => c.header).join(', ')}`,
          path,
        );
      }
      return col?.field;
    });
    if (!sep || !/^\s*(?:\|\s*)?:?-+:?\s*(?:\|\s*:?-+:?\s*)*(?:\|\s*)?$/.test(sep.text)) {
      this.problem(
        sep?.no ?? head.no,
        1,
        'expected the table separator row (| --- | --- |) after the header',
        path,
      );
      return [];
    }
    const out: { row: Record<string, { value: string; column: number }>; line: number }[] = [];
    for (const r of rows) {
      if (!r.text.trimStart().startsWith('|')) {
        this.problem(r.no, 1, 'expected a table row starting with |; text belongs under ### Notes', path);
        continue;
      }
      const cells = splitRow(r.text);
      if (cells.length > fields.length) {
        this.problem(
          r.no,
          cells[fields.length]?.column ?? 1,
          `this row has ${cells.length} cells but the table has ${fields.length} columns (write a literal | as \\|)`,
          path,
        );
      }
      const row: Record<string, { value: string; column: number }> = {};
      fields.forEach((f, i) => {
        const cell = cells[i];
        if (f) row[f] = cell ?? { value: '', column: r.text.length + 1 };
      });
      out.push({ row, line: r.no });
    }
    return out;
  }

  rows(tableKey: string, lines: Line[], path: ModelPath): unknown[] {
    const result: unknown[] = [];
    const pathKey = path.join('.');
    const kinds = CELL_KINDS[tableKey] ?? {};
    this.table(tableKey, lines, path).forEach(({ row, line }, i) => {
      const rowKey = `${pathKey}.${i}`;
      this.at(rowKey, line);
      // Cell columns are found again on demand (see locate): storing one per cell costs more than parsing.
      this.rowCells.set(rowKey, row);
      const item: Record<string, unknown> = {};
      for (const field in row) {
        const cell = row[field] as { value: string; column: number };
        const col = cell.column;
        const v = cell.value;
        const kind = kinds[field];
        let value: unknown;
        if (kind === undefined) {
          value = v === '' ? undefined : v;
        } else if (kind === 'skip') {
          continue;
        } else if (kind === 'time' && field === 'at' && tableKey === 'details.timeline') {
          Object.assign(item, this.timelineTime(v, line, col, [...path, i, field]));
          continue;
        } else if (kind === 'time') {
          value = this.cellInstant(v, line, col, [...path, i, field], false);
        } else if (kind === 'number') {
          value = v === '' ? undefined : this.cellNumber(v, line, col, [...path, i, field]);
        } else {
          const [codes, what] = kind;
          value = this.cellEnum(codes, v, line, col, [...path, i, field], what) ?? (v === '' ? undefined : v);
        }
        // An empty cell is an absent field, not a field set to undefined.
        if (value !== undefined) item[field] = value;
      }
      if (tableKey === 'details.timeline') {
        item.at ??= null;
        item.kind ??= 'other';
      }
      if ((tableKey === 'impact.financial' || tableKey === 'impact.figures') && row.basis === undefined) {
        this.problem(line, 1, 'the Basis column (estimate or confirmed) is missing', [...path, i]);
      }
      result.push(item);
    });
    return result;
  }

  /** A bullet list of `**ID** text` items; items without an id get one later. */
  idList(lines: Line[], path: ModelPath): { id?: string; text: string }[] {
    const items: { id?: string; text: string }[] = [];
    for (const l of withoutComments(lines)) {
      const m = /^[-*+][ \t]+(?:\*\*([A-Za-z]+\d+)\*\*[ \t]+)?([^ \t].*|)$/.exec(l.text);
      if (!m) {
        const last = items.at(-1);
        if (last && /^\s+\S/.test(l.text)) {
          last.text = `${last.text} ${l.text.trim()}`;
          continue;
        }
        this.problem(l.no, 1, 'expected a list item (- text); free text belongs under ### Notes', path);
        continue;
      }
      const p = [...path, items.length];
      this.at(p, l.no);
      this.at([...p, 'text'], l.no, l.text.length - (m[2] ?? '').length + 1);
      items.push({ ...(m[1] ? { id: m[1].toUpperCase() } : {}), text: (m[2] ?? '').trim() });
    }
    return items;
  }

  fishbone(lines: Line[], path: ModelPath) {
    const causes: { category: string; cause: string; subCauses: string[] }[] = [];
    for (const l of withoutComments(lines)) {
      const sub = /^[ \t]{2,}[-*+][ \t]+([^ \t].*|)$/.exec(l.text);
      if (sub) {
        const last = causes.at(-1);
        if (!last) {
          this.problem(l.no, 1, 'a sub-cause needs a cause above it', path);
          continue;
        }
        this.at([...path, causes.length - 1, 'subCauses', last.subCauses.length], l.no);
        last.subCauses.push((sub[1] ?? '').trim());
        continue;
      }
      const m = /^[-*+][ \t]+(?:\*\*((?:[^:]|:(?!\*\*))+):\*\*|([^: \t][^:]*):)[ \t]*([^ \t].*|)$/.exec(
        l.text,
      );
      const label = (m?.[1] ?? m?.[2] ?? '').trim();
      const category = FISHBONE_BY_LABEL.get(headingKey(label)) ?? codeOf(FISHBONE_CATEGORIES, label);
      if (!m || !category) {
        this.problem(
          l.no,
          1,
          `expected "- **Category:** cause" with a category among ${Object.values(FISHBONE_LABELS).join(', ')}`,
          path,
        );
        continue;
      }
      this.at([...path, causes.length], l.no);
      causes.push({ category, cause: (m[3] ?? '').trim(), subCauses: [] });
    }
    return causes;
  }

  whys(lines: Line[], path: ModelPath) {
    const chains: { problem: string; steps: unknown[]; conclusion?: string }[] = [];
    let current: { chain: (typeof chains)[number]; lines: Line[] } | undefined;
    const flush = () => {
      if (!current) return;
      const i = chains.length - 1;
      const body: Line[] = [];
      for (const l of current.lines) {
        const c = /^\*\*Conclusion:\*\*[ \t]*([^ \t].*|)$/.exec(l.text);
        if (c) {
          current.chain.conclusion = (c[1] ?? '').trim();
          this.at([...path, i, 'conclusion'], l.no);
        } else body.push(l);
      }
      current.chain.steps = this.rows('whys', body, [...path, i, 'steps']);
    };
    for (const l of lines) {
      const h = /^####(?=[ \t])(?:[ \t]+([^ \t](?:.*[^ \t])?))?[ \t]*$/.exec(l.text);
      if (h) {
        flush();
        this.at([...path, chains.length], l.no);
        this.at([...path, chains.length, 'problem'], l.no, 6);
        const chain = { problem: h[1] ?? '', steps: [] };
        chains.push(chain);
        current = { chain, lines: [] };
        continue;
      }
      if (current) current.lines.push(l);
      else if (withoutComments([l]).length > 0) {
        this.problem(l.no, 1, 'a 5 Whys chain starts with a "#### problem" heading', path);
      }
    }
    flush();
    return chains;
  }

  action(block: Block, index: number, m: RegExpExecArray | null) {
    const path: ModelPath = ['actions', 'items', index];
    this.at(path, block.line);
    const item: Record<string, unknown> = { title: (m ? m[2] : block.heading)?.trim() ?? '' };
    if (m?.[1]) item.id = m[1].toUpperCase();
    this.at([...path, 'title'], block.line, 5 + (m ? (m[1]?.length ?? 0) + 2 : 0));
    this.at([...path, 'id'], block.line, 5);
    const nested: Record<string, Record<string, unknown>> = {};
    const setNested = (head: string, sub: string, value: unknown) => {
      nested[head] = { ...nested[head], [sub]: value };
    };
    for (const l of withoutComments(block.lines)) {
      const f = /^[-*+][ \t]+(?:\*\*((?:[^:]|:(?!\*\*))+):\*\*|([^: \t][^:]*):)[ \t]*([^ \t].*|)$/.exec(
        l.text,
      );
      const label = headingKey(f?.[1] ?? f?.[2] ?? '');
      const spec = ACTION_FIELDS.find((a) => headingKey(a.label) === label);
      if (!f || !spec) {
        this.problem(
          l.no,
          1,
          `expected "- **Field:** value" with a field among ${ACTION_FIELDS.map((a) => a.label).join(', ')}`,
          path,
        );
        continue;
      }
      const value = (f[3] ?? '').trim();
      const col = l.text.length - (f[3] ?? '').length + 1;
      const fp: ModelPath = [...path, ...spec.field.split('.')];
      this.at(fp, l.no, col);
      if (value === '') continue;
      switch (spec.field) {
        case 'category':
          item.category = this.cellEnum(ACTION_CATEGORIES, value, l.no, col, fp, 'category') ?? value;
          break;
        case 'priority':
          item.priority = this.cellEnum(ACTION_PRIORITIES, value, l.no, col, fp, 'priority') ?? value;
          break;
        case 'status':
          item.status = this.cellEnum(ACTION_STATUSES, value, l.no, col, fp, 'status') ?? value;
          break;
        case 'addresses':
          item.addresses = value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean);
          break;
        case 'verification.result':
          setNested(
            'verification',
            'result',
            this.cellEnum(VERIFICATION_RESULTS, value, l.no, col, fp, 'verification result') ?? value,
          );
          break;
        case 'verification.evidence':
          setNested(
            'verification',
            'evidence',
            value
              .split(EVIDENCE_SEPARATOR)
              .map((s) => s.trim())
              .filter(Boolean),
          );
          break;
        default: {
          const [head, sub] = spec.field.split('.') as [string, string | undefined];
          if (sub !== undefined) setNested(head, sub, value);
          else item[spec.field] = value;
        }
      }
    }
    Object.assign(item, nested);
    return item;
  }

  parse(text: string): ParsedPostmortem {
    const all = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    const nested = all.findIndex((l) => lineNesting(l) > MAX_LINE_NESTING);
    if (nested !== -1) {
      this.fatal(
        nested + 1,
        1,
        `line ${nested + 1} is nested deeper than any report needs (over ${MAX_LINE_NESTING} quote or list markers)`,
      );
      return { problems: this.problems, locate: () => undefined };
    }
    const lines: Line[] = all.map((t, i) => ({ text: t, no: i + 1 }));
    let bodyStart = 0;
    let front: unknown = {};
    // YAML that cannot be read leaves every front matter field unknown: its syntax error is the one to
    // report, not "kind is missing" at line 1 for each of them.
    let frontUnread = false;
    if (lines[0]?.text.trim() !== '---') {
      this.problem(1, 1, 'a Postmortem Markdown file starts with YAML front matter between two --- lines');
    } else {
      const close = lines.findIndex((l, i) => i > 0 && (l.text.trim() === '---' || l.text.trim() === '...'));
      if (close === -1) {
        this.problem(1, 1, 'the front matter is not closed: add a line with --- after it');
        bodyStart = lines.length;
      } else {
        const fm = parseFrontMatter(
          lines
            .slice(1, close)
            .map((l) => l.text)
            .join('\n'),
          2,
        );
        for (const p of fm.problems) this.fatal(p.line, p.column, p.message);
        frontUnread = fm.data === undefined && fm.problems.length > 0;
        for (const [k, v] of fm.positions) {
          this.positions.set(k, v);
          // A key with no value (e.g. `authors:`) is located at its key.
          if (k.endsWith('#key') && !fm.positions.has(k.slice(0, -4))) this.positions.set(k.slice(0, -4), v);
        }
        if (
          fm.data !== undefined &&
          fm.data !== null &&
          (typeof fm.data !== 'object' || Array.isArray(fm.data))
        ) {
          this.fatal(2, 1, 'the front matter must be a set of key: value lines');
        } else if (fm.data && typeof fm.data === 'object') {
          front = fm.data;
          if ('title' in (front as object)) {
            const pos = fm.positions.get('title#key') ?? { line: 2, column: 1 };
            this.problem(
              pos.line,
              pos.column,
              'the title is the "# Title" line below the front matter, not a front matter key',
            );
            delete (front as Record<string, unknown>).title;
          }
        }
        bodyStart = close + 1;
      }
    }

    let title: string | undefined;
    const sections = new Map<SectionKey, Section>();
    let section: Section | undefined;
    let block: Block | undefined;
    for (const l of lines.slice(bodyStart)) {
      const h = HEADING.exec(l.text);
      const level = h?.[1]?.length ?? 0;
      if (h && level <= 3) {
        const content = (h[2] ?? '').trim();
        if (level === 1) {
          if (title !== undefined || section)
            this.problem(l.no, 1, 'only one "# Title" line is allowed, before the sections');
          else {
            title = content;
            this.at(['title'], l.no, 3);
          }
          continue;
        }
        if (level === 2) {
          const key = SECTION_BY_HEADING.get(headingKey(content));
          if (!key) {
            this.problem(
              l.no,
              4,
              `unknown section "${content}"; the sections are: ${SECTION_KEYS.map((k) => SECTION_HEADINGS[k]).join(', ')}`,
            );
            section = undefined;
            block = undefined;
            continue;
          }
          if (sections.has(key)) this.problem(l.no, 4, `the section "${content}" appears twice`);
          section = { key, line: l.no, preamble: [], blocks: [] };
          sections.set(key, section);
          this.at([key], l.no);
          block = undefined;
          continue;
        }
        if (!section) {
          this.problem(l.no, 1, `"### ${content}" must be inside a section (## heading)`);
          continue;
        }
        block = { heading: content, line: l.no, lines: [] };
        section.blocks.push(block);
        continue;
      }
      if (block) block.lines.push(l);
      else if (section) section.preamble.push(l);
      else if (withoutComments([l]).length > 0) {
        this.problem(
          l.no,
          1,
          'text before the first section is not part of the report; move it into a section',
        );
      }
    }
    if (title === undefined)
      this.problem(bodyStart + 1, 1, 'the report has no title: add a "# Title" line after the front matter');

    const raw: Record<string, unknown> = { ...(front as object), ...(title !== undefined ? { title } : {}) };
    for (const [key, s] of sections) raw[key] = this.section(s);
    this.assignIds(raw);

    const result = reportSchema.safeParse(raw);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        const root = String(path[0] ?? '');
        if (frontUnread && root !== 'title' && !(SECTION_KEYS as readonly string[]).includes(root)) continue;
        // A missing title was reported where the "# Title" line belongs, not at line 1.
        if (root === 'title' && title === undefined) continue;
        if (issue.code === 'unrecognized_keys') {
          for (const k of issue.keys) {
            const pos = this.positions.get(`${[...path, k].join('.')}#key`) ??
              this.locate([...path, k]) ?? { line: 1, column: 1 };
            this.problem(pos.line, pos.column, `unknown field "${[...path, k].join('.')}"`, [...path, k]);
          }
          continue;
        }
        // One message per field: the parser's own words come first, and a second rule failing on the same
        // value adds nothing a person can act on.
        const key = path.join('.');
        if (this.problems.some((p) => p.path && p.path.join('.') === key)) continue;
        const pos = this.locate(path) ?? { line: 1, column: 1 };
        const name = path.length ? path.join('.') : 'report';
        this.problem(pos.line, pos.column, `${name}: ${issue.message}`, path);
      }
    }
    this.problems.sort((a, b) => a.line - b.line || a.column - b.column);
    const unique = this.problems.filter(
      (p, i, arr) => i === 0 || p.line !== arr[i - 1]?.line || p.message !== arr[i - 1]?.message,
    );
    return {
      ...(unique.length === 0 && result.success ? { report: result.data } : {}),
      problems: unique,
      locate: (path) => this.locate(path),
    };
  }

  locate(path: ModelPath): Position | undefined {
    if (path.length >= 2) {
      const row = this.rowCells.get(path.slice(0, -1).join('.'));
      const cell = row?.[String(path.at(-1))];
      const line = row && this.positions.get(path.slice(0, -1).join('.'))?.line;
      if (cell && line) return { line, column: cell.column };
    }
    for (let n = path.length; n > 0; n -= 1) {
      const hit = this.positions.get(path.slice(0, n).join('.'));
      if (hit) return hit;
    }
    return undefined;
  }

  section(s: Section): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const content = withoutComments(s.preamble);
    if (content.length > 0) {
      const first = content[0] as Line;
      this.problem(
        first.no,
        1,
        `text directly under "## ${SECTION_HEADINGS[s.key]}" belongs to no field; put it under a ### heading such as ### ${NOTES_HEADING}`,
        [s.key],
      );
    }
    const seen = new Set<string>();
    const specs = SECTION_BLOCKS[s.key];
    let actionIndex = 0;
    const appendices: unknown[] = [];
    for (const b of s.blocks) {
      const hk = headingKey(b.heading);
      if (seen.has(hk)) this.problem(b.line, 5, `"### ${b.heading}" appears twice in this section`, [s.key]);
      seen.add(hk);
      if (hk === headingKey(NOTES_HEADING)) {
        const notes = this.prose(b.lines, [s.key, 'notes']);
        if (notes !== undefined) out.notes = notes;
        continue;
      }
      const spec = specs.find((sp) => headingKey(sp.heading) === hk);
      if (spec) {
        const value = this.block(s.key, spec, b);
        // The value's own position (set while reading it) wins; an empty block points at its heading.
        this.at([s.key, spec.field], b.line);
        if (value !== undefined) out[spec.field] = value;
        continue;
      }
      if (s.key === 'actions') {
        const m = /^(A\d{1,4}):[ \t]*([^ \t].*|)$/i.exec(b.heading);
        const items = (out.items ??= []) as unknown[];
        items.push(this.action(b, actionIndex, m));
        actionIndex += 1;
        continue;
      }
      if (s.key === 'materials') {
        const m = /^Appendix(?:[ \t]+([A-Za-z]{1,2}))?[ \t]*(?::[ \t]*([^ \t].*|))?$/i.exec(b.heading);
        if (m) {
          const i = appendices.length;
          this.at(['materials', 'appendices', i], b.line);
          this.at(['materials', 'appendices', i, 'title'], b.line, 5);
          const content = this.prose(b.lines, ['materials', 'appendices', i, 'content']);
          appendices.push({
            ...(m[1] ? { id: m[1].toUpperCase() } : {}),
            title: (m[2] ?? '').trim() || `Appendix ${m[1] ?? ''}`.trim(),
            ...(content !== undefined ? { content } : {}),
          });
          continue;
        }
      }
      const expected = [...specs.map((sp) => sp.heading), NOTES_HEADING];
      if (s.key === 'materials') expected.push('Appendix A: title');
      this.problem(
        b.line,
        5,
        `unknown heading "### ${b.heading}" in ${SECTION_HEADINGS[s.key]}; expected one of: ${expected.join(', ')}`,
        [s.key],
      );
    }
    if (appendices.length > 0) out.appendices = appendices;
    return out;
  }

  block(key: SectionKey, spec: BlockSpec, b: Block): unknown {
    const path: ModelPath = [key, spec.field];
    switch (spec.type) {
      case 'prose':
        return this.prose(b.lines, path);
      case 'table':
        return this.rows(`${key}.${spec.field}`, b.lines, path);
      case 'list': {
        const items = this.idList(b.lines, path);
        return key === 'analysis' && spec.field === 'factors' ? items.map(withFactorCategory) : items;
      }
      case 'fishbone':
        return this.fishbone(b.lines, path);
      case 'whys':
        return this.whys(b.lines, path);
    }
  }

  /** Give list items written without an id the next free one, so hand-written lists need no bookkeeping. */
  assignIds(raw: Record<string, unknown>) {
    const fill = (items: unknown, prefix: string) => {
      if (!Array.isArray(items)) return;
      const used = new Set(items.map((i) => (i as { id?: string }).id).filter(Boolean));
      let n = 1;
      for (const item of items as { id?: string }[]) {
        if (item.id) continue;
        while (used.has(`${prefix}${n}`)) n += 1;
        item.id = `${prefix}${n}`;
        used.add(item.id);
      }
    };
    const analysis = raw.analysis as Record<string, unknown> | undefined;
    fill(analysis?.factors, 'CF');
    const lessons = raw.lessons as Record<string, unknown[]> | undefined;
    if (lessons)
      fill(
        [lessons.wentWell, lessons.wentWrong, lessons.couldImprove, lessons.lucky].flatMap((l) => l ?? []),
        'L',
      );
    fill((raw.actions as Record<string, unknown> | undefined)?.items, 'A');
    const appendices = (raw.materials as Record<string, unknown> | undefined)?.appendices;
    if (Array.isArray(appendices)) {
      const used = new Set(appendices.map((a) => (a as { id?: string }).id).filter(Boolean));
      let n = 0;
      for (const a of appendices as { id?: string }[]) {
        if (a.id) continue;
        while (used.has(String.fromCharCode(65 + (n % 26)).repeat(Math.floor(n / 26) + 1))) n += 1;
        a.id = String.fromCharCode(65 + (n % 26)).repeat(Math.floor(n / 26) + 1);
        used.add(a.id);
      }
    }
  }
}

/** Parse Postmortem Markdown into a report, with every problem located by line and column. */
export function parsePostmortem(text: string, options: { file?: string } = {}): ParsedPostmortem {
  const parser = new Parser();
  if (text.length > MAX_MARKDOWN_BYTES) {
    parser.fatal(1, 1, `the file is larger than ${MAX_MARKDOWN_BYTES / 1024 / 1024} MB`);
    return {
      problems: parser.problems.map((p) => ({ ...p, ...(options.file ? { file: options.file } : {}) })),
      locate: () => undefined,
    };
  }
  const parsed = parser.parse(text);
  if (options.file) for (const p of parsed.problems) p.file = options.file;
  return parsed;
}

function stripMark(text: string): { text: string; marked: boolean } {
  return text.startsWith(APPROXIMATE_MARK)
    ? { text: text.slice(APPROXIMATE_MARK.length), marked: true }
    : { text, marked: false };
}

/** A contributing factor's item: the category and the unescaped text that `readFactorText` finds. */
function withFactorCategory(item: { id?: string; text: string }): {
  id?: string;
  text: string;
  category?: string;
} {
  return { ...item, ...readFactorText(item.text) };
}
