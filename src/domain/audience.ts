// Audience versions of one report. `internal` is the report as written; `executive` is a one-page view
// chosen by the renderers; `public` is derived here: what happened, the impact and what is being done, with
// people's names, e-mail addresses, internal hosts, IP addresses, internal links, money and everything the
// writer marked internal taken out. A version is never stored: it is computed from the current report.
import { z } from 'zod';
import type { ModelPath } from './checks.js';
import ipaddr from 'ipaddr.js';
import {
  INTERNAL_MARK_MESSAGE,
  INTERNAL_MARK_PATTERN,
  METADATA_MARK_LISTS,
  reportSchema,
  type Report,
} from './report.schema.js';

export const AUDIENCES = ['internal', 'executive', 'public'] as const;
export const audienceSchema = z.enum(AUDIENCES);
export type Audience = z.infer<typeof audienceSchema>;

/**
 * What a writer can mark internal, kept in the report's `internal` list (front matter in Markdown):
 * - a prose field by its path: `impact.team`, `summary.notes`, `details.stepsTaken`
 * - an item with an id by that id: `CF2`, `L3`, `A1`, `M4`, and an appendix as `appendix.B`
 * - a row without an id by its list and position (from 0): `details.timeline.3`, `impact.figures.0`
 * - an entry of a row's own list: `analysis.fiveWhys.0.steps.2` (a why), `analysis.fishbone.1.subCauses.0`
 * - an entry of a metadata list: `authors.1`, `involved.0`, `tags.2`, `systems.0`, `related.1`
 */
export const INTERNAL_MARK = INTERNAL_MARK_PATTERN;
export const internalMarkSchema = z.string().regex(INTERNAL_MARK, INTERNAL_MARK_MESSAGE);

/** The lists whose rows are marked by position, as [section, field]. */
export const ROW_LISTS: readonly (readonly [string, string])[] = [
  ['details', 'timeline'],
  ['impact', 'financial'],
  ['impact', 'figures'],
  ['analysis', 'fiveWhys'],
  ['analysis', 'fishbone'],
  ['analysis', 'barriers'],
  ['analysis', 'changes'],
];
/** Lists inside a row, marked by the row's position and their own: [section, field, inner]. */
const NESTED_LISTS: readonly (readonly [string, string, string])[] = [
  ['analysis', 'fiveWhys', 'steps'],
  ['analysis', 'fishbone', 'subCauses'],
];

/** The mark for a model path the editor shows a toggle on: ids for items that have one, the path otherwise. */
export function markOf(report: Report, path: ModelPath): string {
  const [section, field, index, inner, innerIndex] = path;
  if (typeof section === 'string' && typeof field === 'number') return `${section}.${field}`;
  if (typeof index === 'number') {
    if (typeof inner === 'string' && typeof innerIndex === 'number')
      return `${String(section)}.${String(field)}.${index}.${inner}.${innerIndex}`;
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

/** Whether what sits at a path is left out of the public version: marked itself, or inside a marked row or field. */
export function isWithinInternal(report: Report, path: ModelPath): boolean {
  if (report.internal.length === 0) return false;
  const owners: ModelPath[] = [];
  if (typeof path[1] === 'number') owners.push(path.slice(0, 2));
  if (typeof path[1] === 'string') owners.push(path.slice(0, 2));
  if (typeof path[2] === 'number') owners.push(path.slice(0, 3));
  if (typeof path[4] === 'number') owners.push(path.slice(0, 5));
  return owners.some((o) => isMarkedInternal(report, o));
}

/** Mark or unmark a path internal; returns the new `internal` list (sorted, no duplicates). */
export function toggleInternal(report: Report, path: ModelPath, on: boolean): string[] {
  const mark = markOf(report, path);
  const rest = report.internal.filter((m) => m !== mark);
  return on ? [...rest, mark].sort() : rest;
}

/**
 * Keep row marks pointing at the same rows after the row at `index` of `list` (e.g. details.timeline, or
 * analysis.fiveWhys.0.steps) is removed: the removed row's marks (its own and those inside it) go, later
 * rows' marks move up.
 */
export function marksAfterRemoval(marks: string[], list: string, index: number): string[] {
  const prefix = `${list}.`;
  return marks.flatMap((m) => {
    if (!m.startsWith(prefix)) return [m];
    const rest = /^(\d+)((?:\..*)?)$/.exec(m.slice(prefix.length));
    if (!rest) return [m];
    const i = Number(rest[1]);
    if (i === index) return [];
    return [i > index ? `${prefix}${i - 1}${rest[2]}` : m];
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

/**
 * What counts as inside the organisation: domains it uses inside only (`corp.example.com`: hosts and links
 * under them are internal), host suffixes that only resolve inside (`.internal`, `.corp`) and IP ranges
 * (CIDR) of its networks. An admin sets them (settings `internalNetwork`); these are the defaults.
 */
export interface InternalNetwork {
  domains: string[];
  suffixes: string[];
  ipRanges: string[];
}

export const DEFAULT_INTERNAL_NETWORK: InternalNetwork = {
  domains: [],
  suffixes: [
    'internal',
    'intranet',
    'local',
    'localdomain',
    'lan',
    'corp',
    'intra',
    'private',
    'home',
    'home.arpa',
    'svc',
    'cluster',
    'consul',
    'test',
    'example',
  ],
  ipRanges: [
    '10.0.0.0/8',
    '172.16.0.0/12',
    '192.168.0.0/16',
    '127.0.0.0/8',
    '169.254.0.0/16',
    '100.64.0.0/10',
    '::1/128',
    'fc00::/7',
    'fe80::/10',
  ],
};

const V4_OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/** An IPv4 address in the usual four decimal parts, no leading zeros (`010.0.0.1` is octal to some parsers). */
const STRICT_V4 = new RegExp(`^${V4_OCTET}(?:\\.${V4_OCTET}){3}$`);

/**
 * A range as [address, prefix length], or undefined when `cidr` is not one (`10.0.0.0/8`, `fd00::/8`,
 * `10.1.2.3`). IPv4 only in four decimal parts: the short and octal forms other parsers take (`10/8` as
 * 0.0.0.10/8, `010.0.0.0/8` as 8.0.0.0/8) would quietly name another network and let addresses out.
 */
export function parseIpRange(cidr: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  const [address = '', bits, ...rest] = cidr.trim().split('/');
  if (rest.length > 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) return undefined;
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  if (STRICT_V4.test(address)) addr = ipaddr.IPv4.parse(address);
  else if (address.includes(':') && ipaddr.IPv6.isValid(address)) addr = ipaddr.IPv6.parse(address);
  else return undefined;
  const max = addr.kind() === 'ipv4' ? 32 : 128;
  const length = bits === undefined ? max : Number(bits);
  return length <= max ? [addr, length] : undefined;
}

/** Whether an IP address (v4 or v6, IPv4-mapped v6 read as v4) lies in one of the ranges. */
export function inIpRanges(address: string, ranges: readonly string[]): boolean {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let bare = address.replace(/\/\d+$/, '').replace(/^\[|\]$/g, '');
  // A dotted address with zero-padded parts (192.168.001.010) as the decimal it is written in, not octal.
  if (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(bare)) bare = bare.replace(/(^|\.)0+(?=\d)/g, '$1');
  try {
    addr = ipaddr.process(bare);
  } catch {
    return false;
  }
  return ranges.some((r) => {
    const range = parsedRange(r);
    return !!range && range[0].kind() === addr.kind() && addr.match(range);
  });
}

// Ranges parsed once: a report full of addresses is checked against up to 500 ranges for each address.
const parsedRanges = new Map<string, ReturnType<typeof parseIpRange>>();
function parsedRange(cidr: string): ReturnType<typeof parseIpRange> {
  if (!parsedRanges.has(cidr)) {
    if (parsedRanges.size >= 5000) parsedRanges.clear();
    parsedRanges.set(cidr, parseIpRange(cidr));
  }
  return parsedRanges.get(cidr);
}

export interface LeakContext {
  /** Names of people and their parts (given name, surname), matched as whole words, case-sensitive. */
  names: string[];
  /** Domains the organisation uses inside only, besides those of `network`. */
  internalDomains?: string[];
  /** The organisation's internal domains, host suffixes and IP ranges (default DEFAULT_INTERNAL_NETWORK). */
  network?: InternalNetwork;
}

const EMAIL = /(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+/g;
const URL_RE = /(?<![\w/])https?:\/\/[^\s<>()[\]"'`]+/gi;
// Parts of up to three digits, zero-padded ones too (192.168.001.010); a part over 255 is no address.
const IPV4 =
  /(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|[01]?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|[01]?\d?\d)(?:\/\d{1,2})?(?![\d.]*\d)/g;
const IPV6 =
  /(?<![\w:])(?=[0-9a-f:]*:[0-9a-f]*:)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:\/\d{1,3})?(?![\w:])/gi;
const HOST =
  /(?<![\w.@/-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+(?![\w-]|\.[a-z0-9])/gi;
const MONEY =
  /(?:[$€£¥]\s?\d(?:[\d,.]*\d)?(?:\s?(?:k|m|bn|million|thousand|billion)\b)?|(?<![\w,.])\d(?:[\d,.]*\d)?\s?(?:k|m|million|thousand|billion)?\s?(?:USD|EUR|GBP|JPY|CHF|CAD|AUD|SEK|NOK|DKK|dollars|euros|pounds)\b|\b(?:USD|EUR|GBP|JPY|CHF|CAD|AUD)\s?\d(?:[\d,.]*\d)?)/g;

const under = (host: string, domain: string) => {
  let d = domain.toLowerCase();
  while (d.startsWith('.')) d = d.slice(1);
  while (d.endsWith('.')) d = d.slice(0, -1);
  return d !== '' && (host === d || host.endsWith(`.${d}`));
};

function internalHost(host: string, ctx: LeakContext): boolean {
  const net = ctx.network ?? DEFAULT_INTERNAL_NETWORK;
  const h = host.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || !h.includes('.')) return !ipaddr.isValid(h) || inIpRanges(h, net.ipRanges);
  if (ipaddr.IPv4.isValidFourPartDecimal(h)) return inIpRanges(h, net.ipRanges);
  if (net.suffixes.some((s) => under(h, s))) return true;
  return [...net.domains, ...(ctx.internalDomains ?? [])].some((d) => under(h, d));
}

/** Whether a link points inside the organisation (an internal host, an IP address, a single-label name). */
export function isInternalLink(link: string, ctx: LeakContext): boolean {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^/:?#]+)/i.exec(link.trim());
  if (!m) return !/^attachment:/i.test(link.trim()) && !/^[A-Z]{1,2}\d{0,4}$/.test(link.trim());
  return internalHost(m[1]!.replace(/^\[|\]$/g, ''), ctx);
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
  const ranges = (ctx.network ?? DEFAULT_INTERNAL_NETWORK).ipRanges;
  // An address of one of the organisation's networks (a public one, say a resolver's, may stay).
  add('ip', IPV4, (s) => inIpRanges(s, ranges));
  add(
    'ip',
    IPV6,
    (s) =>
      /\d/.test(s) && /[a-f]|::/i.test(s) && !/^\d{1,2}:\d\d(?::\d\d)?$/.test(s) && inIpRanges(s, ranges),
  );
  add('host', HOST, (h) => /[a-z]/i.test(h) && internalHost(h, ctx) && h.includes('.'));
  add('money', MONEY, (s) => /\d/.test(s));
  const names = [...new Set(ctx.names.filter((n) => n.trim().length > 1))].sort(
    (a, b) => b.length - a.length,
  );
  if (names.length) {
    add(
      'name',
      // a mention (@Robin, @jdoe) too, but not the part of an e-mail address after its @
      new RegExp(
        `(?<![\\p{L}\\p{N}@.])@?(?:${names.map(escapeRe).join('|')})(?![\\p{L}\\p{N}]|\\.[\\p{L}\\p{N}])`,
        'gu',
      ),
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
    // a user name (jdoe, kim.lee, @sam_ops) names a person as well as "Robin Example" does
    const handle = /^@?([\p{L}\p{N}][\p{L}\p{N}._-]{1,62}[\p{L}\p{N}])$/u.exec(bare);
    if (!looksLikePerson(bare)) {
      if (handle && /\p{L}/u.test(handle[1]!)) names.add(handle[1]!);
      continue;
    }
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

const TEXT_KEYS = ['text', 'title', 'answer', 'cause', 'barrier', 'change', 'problem', 'description'];

/** What was removed as a reader recognises it: an item's own words, not its JSON. */
function short(v: unknown): string {
  if (typeof v === 'string') return v.slice(0, 200);
  const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  let text: string | undefined;
  if (typeof o.measure === 'string' && typeof o.value === 'number')
    text = `${o.value} ${typeof o.unit === 'string' ? `${o.unit} ` : ''}${o.measure}`;
  else if (typeof o.amount === 'number')
    text = `${o.amount} ${String(o.currency)}${typeof o.description === 'string' ? ` (${o.description})` : ''}`;
  else text = TEXT_KEYS.map((k) => o[k]).find((x): x is string => typeof x === 'string');
  if (text === undefined) return JSON.stringify(v).slice(0, 200);
  const id = typeof o.id === 'string' ? `${o.id}: ` : '';
  const at = typeof o.at === 'string' ? `${o.at} ` : '';
  return `${id}${at}${text}`.slice(0, 200);
}

/** The public version of a report, and what was taken out of it (for the preview that highlights it). */
export function publicVersion(
  report: Report,
  options: { internalDomains?: string[]; network?: InternalNetwork } = {},
): PublicVersion {
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
  // Entries inside rows first: their marks name the row by its place before any row is taken out.
  for (const [s, f, inner] of NESTED_LISTS) {
    (r[s]![f] as Record<string, unknown[]>[]).forEach((row, i) => {
      const entries = row[inner] ?? [];
      row[inner] = entries.filter((entry, j) => {
        if (!marks.has(`${s}.${f}.${i}.${inner}.${j}`)) return true;
        removed.push({ path: [s, f, i, inner, j], reason: 'marked-internal', text: short(entry) });
        return false;
      });
    });
  }
  for (const key of METADATA_MARK_LISTS) {
    const top = r as unknown as Record<string, string[]>;
    top[key] = top[key]!.filter((entry, i) => {
      if (!marks.has(`${key}.${i}`)) return true;
      removed.push({ path: [key, i], reason: 'marked-internal', text: entry });
      return false;
    });
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
  const ctx: LeakContext = {
    names: peopleOf(report),
    internalDomains: options.internalDomains ?? [],
    ...(options.network ? { network: options.network } : {}),
  };
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

// ── marks that follow their rows through a save ─────────────────────────────────────────────────────

/**
 * Where each row of `before` went in `after`: rows found unchanged keep their match (the first unclaimed
 * equal row); a changed row is taken to sit at the same distance after the last unchanged row before it,
 * when that place holds a changed row too (an edit in place); otherwise it is gone.
 */
function rowMoves(before: readonly unknown[], after: readonly unknown[]): (number | undefined)[] {
  const free = new Map<string, number[]>();
  after.forEach((row, j) => {
    const key = JSON.stringify(row);
    free.set(key, [...(free.get(key) ?? []), j]);
  });
  const moves: (number | undefined)[] = before.map((row) => free.get(JSON.stringify(row))?.shift());
  const claimed = new Set(moves.filter((j): j is number => j !== undefined));
  let anchorOld = -1;
  let anchorNew = -1;
  before.forEach((_, i) => {
    const j = moves[i];
    if (j !== undefined) {
      anchorOld = i;
      anchorNew = j;
      return;
    }
    const guess = anchorNew + (i - anchorOld);
    if (guess >= 0 && guess < after.length && !claimed.has(guess)) {
      moves[i] = guess;
      claimed.add(guess);
    }
  });
  return moves;
}

const sameMarks = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * The `internal` list for a save of `after` over `before`. A writer who changed the marks (the editor
 * shifts them when it removes a row) is taken at their word. A save that leaves the marks as they were
 * but removes, inserts or reorders rows (the API, a Markdown edit) moves each positional mark with its row
 * (`details.timeline.3` becomes `details.timeline.2` when row 1 goes), and a mark whose row is gone goes too:
 * a mark never silently comes to point at another row, which would let the marked one out.
 */
export function marksFollowingRows(before: Report, after: Report): string[] {
  if (!sameMarks(before.internal, after.internal) || after.internal.length === 0) return after.internal;
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  const listAt = (root: Record<string, unknown>, s: string, f?: string): unknown[] => {
    const v = f === undefined ? root[s] : (root[s] as Record<string, unknown> | undefined)?.[f];
    return Array.isArray(v) ? v : [];
  };
  const moved = new Map<string, (number | undefined)[]>();
  const movesOf = (key: string, from: unknown[], to: unknown[]) => {
    if (!moved.has(key)) moved.set(key, rowMoves(from, to));
    return moved.get(key)!;
  };
  const out = new Set<string>();
  for (const mark of after.internal) {
    const nested = /^(analysis)\.(fiveWhys|fishbone)\.(\d+)\.(steps|subCauses)\.(\d+)$/.exec(mark);
    if (nested) {
      const [, s, f, i, inner, j] = nested as unknown as [string, string, string, string, string, string];
      const row = movesOf(`${s}.${f}`, listAt(b, s, f), listAt(a, s, f))[Number(i)];
      if (row === undefined) continue;
      const from = (listAt(b, s, f)[Number(i)] as Record<string, unknown>)[inner];
      const to = (listAt(a, s, f)[row] as Record<string, unknown>)[inner];
      const entry = movesOf(
        `${s}.${f}.${i}.${inner}`,
        Array.isArray(from) ? from : [],
        Array.isArray(to) ? to : [],
      )[Number(j)];
      if (entry !== undefined) out.add(`${s}.${f}.${row}.${inner}.${entry}`);
      continue;
    }
    const row = /^([a-z]+)\.([a-zA-Z]+)\.(\d+)$/.exec(mark);
    if (row && ROW_LISTS.some(([s, f]) => s === row[1] && f === row[2])) {
      const [, s, f, i] = row as unknown as [string, string, string, string];
      const to = movesOf(`${s}.${f}`, listAt(b, s, f), listAt(a, s, f))[Number(i)];
      if (to !== undefined) out.add(`${s}.${f}.${to}`);
      continue;
    }
    const meta = /^([a-z]+)\.(\d+)$/.exec(mark);
    if (meta && (METADATA_MARK_LISTS as readonly string[]).includes(meta[1]!)) {
      const [, key, i] = meta as unknown as [string, string, string];
      const to = movesOf(key, listAt(b, key), listAt(a, key))[Number(i)];
      if (to !== undefined) out.add(`${key}.${to}`);
      continue;
    }
    out.add(mark);
  }
  return [...out].sort();
}

/** The marks that name a row or entry past the end of its list, as [position in `internal`, why]. */
export function marksPastTheEnd(report: Report): [number, string][] {
  const r = report as unknown as Record<string, unknown>;
  const len = (v: unknown) => (Array.isArray(v) ? v.length : 0);
  const out: [number, string][] = [];
  report.internal.forEach((mark, k) => {
    const parts = mark.split('.');
    let list: unknown = undefined;
    let name = '';
    let index = -1;
    const nested = /^(analysis)\.(fiveWhys|fishbone)\.(\d+)\.(steps|subCauses)\.(\d+)$/.exec(mark);
    if (nested) {
      const rows = (r.analysis as Record<string, unknown>)[nested[2]!] as Record<string, unknown>[];
      const row = rows[Number(nested[3])];
      if (!row) {
        out.push([k, `${mark}: analysis.${nested[2]} has ${rows.length} rows (they count from 0)`]);
        return;
      }
      list = row[nested[4]!];
      name = parts.slice(0, 4).join('.');
      index = Number(nested[5]);
    } else if (parts.length === 3 && ROW_LISTS.some(([s, f]) => s === parts[0] && f === parts[1])) {
      list = (r[parts[0]!] as Record<string, unknown>)[parts[1]!];
      name = `${parts[0]}.${parts[1]}`;
      index = Number(parts[2]);
    } else if (parts.length === 2 && (METADATA_MARK_LISTS as readonly string[]).includes(parts[0]!)) {
      list = r[parts[0]!];
      name = parts[0]!;
      index = Number(parts[1]);
    } else return;
    if (index >= len(list)) out.push([k, `${mark}: ${name} has ${len(list)} entries (they count from 0)`]);
  });
  return out;
}
