// The foreign import's orchestrator: the document into sections (document.ts), each section through the
// reader of its role (sections/*.section.ts), the timeline's dates and zone (time.resolve.ts), free text kept
// verbatim (keep.ts), then the report checked against the schema and what was recognized (recognition.ts).
import type { RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import {
  AppError,
  LIMITS,
  reportSchema,
  type Report,
  type ReportKind,
  type SeverityScale,
  type TimelineEvent,
} from '../../domain/index.js';
import {
  buildSections,
  fileTitleOf,
  parseTree,
  splitFrontMatter,
  titleOf,
  type Section,
} from './document.js';
import { severityFrom } from './figures.extract.js';
import { guardInput } from './guard.js';
import { assembleTextFields, keepers, type Chunk } from './keep.js';
import {
  sourcesOf,
  validationOf,
  type FreeTextBlock,
  type Recognition,
  type RecognizedHeading,
} from './recognition.js';
import { linkImportedActions, type CauseLink } from './action-links.js';
import { appendixId, namesFrom, readSection, type SectionReader } from './sections/reader.js';
import { collapse, lineOf, oneLine, sliceOf } from './text.util.js';
import { describeZone, ianaFor, resolveTimeline } from './time.resolve.js';
import type { Zone } from './time.parse.js';
import { rowsFromParagraph, type ResolvedTimeline } from './timeline.extract.js';

export { formatRecognition } from './recognition.js';
export type { FreeTextBlock, Recognition, RecognizedHeading } from './recognition.js';

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

/**
 * Import a free-form Markdown post-mortem: headings and their synonyms map to the report's sections,
 * timeline rows become events with UTC instants (or unknown ones), action items become actions, and
 * whatever is not understood is kept verbatim as notes or appendices. The report passes the schema.
 */
export function importForeignMarkdown(text: string, options: ForeignImportOptions = {}): ForeignImport {
  const file = options.file;
  checkYearOption(options.year);
  const fm = splitFrontMatter(guardInput(text, file));
  const src = fm.text;
  const { title: titleNode, preamble, sections } = buildSections(parseTree(src, file), src);
  const fileTitle = fileTitleOf(file);
  const title = titleOf(titleNode, fm.title, fileTitle);
  const fields = new Map<string, Chunk[]>();
  const ctx = startReading(src, title.text, fields);
  if (title.from === 'heading' && titleNode) {
    ctx.headings.push({
      text: title.text,
      line: lineOf(titleNode),
      depth: 1,
      role: 'title',
      target: 'title',
      matched: true,
    });
  }

  readPreamble(ctx, preamble, sections);
  // Front matter that is not ours is kept first, as it came, so appendix ids follow the document's order.
  if (fm.raw) {
    ctx.appendices.push({
      title: 'Front matter',
      content: `\`\`\`yaml\n${fm.raw}\n\`\`\``,
      line: 1,
      endLine: fm.raw.split('\n').length,
    });
  }
  readSections(ctx, sections);

  const titleLine = titleNode ? collapse(toString(titleNode)) : '';
  const timeline = resolveTimeline(
    ctx.rows,
    {
      ...(options.zone !== undefined ? { zoneOption: options.zone } : {}),
      ...(options.year !== undefined ? { yearOption: options.year } : {}),
      ...(ctx.headingZone ? { headingZone: ctx.headingZone } : {}),
      timelineProse: ctx.timelineProse,
      otherProse: ctx.otherProse,
      timelineHeadings: ctx.timelineHeadings.join('\n'),
      title: titleLine,
      frontMatter: fm.raw ?? '',
      preamble: preamble.map((n) => sliceOf(src, n)).join('\n'),
      summary:
        fields
          .get('summary.whatHappened')
          ?.map((c) => c.text)
          .join('\n') ?? '',
      fileTitle,
    },
    ctx.warnings,
  );
  const severity = keepNotesOfStructure(ctx, timeline.resolved, src, options.scale);

  const freeText: FreeTextBlock[] = [];
  const textFields = assembleTextFields(fields, freeText, ctx.warnings, file);
  ctx.appendices.forEach((a, i) => {
    if (a.content)
      freeText.push({ line: a.line, endLine: a.endLine, keptIn: `materials.appendices[${appendixId(i)}]` });
  });
  freeText.sort((a, b) => a.line - b.line);

  const summaryText = textFields['summary.whatHappened'] ?? textFields['summary.notes'] ?? '';
  const kind = reportKindOf(title.text, summaryText);
  const events = timeline.resolved.events;
  checkSizes(ctx, events, file);
  const report = buildReport(ctx, {
    title: title.text,
    kind,
    events,
    textFields,
    ...(ctx.rows.length ? { timezone: ianaFor(timeline.zone) } : {}),
    ...(severity ? { severity: severity.level } : {}),
    file,
  });
  const links = linkImportedActions(report);

  const recognition = recognize(ctx, {
    report,
    links,
    kind,
    title,
    severity,
    sections,
    freeText,
    timeline,
    scale: options.scale,
  });
  if (file) recognition.file = file;
  return { report, recognition };
}

/** What the import recognized, from what the readers found and the report they made. */
function recognize(
  ctx: SectionReader,
  done: {
    report: Report;
    kind: ReportKind;
    title: Recognition['title'];
    severity: Recognition['severity'];
    sections: Section[];
    freeText: FreeTextBlock[];
    timeline: { zone: Zone; zoneSource: string; resolved: ResolvedTimeline };
    scale: SeverityScale | undefined;
    links: CauseLink[];
  },
): Recognition {
  const { report, kind, title, severity, sections, freeText, timeline } = done;
  const events = timeline.resolved.events;
  return {
    fiveWhys: ctx.fiveWhys.length,
    impactLines: ctx.financial.length + ctx.figures.length,
    ...(severity ? { severity } : {}),
    sources: sourcesOf(sections, ctx),
    validation: validationOf(report, done.scale),
    title: { text: report.title, from: title.from },
    kind,
    headings: ctx.headings,
    freeText,
    timeline: {
      rows: ctx.rows.length,
      events: events.length,
      unknownTimes: timeline.resolved.unknown,
      approximate: events.filter((e) => e.approximate || e.endApproximate).length,
      spans: events.filter((e) => e.end !== undefined).length,
      zone: describeZone(timeline.zone),
      zoneSource: timeline.zoneSource,
      lines: ctx.rows.map((r) => r.line),
    },
    actionItems: ctx.drafts.length,
    actions: ctx.drafts.map((d, i) => ({ id: `A${i + 1}`, line: d.line })),
    links: done.links,
    factors: ctx.factors.length,
    lessons: ctx.lessonCount,
    involved: report.involved.length,
    appendices: ctx.appendices.length,
    warnings: ctx.warnings,
  };
}

function checkYearOption(year: number | undefined): void {
  if (year !== undefined && !(Number.isInteger(year) && year >= 1900 && year <= 2200)) {
    throw new AppError('bad_request', `the year must be a whole number from 1900 to 2200, not ${year}`);
  }
}

/** An empty reader: nothing found yet, and free text kept into `fields`. */
function startReading(src: string, titleText: string, fields: Map<string, Chunk[]>): SectionReader {
  const drafts: SectionReader['drafts'] = [];
  return {
    src,
    warnings: [],
    headings: [],
    rows: [],
    drafts,
    actionGroups: [],
    factors: [],
    lessons: { wentWell: [], wentWrong: [], couldImprove: [], lucky: [] },
    involved: [],
    authors: [],
    appendices: [],
    timelineProse: [],
    otherProse: [],
    fiveWhys: [],
    financial: [],
    figures: [],
    figureLines: [],
    timelineHeadings: [],
    titleText,
    lessonCount: 0,
    dateKey: 0,
    ...keepers(src, fields, drafts),
  };
}

/**
 * The text before the first section goes to the summary's notes; "Created by:" names authors. A report with
 * no timeline section may still list stamped lines there (or have no headings at all): those are its timeline.
 */
function readPreamble(ctx: SectionReader, preamble: RootContent[], sections: Section[]): void {
  if (!preamble.length) return;
  const hasTimeline = sections.some((sec) => sec.role === 'timeline');
  const prose = preamble.filter((node) => {
    if (hasTimeline || node.type !== 'paragraph') return true;
    const taken = rowsFromParagraph(node, ctx.src);
    if (!taken) return true;
    ctx.rows.push(...taken);
    return false;
  });
  ctx.keep('summary.notes', prose, undefined, false);
  for (const node of preamble) {
    if (node.type !== 'paragraph') continue;
    const p = sliceOf(ctx.src, node);
    ctx.otherProse.push(p);
    const by =
      /^(?:\*\*|__)?(?:created by|written by|authors?|postmortem owner|report owner|owner)\s*(?::\s*)?(?:(?:\*\*|__)\s*)?(?::\s*)?(\S.*)$/im.exec(
        p,
      );
    if (by) ctx.authors.push(...namesFrom(by[1] as string));
  }
}

/** Each section through the reader of its role, noting the heading and where its content went. */
function readSections(ctx: SectionReader, sections: Section[]): void {
  for (const section of sections) {
    const target = readSection(ctx, section);
    section.target = target;
    const h: RecognizedHeading = {
      text: section.title,
      line: section.line,
      depth: section.depth,
      role: section.role,
      target,
      matched: section.matched,
    };
    if (section.inherited) h.inherited = true;
    if (!ctx.headings.some((x) => x.line === section.line)) ctx.headings.push(h);
  }
}

/**
 * Notes on what became structure: timeline entries cut for length in full, the groups actions came in, and
 * the severity as written. Returns the severity a Severity:/Priority: line anywhere sets.
 */
function keepNotesOfStructure(
  ctx: SectionReader,
  resolved: ResolvedTimeline,
  src: string,
  scale: SeverityScale | undefined,
): Recognition['severity'] {
  for (const o of resolved.overflow) {
    ctx.addChunk('details.notes', {
      text: o.text,
      natural: false,
      line: o.line,
      endLine: o.line,
      label: `Timeline entry at line ${o.line} in full`,
    });
  }
  for (const g of ctx.actionGroups) {
    const ids = g.first === g.last ? `A${g.first}` : `A${g.first}–A${g.last}`;
    ctx.addChunk('actions.notes', {
      text: ids,
      natural: false,
      line: g.line,
      endLine: g.line,
      label: g.label,
    });
  }
  const severity = severityFrom(src, scale);
  if (!severity) return undefined;
  // What was written stays in the rationale.
  const line = src.slice(0, severity.offset).split('\n').length;
  ctx.addChunk('details.severityRationale', {
    text: `Severity as written in the source: ${severity.written} (line ${line}).`,
    natural: false,
    line,
    endLine: line,
  });
  return { level: severity.level, written: severity.written, line };
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

function unique(names: string[]): string[] {
  return [...new Set(names.map((n) => collapse(n)).filter(Boolean))];
}

/** Refuse a document with more entries of a kind than a report may hold. */
function checkSizes(ctx: SectionReader, events: TimelineEvent[], file: string | undefined): void {
  const limit = (what: string, n: number, max: number) => {
    if (n > max)
      throw new AppError('too_large', `${file ?? 'input'}: ${n} ${what}; a report may hold ${max}`);
  };
  limit('timeline entries', events.length, LIMITS.list);
  limit('action items', ctx.drafts.length, LIMITS.list);
  limit('contributing factors', ctx.factors.length, LIMITS.list);
  for (const [kind, list] of Object.entries(ctx.lessons))
    limit(`lessons (${kind})`, list.length, LIMITS.list);
  limit('people involved', unique(ctx.involved).length, 500);
  limit('authors', unique(ctx.authors).length, 100);
}

/** The report from what the readers found, checked against the schema. */
function buildReport(
  ctx: SectionReader,
  parts: {
    title: string;
    kind: ReportKind;
    events: TimelineEvent[];
    textFields: Record<string, string>;
    timezone?: string;
    severity?: string;
    file: string | undefined;
  },
): Report {
  const pick = (prefix: string) => {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(parts.textFields))
      if (k.startsWith(`${prefix}.`)) out[k.slice(prefix.length + 1)] = v;
    return out;
  };
  const candidate = {
    title: oneLine(parts.title).line || 'Imported post-mortem',
    kind: parts.kind,
    ...(parts.timezone !== undefined ? { period: { timezone: parts.timezone } } : {}),
    authors: unique(ctx.authors).map((a) => oneLine(a).line),
    involved: unique(ctx.involved).map((a) => oneLine(a).line),
    summary: pick('summary'),
    details: { ...pick('details'), timeline: parts.events },
    ...(parts.severity !== undefined ? { severity: parts.severity } : {}),
    impact: { ...pick('impact'), financial: ctx.financial, figures: ctx.figures },
    analysis: {
      ...pick('analysis'),
      factors: ctx.factors.map((text, i) => ({ id: `CF${i + 1}`, text })),
      fiveWhys: ctx.fiveWhys.map(({ problem, steps }) => ({ problem, steps })),
    },
    lessons: { ...pick('lessons'), ...ctx.lessons },
    actions: {
      ...pick('actions'),
      items: ctx.drafts.map((d, i) => {
        const { line: _line, overflow: _overflow, ...rest } = d;
        return { id: `A${i + 1}`, ...rest };
      }),
    },
    materials: {
      ...pick('materials'),
      appendices: ctx.appendices.map((a, i) => ({
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
      `${parts.file ?? 'input'}: the imported report is not valid at ${issue?.path.join('.')}: ${issue?.message}`,
    );
  }
  return parsed.data;
}
