import type { List } from 'mdast';
import { describe, expect, it } from 'vitest';
import { parseTree } from './document.js';
import { importForeignMarkdown } from './foreign.import.js';
import { describeZone, ianaFor, resolveTimeline, type TimeClues } from './time.resolve.js';
import { zoneFromName } from './time.parse.js';
import { rowsFromList, type RawRow } from './timeline.extract.js';

const clues = (over: Partial<TimeClues> = {}): TimeClues => ({
  timelineProse: [],
  otherProse: [],
  timelineHeadings: '',
  title: '',
  frontMatter: '',
  preamble: '',
  summary: '',
  fileTitle: '',
  ...over,
});

/** Timeline rows of a Markdown list. */
const rows = (markdown: string): RawRow[] => {
  const list = parseTree(markdown, undefined).children[0] as List;
  return rowsFromList(list, markdown, undefined)?.rows ?? [];
};

describe('the date and zone resolver', () => {
  it('names the period zone of a stated zone, falling back to UTC where no IANA zone fits', () => {
    expect(ianaFor(zoneFromName('PDT')!)).toBe('America/Los_Angeles');
    expect(ianaFor(zoneFromName('UTC+2')!)).toBe('Etc/GMT-2');
    expect(ianaFor(zoneFromName('UTC-12')!)).toBe('Etc/GMT+12');
    expect(ianaFor(zoneFromName('+05:30')!)).toBe('UTC');
    // Etc/GMT-15 does not exist: the period falls back to UTC instead of failing the import.
    expect(ianaFor(zoneFromName('UTC+15')!)).toBe('UTC');
    expect(describeZone(zoneFromName('UTC+15')!)).toBe('UTC+15 (UTC+15:00)');
    expect(describeZone(zoneFromName('Pacific')!)).toBe('Pacific (America/Los_Angeles)');
  });

  it('imports a timeline stated in an offset beyond any IANA Etc zone', () => {
    const r = importForeignMarkdown(
      '# Outage\n\nAll times UTC+15.\n\n## Timeline\n\n- 2024-03-01 10:00 Alert fired\n',
    );
    expect(r.report.details.timeline[0]?.at).toBe('2024-02-29T19:00:00Z');
    expect(r.report.period?.timezone).toBe('UTC');
    expect(r.recognition.timeline.zone).toBe('UTC+15 (UTC+15:00)');
  });

  it('takes the zone option over the text, and refuses an unknown one', () => {
    const found = rows('- 10:00 Alert fired\n- 10:05 Paged\n');
    expect(found).toHaveLength(2);
    const option = resolveTimeline(
      found,
      clues({ zoneOption: 'CET', otherProse: ['All times PDT.'], title: 'Outage on 2024-03-01' }),
      [],
    );
    expect(option.zone).toEqual({ name: 'CET', offset: 60 });
    expect(option.zoneSource).toBe('the zone option');
    expect(option.resolved.events.map((e) => e.at)).toEqual(['2024-03-01T09:00:00Z', '2024-03-01T09:05:00Z']);
    expect(() => resolveTimeline([], clues({ zoneOption: 'Mars/Olympus' }), [])).toThrow(/unknown time zone/);
  });

  it('reads the zone from the text and the date from the nearest source, saying so', () => {
    const warnings: string[] = [];
    const out = resolveTimeline(
      rows('- 10:00 Alert fired\n'),
      clues({
        otherProse: ['All times PDT.'],
        summary: 'On 2024-07-02 the queue stalled.',
        fileTitle: '2023-01-01',
      }),
      warnings,
    );
    expect(out.zoneSource).toBe('the text "All times PDT"');
    expect(out.resolved.events[0]?.at).toBe('2024-07-02T17:00:00Z');
    expect(warnings.join('\n')).toMatch(/the summary/);
  });

  it('warns when no zone is stated, and when an abbreviation does not fit the season', () => {
    const none: string[] = [];
    resolveTimeline(rows('- 2024-07-02 10:00 Alert fired\n'), clues(), none);
    expect(none.join('\n')).toMatch(/no time zone is stated/);
    const season: string[] = [];
    resolveTimeline(
      rows('- 2024-07-02 10:00 Alert fired\n'),
      clues({ otherProse: ['All times CET.'] }),
      season,
    );
    expect(season.join('\n')).toMatch(/clocks there are at UTC\+02:00/);
  });
});
