import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../domain/index.js';
import { importForeignMarkdown } from './foreign.import.js';
import { eventKindOf } from './timeline.extract.js';

const timelineOf = (md: string, options = {}) => {
  const { report, recognition } = importForeignMarkdown(md, options);
  reportSchema.parse(report);
  return { events: report.details.timeline, recognition, report };
};

describe('timeline extraction', () => {
  it('gives times under a date heading that date, and moves to the next heading', () => {
    const { events } = timelineOf(
      '# X\n\n## Timeline\n\nAll times in UTC.\n\n### 2024-01-14\n\n- 10:18 AM - alert fired\n- 11:00 PM - rolled back\n\n### January 15, 2024\n\n- 01:00 - resolved\n',
    );
    expect(events.map((e) => [e.at, e.kind])).toEqual([
      ['2024-01-14T10:18:00Z', 'detected'],
      ['2024-01-14T23:00:00Z', 'mitigated'],
      ['2024-01-15T01:00:00Z', 'resolved'],
    ]);
  });

  it('gives nested rows the date of their parent item', () => {
    const { events } = timelineOf(
      '# X\n\n## Timeline\n\n- 2024-03-02\n  - 09:00 CET - paged\n  - 09:30 CET - acknowledged\n',
    );
    expect(events.map((e) => e.at)).toEqual(['2024-03-02T08:00:00Z', '2024-03-02T08:30:00Z']);
  });

  it('reads "Jan 14, 10:18 AM" with the year from the title, and warns about the assumption', () => {
    const { events, recognition } = timelineOf(
      '# Outage of 2023-01-10\n\n## Timeline\n\n- Jan 14, 10:18 AM PST - paged\n',
    );
    expect(events[0]?.at).toBe('2023-01-14T18:18:00Z');
    expect(recognition.warnings[0]).toMatch(/no year; assumed 2023 from the title/);
  });

  it('leaves the instant unknown when no year can be found, keeping the stamp in the text', () => {
    const { events, recognition } = timelineOf('# Outage\n\n## Timeline\n\n- Jan 14, 10:18 AM - paged\n');
    expect(events[0]).toMatchObject({ at: null, text: 'Jan 14, 10:18 AM - paged' });
    expect(recognition.timeline.unknownTimes).toBe(1);
    expect(recognition.warnings.join('\n')).toMatch(/no date for the time "Jan 14, 10:18 AM"/);
  });

  it('takes the year option for dates without one', () => {
    const { events } = timelineOf('# Outage\n\n## Timeline\n\n- Jan 14, 10:18 AM - paged\n', { year: 2021 });
    expect(events[0]?.at).toBe('2021-01-14T10:18:00Z');
  });

  it('refuses a year option that is not a plausible year', () => {
    expect(() => importForeignMarkdown('# x', { year: 21 })).toThrow(
      /whole number from 1900 to 2200, not 21/,
    );
  });

  it('rolls past midnight, but keeps a small step back as written', () => {
    const { events, recognition } = timelineOf(
      '# 2024-05-01 outage\n\n## Timeline\n\n- 22:00 start\n- 23:50 worse\n- 23:45 noted late\n- 00:20 fixed\n- 01:00 closed\n',
    );
    expect(events.map((e) => e.at)).toEqual([
      '2024-05-01T22:00:00Z',
      '2024-05-01T23:50:00Z',
      '2024-05-01T23:45:00Z',
      '2024-05-02T00:20:00Z',
      '2024-05-02T01:00:00Z',
    ]);
    expect(
      recognition.warnings.some((w) => w.includes('from 23:45 to 00:20; read as the next day, 2024-05-02')),
    ).toBe(true);
  });

  it('splits a paragraph of stamped lines into events and joins unstamped lines to the one above', () => {
    const { events } = timelineOf(
      '# 2024-02-02 x\n\n## Sequence of events\n\n14:00 UTC: deploy\n14:05 UTC: errors rise\nacross all regions\n14:30 UTC: rollback done\n',
    );
    expect(events.map((e) => e.text)).toEqual(['deploy', 'errors rise across all regions', 'rollback done']);
    expect(events[2]?.at).toBe('2024-02-02T14:30:00Z');
  });

  it('reads tables by their headers: time, event, who and link columns, and keeps other columns in the text', () => {
    const { events, recognition } = timelineOf(
      '# x\n\n## Timeline\n\n| Who | When (UTC) | What happened | Data link | Impact |\n|---|---|---|---|---|\n| @ana | 2024-04-01 10:00 | paged by monitor | https://logs.example/1 | none |\n| bob | 2024-04-01 10:07 | acknowledged | | high |\n',
    );
    expect(events[0]).toEqual({
      at: '2024-04-01T10:00:00Z',
      kind: 'detected',
      text: 'paged by monitor · Impact: none',
      actor: '@ana',
      evidence: 'https://logs.example/1',
    });
    expect(events[1]).toMatchObject({ actor: 'bob', kind: 'responded' });
    expect(recognition.timeline.zoneSource).toBe('the timeline table header "When (UTC)"');
  });

  it('reads a seasonal abbreviation as written, and warns when it does not fit the date', () => {
    const summer = timelineOf('# x\n\n## Timeline\n\nAll times in CET.\n\n- 2021-06-22 10:00 start\n');
    expect(summer.events[0]?.at).toBe('2021-06-22T09:00:00Z');
    expect(summer.recognition.warnings).toEqual([
      'times are said to be CET (UTC+01:00), but on 2021-06-22 clocks there are at UTC+02:00; they were read as written (pass a zone such as Europe/Berlin to read them as local time)',
    ]);
    expect(
      timelineOf('# x\n\n## Timeline\n\nAll times in CET.\n\n- 2021-01-22 10:00 start\n').recognition
        .warnings,
    ).toEqual([]);
    const md = '# x\n\n## Timeline\n\nAll times in CET.\n\n- 2021-06-22 10:00 start\n';
    expect(timelineOf(md, { zone: 'Europe/Berlin' }).events[0]?.at).toBe('2021-06-22T08:00:00Z');
  });

  it('joins a Date column and a Time column into one stamp', () => {
    const { events } = timelineOf(
      '# x\n\n## Timeline\n\n| Date | Time (PDT) | Event |\n|---|---|---|\n| 2024-07-01 | 23:50 | deploy |\n| 2024-07-02 | 00:10 | alert fired |\n| 2024-07-02 | ? | later |\n',
    );
    expect(events.map((e) => [e.at, e.text])).toEqual([
      ['2024-07-02T06:50:00Z', 'deploy'],
      ['2024-07-02T07:10:00Z', 'alert fired'],
      [null, '2024-07-02 ? later'],
    ]);
  });

  it('warns when no zone is stated, and uses a given zone over what the text says', () => {
    const plain = timelineOf('# 2024-01-01\n\n## Timeline\n\n- 10:00 start\n');
    expect(plain.recognition.warnings.join()).toMatch(/no time zone is stated/);
    const given = timelineOf('# 2024-01-01\n\n## Timeline\n\nAll times in UTC.\n\n- 10:00 start\n', {
      zone: 'Europe/Berlin',
    });
    expect(given.events[0]?.at).toBe('2024-01-01T09:00:00Z');
    expect(given.report.period.timezone).toBe('Europe/Berlin');
    const table =
      '# 2024-01-01\n\n## Timeline\n\n| Time (UTC) | Event |\n|---|---|\n| 2024-01-01 10:00 | start |\n';
    expect(timelineOf(table, { zone: '+02:00' }).events[0]?.at).toBe('2024-01-01T08:00:00Z');
    expect(() => importForeignMarkdown('# x', { zone: 'Nowhere/City' })).toThrow(
      /unknown time zone "Nowhere\/City"/,
    );
  });

  it('makes a long entry one line and keeps the whole text in the notes', () => {
    const long = 'word '.repeat(600).trim();
    const { events, report } = timelineOf(`# 2024-01-01\n\n## Timeline\n\n- 10:00 UTC ${long}\n`);
    expect(events[0]?.text.length).toBeLessThanOrEqual(2000);
    expect(events[0]?.text.endsWith(' …')).toBe(true);
    expect(report.details.notes).toContain(long);
  });

  it('marks list items without a time in a timed list as unknown rather than dropping them', () => {
    const { events } = timelineOf(
      '# 2024-01-01\n\n## Timeline\n\n- 10:00 UTC start\n- sometime later, a customer wrote in\n',
    );
    expect(events[1]).toMatchObject({ at: null, text: 'sometime later, a customer wrote in' });
  });
});

describe('eventKindOf', () => {
  it.each([
    ['Alert fired for 5xx rate', 'detected'],
    ['Engineer acknowledged the page', 'responded'],
    ['Investigating database locks', 'investigating'],
    ['Suspect the new cache layer', 'hypothesis'],
    ['Rolled back to v1.2', 'mitigated'],
    ['Workaround applied', 'mitigated'],
    ['Status page updated', 'communicated'],
    ['Service recovered', 'resolved'],
    ['Incident closed', 'resolved'],
    ['Cluster scaled from 7 to 10 nodes', 'other'],
  ])('%s → %s', (text, kind) => {
    expect(eventKindOf(text)).toBe(kind);
  });
});
