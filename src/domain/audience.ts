// Audience versions of one report. `internal` is the report as written; `executive` is a one-page view
// chosen by the renderers; `public` is derived here: what happened, the impact and what is being done, with
// people's names, e-mail addresses, internal hosts, IP addresses, internal links, money and everything the
// writer marked internal taken out. A version is never stored: it is computed from the current report.
import { z } from 'zod';
import type { ModelPath } from './checks.js';
import { reportSchema, type Report } from './report.schema.js';

export const AUDIENCES = ['internal', 'executive', 'public'] as const;
export const audienceSchema = z.enum(AUDIENCES);
export type Audience = z.infer<typeof audienceSchema>;

/**
 * What a writer can mark internal, kept in the report's `internal` list (front matter in Markdown):
 * - a prose field by its path: `impact.team`, `summary.notes`, `details.stepsTaken`
 * - an item with an id by that id: `CF2`, `L3`, `A1`, `M4`, and an appendix as `appendix.B`
 * - a row without an id by its list and position (from 0): `details.timeline.3`, `impact.figures.0`
 */
export const INTERNAL_MARK = new RegExp(
  [
    '^(?:summary|details|impact|analysis|lessons|actions|materials)\\.[a-zA-Z]+$',
    '^(?:CF|L|A|M)\\d{1,4}$',
    '^appendix\\.[A-Z]{1,2}$',
    '^(?:details\\.timeline|impact\\.financial|impact\\.figures|analysis\\.fiveWhys|analysis\\.fishbone|analysis\\.barriers|analysis\\.changes)\\.\\d{1,4}$',
  ].join('|'),
);
export const internalMarkSchema = z
  .string()
  .regex(
    INTERNAL_MARK,
    'must be a field path (impact.team), an item id (A2, appendix.B) or a row (details.timeline.3)',
  );

/** The mark for a model path the editor shows a toggle on: ids for items that have one, the path otherwise. */
export function markOf(report: Report, path: ModelPath): string {
  const [section, field, index] = path;
  if (typeof index === 'number') {
    const list = (report as unknown as Record<string, Record<string, unknown[]>>)[section as string]?.[
      field as string
    ];
    const item = list?.[index] as { id?: string } | undefined;
    if (section === 'materials' && field === 'appendices' && item?.id) return `appendix.${item.id}`;
    if (item?.id) return item.id;
    return `${String(section)}.${String(field)}.${index}`;
  }
  return `${String(section)}.${String(field)}`;
}

export const isMarkedInternal = (report: Report, path: ModelPath): boolean =>
  report.internal.includes(markOf(report, path));

/** Mark or unmark a path internal; returns the new `internal` list (sorted, no duplicates). */
export function toggleInternal(report: Report, path: ModelPath, on: boolean): string[] {
  const mark = markOf(report, path);
  const rest = report.internal.filter((m) => m !== mark);
  return on ? [...rest, mark].sort() : rest;
}

/** Keep row marks pointing at the same rows after a row of `list` (e.g. details.timeline) at `index` is removed. */
export function marksAfterRemoval(marks: string[], list: string, index: number): string[] {
  const prefix = `${list}.`;
  return marks.flatMap((m) => {
    if (!m.startsWith(prefix) || !/^\d+$/.test(m.slice(prefix.length))) return [m];
    const i = Number(m.slice(prefix.length));
    if (i === index) return [];
    return [i > index ? `${prefix}${i - 1}` : m];
  });
}

// ── what may not go public ──────────────────────────────────────────────────────────────────────────

export type LeakKind = 'name' | 'email' | 'host' | 'ip' | 'url' | 'money';

export interface Leak {
  kind: LeakKind;
  start: number;
  end: number;
  text: string;
}

/** Top-level names that only resolve inside an organisation. */
const INTERNAL_SUFFIXES = [
  'internal',
  'intranet',
  'local',
  'localdomain',
  'lan',
  'corp',
  'intra',
  'private',
  'home',
  'svc',
  'cluster',
  'consul',
  'test',
  'example',
];

export interface LeakContext {
  /** Names of people and their parts (given name, surname), matched as whole words, case-sensitive. */
  names: string[];
  /** Domains the organisation uses inside only (`corp.example.com`): hosts and links under them are internal. */
  internalDomains: string[];
}

const EMAIL = /(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+/g;
const URL_RE = /(?<![\w/])https?:\/\/[^\s<>()[\]"'`]+/gi;
const IPV4 =
  /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\/\d{1,2})?(?![\d.]*\d)/g;
const IPV6 =
  /(?<![\w:])(?=[0-9a-f:]*:[0-9a-f]*:)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\/\d{1,3})?(?![\w:])/gi;
const HOST =
  /(?<![\w.@/-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+(?![\w-]|\.[a-z0-9])/gi;
const MONEY =
  /(?:[$€£¥]\s?\d(?:[\d,.]*\d)?(?:\s?(?:k|m|bn|million|thousand|billion)\b)?|(?<![\w,.])\d(?:[\d,.]*\d)?\s?(?:k|m|million|thousand|billion)?\s?(?:USD|EUR|GBP|JPY|CHF|CAD|AUD|SEK|NOK|DKK|dollars|euros|pounds)\b|\b(?:USD|EUR|GBP|JPY|CHF|CAD|AUD)\s?\d(?:[\d,.]*\d)?)/g;

function internalHost(host: string, ctx: LeakContext): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || !h.includes('.')) return true;
  if (IPV4.test(h)) {
    IPV4.lastIndex = 0;
    return true;
  }
  IPV4.lastIndex = 0;
  const last = h.slice(h.lastIndexOf('.') + 1);
  if (INTERNAL_SUFFIXES.includes(last)) return true;
  return ctx.internalDomains.some((d) => h === d.toLowerCase() || h.endsWith(`.${d.toLowerCase()}`));
}

/** Whether a link points inside the organisation (an internal host, an IP address, a single-label name). */
export function isInternalLink(link: string, ctx: LeakContext): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^/:?#]+)/i.exec(link.trim());
  if (!m) return !/^attachment:/i.test(link.trim()) && !/^[A-Z]{1,2}\d{0,4}$/.test(link.trim());
  return internalHost(m[1]!.replace(/^\[|\]$/g, ''), ctx) || m[1]!.startsWith('[');
}

/** A link without the sentence's punctuation after it ("see http://x/y." → "http://x/y"). */
function stripTail(s: string): string {
  let end = s.length;
  while (end > 0 && '.,;:!?'.includes(s[end - 1]!)) end--;
  return s.slice(0, end);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Everything in a piece of text that may not go public, without overlaps, in order. */
export function findLeaks(text: string, ctx: LeakContext, kinds: readonly LeakKind[] = LEAK_KINDS): Leak[] {
  const found: Leak[] = [];
  const add = (kind: LeakKind, re: RegExp, keep: (s: string) => boolean = () => true) => {
    if (!kinds.includes(kind)) return;
    for (const m of text.matchAll(re)) {
      if (keep(m[0])) found.push({ kind, start: m.index, end: m.index + m[0].length, text: m[0] });
    }
  };
  add('url', URL_RE, (u) => isInternalLink(stripTail(u), ctx));
  add('email', EMAIL);
  add('ip', IPV4);
  add('ip', IPV6, (s) => /\d/.test(s) && /[a-f]|::/i.test(s) && !/^\d{1,2}:\d\d(?::\d\d)?$/.test(s));
  add('host', HOST, (h) => /[a-z]/i.test(h) && internalHost(h, ctx) && h.includes('.'));
  add('money', MONEY, (s) => /\d/.test(s));
  const names = [...new Set(ctx.names.filter((n) => n.trim().length > 1))].sort(
    (a, b) => b.length - a.length,
  );
  if (names.length) {
    add(
      'name',
      new RegExp(`(?<![\\p{L}\\p{N}@.])(?:${names.map(escapeRe).join('|')})(?![\\p{L}\\p{N}])`, 'gu'),
    );
  }
  // URLs first, then longer matches: a host inside a link or an e-mail is not counted twice.
  const order: LeakKind[] = ['url', 'email', 'ip', 'host', 'money', 'name'];
  found.sort((a, b) => a.start - b.start || order.indexOf(a.kind) - order.indexOf(b.kind) || b.end - a.end);
  const out: Leak[] = [];
  for (const l of found) {
    const prev = out[out.length - 1];
    if (prev && l.start < prev.end) continue;
    out.push({ ...l, text: l.kind === 'url' ? stripTail(l.text) : l.text });
    if (l.kind === 'url') out[out.length - 1]!.end = l.start + out[out.length - 1]!.text.length;
  }
  return out;
}

export const LEAK_KINDS: readonly LeakKind[] = ['name', 'email', 'host', 'ip', 'url', 'money'];

const PLACEHOLDER: Record<LeakKind, string> = {
  name: '[name withheld]',
  email: '[e-mail withheld]',
  host: '[internal host]',
  ip: '[address withheld]',
  url: '[internal link]',
  money: '[amount withheld]',
};

/** The text with every leak replaced by a placeholder, and the leaks. */
export function redact(text: string, ctx: LeakContext): { text: string; leaks: Leak[] } {
  const leaks = findLeaks(text, ctx);
  let out = '';
  let at = 0;
  for (const l of leaks) {
    out += text.slice(at, l.start) + PLACEHOLDER[l.kind];
    at = l.end;
  }
  return { text: out + text.slice(at), leaks };
}

/** A person's name as written in a people list: words that start with a capital, no digits or @. */
const looksLikePerson = (s: string) =>
  /^\p{Lu}[\p{L}\p{M}'’.-]*(?:\s+\p{Lu}[\p{L}\p{M}'’.-]*){0,3}$/u.test(s.trim()) && !/\d|@/.test(s);

/** The names of the report's people (authors, facilitator, reviewers, involved, members, owners, actors) and their parts. */
export function peopleOf(report: Report): string[] {
  const raw = [
    ...report.authors,
    ...(report.facilitator ? [report.facilitator] : []),
    ...report.reviewers,
    ...report.involved,
    ...report.members,
    ...report.actions.items.flatMap((a) => [a.owner ?? '', a.verification?.by ?? '']),
    ...report.details.timeline.map((e) => e.actor ?? ''),
  ]
    .map((s) => s.trim())
    .filter(Boolean);
  const names = new Set<string>();
  for (const entry of raw) {
    // "Robin Example <robin@example.com>" or "robin@example.com": the e-mail is found as an e-mail
    const bare = entry.replace(/<[^<>]*>|\([^()]*\)/g, '').trim();
    if (!looksLikePerson(bare)) continue;
    names.add(bare);
    for (const part of bare.split(/\s+/)) if (part.replace(/\W/g, '').length > 1) names.add(part);
  }
  return [...names];
}

export interface Removal {
  /** Where in the report (model path) the thing was taken out. */
  path: ModelPath;
  /** Why: a kind of leak, a field or item marked internal, or a field the public version never shows. */
  reason: LeakKind | 'marked-internal' | 'people' | 'financial' | 'link';
  /** What was removed, as written. */
  text: string;
}

export interface PublicVersion {
  report: Report;
  removed: Removal[];
}

const ROW_LISTS: [string, string][] = [
  ['details', 'timeline'],
  ['impact', 'financial'],
  ['impact', 'figures'],
  ['analysis', 'fiveWhys'],
  ['analysis', 'fishbone'],
  ['analysis', 'barriers'],
  ['analysis', 'changes'],
];
const ID_LISTS: [string, string][] = [
  ['analysis', 'factors'],
  ['lessons', 'wentWell'],
  ['lessons', 'wentWrong'],
  ['lessons', 'couldImprove'],
  ['lessons', 'lucky'],
  ['actions', 'items'],
  ['materials', 'items'],
  ['materials', 'appendices'],
];

const short = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v)).slice(0, 200);

/** The public version of a report, and what was taken out of it (for the preview that highlights it). */
export function publicVersion(report: Report, options: { internalDomains?: string[] } = {}): PublicVersion {
  const r = structuredClone(report) as unknown as Record<string, Record<string, unknown>>;
  const removed: Removal[] = [];
  const marks = new Set(report.internal);

  // 1. Fields and items the writer marked internal.
  for (const mark of marks) {
    const field = /^([a-z]+)\.([a-zA-Z]+)$/.exec(mark);
    if (field && !mark.startsWith('appendix.')) {
      const [, s, f] = field as unknown as [string, string, string];
      const section = r[s];
      const value = section?.[f];
      if (section && value !== undefined && !(Array.isArray(value) && value.length === 0)) {
        removed.push({ path: [s, f], reason: 'marked-internal', text: short(value) });
        section[f] = Array.isArray(value) ? [] : undefined;
        if (section[f] === undefined) delete section[f];
      }
    }
  }
  for (const [s, f] of ROW_LISTS) {
    const list = r[s]![f] as unknown[];
    const keep: unknown[] = [];
    list.forEach((row, i) => {
      if (marks.has(`${s}.${f}.${i}`))
        removed.push({ path: [s, f, i], reason: 'marked-internal', text: short(row) });
      else keep.push(row);
    });
    r[s]![f] = keep;
  }
  for (const [s, f] of ID_LISTS) {
    const list = r[s]![f] as { id: string }[];
    r[s]![f] = list.filter((item, i) => {
      const mark = s === 'materials' && f === 'appendices' ? `appendix.${item.id}` : item.id;
      if (!marks.has(mark)) return true;
      removed.push({ path: [s, f, i], reason: 'marked-internal', text: short(item) });
      return false;
    });
  }

  // 2. Fields a public reader never gets: people, money lines, internal references and links.
  const top = r as unknown as Record<string, unknown>;
  for (const key of [
    'authors',
    'reviewers',
    'involved',
    'members',
    'systems',
    'related',
    'internal',
  ] as const) {
    const list = top[key] as string[];
    if (list.length)
      removed.push({
        path: [key],
        reason: key === 'systems' ? 'host' : key === 'related' || key === 'internal' ? 'link' : 'people',
        text: list.join(', '),
      });
    top[key] = [];
  }
  // Ids of earlier reports this one recurs: internal references, some perhaps to restricted reports.
  if (Array.isArray(top.recurrenceOf)) {
    if ((top.recurrenceOf as string[]).length)
      removed.push({
        path: ['recurrenceOf'],
        reason: 'link',
        text: (top.recurrenceOf as string[]).join(', '),
      });
    delete top.recurrenceOf;
  }
  if (typeof top.facilitator === 'string') {
    removed.push({ path: ['facilitator'], reason: 'people', text: top.facilitator });
    delete top.facilitator;
  }
  const impact = r.impact as { financial: unknown[] };
  impact.financial.forEach((line, i) =>
    removed.push({ path: ['impact', 'financial', i], reason: 'financial', text: short(line) }),
  );
  impact.financial = [];
  const drop = (obj: Record<string, unknown>, key: string, path: ModelPath, reason: Removal['reason']) => {
    if (obj[key] === undefined) return;
    removed.push({ path: [...path, key], reason, text: short(obj[key]) });
    delete obj[key];
  };
  (r.details!.timeline as Record<string, unknown>[]).forEach((e, i) => {
    drop(e, 'actor', ['details', 'timeline', i], 'people');
    drop(e, 'evidence', ['details', 'timeline', i], 'link');
  });
  (r.actions!.items as Record<string, unknown>[]).forEach((a, i) => {
    drop(a, 'owner', ['actions', 'items', i], 'people');
    drop(a, 'tracker', ['actions', 'items', i], 'link');
    const v = a.verification as Record<string, unknown> | undefined;
    if (v) drop(v, 'by', ['actions', 'items', i, 'verification'], 'people');
  });
  (r.materials!.items as Record<string, unknown>[]).forEach((m, i) =>
    drop(m, 'link', ['materials', 'items', i], 'link'),
  );
  (r.analysis!.changes as Record<string, unknown>[]).forEach((c, i) =>
    drop(c, 'link', ['analysis', 'changes', i], 'link'),
  );

  // 3. What is left in the text: names, e-mail addresses, hosts, IP addresses, internal links, amounts.
  const ctx: LeakContext = { names: peopleOf(report), internalDomains: options.internalDomains ?? [] };
  const walk = (node: unknown, path: ModelPath): unknown => {
    if (typeof node === 'string') {
      const { text, leaks } = redact(node, ctx);
      for (const l of leaks) removed.push({ path, reason: l.kind, text: l.text });
      return text;
    }
    if (Array.isArray(node)) return node.map((v, i) => walk(v, [...path, i]));
    if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (SKIP_KEYS.has(k)) continue;
        (node as Record<string, unknown>)[k] = walk(v, [...path, k]);
      }
    }
    return node;
  };
  walk(r, []);
  return { report: reportSchema.parse(r), removed };
}

/** Keys whose values are codes, ids, times or numbers, never free text. */
const SKIP_KEYS = new Set([
  'id',
  'kind',
  'state',
  'severity',
  'period',
  'at',
  'end',
  'approximate',
  'endApproximate',
  'detection',
  'visibility',
  'tags',
  'category',
  'priority',
  'status',
  'deadline',
  'addresses',
  'basis',
  'currency',
  'amount',
  'value',
  'result',
  'on',
]);
