// What an import recognized: the report it gives to the command, and its summary in words.
import type { Report, ReportKind, SeverityScale } from '../../domain/index.js';
import { checkReport } from '../../domain/index.js';
import type { CauseLink } from './action-links.js';
import type { ActionDraft } from './actions.extract.js';
import type { Section } from './document.js';
import type { Role } from './headings.js';
import type { RawRow } from './timeline.extract.js';

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
  /** Causes the import found an action addresses by its wording (`addresses` links), each with its reason. */
  links: CauseLink[];
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

/** Rows, actions, impact lines and whys counted under the heading each came from, in the document's order. */
export function sourcesOf(
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
export function validationOf(report: Report, scale: SeverityScale | undefined): Recognition['validation'] {
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
  if (r.links.length) {
    lines.push(
      `Actions linked to the causes they address, by their wording (check each action's Addresses):`,
    );
    for (const l of r.links) lines.push(`  ${l.action} → ${l.cause}: ${l.reason}`);
  }
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
