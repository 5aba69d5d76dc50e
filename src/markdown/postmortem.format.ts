// The shape of Postmortem Markdown, shared by the serializer and the parser so the two cannot drift apart.
import type { GuidanceKey, SectionKey } from '../domain/index.js';

/** H2 heading of each section, in the order a report presents them. */
export const SECTION_HEADINGS: Record<SectionKey, string> = {
  summary: 'Executive summary',
  details: 'Event details',
  impact: 'Impact',
  analysis: 'Root cause analysis',
  lessons: 'Lessons learned',
  actions: 'Action items',
  materials: 'Supporting materials',
};

export type BlockType = 'prose' | 'table' | 'list' | 'whys' | 'fishbone';

export interface BlockSpec {
  /** The model field inside the section. */
  field: string;
  heading: string;
  type: BlockType;
  guidance?: GuidanceKey;
}

/** H3 blocks of each section (actions and appendices have their own per-item headings). */
export const SECTION_BLOCKS: Record<SectionKey, BlockSpec[]> = {
  summary: [
    { field: 'whatHappened', heading: 'What happened', type: 'prose', guidance: 'summary.whatHappened' },
    { field: 'impact', heading: 'Impact', type: 'prose', guidance: 'summary.impact' },
    { field: 'coreIssue', heading: 'Core issue', type: 'prose', guidance: 'summary.coreIssue' },
    { field: 'keyLessons', heading: 'Key lessons', type: 'prose', guidance: 'summary.keyLessons' },
    { field: 'nextSteps', heading: 'Next steps', type: 'prose', guidance: 'summary.nextSteps' },
  ],
  details: [
    { field: 'timeline', heading: 'Timeline', type: 'table', guidance: 'details.timeline' },
    {
      field: 'severityRationale',
      heading: 'Severity rationale',
      type: 'prose',
      guidance: 'details.severityRationale',
    },
    { field: 'affected', heading: 'Affected systems and areas', type: 'prose', guidance: 'details.affected' },
    { field: 'howFound', heading: 'How it was found', type: 'prose', guidance: 'details.howFound' },
    { field: 'stepsTaken', heading: 'Steps taken', type: 'prose', guidance: 'details.stepsTaken' },
  ],
  impact: [
    { field: 'financial', heading: 'Financial', type: 'table', guidance: 'impact.financial' },
    { field: 'figures', heading: 'Figures', type: 'table', guidance: 'impact.figures' },
    { field: 'operational', heading: 'Operational', type: 'prose', guidance: 'impact.operational' },
    { field: 'reputational', heading: 'Reputational', type: 'prose', guidance: 'impact.reputational' },
    { field: 'customer', heading: 'Customer', type: 'prose', guidance: 'impact.customer' },
    { field: 'team', heading: 'Team', type: 'prose', guidance: 'impact.team' },
  ],
  analysis: [
    {
      field: 'primaryCause',
      heading: 'Primary root cause',
      type: 'prose',
      guidance: 'analysis.primaryCause',
    },
    { field: 'factors', heading: 'Contributing factors', type: 'list', guidance: 'analysis.factors' },
    { field: 'causalChain', heading: 'Causal chain', type: 'prose', guidance: 'analysis.causalChain' },
    { field: 'fiveWhys', heading: '5 Whys', type: 'whys', guidance: 'analysis.fiveWhys' },
    { field: 'fishbone', heading: 'Fishbone', type: 'fishbone', guidance: 'analysis.fishbone' },
    { field: 'barriers', heading: 'Barriers', type: 'table', guidance: 'analysis.barriers' },
    { field: 'changes', heading: 'Changes before the event', type: 'table', guidance: 'analysis.changes' },
  ],
  lessons: [
    { field: 'wentWell', heading: 'What went well', type: 'list', guidance: 'lessons.wentWell' },
    { field: 'wentWrong', heading: 'What went wrong', type: 'list', guidance: 'lessons.wentWrong' },
    {
      field: 'couldImprove',
      heading: 'What could be improved',
      type: 'list',
      guidance: 'lessons.couldImprove',
    },
    { field: 'lucky', heading: 'Where we got lucky', type: 'list', guidance: 'lessons.lucky' },
  ],
  actions: [],
  materials: [{ field: 'items', heading: 'Materials', type: 'table', guidance: 'materials.items' }],
};

export const NOTES_HEADING = 'Notes';

/** Columns of each table block: header text and the model field (`#` columns are derived and ignored). */
export const TABLE_COLUMNS: Record<string, { header: string; field: string }[]> = {
  'details.timeline': [
    { header: 'Time (UTC)', field: 'at' },
    { header: 'Kind', field: 'kind' },
    { header: 'Event', field: 'text' },
    { header: 'Actor', field: 'actor' },
    { header: 'Source', field: 'source' },
    { header: 'Evidence', field: 'evidence' },
  ],
  'impact.financial': [
    { header: 'Kind', field: 'kind' },
    { header: 'Description', field: 'description' },
    { header: 'Amount', field: 'amount' },
    { header: 'Currency', field: 'currency' },
    { header: 'Basis', field: 'basis' },
  ],
  'impact.figures': [
    { header: 'Category', field: 'category' },
    { header: 'Measure', field: 'measure' },
    { header: 'Value', field: 'value' },
    { header: 'Unit', field: 'unit' },
    { header: 'Basis', field: 'basis' },
  ],
  'analysis.barriers': [
    { header: 'Barrier', field: 'barrier' },
    { header: 'Status', field: 'status' },
    { header: 'Why', field: 'why' },
  ],
  'analysis.changes': [
    { header: 'Time (UTC)', field: 'at' },
    { header: 'Change', field: 'change' },
    { header: 'Source', field: 'source' },
    { header: 'Link', field: 'link' },
  ],
  'materials.items': [
    { header: 'ID', field: 'id' },
    { header: 'Kind', field: 'kind' },
    { header: 'Title', field: 'title' },
    { header: 'Link', field: 'link' },
    { header: 'Description', field: 'description' },
  ],
  whys: [
    { header: '#', field: '#' },
    { header: 'Why?', field: 'question' },
    { header: 'Because', field: 'answer' },
  ],
};

/** The labelled lines of an action item, in canonical order. */
export const ACTION_FIELDS: { label: string; field: string }[] = [
  { label: 'Category', field: 'category' },
  { label: 'Priority', field: 'priority' },
  { label: 'Owner', field: 'owner' },
  { label: 'Deadline', field: 'deadline' },
  { label: 'Status', field: 'status' },
  { label: 'Declined reason', field: 'declinedReason' },
  { label: 'Addresses', field: 'addresses' },
  { label: 'Success criterion', field: 'successCriterion' },
  { label: 'Tracker', field: 'tracker' },
  { label: 'Details', field: 'details' },
  { label: 'Verification plan', field: 'verificationPlan.how' },
  { label: 'Verify by', field: 'verificationPlan.by' },
  { label: 'Verification', field: 'verification.result' },
  { label: 'Verified on', field: 'verification.on' },
  { label: 'Verified by', field: 'verification.by' },
  { label: 'Verification notes', field: 'verification.notes' },
  { label: 'Verification evidence', field: 'verification.evidence' },
];

/** Separates the links of a verification's evidence on its one line. */
export const EVIDENCE_SEPARATOR = ', ';

export const FISHBONE_LABELS: Record<string, string> = {
  people: 'People',
  tools: 'Tools and equipment',
  process: 'Process',
  materials: 'Materials',
  measurement: 'Measurement',
  environment: 'Environment',
};

// Only H1–H3 give a report its structure (H4 only inside a 5 Whys block, which holds no prose), so prose may
// keep its own H4–H6 sub-headings. A prose line that would read as H1–H3 gets a backslash, and a line that
// already looks escaped gets one more, which makes the escape reversible.
const HEADING_LIKE = /^\\*#{1,3}(?:[ \t]|$)/;
const ESCAPED_HEADING = /^\\+#{1,3}(?:[ \t]|$)/;

/** Escape the lines of prose so none of them can be read as a heading. */
export function escapeProse(text: string): string {
  return text
    .split('\n')
    .map((l) => (HEADING_LIKE.test(l) ? `\\${l}` : l))
    .join('\n');
}

/** Undo `escapeProse` on one line. */
export function unescapeProseLine(line: string): string {
  return ESCAPED_HEADING.test(line) ? line.slice(1) : line;
}

/** Escape a table cell: only the pipe, which would end the cell. */
export function escapeCell(value: string): string {
  return value.replaceAll('|', '\\|');
}

/** Split a table row into raw cells (with columns), honouring `\|`, and unescape them. */
export function splitRow(line: string): { value: string; column: number }[] {
  const cells: { value: string; column: number }[] = [];
  const first = line.indexOf('|');
  if (first === -1) return cells;
  // Slices rather than character-by-character concatenation: large timelines are mostly table rows.
  let parts: string[] = [];
  let segment = first + 1;
  let cellStart = first + 1;
  for (let i = first + 1; i < line.length; i += 1) {
    const c = line.charCodeAt(i);
    if (c === 92 && line.charCodeAt(i + 1) === 124) {
      parts.push(line.slice(segment, i), '|');
      i += 1;
      segment = i + 1;
    } else if (c === 124) {
      parts.push(line.slice(segment, i));
      cells.push(trimCell(parts.length === 1 ? (parts[0] as string) : parts.join(''), cellStart));
      parts = [];
      segment = i + 1;
      cellStart = i + 1;
    }
  }
  parts.push(line.slice(segment));
  const last = parts.join('');
  if (last.trim() !== '') cells.push(trimCell(last, cellStart));
  return cells;
}

function trimCell(raw: string, start: number) {
  const lead = raw.length - raw.trimStart().length;
  return { value: raw.trim(), column: start + lead + 1 };
}

/** Format a canonical instant for a table cell: `2024-03-01 14:05`, seconds and milliseconds only when set. */
export function formatCellInstant(instant: string): string {
  const date = instant.slice(0, 10);
  const rest = instant.slice(11, -1);
  const [hm, sec] = [rest.slice(0, 5), rest.slice(5)];
  return sec === ':00' ? `${date} ${hm}` : `${date} ${hm}${sec}`;
}

export const UNKNOWN_TIME = 'unknown';

/** Marks a time in the Time column as approximate: `~2024-03-01 14:05`. */
export const APPROXIMATE_MARK = '~';

/** Joins the start and end of a timeline entry that spans a while: `2024-03-01 09:00 – 2024-03-01 11:00`. */
export const SPAN_SEPARATOR = ' – ';

/**
 * A contributing factor written `- **CF1** [Category] text`: a bracketed name (not a link, not blank brackets)
 * before the text is its category in the organisation's taxonomy. The text after it must not start with a
 * bracket or a parenthesis, so "[a] [b](link)" and "[a] (b)" stay text.
 */
const FACTOR_CATEGORY = /^\[([^[\]]{1,80})\][ \t]+(?![([])(\S.*)$/;

// A factor's text that would read as a category, or that starts with a bracket or parenthesis after one, is
// written with a backslash before it; a text that already starts with backslashes before one gets one more,
// which keeps the escape reversible (as escapeProse does for headings).
const ESCAPED_FACTOR_TEXT = /^\\+[[(]/;

/** Read the text of a contributing factor's list item into its category (when it has one) and its text. */
export function readFactorText(written: string): { text: string; category?: string } {
  if (ESCAPED_FACTOR_TEXT.test(written)) return { text: written.slice(1) };
  const m = FACTOR_CATEGORY.exec(written);
  // Brackets holding only spaces ("[ ] text", a task box) name no category: the text stays as written.
  const category = m?.[1]!.trim();
  if (!m || !category) return { text: written };
  const text = m[2]!;
  return { category, text: ESCAPED_FACTOR_TEXT.test(text) ? text.slice(1) : text };
}

/** Write a contributing factor's category and text so that `readFactorText` gives them back. */
export function writeFactorText(text: string, category?: string): string {
  if (category) return `[${category}] ${/^\\*[[(]/.test(text) ? `\\${text}` : text}`;
  const escape = ESCAPED_FACTOR_TEXT.test(text) || readFactorText(text).category !== undefined;
  return escape ? `\\${text}` : text;
}
