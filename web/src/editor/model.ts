import { formatInstant, parseInstant } from '../../../src/domain/primitives.schema.js';
import { SECTION_KEYS, type Report, type SectionKey } from '../../../src/domain/report.schema.js';

export type Path = (string | number)[];

/** The value at a path into a JSON-like value, or undefined. */
export function getAt(value: unknown, path: Path): unknown {
  let v = value;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/** A copy of `root` with `value` at `path`; only the objects along the path are copied, so untouched rows keep their identity. */
export function setAt<T>(root: T, path: Path, value: unknown): T {
  if (path.length === 0) return value as T;
  const [key, ...rest] = path as [string | number, ...Path];
  const current = (root ?? (typeof key === 'number' ? [] : {})) as Record<string | number, unknown>;
  const child = setAt(current[key], rest, value);
  if (Array.isArray(current)) {
    const copy = [...current];
    copy[key as number] = child;
    return copy as T;
  }
  const copy = { ...current };
  if (child === undefined) delete copy[key];
  else copy[key] = child;
  return copy as T;
}

/**
 * What is sent to the server: text trimmed, empty optional values left out, empty rows of lists dropped.
 * The editor keeps what the person typed (spaces and all) until then.
 */
export function clean<T>(value: T): T {
  if (typeof value === 'string') return value.trim() as T;
  if (Array.isArray(value)) {
    return value
      .map((v) => clean(v))
      .filter((v) => v !== undefined && v !== '' && !(isObject(v) && isBlankRow(v))) as T;
  }
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const c = clean(v);
      if (c === undefined || c === '' || (typeof c === 'number' && Number.isNaN(c))) continue;
      out[k] = c;
    }
    return out as T;
  }
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

// A row a person added but never typed into: only ids, enum defaults and empty lists.
const DEFAULT_KEYS = new Set(['id', 'kind', 'category', 'status', 'basis', 'currency', 'at']);
function isBlankRow(row: Record<string, unknown>): boolean {
  return Object.entries(row).every(
    ([k, v]) => DEFAULT_KEYS.has(k) || v === undefined || v === null || (Array.isArray(v) && v.length === 0),
  );
}

/** The parts a report is merged by: its metadata, then each of the seven sections. */
export const PARTS = ['meta', ...SECTION_KEYS] as const;
export type Part = (typeof PARTS)[number];

export const PART_LABELS: Record<Part, string> = {
  meta: 'Basics (title, severity, people, tags)',
  summary: 'Executive summary',
  details: 'Event details and timeline',
  impact: 'Impact',
  analysis: 'Root cause analysis',
  lessons: 'Lessons',
  actions: 'Action items',
  materials: 'Supporting materials',
};

const SECTIONS = new Set<string>(SECTION_KEYS);

/** One part of a report, for comparing and merging. */
export function partOf(report: Report, part: Part): unknown {
  if (part !== 'meta') return report[part];
  const meta: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(report)) if (!SECTIONS.has(k) && k !== 'state') meta[k] = v;
  return meta;
}

/** Deep equality of JSON values, ignoring key order. */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => same(a[k], b[k]));
  }
  return false;
}

export interface PartChange {
  part: Part;
  mine: boolean;
  theirs: boolean;
  /** Both sides changed the part, and not in the same way. */
  conflict: boolean;
}

/** Which parts each side changed since the version both started from. */
export function compareParts(base: Report, mine: Report, theirs: Report): PartChange[] {
  return PARTS.map((part) => {
    const b = partOf(base, part);
    const m = partOf(mine, part);
    const t = partOf(theirs, part);
    const mineChanged = !same(b, m);
    const theirsChanged = !same(b, t);
    return {
      part,
      mine: mineChanged,
      theirs: theirsChanged,
      conflict: mineChanged && theirsChanged && !same(m, t),
    };
  });
}

export type Choice = 'mine' | 'theirs';

/** The choice that loses nothing when only one side changed a part; a real conflict starts as "mine". */
export function defaultChoice(c: PartChange): Choice {
  return c.theirs && !c.mine ? 'theirs' : 'mine';
}

/** Build a report from their version, taking each part from the side chosen for it. */
export function mergeParts(mine: Report, theirs: Report, choices: Partial<Record<Part, Choice>>): Report {
  let out: Report = { ...theirs };
  for (const part of PARTS) {
    if (choices[part] !== 'mine') continue;
    if (part === 'meta') {
      const meta = partOf(mine, 'meta') as Record<string, unknown>;
      for (const k of Object.keys(partOf(theirs, 'meta') as object))
        if (!(k in meta)) delete (out as Record<string, unknown>)[k];
      out = { ...out, ...meta } as Report;
    } else {
      out = { ...out, [part]: mine[part] };
    }
  }
  return out;
}

/** Every leaf that differs between two values, as path and both values, for showing what changed. */
export function leafChanges(
  a: unknown,
  b: unknown,
  path: Path = [],
  out: { path: Path; a: unknown; b: unknown }[] = [],
) {
  if (same(a, b)) return out;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) leafChanges(a[i], b[i], [...path, i], out);
  } else if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      leafChanges(a[k], b[k], [...path, k], out);
  } else {
    out.push({ path, a, b });
  }
  return out;
}

/** A value in a line of text, for showing in a diff. */
export function preview(v: unknown): string {
  if (v === undefined || v === null) return '(empty)';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObject(v)) {
    const text =
      v.text ?? v.title ?? v.answer ?? v.cause ?? v.change ?? v.barrier ?? v.measure ?? v.description;
    if (typeof text === 'string') return text;
  }
  return JSON.stringify(v);
}

/** The section a model path belongs to ('meta' for metadata). */
export function partOfPath(path: Path): Part {
  const head = String(path[0] ?? '');
  return (SECTIONS.has(head) ? head : 'meta') as Part;
}

/** The next free id of a list with ids like CF1, L2 or A3. */
export function nextId(prefix: string, ids: (string | undefined)[]): string {
  let max = 0;
  for (const id of ids) {
    const m = id && new RegExp(`^${prefix}(\\d+)$`).exec(id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `${prefix}${max + 1}`;
}

/** The words in a text, as a person counts them. */
export function wordCount(text: string | undefined): number {
  return text ? (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’.-]*/gu) ?? []).length : 0;
}

/** The value of a datetime-local input for an instant; these inputs speak UTC here, as the report does. */
export const toLocalInput = (at: string | null | undefined): string => (at ? at.slice(0, 19) : '');

/** The canonical UTC instant a datetime-local input holds, or null when it is empty or not a real time. */
export function fromLocalInput(v: string): string | null {
  if (!v) return null;
  const ms = parseInstant(`${v.length === 16 ? `${v}:00` : v}Z`);
  return ms === undefined ? null : formatInstant(ms);
}

export type { SectionKey };
