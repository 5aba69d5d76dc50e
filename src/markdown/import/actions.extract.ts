import type { List, ListItem, Table } from 'mdast';
import type { ACTION_CATEGORIES, ACTION_PRIORITIES, ACTION_STATUSES } from '../../domain/index.js';
import {
  collapse,
  firstBracketed,
  lineOf,
  oneLine,
  plainInline,
  sliceOf,
  trimEndOf,
  urlsIn,
} from './text.util.js';
import { findFullDate, formatDate } from './time.parse.js';

type Status = (typeof ACTION_STATUSES)[number];
type Category = (typeof ACTION_CATEGORIES)[number];
type Priority = (typeof ACTION_PRIORITIES)[number];

/** What a heading above a list of actions says about all of them. */
export interface ActionHints {
  status?: Status;
  category?: Category;
  tracker?: string;
}

/** An action item read from a bullet, a numbered item, a table row or an "Action item:" paragraph. */
export interface ActionDraft {
  line: number;
  title: string;
  details?: string;
  owner?: string;
  status: Status;
  category?: Category;
  priority?: Priority;
  deadline?: string;
  tracker?: string;
  /** The whole text when it was too long for the title and details. */
  overflow?: string;
}

/** An action status named by a word or mark: done, ✅, in progress, blocked, won't do, open, todo. */
export function statusFromWords(text: string): Status | undefined {
  const t = collapse(text).toLowerCase();
  if (/^(?:✅|✔️?|☑️?|✓|\[x\]|done|completed?|closed|fixed|finished|shipped|resolved|yes)$/.test(t))
    return 'completed';
  if (/^(?:in[- ]progress|wip|work in progress|ongoing|started|doing|underway|in review)$/.test(t))
    return 'in_progress';
  if (/^(?:blocked|on hold|stuck)$/.test(t)) return 'blocked';
  if (/^(?:won'?t (?:do|fix)|wontfix|cancell?ed|rejected|dropped|not planned|declined|❌)$/.test(t))
    return 'wont_do';
  if (/^(?:open|todo|to do|to-do|not started|planned|new|pending|backlog|\[ \])$/.test(t)) return 'open';
  return undefined;
}

// Marks inside an item's text that state its status.
const STATUS_MARKS: [Status, RegExp][] = [
  [
    'completed',
    /^\s*(?:✅|✔️?|☑️?|✓)|\((?:done|completed?|fixed|finished|shipped)\)|\[(?:done|completed?)\]|\bstatus\s*:\s*(?:done|completed?|closed|fixed)\b|^(?:done|completed)\s*[:-]/i,
  ],
  [
    'wont_do',
    /won'?t (?:do|fix)\b|\bwontfix\b|\((?:cancell?ed|dropped|rejected|not planned)\)|\bstatus\s*:\s*(?:cancell?ed|won'?t do)/i,
  ],
  ['blocked', /\(blocked\)|\[blocked\]|\bstatus\s*:\s*blocked\b|\bblocked (?:on|by)\b/i],
  ['in_progress', /\b(?:work in progress|in[- ]progress|wip|underway)\b|\bstatus\s*:\s*(?:ongoing|started)/i],
  [
    'open',
    /\((?:open|todo|to do|not started)\)|\[(?:open|todo)\]|\bstatus\s*:\s*(?:open|todo|to do|not started)\b|^todo\s*[:-]/i,
  ],
];

function statusIn(text: string): Status | undefined {
  for (const [status, re] of STATUS_MARKS) if (re.test(text)) return status;
  return undefined;
}

function priorityFromWords(text: string): Priority | undefined {
  const t = collapse(text).toLowerCase();
  const p = /^p([0-4])$/.exec(t) ?? /\b(?:priority\s*(?::\s*)?)?\[?\(?p([0-4])\)?\]?/.exec(t);
  if (p) return (['critical', 'high', 'medium', 'low', 'low'] as const)[Number(p[1])];
  if (/^(?:critical|urgent|blocker|highest)$/.test(t)) return 'critical';
  if (/^(?:high|major)$/.test(t)) return 'high';
  if (/^(?:medium|normal|moderate)$/.test(t)) return 'medium';
  if (/^(?:low|minor|lowest|trivial)$/.test(t)) return 'low';
  return undefined;
}

/** Hints from the heading over a group of actions: "Immediate Actions (Completed)", "Long-term", a tracker link. */
export function hintsFromHeading(headingSrc: string): ActionHints {
  const hints: ActionHints = {};
  const plain = plainInline(headingSrc).toLowerCase();
  const paren = firstBracketed(plainInline(headingSrc), '(', ')')?.inner;
  const status =
    (paren && statusFromWords(paren)) || statusFromWords(plain.replace(/\bactions?\b|\bitems?\b/g, ''));
  if (status) hints.status = status;
  if (/\bimmediate\b/.test(plain)) hints.category = 'immediate';
  else if (/\blong[- ]term\b|\bsystemic\b/.test(plain)) hints.category = 'systemic';
  else if (/\bprocess\b/.test(plain)) hints.category = 'process';
  else if (/\bdocumentation\b/.test(plain)) hints.category = 'documentation';
  const url = urlsIn(headingSrc)[0];
  if (url) hints.tracker = url;
  return hints;
}

const LABEL =
  /^(?:\*\*|__)\s*(?:action items?|ai|todo|to do|follow[- ]?ups?)\s*(?::\s*)?(?:\*\*|__)\s*(?::\s*)?/i;

/** True for a paragraph that introduces one action with a label, e.g. "**Action item:** Start incidents earlier." */
export const isActionParagraph = (src: string): boolean => LABEL.test(src.trim());

function trackerIn(src: string): string | undefined {
  const urls = urlsIn(src);
  const issue = urls.find((u) =>
    /\/(?:issues|pull|pulls|merge_requests|browse|tickets?)\/|jira|linear\.app|youtrack/i.test(u),
  );
  if (issue ?? urls[0]) return issue ?? urls[0];
  const ref = /(?:^|[\s(])((?:[\w.-]+\/[\w.-]+)?#\d+)\b/.exec(src);
  if (ref) return ref[1];
  const key = /\b([A-Z][A-Z0-9]{1,9}-\d+)\b/.exec(src);
  return key?.[1];
}

function ownerIn(src: string): string | undefined {
  const plain = plainInline(src);
  const named =
    /\((?:owner|owned by|assignee|assigned to)\s*(?::\s*)?([^)\s][^)]*)\)/i.exec(plain) ??
    /\b(?:owners?|assignee)\s*:\s*(@?[\w.-]+(?:\s+[A-Z][\w.-]*)?)|\b(?:owned by|assigned to)\s+(@?[\w.-]+(?:\s+[A-Z][\w.-]*)?)/i.exec(
      plain,
    );
  if (named) return trimEndOf(collapse((named[1] ?? named[2]) as string), '.,;');
  const mention = /(?:^|[\s(])(@[A-Za-z0-9][\w.-]*[A-Za-z0-9])/.exec(plain);
  return mention?.[1];
}

function deadlineIn(src: string): string | undefined {
  const m = /\b(?:due|deadline|by|until|eta)\s*(?::\s*)?(\d{4}-\d{2}-\d{2})\b/i.exec(src);
  return m?.[1];
}

/**
 * An action from the Markdown of one item. A bold lead (`**Title**: details`) or a first sentence gives
 * the title, the rest the details; owner, status, tracker and deadline are read from the words, and the
 * heading's hints fill what the item does not say. The text itself stays as written.
 */
export function actionFromText(
  src: string,
  line: number,
  hints: ActionHints = {},
  checked?: boolean | null,
): ActionDraft {
  let text = collapse(src.replace(LABEL, ''));
  let status: Status | undefined =
    checked === true ? 'completed' : checked === false ? 'open' : statusIn(text);
  text = text.replace(/^(?:✅|✔️?|☑️?|✓)\s*/, '');
  let title = text;
  let details: string | undefined;
  const bold = /^(?:\*\*|__)((?:[^*_]|\*(?!\*)|_(?!_))+?)(?:\*\*|__)\s*(?::\s*)?(\S.*)?$/.exec(text);
  if (bold && (bold[2] ?? '').length > 0) {
    title = (bold[1] as string).replace(/:\s*$/, '').trim();
    details = bold[2];
  } else {
    const sentence = /^(.+?[a-z0-9)`])[.!?]\s+(?=[A-Z@[*_`])(.+)$/.exec(text);
    if (sentence) {
      title = sentence[1] as string;
      details = sentence[2];
    } else title = text.replace(/\.$/, '');
  }
  status ??= hints.status ?? 'open';
  title =
    stripEmphasis(title)
      .replace(/[:.]\s*$/, '')
      .trim() || title;
  const draft: ActionDraft = { line, title, status };
  const t = oneLine(title);
  draft.title = t.line || '(untitled action)';
  if (details) {
    const d = oneLine(details);
    draft.details = d.line;
    if (d.overflow || t.overflow) draft.overflow = src.trim();
  } else if (t.overflow) draft.overflow = src.trim();
  const owner = ownerIn(text);
  if (owner) {
    draft.owner = oneLine(owner).line;
    // "(owner: @sam)" said who; as the owner field holds it, the title need not.
    const bare = draft.title
      .replace(/ ?\((?:owners?|owned by|assignee|assigned to)\b[^()]{1,200}\)/i, '')
      .trim();
    if (bare) draft.title = bare;
  }
  const tracker = trackerIn(text) ?? hints.tracker;
  if (tracker) draft.tracker = oneLine(tracker).line;
  const deadline = deadlineIn(text);
  if (deadline) draft.deadline = deadline;
  if (hints.category) draft.category = hints.category;
  return draft;
}

/** Actions from the items of a list; blocks after an item's first paragraph are returned to keep as notes. */
export function actionsFromList(
  list: List,
  src: string,
  hints: ActionHints,
): { drafts: ActionDraft[]; extra: { item: ListItem; blocks: ListItem['children'] }[] } {
  const drafts: ActionDraft[] = [];
  const extra: { item: ListItem; blocks: ListItem['children'] }[] = [];
  for (const item of list.children) {
    const head = item.children[0];
    const headSrc = head ? sliceOf(src, head) : '';
    // An empty bullet holds nothing to keep.
    if (!headSrc.trim() && item.children.length <= 1) continue;
    const draft = actionFromText(headSrc || '(untitled action)', lineOf(item), hints, item.checked);
    // Sub-bullets are the parent's details, in order and at their depth, never actions of their own.
    const nested = item.children.slice(1).filter((c): c is List => c.type === 'list');
    const others: ListItem['children'] = item.children.slice(1).filter((c) => c.type !== 'list');
    if (nested.length) {
      const sub = nested.flatMap((l) => subItems(l, src, 0));
      const joined = [draft.details, ...sub].filter(Boolean).join('; ');
      const d = oneLine(joined);
      draft.details = d.line;
      // Too long for the details line: the sub-bullets are also kept whole as notes.
      if (d.overflow) others.push(...nested);
    }
    drafts.push(draft);
    if (others.length) extra.push({ item, blocks: others });
  }
  return { drafts, extra };
}

function subItems(list: List, src: string, depth: number): string[] {
  const out: string[] = [];
  for (const item of list.children) {
    const head = item.children[0];
    const text = head && head.type !== 'list' ? collapse(stripEmphasis(sliceOf(src, head))) : '';
    if (text) out.push(`${'› '.repeat(depth)}${text}`);
    for (const child of item.children) {
      if (child.type === 'list' && depth < 8) out.push(...subItems(child, src, depth + 1));
    }
  }
  return out;
}

/** Bold and italic marks taken out of a short text, their words kept: `**Add jitter**` → `Add jitter`. */
export function stripEmphasis(text: string): string {
  return text
    .replace(/\*\*(?=\S)([^*\n]{1,500})\*\*/g, '$1')
    .replace(/(^|[\s(])__(?=\S)([^_\n]{1,500})__(?=$|[\s).,:;!?])/g, '$1$2')
    .replace(/(^|[\s(])\*(?=\S)([^*\n]{1,500})\*(?=$|[\s).,:;!?])/g, '$1$2')
    .replace(/(^|[\s(])_(?=\S)([^_\n]{1,500})_(?=$|[\s).,:;!?])/g, '$1$2');
}

const TITLE_HEADER =
  /\b(?:action|actions|item|items|task|title|description|what|follow[- ]?ups?|remediation|todo)\b/i;
const OWNER_HEADER = /\b(?:owner|owners|assignee|assigned|who|responsible)\b/i;
const STATUS_HEADER = /\b(?:status|state|done)\b/i;
const DUE_HEADER = /\b(?:due|deadline|date|when|eta|target)\b/i;
const TRACKER_HEADER = /\b(?:link|ticket|issue|tracker|jira|bug|pr|url)\b/i;
const PRIORITY_HEADER = /\b(?:priority|prio|severity)\b/i;
const CATEGORY_HEADER = /\b(?:type|category|kind)\b/i;

const CATEGORY_WORDS: [RegExp, Category][] = [
  [/immediate|fix|mitigat/i, 'immediate'],
  [/process/i, 'process'],
  [/system|prevent|long/i, 'systemic'],
  [/doc/i, 'documentation'],
];

/** Actions from a table: a column for the action (by header, else the first), and columns for owner, status, due date, tracker, priority and category. */
export function actionsFromTable(table: Table, src: string, hints: ActionHints): ActionDraft[] | undefined {
  const [header, ...body] = table.children;
  if (!header || body.length === 0) return undefined;
  const cell = (c: Table['children'][number]['children'][number]) => {
    const first = c.children[0];
    const last = c.children.at(-1);
    return first && last ? sliceOf(src, first, last).trim() : '';
  };
  const names = header.children.map((c) => plainInline(cell(c)));
  const used = new Set<number>();
  const pick = (re: RegExp) => {
    const i = names.findIndex((n, k) => !used.has(k) && re.test(n));
    if (i >= 0) used.add(i);
    return i;
  };
  const ownerCol = pick(OWNER_HEADER);
  const statusCol = pick(STATUS_HEADER);
  const trackerCol = pick(TRACKER_HEADER);
  const priorityCol = pick(PRIORITY_HEADER);
  const categoryCol = pick(CATEGORY_HEADER);
  const dueCol = pick(DUE_HEADER);
  let titleCol = pick(TITLE_HEADER);
  if (titleCol < 0) titleCol = names.findIndex((_, k) => !used.has(k));
  if (titleCol < 0) return undefined;
  used.add(titleCol);
  return body.map((row) => {
    const cells = row.children.map(cell);
    const extras = cells
      .map((value, k) => ({ value, k }))
      .filter(({ value, k }) => value && !used.has(k))
      .map(({ value, k }) => `${names[k] || `Column ${k + 1}`}: ${value}`);
    const titleSrc = [cells[titleCol] ?? '', ...extras].filter(Boolean).join(' · ');
    const draft = actionFromText(titleSrc || '(untitled action)', lineOf(row), hints);
    const get = (k: number) => (k >= 0 ? (cells[k] ?? '') : '');
    if (get(ownerCol)) draft.owner = oneLine(plainInline(get(ownerCol))).line;
    const status = statusFromWords(plainInline(get(statusCol)));
    if (status) draft.status = status;
    else if (get(statusCol))
      draft.details = [draft.details, `Status: ${collapse(get(statusCol))}`].filter(Boolean).join(' · ');
    const tracker = get(trackerCol) && (urlsIn(get(trackerCol))[0] ?? plainInline(get(trackerCol)));
    if (tracker) draft.tracker = oneLine(tracker).line;
    const priority = priorityFromWords(plainInline(get(priorityCol)));
    if (priority) draft.priority = priority;
    const category = CATEGORY_WORDS.find(([re]) => re.test(get(categoryCol)))?.[1];
    if (get(categoryCol) && category) draft.category = category;
    const due = get(dueCol) && findFullDate(get(dueCol));
    if (due) draft.deadline = formatDate(due);
    // Cells that mapped to no field stay in the details, so nothing in the row is lost.
    for (const k of [priorityCol, categoryCol, dueCol]) {
      if (
        get(k) &&
        ((k === priorityCol && !priority) || (k === categoryCol && !category) || (k === dueCol && !due))
      ) {
        draft.details = [draft.details, `${names[k]}: ${collapse(get(k))}`].filter(Boolean).join(' · ');
      }
    }
    if (draft.details) draft.details = oneLine(draft.details).line;
    return draft;
  });
}
