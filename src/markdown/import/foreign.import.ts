import type { Heading, List, ListItem, Nodes, Root, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkGfm from 'remark-gfm';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import {
  AppError,
  checkReport,
  isTimeZone,
  LIMITS,
  offsetMinutesAt,
  parseInstant,
  reportSchema,
  type Report,
  type ReportKind,
  type FinancialLine,
  type ImpactFigure,
  type SeverityScale,
  type TimelineEvent,
  type WhyStep,
} from '../../domain/index.js';
import { impactFromList, severityFrom, whysFromList } from './figures.extract.js';
import {
  actionFromText,
  actionsFromList,
  actionsFromTable,
  hintsFromHeading,
  isActionParagraph,
  type ActionDraft,
  type ActionHints,
} from './actions.extract.js';
import { guardInput } from './guard.js';
import { classifyHeading, ROLE_TARGET, type Role } from './headings.js';
import { collapse, lineOf, oneLine, plainInline, sliceOf } from './text.util.js';
import {
  findFullDate,
  findYear,
  findZoneStatement,
  impossibleDateAt,
  parseDatePrefix,
  zoneInHeading,
  parseDateLine,
  zoneFromName,
  type LocalDate,
  type Zone,
} from './time.parse.js';
import {
  resolveRows,
  rowsFromList,
  rowsFromParagraph,
  rowsFromTable,
  type RawRow,
} from './timeline.extract.js';

/** A heading the import understood, and the part of the model its content went to. */
export interface RecognizedHeading {
  text: string;
  line: number;
  depth: number;
  /** The role of the section, `title` for the report's title, `date` for a date heading in a timeline. */
  role: Role | 'title' | 'date-heading';
  /** Where the content went, e.g. `details.timeline` or `materials.appendices[B]`. */
  target: string;
  /** True when the heading was not recognized itself and took its role from the heading above it. */
  inherited?: boolean;
  /** True when the heading's own words named a known section; false for one kept as an appendix. */
  matched: boolean;
}

/** A run of source kept verbatim as prose because it was not turned into structured data. */
export interface FreeTextBlock {
  line: number;
  endLine: number;
  keptIn: string;
}

/** What the import recognized in a foreign report, and what it kept as free text. */
export interface Recognition {
  file?: string;
  title: { text: string; from: 'heading' | 'front matter' | 'file name' | 'default' };
  kind: ReportKind;
  headings: RecognizedHeading[];
  freeText: FreeTextBlock[];
  timeline: {
    rows: number;
    events: number;
    unknownTimes: number;
    /** Events with a rough time (`~`), and events that span a while (a start and an end). */
    approximate: number;
    spans: number;
    /** The zone rows without their own zone were read in, e.g. `CET (UTC+01:00)`. */
    zone: string;
    zoneSource: string;
    /** The source line of each event, in timeline order. */
    lines: number[];
  };
  actionItems: number;
  /** Where each action item was found. */
  actions: { id: string; line: number }[];
  factors: number;
  lessons: number;
  involved: number;
  appendices: number;
  warnings: string[];
  /** 5 Whys chains, typed impact lines (money and figures) and the severity read from the text. */
  fiveWhys: number;
  impactLines: number;
  severity?: { level: string; written: string; line: number };
  /** Where the structured parts came from: each heading (or the text before the first) and what it gave. */
  sources: {
    heading: string;
    line: number;
    rows: number;
    actions: number;
    impactLines: number;
    whys: number;
  }[];
  /** What `validate` says of the result: errors now, and warnings that become errors once put up for review. */
  validation: { errors: string[]; warnings: string[] };
}

export interface ForeignImport {
  report: Report;
  recognition: Recognition;
}

export interface ForeignImportOptions {
  /** File name, for messages and as the title when the report has no heading. */
  file?: string;
  /** The zone to read times in when a row does not name one (overrides what the text says). */
  zone?: string;
  /** The year to assume for dates written without one. */
  year?: number;
  /** The organization's severity scale, onto which a `Severity:` line is mapped. */
  scale?: SeverityScale;
}

interface Section {
  heading?: Heading;
  /** Plain text of the heading. */
  title: string;
  /** Markdown source of the heading's content, to keep links when used as a label. */
  label: string;
  depth: number;
  line: number;
  role: Role;
  inherited: boolean;
  matched: boolean;
  parent?: Section;
  blocks: RootContent[];
  target?: string;
}

interface Chunk {
  text: string;
  label?: string;
  /** The section's own field: no label needed when it is the only one there. */
  natural: boolean;
  section?: Section;
  line: number;
  endLine: number;
}

const MAX_APPENDICES = 100;
const NOTES_FIELDS = new Set([
  'summary.notes',
  'details.notes',
  'impact.notes',
  'analysis.notes',
  'lessons.notes',
  'actions.notes',
  'materials.notes',
]);
const ONLY_COMMENT = /^<!--(?:(?!-->)[\s\S])*-->$/;
const processor = unified().use(remarkParse).use(remarkGfm);

const endLineOf = (node: Nodes): number => node.position?.end.line ?? lineOf(node);

function headingLabel(src: string, h: Heading): string {
  const first = h.children[0];
  const last = h.children.at(-1);
  return first && last ? collapse(sliceOf(src, first, last)) : '';
}

/** Blank out a leading YAML front matter block (keeping offsets and lines) and return it. */
function splitFrontMatter(text: string): { text: string; raw?: string; title?: string } {
  const m = /^---[ \t]*\n([\s\S]*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(text);
  if (!m || m[0].split('\n').length > 200) return { text };
  const blanked = m[0].replace(/[^\n]/g, ' ');
  const title = /^title:[^\S\n]*(\S(?:.*\S)?)[^\S\n]*$/m
    .exec(m[1] as string)?.[1]
    ?.replace(/^(['"])(.*)\1$/, '$2');
  const out: { text: string; raw?: string; title?: string } = {
    text: blanked + text.slice(m[0].length),
    raw: m[0].trim(),
  };
  if (title) out.title = title;
  return out;
}

function parseTree(text: string, file: string | undefined): Root {
  try {
    return processor.parse(text);
  } catch (e) {
    // The pre-scan bounds nesting, so this is a last line of defence, not an expected path.
    if (e instanceof RangeError) {
      throw new AppError('bad_request', `${file ?? 'input'}: the Markdown is nested too deeply to read`);
    }
    throw e;
  }
}

function buildSections(
  root: Root,
  src: string,
): { title?: Heading; preamble: RootContent[]; sections: Section[] } {
  const children = root.children;
  const firstHeading = children.findIndex((c) => c.type === 'heading');
  const titleNode =
    firstHeading >= 0 && (children[firstHeading] as Heading).depth === 1
      ? (children[firstHeading] as Heading)
      : undefined;
  const preamble: RootContent[] = [];
  const sections: Section[] = [];
  const stack: Section[] = [];
  for (const node of children) {
    if (node === titleNode) continue;
    if (node.type !== 'heading') {
      const current = sections.at(-1);
      if (current) current.blocks.push(node);
      else preamble.push(node);
      continue;
    }
    while (stack.length && (stack.at(-1) as Section).depth >= node.depth) stack.pop();
    const parent = stack.at(-1);
    const title = collapse(toString(node));
    // Under a timeline, a heading that starts with a date ("March 3, 2025 – Queue backlog") is a day of it,
    // whatever its other words say.
    const datedDay =
      parent?.role === 'timeline' &&
      (parseDatePrefix(title) !== undefined || impossibleDateAt(title) !== undefined);
    const own = datedDay ? undefined : classifyHeading(title);
    const section: Section = {
      heading: node,
      title,
      label: headingLabel(src, node),
      depth: node.depth,
      line: lineOf(node),
      role: own ?? parent?.role ?? 'appendix',
      inherited: !own && parent !== undefined,
      matched: own !== undefined,
      blocks: [],
    };
    if (parent) section.parent = parent;
    sections.push(section);
    stack.push(section);
  }
  const out: { title?: Heading; preamble: RootContent[]; sections: Section[] } = { preamble, sections };
  if (titleNode) out.title = titleNode;
  return out;
}

function reportKindOf(title: string, summary: string): ReportKind {
  const security =
    /\b(?:security|breach|vulnerab\w*|CVE-\d+|exploit\w*|attacker|unauthori[sz]ed access|data leak|leaked credentials|phishing|malware|ransomware)\b/i;
  if (security.test(title)) return 'security';
  if (/\blaunch\b/i.test(title)) return 'launch';
  if (/\b(?:project|migration plan|missed deadline)\b/i.test(title)) return 'project';
  if ((summary.match(new RegExp(security.source, 'gi')) ?? []).length >= 2) return 'security';
  return 'outage';
}

function appendixId(n: number): string {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  return n < 26 ? (letters[n] as string) : `${letters[Math.floor(n / 26) - 1]}${letters[n % 26]}`;
}

function namesFrom(text: string): string[] {
  return plainInline(text)
    .split(/[,;]|(?<!\s)\s+(?:and|&)\s+/)
    .map((s) => s.trim().replace(/^[-*+]\s+/, ''))
    .filter(Boolean);
}

/**
 * Import a free-form Markdown post-mortem: headings and their synonyms map to the report's sections,
 * timeline rows become events with UTC instants (or unknown ones), action items become actions, and
 * whatever is not understood is kept verbatim as notes or appendices. The report passes the schema.
 */
export function importForeignMarkdown(text: string, options: ForeignImportOptions = {}): ForeignImport {
  const file = options.file;
  if (
    options.year !== undefined &&
    !(Number.isInteger(options.year) && options.year >= 1900 && options.year <= 2200)
  ) {
    throw new AppError(
      'bad_request',
      `the year must be a whole number from 1900 to 2200, not ${options.year}`,
    );
  }
  const guarded = guardInput(text, file);
  const fm = splitFrontMatter(guarded);
  const src = fm.text;
  const root = parseTree(src, file);
  const { title: titleNode, preamble, sections } = buildSections(root, src);
  const warnings: string[] = [];
  const headings: RecognizedHeading[] = [];
  const freeText: FreeTextBlock[] = [];
  const fields = new Map<string, Chunk[]>();
  const rows: RawRow[] = [];
  const drafts: ActionDraft[] = [];
  const actionGroups: { label: string; first: number; last: number; line: number }[] = [];
  const factors: string[] = [];
  const lessons: Record<'wentWell' | 'wentWrong' | 'couldImprove' | 'lucky', { id: string; text: string }[]> =
    {
      wentWell: [],
      wentWrong: [],
      couldImprove: [],
      lucky: [],
    };
  const involved: string[] = [];
  const authors: string[] = [];
  const appendices: { title: string; content?: string; line: number; endLine: number }[] = [];
  const timelineProse: string[] = [];
  const fiveWhys: { problem: string; steps: WhyStep[]; line: number }[] = [];
  const financial: FinancialLine[] = [];
  const figures: ImpactFigure[] = [];
  const figureLines: number[] = [];
  const otherProse: string[] = [];

  const fileTitle = file
    ? collapse(
        (file.split(/[\\/]/).pop() ?? file)
          .replace(/\.(?:md|markdown|mdown|txt)$/i, '')
          .replace(/[_]+/g, ' '),
      )
    : '';
  const { text: titleText, from: titleFrom } = titleOf(titleNode, fm.title, fileTitle);
  if (titleFrom === 'heading' && titleNode) {
    headings.push({
      text: titleText,
      line: lineOf(titleNode),
      depth: 1,
      role: 'title',
      target: 'title',
      matched: true,
    });
  }

  const { addChunk, keep, keepExtras, takeListEntries, addAction } = keepers(src, fields, drafts);

  // The preamble: text before the first section goes to the summary's notes; "Created by:" names authors.
  if (preamble.length) {
    // A report with no timeline section may still list stamped lines before any heading (or have no
    // headings at all): those lines are its timeline.
    const hasTimeline = sections.some((sec) => sec.role === 'timeline');
    const prose = preamble.filter((node) => {
      if (hasTimeline || node.type !== 'paragraph') return true;
      const taken = rowsFromParagraph(node, src);
      if (!taken) return true;
      rows.push(...taken);
      return false;
    });
    keep('summary.notes', prose, undefined, false);
    for (const node of preamble) {
      if (node.type !== 'paragraph') continue;
      const p = sliceOf(src, node);
      otherProse.push(p);
      const by =
        /^(?:\*\*|__)?(?:created by|written by|authors?|postmortem owner|report owner|owner)\s*(?::\s*)?(?:(?:\*\*|__)\s*)?(?::\s*)?(\S.*)$/im.exec(
          p,
        );
      if (by) authors.push(...namesFrom(by[1] as string));
    }
  }

  // Front matter that is not ours is kept first, as it came, so appendix ids follow the document's order.
  if (fm.raw) {
    appendices.push({
      title: 'Front matter',
      content: `\`\`\`yaml\n${fm.raw}\n\`\`\``,
      line: 1,
      endLine: fm.raw.split('\n').length,
    });
  }

  const timelineHeadings: string[] = [];
  const ctx: SectionReader = {
    src,
    warnings,
    headings,
    rows,
    drafts,
    actionGroups,
    factors,
    lessons,
    involved,
    authors,
    appendices,
    timelineProse,
    otherProse,
    fiveWhys,
    financial,
    figures,
    figureLines,
    timelineHeadings,
    titleText,
    lessonCount: 0,
    dateKey: 0,
    keep,
    keepExtras,
    takeListEntries,
    addAction,
    addChunk,
  };
  for (const section of sections) {
    const { role } = section;
    const target = readSection(ctx, section);
    section.target = target;
    const h: RecognizedHeading = {
      text: section.title,
      line: section.line,
      depth: section.depth,
      role,
      target,
      matched: section.matched,
    };
    if (section.inherited) h.inherited = true;
    if (!headings.some((x) => x.line === section.line)) headings.push(h);
  }

  const { zone, zoneSource } = resolveZone(rows, options.zone, {
    heading: ctx.headingZone,
    timelineProse,
    otherProse,
    warnings,
  });

  // The date rows without one fall back to: the title, the text before the first section, the file name.
  const titleLine = titleNode ? collapse(toString(titleNode)) : '';
  const reference = referenceDate(
    timelineHeadings.join('\n'),
    titleLine,
    fm.raw ?? '',
    preamble.map((n) => sliceOf(src, n)).join('\n'),
    fields
      .get('summary.whatHappened')
      ?.map((c) => c.text)
      .join('\n') ?? '',
    fileTitle,
    options.year,
  );
  const year = findYear(titleLine) ?? findYear(fileTitle);
  const resolved = resolveRows(rows, {
    zone,
    ...(year !== undefined && !reference
      ? { referenceYear: { year, source: titleLine && findYear(titleLine) ? 'the title' : 'the file name' } }
      : {}),
    ...(options.year !== undefined ? { year: options.year } : {}),
    ...(reference ? { reference } : {}),
  });
  warnings.push(...resolved.warnings);
  const season = seasonMismatch(zone, resolved.events);
  if (season) warnings.push(season);
  for (const o of resolved.overflow) {
    addChunk('details.notes', {
      text: o.text,
      natural: false,
      line: o.line,
      endLine: o.line,
      label: `Timeline entry at line ${o.line} in full`,
    });
  }
  for (const g of actionGroups) {
    const ids = g.first === g.last ? `A${g.first}` : `A${g.first}–A${g.last}`;
    addChunk('actions.notes', { text: ids, natural: false, line: g.line, endLine: g.line, label: g.label });
  }

  // A Severity:/Priority: line anywhere sets the severity; what was written stays in the rationale.
  const severity = severityFrom(src, options.scale);
  if (severity) {
    const line = src.slice(0, severity.offset).split('\n').length;
    addChunk('details.severityRationale', {
      text: `Severity as written in the source: ${severity.written} (line ${line}).`,
      natural: false,
      line,
      endLine: line,
    });
  }

  const textFields = assembleTextFields(fields, freeText, warnings, file);
  appendices.forEach((a, i) => {
    if (a.content)
      freeText.push({ line: a.line, endLine: a.endLine, keptIn: `materials.appendices[${appendixId(i)}]` });
  });
  freeText.sort((a, b) => a.line - b.line);

  const summaryText = textFields['summary.whatHappened'] ?? textFields['summary.notes'] ?? '';
  const kind = reportKindOf(titleText, summaryText);
  const events: TimelineEvent[] = resolved.events;
  const limit = (what: string, n: number, max: number) => {
    if (n > max)
      throw new AppError('too_large', `${file ?? 'input'}: ${n} ${what}; a report may hold ${max}`);
  };
  limit('timeline entries', events.length, LIMITS.list);
  limit('action items', drafts.length, LIMITS.list);
  limit('contributing factors', factors.length, LIMITS.list);
  for (const [kind, list] of Object.entries(lessons)) limit(`lessons (${kind})`, list.length, LIMITS.list);
  limit('people involved', unique(involved).length, 500);
  limit('authors', unique(authors).length, 100);

  const pick = (prefix: string) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(textFields))
      if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = v;
    return out;
  };
  const candidate = {
    title: oneLine(titleText).line || 'Imported post-mortem',
    kind,
    ...(rows.length ? { period: { timezone: ianaFor(zone) } } : {}),
    authors: unique(authors).map((a) => oneLine(a).line),
    involved: unique(involved).map((a) => oneLine(a).line),
    summary: pick('summary'),
    details: { ...pick('details'), timeline: events },
    ...(severity ? { severity: severity.level } : {}),
    impact: { ...pick('impact'), financial, figures },
    analysis: {
      ...pick('analysis'),
      factors: factors.map((text, i) => ({ id: `CF${i + 1}`, text })),
      fiveWhys: fiveWhys.map(({ problem, steps }) => ({ problem, steps })),
    },
    lessons: { ...pick('lessons'), ...lessons },
    actions: {
      ...pick('actions'),
      items: drafts.map((d, i) => {
        const { line: _line, overflow: _overflow, ...rest } = d;
        return { id: `A${i + 1}`, ...rest };
      }),
    },
    materials: {
      ...pick('materials'),
      appendices: appendices.map((a, i) => ({
        id: appendixId(i),
        title: oneLine(a.title).line,
        ...(a.content ? { content: a.content } : {}),
      })),
    },
  };
  const parsed = reportSchema.safeParse(candidate);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'invalid_report',
      `${file ?? 'input'}: the imported report is not valid at ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  const sources = sourcesOf(sections, { rows, drafts, figureLines, fiveWhys });
  const validation = validationOf(parsed.data, options.scale);
  const recognition: Recognition = {
    fiveWhys: fiveWhys.length,
    impactLines: financial.length + figures.length,
    ...(severity
      ? {
          severity: {
            level: severity.level,
            written: severity.written,
            line: src.slice(0, severity.offset).split('\n').length,
          },
        }
      : {}),
    sources,
    validation,
    title: { text: parsed.data.title, from: titleFrom },
    kind,
    headings,
    freeText,
    timeline: {
      rows: rows.length,
      events: events.length,
      unknownTimes: resolved.unknown,
      approximate: events.filter((e) => e.approximate || e.endApproximate).length,
      spans: events.filter((e) => e.end !== undefined).length,
      zone: describeZone(zone),
      zoneSource,
      lines: rows.map((r) => r.line),
    },
    actionItems: drafts.length,
    actions: drafts.map((d, i) => ({ id: `A${i + 1}`, line: d.line })),
    factors: factors.length,
    lessons: ctx.lessonCount,
    involved: parsed.data.involved.length,
    appendices: appendices.length,
    warnings,
  };
  if (file) recognition.file = file;
  return { report: parsed.data, recognition };
}

// The problem a chain answers: its heading when that says more than "5 Whys", else the report's title.
function whyProblem(section: { title: string; role: Role }, title: string): string {
  const own = section.title.replace(/\?$/, '');
  const generic = section.role === 'whys' || /^(?:root causes?|why did (?:it|this) happen)$/i.test(own);
  return oneLine(generic ? title : own).line || 'Imported post-mortem';
}

// Items of a 5 Whys list too long for a step's line are kept whole as notes.
function overflowItems(list: List, steps: WhyStep[]): RootContent[] {
  const cut = steps.some((st) => st.answer.endsWith(' …') || st.question?.endsWith(' …'));
  return cut || list.children.some((item) => item.children.length > 1) ? [list] : [];
}

function unique(names: string[]): string[] {
  return [...new Set(names.map((n) => collapse(n)).filter(Boolean))];
}

/**
 * The zone rows without their own are read in, and where it came from: the option, a table header, the
 * timeline heading, the timeline's prose, the rest of the text; when every timed row names its zone, theirs.
 */
/** What the readers of sections add to: the parts of the model found so far, and how to keep free text. */
interface SectionReader {
  src: string;
  warnings: string[];
  headings: RecognizedHeading[];
  rows: RawRow[];
  drafts: ActionDraft[];
  actionGroups: { label: string; first: number; last: number; line: number }[];
  factors: string[];
  lessons: Record<'wentWell' | 'wentWrong' | 'couldImprove' | 'lucky', { id: string; text: string }[]>;
  involved: string[];
  authors: string[];
  appendices: { title: string; content?: string; line: number; endLine: number }[];
  timelineProse: string[];
  otherProse: string[];
  fiveWhys: { problem: string; steps: WhyStep[]; line: number }[];
  financial: FinancialLine[];
  figures: ImpactFigure[];
  figureLines: number[];
  timelineHeadings: string[];
  titleText: string;
  lessonCount: number;
  /** Changes with each date heading or date line of a timeline, so rows know when a new day starts. */
  dateKey: number;
  /** A zone named in the timeline's own heading. */
  headingZone?: { zone: Zone; phrase: string };
  keep(field: string, blocks: Nodes[], section: Section | undefined, natural: boolean): void;
  keepExtras(
    field: string,
    extras: { item: ListItem; blocks: ListItem['children'] }[],
    section: Section,
  ): void;
  takeListEntries(
    items: ListItem[],
    notes: string,
    section: Section,
    add: (line: string) => void,
    name: () => string,
  ): void;
  addAction(d: ActionDraft, section: Section | undefined): void;
  addChunk(field: string, chunk: Chunk): void;
}

/** Read one section into the model by its role; returns where its content went. */
function readSection(ctx: SectionReader, section: Section): string {
  switch (section.role) {
    case 'timeline':
      return readTimeline(ctx, section);
    case 'factors':
      return readFactors(ctx, section);
    case 'remediation':
    case 'actions':
      return readActions(ctx, section);
    case 'lessons':
    case 'wentWell':
    case 'wentWrong':
    case 'couldImprove':
    case 'lucky':
      return readLessons(ctx, section);
    case 'whys':
      return readWhys(ctx, section);
    case 'attendees':
    case 'authors':
      return readPeople(ctx, section);
    case 'appendix':
      return readAppendix(ctx, section);
    default:
      return readProse(ctx, section);
  }
}

/** Timeline rows from lists, tables and stamped lines; date headings and date lines set the day of the rows under them. */
function readTimeline(ctx: SectionReader, section: Section): string {
  const target = ROLE_TARGET[section.role];
  let context: { date: LocalDate; key: number } | undefined;
  let incident: number | undefined;
  let dateInvalid: number | undefined;
  const headingDate = section.inherited ? parseDatePrefix(section.title) : undefined;
  const badHeading = section.inherited && !headingDate ? impossibleDateAt(section.title) : undefined;
  if (!section.inherited) {
    ctx.timelineHeadings.push(section.title);
    const z = zoneInHeading(section.title);
    if (z) ctx.headingZone ??= z;
  }
  if (badHeading) {
    dateInvalid = ++ctx.dateKey;
    ctx.warnings.push(
      `line ${section.line}: the heading's date "${badHeading}" is not a calendar date; the entries under it are kept with an unknown time`,
    );
  }
  if (headingDate) {
    context = { date: headingDate, key: ++ctx.dateKey };
    incident = context.key;
    ctx.headings.push({
      text: section.title,
      line: section.line,
      depth: section.depth,
      role: 'date-heading',
      matched: true,
      target: 'details.timeline',
      inherited: true,
    });
  }
  const kept: RootContent[] = [];
  const flushKept = () => {
    if (kept.length) ctx.keep('details.notes', kept.splice(0), section, false);
  };
  for (const block of section.blocks) {
    let taken: RawRow[] | undefined;
    if (block.type === 'list') {
      const r = rowsFromList(block, ctx.src, context);
      if (r) {
        taken = r.rows;
        flushKept();
        ctx.keepExtras('details.notes', r.extra, section);
      }
    } else if (block.type === 'table') {
      taken = rowsFromTable(block, ctx.src);
    } else if (block.type === 'paragraph') {
      const date = parseDateLine(sliceOf(ctx.src, block));
      if (date) {
        context = { date, key: ++ctx.dateKey };
        kept.push(block);
        continue;
      }
      taken = rowsFromParagraph(block, ctx.src);
      if (!taken) ctx.timelineProse.push(sliceOf(ctx.src, block));
    }
    if (taken) {
      flushKept();
      for (const row of taken) {
        if (context && !row.dateContext) {
          row.dateContext = context.date;
          row.dateKey = context.key;
        } else if (dateInvalid !== undefined && !row.dateContext) {
          row.dateKey = dateInvalid;
          row.dateInvalid = true;
        }
        if (incident !== undefined) row.incident = incident;
        ctx.rows.push(row);
      }
    } else kept.push(block);
  }
  flushKept();
  return target;
}

/** Contributing factors from the items of lists; other blocks stay as analysis notes. */
function readFactors(ctx: SectionReader, section: Section): string {
  let target = ROLE_TARGET[section.role];
  const before = { factors: ctx.factors.length, lessons: ctx.lessonCount };
  const kept: RootContent[] = [];
  const flushKept = () => {
    if (kept.length) ctx.keep('analysis.notes', kept.splice(0), section, false);
  };
  for (const block of section.blocks) {
    if (block.type === 'list') {
      flushKept();
      ctx.takeListEntries(
        block.children,
        'analysis.notes',
        section,
        (line) => ctx.factors.push(line),
        () => `CF${ctx.factors.length}`,
      );
    } else {
      ctx.otherProse.push(sliceOf(ctx.src, block));
      kept.push(block);
    }
  }
  flushKept();
  if (ctx.factors.length === before.factors) target = 'analysis.notes';
  return target;
}

/** Action items from lists, tables and labelled paragraphs; a sub-heading of actions is noted as a group. */
function readActions(ctx: SectionReader, section: Section): string {
  const { role } = section;
  let target = ROLE_TARGET[section.role];
  const hints: ActionHints = section.inherited || section.heading ? hintsFromHeading(section.label) : {};
  const firstIndex = ctx.drafts.length;
  const prose = role === 'remediation' && !section.inherited ? 'details.stepsTaken' : 'actions.notes';
  const proseNatural = role === 'remediation' && !section.inherited;
  const kept: RootContent[] = [];
  const flushKept = () => {
    if (kept.length) ctx.keep(prose, kept.splice(0), section, proseNatural);
  };
  for (const block of section.blocks) {
    if (block.type === 'list') {
      flushKept();
      const r = actionsFromList(block, ctx.src, hints);
      r.drafts.forEach((d) => ctx.addAction(d, section));
      ctx.keepExtras('actions.notes', r.extra, section);
    } else if (block.type === 'table' && actionsFromTable(block, ctx.src, hints)) {
      flushKept();
      actionsFromTable(block, ctx.src, hints)?.forEach((d) => ctx.addAction(d, section));
    } else if (block.type === 'paragraph' && isActionParagraph(sliceOf(ctx.src, block))) {
      flushKept();
      ctx.addAction(actionFromText(sliceOf(ctx.src, block), lineOf(block), hints), section);
    } else {
      if (block.type === 'paragraph') ctx.otherProse.push(sliceOf(ctx.src, block));
      kept.push(block);
    }
  }
  flushKept();
  const subGroup =
    section.inherited ||
    (section.parent !== undefined && ['actions', 'remediation'].includes(section.parent.role));
  if (subGroup && ctx.drafts.length > firstIndex) {
    ctx.actionGroups.push({
      label: section.label,
      first: firstIndex + 1,
      last: ctx.drafts.length,
      line: section.line,
    });
  }
  target = ctx.drafts.length > firstIndex ? 'actions.items' : prose;
  return target;
}

/** Lessons from the items of lists, in the list the heading names. */
function readLessons(ctx: SectionReader, section: Section): string {
  const { role } = section;
  let target = ROLE_TARGET[section.role];
  const before = { factors: ctx.factors.length, lessons: ctx.lessonCount };
  const list = ctx.lessons[role === 'lessons' ? 'couldImprove' : (role as keyof SectionReader['lessons'])];
  const kept: RootContent[] = [];
  const flushKept = () => {
    if (kept.length) ctx.keep('lessons.notes', kept.splice(0), section, false);
  };
  for (const block of section.blocks) {
    if (block.type === 'list') {
      flushKept();
      ctx.takeListEntries(
        block.children,
        'lessons.notes',
        section,
        (line) => list.push({ id: `L${++ctx.lessonCount}`, text: line }),
        () => `L${ctx.lessonCount}`,
      );
    } else if (block.type === 'paragraph' && isActionParagraph(sliceOf(ctx.src, block))) {
      flushKept();
      ctx.addAction(actionFromText(sliceOf(ctx.src, block), lineOf(block)), section);
    } else {
      ctx.otherProse.push(sliceOf(ctx.src, block));
      kept.push(block);
    }
  }
  flushKept();
  if (ctx.lessonCount === before.lessons) target = 'lessons.notes';
  return target;
}

/** A 5 Whys section: each list is a chain, every item a step. */
function readWhys(ctx: SectionReader, section: Section): string {
  let target = ROLE_TARGET[section.role];
  const kept: RootContent[] = [];
  for (const block of section.blocks) {
    const steps = block.type === 'list' ? whysFromList(block, ctx.src, true) : undefined;
    if (steps) {
      ctx.fiveWhys.push({ problem: whyProblem(section, ctx.titleText), steps, line: lineOf(block) });
      ctx.keep('analysis.notes', overflowItems(block as List, steps), section, false);
    } else {
      if (block.type === 'paragraph') ctx.otherProse.push(sliceOf(ctx.src, block));
      kept.push(block);
    }
  }
  ctx.keep('analysis.notes', kept, section, false);
  if (!ctx.fiveWhys.length) target = 'analysis.notes';
  return target;
}

/** Names of the people involved, or of the authors, from lists and lines. */
function readPeople(ctx: SectionReader, section: Section): string {
  const { role } = section;
  const target = ROLE_TARGET[section.role];
  const into = role === 'attendees' ? ctx.involved : ctx.authors;
  for (const block of section.blocks) {
    if (block.type === 'list') {
      for (const item of block.children)
        if (item.children[0]) into.push(...namesFrom(sliceOf(ctx.src, item.children[0])));
      for (const item of block.children) ctx.keep('summary.notes', item.children.slice(1), section, false);
    } else if (block.type === 'paragraph') into.push(...namesFrom(sliceOf(ctx.src, block)));
    else ctx.keep('summary.notes', [block], section, false);
  }
  return target;
}

/** A section the import does not map: kept whole as an appendix. */
function readAppendix(ctx: SectionReader, section: Section): string {
  let target = ROLE_TARGET[section.role];
  const content = section.blocks.length
    ? sliceOf(ctx.src, section.blocks[0] as Nodes, section.blocks.at(-1) as Nodes).trim()
    : '';
  const appendix: { title: string; content?: string; line: number; endLine: number } = {
    title: section.title || `Section at line ${section.line}`,
    line: section.line,
    endLine: section.blocks.length ? endLineOf(section.blocks.at(-1) as Nodes) : section.line,
  };
  if (content) appendix.content = content;
  if (ctx.appendices.length < MAX_APPENDICES) {
    ctx.appendices.push(appendix);
    target = `materials.appendices[${appendixId(ctx.appendices.length - 1)}]`;
  } else {
    // Past the last appendix id the sections still go somewhere: the materials' notes, under their heading.
    ctx.keep('materials.notes', section.blocks, section, false);
    if (!section.blocks.length) {
      ctx.addChunk('materials.notes', {
        text: `**${section.label || section.title}**`,
        natural: false,
        line: section.line,
        endLine: section.line,
      });
    }
    target = 'materials.notes';
  }
  return target;
}

/** A section of prose, kept verbatim in the field its role names; Why-lists under a cause heading become 5 Whys chains and impact bullets typed lines. */
function readProse(ctx: SectionReader, section: Section): string {
  const { role } = section;
  const target = ROLE_TARGET[section.role];
  const natural = !section.inherited;
  const proseField = target;
  // A section of prose: its text goes to the field the role names, verbatim.
  const prose: RootContent[] = [];
  const flush = () => {
    if (prose.length) ctx.keep(proseField, prose.splice(0), section, natural);
  };
  for (const block of section.blocks) {
    if (block.type === 'paragraph' && isActionParagraph(sliceOf(ctx.src, block))) {
      flush();
      ctx.addAction(actionFromText(sliceOf(ctx.src, block), lineOf(block)), section);
      continue;
    }
    // A numbered "Why …? Because …" list under a cause heading is a 5 Whys chain.
    const steps =
      role === 'rootCause' && block.type === 'list' ? whysFromList(block, ctx.src, false) : undefined;
    if (steps) {
      flush();
      ctx.fiveWhys.push({ problem: whyProblem(section, ctx.titleText), steps, line: lineOf(block) });
      ctx.keep('analysis.notes', overflowItems(block as List, steps), section, false);
      continue;
    }
    if ((role === 'impact' || role === 'customerImpact') && block.type === 'list') {
      const typed = impactFromList(block, ctx.src);
      ctx.financial.push(...typed.financial);
      ctx.figures.push(...typed.figures);
      for (let k = typed.financial.length + typed.figures.length; k > 0; k--)
        ctx.figureLines.push(lineOf(block));
    }
    if (block.type === 'paragraph') ctx.otherProse.push(sliceOf(ctx.src, block));
    prose.push(block);
  }
  flush();
  return target;
}

/** Rows, actions, impact lines and whys counted under the heading each came from, in the document's order. */
function sourcesOf(
  sections: Section[],
  found: { rows: RawRow[]; drafts: ActionDraft[]; figureLines: number[]; fiveWhys: { line: number }[] },
): Recognition['sources'] {
  const sourceMap = new Map<number, Recognition['sources'][number]>();
  const count = (line: number, what: 'rows' | 'actions' | 'impactLines' | 'whys') => {
    const section = sections.findLast((sec) => sec.line <= line);
    const at = section?.line ?? 1;
    const entry = sourceMap.get(at) ?? {
      heading: section ? section.title : 'the text before the first heading',
      line: at,
      rows: 0,
      actions: 0,
      impactLines: 0,
      whys: 0,
    };
    entry[what] += 1;
    sourceMap.set(at, entry);
  };
  found.rows.forEach((r) => count(r.line, 'rows'));
  found.drafts.forEach((d) => count(d.line, 'actions'));
  found.figureLines.forEach((l) => count(l, 'impactLines'));
  found.fiveWhys.forEach((w) => count(w.line, 'whys'));
  return [...sourceMap.values()].sort((a, b) => a.line - b.line);
}

/** What `validate` will say of an imported report: errors now, and what a draft may lack until review. */
function validationOf(report: Report, scale: SeverityScale | undefined): Recognition['validation'] {
  const problems = checkReport(report, scale ? { scale } : {});
  const summarize = (list: typeof problems) => {
    const byCode = new Map<string, { n: number; first: string }>();
    for (const p of list) {
      const e = byCode.get(p.code) ?? { n: 0, first: p.message };
      e.n += 1;
      byCode.set(p.code, e);
    }
    return [...byCode.values()].map((e) => (e.n > 1 ? `${e.first} (and ${e.n - 1} more like it)` : e.first));
  };
  return {
    errors: summarize(problems.filter((p) => p.severity !== 'warning')),
    warnings: summarize(problems.filter((p) => p.severity === 'warning')),
  };
}

/**
 * How source is kept as free text, verbatim: chunks per model field, runs of blocks sliced as one, list
 * entries with their overflow, and actions with their full text when cut.
 */
function keepers(src: string, fields: Map<string, Chunk[]>, drafts: ActionDraft[]) {
  const addChunk = (field: string, chunk: Chunk) => {
    if (!chunk.text.trim()) return;
    const list = fields.get(field) ?? [];
    list.push({ ...chunk, text: chunk.text.trim() });
    fields.set(field, list);
  };
  const chunkOf = (
    first: Nodes,
    last: Nodes,
    section: Section | undefined,
    natural: boolean,
    label?: string,
  ): Chunk => {
    const chunk: Chunk = {
      text: sliceOf(src, first, last),
      natural,
      line: lineOf(first),
      endLine: endLineOf(last),
    };
    if (label) chunk.label = label;
    if (section) chunk.section = section;
    return chunk;
  };

  // Runs of consecutive kept blocks are sliced as one, so the text between them survives exactly.
  const keep = (field: string, blocks: Nodes[], section: Section | undefined, natural: boolean) => {
    let run: Nodes[] = [];
    const flush = () => {
      if (!run.length) return;
      addChunk(field, chunkOf(run[0] as Nodes, run.at(-1) as Nodes, section, natural));
      run = [];
    };
    blocks.forEach((b, i) => {
      const prev = blocks[i - 1];
      if (prev && prev.position?.end.offset !== undefined && b.position?.start.offset !== undefined) {
        const between = src.slice(prev.position.end.offset, b.position.start.offset);
        if (between.trim() !== '') flush();
      }
      run.push(b);
    });
    flush();
  };

  const keepExtras = (
    field: string,
    extras: { item: ListItem; blocks: ListItem['children'] }[],
    section: Section,
  ) => {
    for (const e of extras) keep(field, e.blocks, section, false);
  };

  // A list of one-line entries (factors, lessons): each item's first block is the entry, `add` stores it and
  // names it; an entry too long for one line also keeps its full text in `notes`, as do the item's other blocks.
  const takeListEntries = (
    items: ListItem[],
    notes: string,
    section: Section,
    add: (line: string) => void,
    name: () => string,
  ) => {
    for (const item of items) {
      const head = item.children[0];
      const { line, overflow } = oneLine(head ? sliceOf(src, head) : '');
      if (line) add(line);
      if (overflow)
        addChunk(notes, chunkOf(head as Nodes, head as Nodes, section, false, `${name()} in full`));
      keep(notes, item.children.slice(1), section, false);
    }
  };

  const addAction = (d: ActionDraft, section: Section | undefined) => {
    drafts.push(d);
    if (d.overflow) {
      const chunk: Chunk = {
        text: d.overflow,
        natural: false,
        line: d.line,
        endLine: d.line,
        label: `A${drafts.length} in full`,
      };
      if (section) chunk.section = section;
      addChunk('actions.notes', chunk);
    }
  };
  return { addChunk, keep, keepExtras, takeListEntries, addAction };
}

/** The report's title, nearest first: the H1, the front matter's title, the file name, a default. */
function titleOf(
  heading: Heading | undefined,
  frontMatter: string | undefined,
  fileTitle: string,
): Recognition['title'] {
  const fromHeading = heading ? collapse(toString(heading)) : '';
  if (fromHeading) return { text: fromHeading, from: 'heading' };
  if (frontMatter) return { text: frontMatter, from: 'front matter' };
  if (fileTitle) return { text: fileTitle, from: 'file name' };
  return { text: 'Imported post-mortem', from: 'default' };
}

function resolveZone(
  rows: RawRow[],
  zoneName: string | undefined,
  stated: {
    heading: { zone: Zone; phrase: string } | undefined;
    timelineProse: string[];
    otherProse: string[];
    warnings: string[];
  },
): { zone: Zone; zoneSource: string } {
  const zoneOption = zoneName !== undefined ? zoneFromName(zoneName) : undefined;
  if (zoneName !== undefined && !zoneOption) {
    throw new AppError(
      'bad_request',
      `unknown time zone "${zoneName}"; use UTC, an abbreviation such as PDT, an offset such as +02:00, or an IANA name such as Europe/Berlin`,
    );
  }
  const headerZone = rows.find((r) => r.headerZone)?.headerZone;
  const proseZone =
    stated.heading ?? findZoneInTexts(stated.timelineProse) ?? findZoneInTexts(stated.otherProse);
  let zone: Zone = { name: 'UTC', offset: 0 };
  let zoneSource = 'no zone stated; read as UTC';
  if (zoneOption) {
    zone = zoneOption;
    zoneSource = 'the zone option';
    // The option stands for what the writer meant, so it also overrides a zone in a table header.
    for (const row of rows) delete row.headerZone;
  } else if (headerZone) {
    zone = headerZone.zone;
    zoneSource = `the timeline table header "${headerZone.phrase}"`;
  } else if (proseZone) {
    zone = proseZone.zone;
    zoneSource = `the text "${proseZone.phrase}"`;
  }
  const ownZones = rows.filter((r) => r.stamp?.zone).length;
  const timed = rows.filter((r) => r.stamp?.time).length;
  if (ownZones > 0 && ownZones === timed) {
    const first = rows.find((r) => r.stamp?.zone)?.stamp;
    zone = first?.zone as Zone;
    zoneSource = `the time stamps ("${collapse(first?.raw ?? '').replace(/[*_[\]`]/g, '')}")`;
  } else if (!zoneOption && !headerZone && !proseZone && timed > ownZones) {
    stated.warnings.push(
      'no time zone is stated for the timeline; its times were read as UTC (pass a zone to change that)',
    );
  }
  if (headerZone && rows.some((r) => r.headerZone && r.headerZone.zone.name !== headerZone.zone.name)) {
    stated.warnings.push('timeline tables state different zones; each table was read in its own');
  }
  return { zone, zoneSource };
}

/**
 * The text of each field from its chunks, in order: a chunk is labelled with its heading only where a field
 * mixes sections (notes always). Records where free text was kept; refuses a field over the size limit.
 */
function assembleTextFields(
  fields: Map<string, Chunk[]>,
  freeText: FreeTextBlock[],
  warnings: string[],
  file: string | undefined,
): Record<string, string> {
  const textFields: Record<string, string> = {};
  for (const [field, chunks] of fields) {
    const single =
      new Set(chunks.map((c) => c.section)).size === 1 && chunks.every((c) => c.natural && !c.label);
    const parts = chunks.map((c, i) => {
      let label = c.label;
      const prev = chunks[i - 1];
      // A section's heading labels its text when the field mixes sections; consecutive chunks share one label.
      const sameSection = prev !== undefined && prev.section === c.section && !prev.label;
      // Notes gather text from anywhere, so there each section's text always carries its heading.
      const notes = NOTES_FIELDS.has(field);
      if (
        !label &&
        (!single || notes) &&
        c.section?.heading &&
        !sameSection &&
        !(i === 0 && c.natural && !notes)
      ) {
        label = c.section.label;
      }
      if (!label && c.section?.inherited && !sameSection) label = c.section.label;
      return label ? `**${label}**\n\n${c.text}` : c.text;
    });
    const value = parts.join('\n\n').trim();
    if (ONLY_COMMENT.test(value)) {
      warnings.push(`line ${chunks[0]?.line}: ${field} held only an HTML comment, which was left out`);
      continue;
    }
    if (!value) continue;
    if (value.length > LIMITS.text) {
      throw new AppError(
        'too_large',
        `${file ? `${file}:` : 'line '}${chunks[0]?.line}: the text for ${field} is ${value.length.toLocaleString('en-US')} characters; a field may hold ${LIMITS.text.toLocaleString('en-US')}`,
      );
    }
    textFields[field] = value;
    for (const c of chunks) {
      if (NOTES_FIELDS.has(field) || !c.natural)
        freeText.push({ line: c.line, endLine: c.endLine, keptIn: field });
    }
  }
  return textFields;
}

function findZoneInTexts(texts: string[]): { zone: Zone; phrase: string } | undefined {
  for (const t of texts) {
    const found = findZoneStatement(t);
    if (found) return found;
  }
  return undefined;
}

// Nearest first: the timeline's own heading, the title, the front matter, the text before the first
// section, the summary, the file name.
function referenceDate(
  timelineHeading: string,
  title: string,
  frontMatter: string,
  preamble: string,
  summary: string,
  fileTitle: string,
  year?: number,
): { date: Required<LocalDate>; source: string } | undefined {
  const sources: [string, string][] = [
    [timelineHeading, 'the timeline heading'],
    [title, 'the title'],
    [frontMatter, 'the front matter'],
    [preamble, 'the text before the first section'],
    [summary, 'the summary'],
    [fileTitle, 'the file name'],
  ];
  for (const [text, source] of sources) {
    const date = findFullDate(text);
    if (date && (year === undefined || date.year === year)) return { date, source };
  }
  return undefined;
}

// Abbreviations name a season of a region; the report's period keeps the region's IANA zone.
const REGION_OF: Record<string, string> = {
  UTC: 'UTC',
  GMT: 'UTC',
  PST: 'America/Los_Angeles',
  PDT: 'America/Los_Angeles',
  MST: 'America/Denver',
  MDT: 'America/Denver',
  CST: 'America/Chicago',
  CDT: 'America/Chicago',
  EST: 'America/New_York',
  EDT: 'America/New_York',
  CET: 'CET',
  CEST: 'CET',
  MET: 'CET',
  MEST: 'CET',
  EET: 'EET',
  EEST: 'EET',
  WET: 'WET',
  WEST: 'WET',
  BST: 'Europe/London',
  IST: 'Asia/Kolkata',
  JST: 'Asia/Tokyo',
  AEST: 'Australia/Sydney',
  AEDT: 'Australia/Sydney',
};

// The zone option reads a bare abbreviation such as CET as its fixed offset, so suggest a city zone.
const LOCAL_EXAMPLE: Record<string, string> = {
  CET: 'Europe/Berlin',
  EET: 'Europe/Athens',
  WET: 'Europe/Lisbon',
};

function ianaFor(zone: Zone): string {
  if (zone.iana) return zone.iana;
  const region = REGION_OF[zone.name.toUpperCase()];
  if (region && isTimeZone(region)) return region;
  const off = zone.offset ?? 0;
  // Etc/GMT zones count the other way: Etc/GMT-2 is two hours east of UTC.
  if (off % 60 === 0) return off === 0 ? 'UTC' : `Etc/GMT${off > 0 ? '-' : '+'}${Math.abs(off) / 60}`;
  return 'UTC';
}

/**
 * A warning when a seasonal abbreviation does not fit the date: "CET" in July, when Central Europe keeps
 * CEST. Writers often mean their local time, but the import reads the abbreviation as written.
 */
function seasonMismatch(zone: Zone, events: TimelineEvent[]): string | undefined {
  const region = REGION_OF[zone.name.toUpperCase()];
  const first = events.find((e) => e.at !== null)?.at;
  if (zone.offset === undefined || !region || region === 'UTC' || !first) return undefined;
  const ms = parseInstant(first) as number;
  const local = offsetMinutesAt({ name: region, iana: region }, ms + zone.offset * 60_000);
  if (local === zone.offset) return undefined;
  const sign = local < 0 ? '-' : '+';
  const abs = Math.abs(local);
  const clock = `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `times are said to be ${describeZone(zone)}, but on ${first.slice(0, 10)} clocks there are at ${clock}; they were read as written (pass a zone such as ${LOCAL_EXAMPLE[region] ?? region} to read them as local time)`;
}

function describeZone(zone: Zone): string {
  if (zone.iana) return `${zone.name} (${zone.iana})`;
  const off = zone.offset ?? 0;
  if (off === 0 && zone.name === 'UTC') return 'UTC';
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  return `${zone.name} (UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')})`;
}

/** A few human-readable lines on what an import recognized, for a command's standard error. */
export function formatRecognition(r: Recognition): string {
  const lines: string[] = [];
  const from = r.file ? ` from ${r.file}` : '';
  lines.push(`Imported "${r.title.text}" (${r.kind})${from}; title from the ${r.title.from}.`);
  const sections = r.headings.filter((h) => h.role !== 'title' && h.role !== 'date-heading');
  const known = sections.filter((h) => h.matched);
  if (sections.length) {
    lines.push(
      `Sections: ${known.length} recognized of ${sections.length} — ` +
        sections
          .map((h) => {
            const how = h.inherited ? ' (under the heading above)' : h.matched ? '' : ' (not recognized)';
            return `${h.text} → ${h.target}${how}`;
          })
          .join('; ') +
        '.',
    );
  }
  const t = r.timeline;
  if (t.rows) {
    lines.push(
      `Timeline: ${t.rows} rows → ${t.events} events, ${t.unknownTimes} with an unknown time; times in ${t.zone}, from ${t.zoneSource}.`,
    );
  } else lines.push('Timeline: no rows found.');
  if (t.approximate || t.spans) {
    lines.push(`Of those, ${t.approximate} with an approximate time (~) and ${t.spans} spanning a while.`);
  }
  lines.push(
    `Action items: ${r.actionItems}; contributing factors: ${r.factors}; lessons: ${r.lessons}; people involved: ${r.involved}; appendices: ${r.appendices}.`,
  );
  lines.push(
    `5 Whys chains: ${r.fiveWhys}; impact lines with figures: ${r.impactLines}; severity: ${r.severity ? `${r.severity.level} (written "${r.severity.written}" on line ${r.severity.line})` : 'not stated'}.`,
  );
  if (r.sources.length) {
    const parts = r.sources.map((src) => {
      const what = (
        [
          [src.rows, 'row'],
          [src.actions, 'action'],
          [src.impactLines, 'impact line'],
          [src.whys, '5 Whys chain'],
        ] as const
      )
        .filter(([n]) => n > 0)
        .map(([n, w]) => `${n} ${w}${n === 1 ? '' : 's'}`)
        .join(', ');
      return `${src.heading} (line ${src.line}): ${what}`;
    });
    lines.push(`From: ${parts.join('; ')}.`);
  }
  const v = r.validation;
  if (v.errors.length) lines.push(`Will not validate yet: ${v.errors.join('; ')}.`);
  if (v.warnings.length)
    lines.push(`Needed before review (warnings while a draft): ${v.warnings.join('; ')}.`);
  if (r.freeText.length) {
    const byField = new Map<string, number[]>();
    for (const f of r.freeText) byField.set(f.keptIn, [...(byField.get(f.keptIn) ?? []), f.line]);
    lines.push(
      `Kept as free text: ${[...byField].map(([field, ls]) => `${field} (line${ls.length > 1 ? 's' : ''} ${ls.join(', ')})`).join('; ')}.`,
    );
  }
  for (const w of r.warnings) lines.push(`Warning: ${w}`);
  return `${lines.join('\n')}\n`;
}
