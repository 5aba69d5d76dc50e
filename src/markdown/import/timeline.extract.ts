import type { List, ListItem, Paragraph, Table } from 'mdast';
import { formatInstant, type EventKind, type TimelineEvent } from '../../domain/index.js';
import { sliceOf, lineOf, collapse, firstBracketed, oneLine, urlsIn, wholeLink } from './text.util.js';
import {
  findZoneStatement,
  formatDate,
  impossibleDateAt,
  nextDay,
  parseDateLine,
  parseLeadingStamp,
  toUtc,
  type LocalDate,
  type Stamp,
  type Zone,
} from './time.parse.js';

/** One timeline entry as written, before its time is resolved. */
export interface RawRow {
  line: number;
  /** The stamp read at the start, absent when the row gives no time at all. */
  stamp?: Stamp;
  /** The entry's text without its stamp (Markdown source, one or more lines). */
  text: string;
  /** The whole entry as written, kept as the text when its time cannot be resolved. */
  whole: string;
  actor?: string;
  evidence?: string;
  /** The zone a table header states for its time column. */
  headerZone?: { zone: Zone; phrase: string };
  /** A date given by a heading or a date line above the row; `dateKey` changes with each new one. */
  dateContext?: LocalDate;
  dateKey?: number;
  /** Set when the date above the row (a heading) cannot be a calendar date: the row's time stays unknown. */
  dateInvalid?: boolean;
  /** Set when the row starts with a date that cannot be one (`2024-13-05`), as written. */
  badDate?: string;
  /** Rows under one dated sub-heading belong to one incident of a report that covers several. */
  incident?: number;
}

// Cues are tried in this order; the first kind whose cue the text contains wins.
const KIND_CUES: [EventKind, RegExp][] = [
  [
    'mitigated',
    /\b(?:mitigat\w*|roll(?:ed|ing|s)? ?back|rollback|revert\w*|workaround|work-around|downgrad\w*|hotfix\w*|fail(?:ed)? ?over|stopgap|patched)\b/i,
  ],
  [
    'resolved',
    /\b(?:resolved|resolution|recovered|recovery complete|restored|closed|back to normal|fully operational|verified operational|systems? (?:verified )?operational|once again|all clear|fixed|solved)\b/i,
  ],
  [
    'detected',
    /\b(?:detect\w*|alert\w*|alarm\w*|paged|pages|page fired|notic\w*|reports?|reported|warning|warned|discover\w*|spotted|observed|flagged)\b/i,
  ],
  [
    'communicated',
    /\b(?:communicat\w*|e-?mail\w*|mail|status ?page|announc\w*|notif\w*|informed|posted|tweet\w*|customers? (?:were )?(?:told|contacted|updated))\b/i,
  ],
  [
    'responded',
    /\b(?:acknowledg\w*|ack(?:ed|'d)|joined (?:the )?(?:call|channel|bridge|incident|war ?room|response)|declared|escalat\w*|loops? in|looped in|on-?call (?:engaged|responded)|war ?room|ticket raised|raised|incident (?:opened|started|created))\b/i,
  ],
  [
    'investigating',
    /\b(?:investigat\w*|looking into|looks? into|debug\w*|diagnos\w*|triag\w*|started working|began working|confirm\w*|determin\w*|identif\w*|root[- ]caus\w*|analy[sz]\w*)\b/i,
  ],
  ['hypothesis', /\b(?:hypothes\w*|suspect\w*|theory|might be|may be caused|possibly)\b/i],
];

// Words saying an attempt did not work: the step is then neither a mitigation nor a resolution.
const FAILED_ATTEMPT =
  /\b(?:did ?n[o']?t (?:help|work|fix|resolve|improve|change|succeed)|does ?n[o']?t (?:help|work)|(?:had|has|with) no (?:effect|impact)|no improvement|without (?:success|effect)|unsuccessful(?:ly)?|failed(?! ?over)|fails|made (?:it|things) worse|was not enough|wasn't enough|to no avail)\b/i;
const OUTCOMES: ReadonlySet<EventKind> = new Set(['mitigated', 'resolved']);

function clauseKind(clause: string, outcomesAllowed: boolean): EventKind {
  for (const [kind, re] of KIND_CUES) {
    if (!outcomesAllowed && OUTCOMES.has(kind)) continue;
    if (re.test(clause)) return kind;
  }
  return 'other';
}

/**
 * The kind of a timeline entry, read from cue words in its text; `other` when none fits. The text is read
 * clause by clause: an attempt said not to have worked is no mitigation, and when an entry names both a
 * step and its outcome ("rolled back, logins recovered") the later one wins.
 */
export function eventKindOf(text: string): EventKind {
  const clauses = text.slice(0, 2000).split(/[;,.:!?]\s|\s(?:but|then|and then|however)\s|\s[-–—]\s/i);
  const failed = clauses.map((c) => FAILED_ATTEMPT.test(c));
  const lastFailed = failed.lastIndexOf(true);
  const kinds = clauses.map((c, i) => clauseKind(c, i > lastFailed));
  const outcome = kinds.findLast((k) => OUTCOMES.has(k));
  if (outcome) return outcome;
  let best: EventKind = 'other';
  let rank = KIND_CUES.length;
  for (const k of kinds) {
    const r = KIND_CUES.findIndex(([kind]) => kind === k);
    if (r >= 0 && r < rank) {
      best = k;
      rank = r;
    }
  }
  return best;
}

function finishRow(line: number, stamp: Stamp | undefined, text: string, whole: string): RawRow {
  const row: RawRow = { line, text, whole };
  if (stamp) row.stamp = stamp;
  else {
    const bad = impossibleDateAt(whole);
    if (bad) row.badDate = bad;
  }
  const actor = /^@([A-Za-z0-9][\w.-]*)/.exec(text);
  if (actor) row.actor = `@${actor[1]}`;
  const link = wholeLink(text);
  if (link) {
    row.text = link.label;
    row.evidence = link.url;
  } else {
    const url = urlsIn(text)[0];
    if (url) row.evidence = url;
  }
  return row;
}

/**
 * Timeline rows from a list: each item whose first line starts with a time stamp is a row, and so is
 * every other item once one does (their time is unknown). A dated item with a nested list gives its date
 * to the nested rows. Returns the items it did not take (indexes), so they can be kept as notes.
 */
export function rowsFromList(
  list: List,
  src: string,
  context?: { date: LocalDate; key: number },
): { rows: RawRow[]; extra: { item: ListItem; blocks: ListItem['children'] }[] } | undefined {
  const items = list.children;
  const firstLine = (item: ListItem) => {
    const head = item.children[0];
    return head ? (sliceOf(src, head).split('\n')[0] ?? '') : '';
  };
  const stamped = items.map((item) => parseLeadingStamp(firstLine(item)));
  const dated = items.map((item, i) => {
    const head = item.children[0];
    return !stamped[i]?.time && head?.type === 'paragraph' && item.children.some((c) => c.type === 'list')
      ? parseDateLine(sliceOf(src, head))
      : undefined;
  });
  if (!stamped.some(Boolean) && !dated.some(Boolean)) return undefined;
  const rows: RawRow[] = [];
  const extra: { item: ListItem; blocks: ListItem['children'] }[] = [];
  items.forEach((item, i) => {
    const head = item.children[0];
    const date = dated[i];
    if (date && head) {
      const key = lineOf(item);
      const rest: ListItem['children'] = [];
      for (const child of item.children.slice(1)) {
        const nested = child.type === 'list' ? rowsFromList(child, src, { date, key }) : undefined;
        if (nested) {
          rows.push(...nested.rows);
          extra.push(...nested.extra);
        } else rest.push(child);
      }
      if (rest.length) extra.push({ item, blocks: rest });
      return;
    }
    const headSrc = head ? sliceOf(src, head) : '';
    const stamp = stamped[i];
    const text = stamp ? stamp.rest + headSrc.slice(firstLine(item).length) : headSrc;
    const row = finishRow(lineOf(item), stamp, text, headSrc);
    if (context) {
      row.dateContext = context.date;
      row.dateKey = context.key;
    }
    rows.push(row);
    const more = item.children.slice(1);
    if (more.length) extra.push({ item, blocks: more });
  });
  return { rows, extra };
}

/** Timeline rows from the lines of a paragraph, when its first line starts with a time stamp. */
export function rowsFromParagraph(p: Paragraph, src: string): RawRow[] | undefined {
  const lines = sliceOf(src, p).split('\n');
  if (!parseLeadingStamp(lines[0] ?? '')) return undefined;
  const rows: RawRow[] = [];
  let line = lineOf(p);
  for (const l of lines) {
    const stamp = parseLeadingStamp(l.trim());
    const last = rows.at(-1);
    if (stamp) rows.push(finishRow(line, stamp, stamp.rest, l.trim()));
    else if (last) {
      // A line without a stamp continues the entry above it.
      last.text = `${last.text}\n${l.trim()}`;
      last.whole = `${last.whole}\n${l.trim()}`;
    }
    line++;
  }
  return rows;
}

const TIME_HEADER = /\b(?:time|date|when|timestamp|utc|clock)\b/i;
const TEXT_HEADER =
  /\b(?:event|events|description|what|happened|action|actions|details?|summary|message|activity|entry|notes?)\b/i;
const ACTOR_HEADER = /\b(?:who|actor|owner|by|person|people|responder)\b/i;
const EVIDENCE_HEADER = /\b(?:link|links|source|evidence|data|reference|ref|url)\b/i;

function cellSource(src: string, cell: Table['children'][number]['children'][number]): string {
  const first = cell.children[0];
  const last = cell.children.at(-1);
  return first && last ? sliceOf(src, first, last).trim() : '';
}

/**
 * Timeline rows from a table: the time column is the one its header names (Time, Date, When…) or,
 * failing that, the first column whose cells read as time stamps; the event column is named by its
 * header or is the first other column. Columns for a person or a link become actor and evidence; any
 * other column is added to the text as "Header: value".
 */
export function rowsFromTable(table: Table, src: string): RawRow[] | undefined {
  const [header, ...body] = table.children;
  if (!header || body.length === 0) return undefined;
  const names = header.children.map((c) => collapse(cellSource(src, c)));
  const cellsOf = (row: Table['children'][number]) => row.children.map((c) => cellSource(src, c));
  const bodyCells = body.map(cellsOf);
  const parses = (col: number) => bodyCells.filter((cells) => parseLeadingStamp(cells[col] ?? '')).length;
  let timeCol = names.findIndex((n) => TIME_HEADER.test(n) && parses(names.indexOf(n)) > 0);
  if (timeCol < 0) timeCol = names.findIndex((_, i) => parses(i) * 2 >= bodyCells.length && parses(i) > 0);
  if (timeCol < 0) return undefined;
  // A Date column beside a Time column: the two make one stamp.
  const stampsIn = (col: number) => bodyCells.map((cells) => parseLeadingStamp(cells[col] ?? ''));
  const datesOnly = stampsIn(timeCol).every((st) => !st || (st.date && !st.time));
  const clockCol = datesOnly
    ? names.findIndex(
        (_, i) =>
          i !== timeCol && stampsIn(i).some((st) => st?.time) && stampsIn(i).every((st) => !st || !st.date),
      )
    : -1;
  let textCol = names.findIndex((n, i) => i !== timeCol && i !== clockCol && TEXT_HEADER.test(n));
  if (textCol < 0) textCol = names.findIndex((_, i) => i !== timeCol && i !== clockCol);
  const taken = [timeCol, clockCol, textCol];
  const actorCol = names.findIndex((n, i) => !taken.includes(i) && ACTOR_HEADER.test(n));
  const evidenceCol = names.findIndex(
    (n, i) => !taken.includes(i) && i !== actorCol && EVIDENCE_HEADER.test(n),
  );
  // A numbering column ("#", "No.") holds nothing the timeline needs.
  const numbering = names.findIndex(
    (n, i) =>
      !taken.includes(i) &&
      /^(?:#|no\.?|nr\.?|step|n)$/i.test(n) &&
      bodyCells.every((cells) => /^\d{0,4}$/.test(cells[i] ?? '')),
  );
  const zoneHeader = [names[timeCol] ?? '', clockCol >= 0 ? (names[clockCol] ?? '') : ''];
  const headerZone = zoneHeader.map((n) => findZoneStatement(n) ?? zoneInHeader(n)).find(Boolean);
  return body.map((row, r) => {
    const cells = bodyCells[r] as string[];
    const timeCell = [cells[timeCol] ?? '', clockCol >= 0 ? (cells[clockCol] ?? '') : ''].join(' ').trim();
    const stamp = parseLeadingStamp(timeCell);
    let text = cells[textCol] ?? '';
    // Whatever the time cell holds after its stamp stays with the text.
    if (stamp?.rest) text = `${stamp.rest} ${text}`.trim();
    const others = cells
      .map((value, i) => ({ value, i }))
      .filter(
        ({ value, i }) =>
          value && ![timeCol, clockCol, textCol, actorCol, evidenceCol, numbering].includes(i),
      )
      .map(({ value, i }) => `${names[i] || `Column ${i + 1}`}: ${value}`);
    if (others.length) text = [text, ...others].filter(Boolean).join(' · ');
    const whole = [timeCell, text].filter(Boolean).join(' ');
    const out = finishRow(lineOf(row), stamp, text, whole);
    const actor = actorCol >= 0 ? cells[actorCol] : undefined;
    if (actor) out.actor = collapse(actor);
    const evidence = evidenceCol >= 0 ? cells[evidenceCol] : undefined;
    if (evidence) out.evidence = urlsIn(evidence)[0] ?? collapse(evidence);
    if (headerZone) out.headerZone = headerZone;
    return out;
  });
}

function zoneInHeader(name: string): { zone: Zone; phrase: string } | undefined {
  const inner = firstBracketed(name, '(', ')', true)?.inner;
  if (inner === undefined) return undefined;
  const found = findZoneStatement(`time ${inner}`);
  return found ? { zone: found.zone, phrase: name } : undefined;
}

/** How to turn rows into instants: the zone and date to assume where a row gives none. */
export interface ResolveContext {
  zone: Zone;
  year?: number;
  /** A year the report states without a full date (a title "… (2025)"), for rows with a month and day. */
  referenceYear?: { year: number; source: string };
  reference?: { date: Required<LocalDate>; source: string };
}

export interface ResolvedTimeline {
  events: TimelineEvent[];
  /** Rows whose text was too long for one line: the whole text, to keep as notes. */
  overflow: { line: number; text: string }[];
  unknown: number;
  warnings: string[];
}

/**
 * Give each row its UTC instant: the row's own date and zone where it has them, else the date above it
 * (a heading, the previous row, the report's date) and the stated zone. A time earlier than the one before
 * by more than two hours is read as the next day. Rows whose time is unknown or cannot be placed keep
 * their stamp in the text and get no instant; nothing is invented.
 */
export function resolveRows(rows: RawRow[], ctx: ResolveContext): ResolvedTimeline {
  const events: TimelineEvent[] = [];
  const overflow: { line: number; text: string }[] = [];
  const warnings: string[] = [];
  let current: Required<LocalDate> | undefined;
  let lastMinutes: number | undefined;
  let lastKey: number | undefined;
  let warnedReference = false;
  let warnedNoDate = false;
  let unknown = 0;

  const withYear = (d: LocalDate, line: number): Required<LocalDate> | undefined => {
    if (d.year !== undefined) return d as Required<LocalDate>;
    const fallback = ctx.reference
      ? { year: ctx.reference.date.year, source: ctx.reference.source }
      : ctx.referenceYear;
    const year = ctx.year ?? current?.year ?? fallback?.year;
    if (year === undefined) return undefined;
    if (ctx.year === undefined && !current && fallback && !warnedReference) {
      warnings.push(`line ${line}: the timeline gives no year; assumed ${year} from ${fallback.source}`);
      warnedReference = true;
    }
    return { ...d, year };
  };

  for (const row of rows) {
    let at: string | null = null;
    let end: string | undefined;
    const stamp = row.stamp;
    if (row.dateKey !== undefined && row.dateKey !== lastKey) {
      if (row.dateInvalid) {
        // The date above cannot be read: the rows under it must not take the date of the rows before.
        current = undefined;
        lastMinutes = undefined;
      } else if (row.dateContext) {
        const d = withYear(row.dateContext, row.line);
        if (d) {
          current = d;
          lastMinutes = undefined;
        }
      }
      lastKey = row.dateKey;
    }
    if (row.badDate) {
      warnings.push(
        `line ${row.line}: "${row.badDate}" is not a calendar date; the entry is kept with an unknown time`,
      );
    }
    if (stamp?.date) {
      const d = withYear(stamp.date, row.line);
      if (d) {
        current = d;
        lastMinutes = undefined;
      }
    }
    if (stamp?.time) {
      const minutes = stamp.time.hour * 60 + stamp.time.minute;
      if (!stamp.date && current && lastMinutes !== undefined && minutes < lastMinutes - 120) {
        const before = current;
        current = nextDay(current);
        warnings.push(
          `line ${row.line}: the time went back from ${fmtMinutes(lastMinutes)} to ${fmtMinutes(minutes)}; read as the next day, ${formatDate(current)} (the rows before were on ${formatDate(before)})`,
        );
      }
      if (!current && row.dateInvalid) {
        // Under an impossible date: the time is kept in the text, not placed on another day.
      } else if (!current && ctx.reference && (!stamp.date || stamp.date.year === undefined)) {
        current = stamp.date ? withYear(stamp.date, row.line) : ctx.reference.date;
        if (!stamp.date && !warnedReference) {
          warnings.push(
            `line ${row.line}: the timeline gives no date; assumed ${formatDate(ctx.reference.date)} from ${ctx.reference.source}`,
          );
          warnedReference = true;
        }
      }
      if (current) {
        const zone = stamp.zone ?? row.headerZone?.zone ?? ctx.zone;
        const ms = toUtc(current, stamp.time, zone);
        if (ms !== undefined) {
          at = formatInstant(ms);
          if (stamp.end) {
            // An end earlier on the clock than the start is on the next day; an end known only by its
            // hour (`12:26-12:??`) is not placed before the start.
            const endMinutes = stamp.end.time.hour * 60 + stamp.end.time.minute;
            const ownDay = stamp.end.date ? withYear(stamp.end.date, row.line) : undefined;
            const endDay =
              ownDay ?? (endMinutes < minutes && !stamp.end.approximate ? nextDay(current) : current);
            const endMs = toUtc(endDay, stamp.end.time, zone);
            if (endMs !== undefined) end = formatInstant(Math.max(endMs, ms));
          }
        }
        lastMinutes = minutes;
      } else if (row.dateInvalid) {
        // Warned at the heading.
      } else if (!warnedNoDate) {
        warnings.push(
          `line ${row.line}: no date for the time "${collapse(stamp.raw)}" (none in the row, above it, or in the title); its instant is left unknown — give the year or date to place it`,
        );
        warnedNoDate = true;
      }
    }
    const text = at === null ? row.whole : row.text;
    const { line, overflow: more } = oneLine(text || row.whole || '(no text)');
    if (more) overflow.push({ line: row.line, text: more });
    const event: TimelineEvent = { at, kind: eventKindOf(row.text), text: line || '(no text)' };
    if (at !== null && stamp?.approximate) event.approximate = true;
    if (end !== undefined) {
      event.end = end;
      if (stamp?.end?.approximate) event.endApproximate = true;
    }
    if (row.actor) event.actor = row.actor;
    if (row.evidence) event.evidence = oneLine(row.evidence).line;
    if (at === null) unknown++;
    events.push(event);
  }
  demoteEarlierResolutions(events, rows);
  return { events, overflow, unknown, warnings };
}

/**
 * Only the last `resolved` entry of an incident closes it; one before it ("error rate normal") marked
 * the service back, which is a mitigation. A report covering several incidents under dated headings
 * keeps one resolution for each.
 */
function demoteEarlierResolutions(events: TimelineEvent[], rows: RawRow[]): void {
  const last = new Map<number | undefined, number>();
  events.forEach((e, i) => {
    if (e.kind === 'resolved') last.set(rows[i]?.incident, i);
  });
  events.forEach((e, i) => {
    if (e.kind === 'resolved' && last.get(rows[i]?.incident) !== i) e.kind = 'mitigated';
  });
}

const fmtMinutes = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
