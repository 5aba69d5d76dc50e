import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInstant, reportSchema, type Report } from '../../domain/index.js';
import { serializePostmortem } from '../postmortem.serialize.js';
import { importForeignMarkdown } from './foreign.import.js';

// Words with no time, date, zone or Markdown in them, so the text of a row never reads as a stamp.
const WORDS = [
  'disk',
  'node',
  'queue',
  'quota',
  'latency',
  'cache',
  'gateway',
  'retry',
  'billing',
  'login',
  'search',
];
const phrase = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 6 }).map((w) => {
  const s = w.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
});

// Instants of one incident, minute or second precision, in order; the start of each is a separate draw.
const instants = fc
  .tuple(
    fc.integer({ min: Date.UTC(2015, 0, 1), max: Date.UTC(2035, 0, 1) }),
    fc.array(fc.integer({ min: 0, max: 6 * 3600 }), { minLength: 1, maxLength: 8 }),
    fc.boolean(),
  )
  .map(([base, steps, seconds]) => {
    let at = base - (base % 60_000);
    return steps.map((s) => {
      at += (seconds ? s : s - (s % 60)) * 1000;
      return at;
    });
  });

const reportArb = fc
  .record({
    title: phrase,
    times: instants,
    rough: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    spans: fc.array(fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }), {
      minLength: 8,
      maxLength: 8,
    }),
    texts: fc.array(phrase, { minLength: 8, maxLength: 8 }),
    actions: fc.array(
      fc.record({
        title: phrase,
        owner: fc.option(fc.constantFrom('@sam', '@dana', '@lee'), { nil: undefined }),
      }),
      {
        maxLength: 6,
      },
    ),
  })
  .map((g): Report =>
    reportSchema.parse({
      kind: 'outage',
      title: g.title,
      details: {
        timeline: g.times.map((ms, i) => ({
          at: formatInstant(ms),
          ...(g.rough[i] ? { approximate: true } : {}),
          ...(g.spans[i] ? { end: formatInstant(ms + (g.spans[i] as number) * 60_000) } : {}),
          kind: 'other',
          text: g.texts[i],
        })),
      },
      actions: {
        items: g.actions.map((a, i) => ({
          id: `A${i + 1}`,
          title: a.title,
          ...(a.owner ? { owner: a.owner } : {}),
        })),
      },
    }),
  );

interface Style {
  timelineHeading: string;
  timeline: 'list' | 'table' | 'renamed-table';
  actionsHeading: string;
  actions: 'list' | 'bold-list' | 'table';
}

const styleArb: fc.Arbitrary<Style> = fc.record({
  timelineHeading: fc.constantFrom(
    '## Timeline',
    '## Chronology',
    '## Sequence of events',
    '## Timeline (UTC)',
    '### Timeline',
  ),
  timeline: fc.constantFrom('list', 'table', 'renamed-table'),
  actionsHeading: fc.constantFrom(
    '## Action items',
    '## Follow-ups',
    '## How do we stop this from recurring?',
    '## Remediation',
    '## What are we going to do about it?',
  ),
  actions: fc.constantFrom('list', 'bold-list', 'table'),
});

const cells = (line: string) =>
  line
    .slice(1, -1)
    .split(' | ')
    .map((c) => c.trim());

/**
 * Rewrite canonical Postmortem Markdown the way another team might have written it: no front matter, no
 * guidance comments, other headings, the timeline as a list or a table with other columns, and the action
 * items as a list or a table instead of one heading each.
 */
function restyle(md: string, style: Style, report: Report): string {
  const lines = md.replace(/^---\n[\s\S]*?\n---\n/, '').split('\n');
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    if (/^<!--.*-->$/.test(line)) {
      i++;
      continue;
    }
    if (line === '### Timeline') {
      out.push(style.timelineHeading, '', 'All times are UTC.', '');
      i++;
      while (i < lines.length && !lines[i]!.startsWith('|')) i++;
      const header = i;
      const rows: string[][] = [];
      for (i = header + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
      if (style.timeline === 'list') for (const [time, , text] of rows) out.push(`- ${time} — ${text}`);
      else if (style.timeline === 'table') {
        out.push('| Time | Event |', '| --- | --- |');
        for (const [time, , text] of rows) out.push(`| ${time} | ${text} |`);
      } else {
        out.push('| # | When (UTC) | What happened |', '| --- | --- | --- |');
        rows.forEach(([time, , text], n) => out.push(`| ${n + 1} | ${time} | ${text} |`));
      }
      continue;
    }
    if (line === '## Action items') {
      out.push(style.actionsHeading, '');
      const items = report.actions.items;
      if (style.actions === 'table') {
        out.push('| Action | Owner | Status |', '| --- | --- | --- |');
        for (const a of items) out.push(`| ${a.title} | ${a.owner ?? ''} | open |`);
      } else {
        for (const a of items) {
          const owner = a.owner ? ` (owner: ${a.owner})` : '';
          out.push(style.actions === 'bold-list' ? `- **${a.title}**${owner}` : `- ${a.title}${owner}`);
        }
      }
      out.push('');
      // The canonical blocks of each action are replaced by the list above.
      for (i++; i < lines.length && !lines[i]!.startsWith('## '); i++);
      continue;
    }
    out.push(line);
    i++;
  }
  return out.join('\n');
}

describe('import of restyled reports', () => {
  it('recovers the timeline instants and the action items of a report rewritten in another style', () => {
    fc.assert(
      fc.property(reportArb, styleArb, (report, style) => {
        const foreign = restyle(serializePostmortem(report), style, report);
        const { report: got } = importForeignMarkdown(foreign);
        const when = (r: Report) =>
          r.details.timeline.map((e) => ({ at: e.at, approximate: e.approximate, end: e.end }));
        expect(when(got)).toEqual(when(report));
        expect(got.details.timeline.map((e) => e.text)).toEqual(report.details.timeline.map((e) => e.text));
        expect(got.actions.items.map((a) => [a.title, a.owner])).toEqual(
          report.actions.items.map((a) => [a.title, a.owner]),
        );
      }),
      { numRuns: 300 },
    );
  });
});
