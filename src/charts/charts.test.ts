import { describe, expect, it } from 'vitest';
import { EVENT_KINDS, reportSchema, type Report, type TimelineEvent } from '../domain/index.js';
import { buildReport } from '../../test/factories.js';
import {
  actionsChart,
  fishboneChart,
  impactChart,
  reportCharts,
  responsePhases,
  timelineChart,
} from './charts.js';

const base = buildReport();
const withEvents = (n: number): Report => {
  const timeline: TimelineEvent[] = Array.from({ length: n }, (_, i) => ({
    at: new Date(Date.parse('2024-03-05T14:00:00Z') + i * 60_000).toISOString().replace('.000Z', 'Z'),
    kind: EVENT_KINDS[i % EVENT_KINDS.length]!,
    text: `Event number ${i + 1}`,
  }));
  return reportSchema.parse({ ...base, period: { timezone: 'UTC' }, details: { ...base.details, timeline } });
};

/** The symbols Vega draws for the points of a mark group whose role is a mark (not an axis or legend). */
const pointMarks = (svg: string) => {
  const group = /<g class="mark-symbol role-mark[^"]*"[^>]*?(?:\/>|>(.*?)<\/g>)/s.exec(svg);
  return (group?.[1]?.match(/<path /g) ?? []).length;
};

const textAlternative = (svg: string) => ({
  title: /<title id="chart-[a-z]+-title">([^<]*)<\/title>/.exec(svg)?.[1],
  desc: /<desc id="chart-[a-z]+-desc">([^<]*)<\/desc>/.exec(svg)?.[1],
});

describe('timeline chart', () => {
  it('draws no event marks for an empty timeline, keeps its time axis and says so in words', async () => {
    const c = await timelineChart(withEvents(0));
    expect(c.svg.startsWith('<svg')).toBe(true);
    expect(c.svg).toContain('aria-roledescription="axis"');
    expect(c.svg).toContain("X-axis titled 'Time (UTC)'");
    expect(pointMarks(c.svg)).toBe(0);
    expect(textAlternative(c.svg)).toEqual({ title: 'Timeline', desc: 'No timed events in the timeline.' });
    expect(c.hasData).toBe(false);
    expect(c.table.rows).toEqual([]);
  });

  it('draws one mark for one event, with its time in the description and the table', async () => {
    const c = await timelineChart(withEvents(1));
    expect(pointMarks(c.svg)).toBe(1);
    expect(c.svg).toContain("X-axis titled 'Time (UTC)'");
    // every event kind is a row of the y axis, whether it has events or not
    for (const row of ['Response phases', 'Detected', 'Resolved']) expect(c.svg).toContain(`>${row}</text>`);
    expect(textAlternative(c.svg).desc).toContain(
      '1 timed event from 2024-03-05 14:00 UTC to 2024-03-05 14:00 UTC',
    );
    expect(c.table.rows).toEqual([
      ['Phase: detect', '2024-03-05 14:00 UTC', '2024-03-05 14:00 UTC', '0s'],
      ['Detected', '2024-03-05 14:00 UTC', '2024-03-05 14:00 UTC', '1 event'],
    ]);
  });

  it('draws 200 events and the response phases between the first of each kind', async () => {
    const r = withEvents(200);
    const c = await timelineChart(r);
    expect(pointMarks(c.svg)).toBe(200);
    expect(textAlternative(c.svg).desc).toContain(
      '200 timed events from 2024-03-05 14:00 UTC to 2024-03-05 17:19 UTC',
    );
    // detected 14:00, responded 14:01, mitigated 14:04, resolved 14:06 (kinds cycle in EVENT_KINDS order)
    expect(responsePhases(r)).toEqual([
      { phase: 'detect', from: '2024-03-05T14:00:00Z', to: '2024-03-05T14:00:00Z' },
      { phase: 'respond', from: '2024-03-05T14:00:00Z', to: '2024-03-05T14:01:00Z' },
      { phase: 'mitigate', from: '2024-03-05T14:01:00Z', to: '2024-03-05T14:04:00Z' },
      { phase: 'resolve', from: '2024-03-05T14:04:00Z', to: '2024-03-05T14:06:00Z' },
    ]);
    const bars = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(c.svg)?.[1] ?? '';
    expect((bars.match(/<path /g) ?? []).length).toBe(4);
    expect(c.table.rows.filter((row) => row[0]!.startsWith('Phase:'))).toHaveLength(4);
    expect(c.table.rows.find((row) => row[0] === 'Detected')?.[3]).toBe('25 events');
  });

  it('draws approximate times hollow and spans as rules', async () => {
    const r = reportSchema.parse({
      ...base,
      details: {
        timeline: [
          { at: '2024-03-05T14:00:00Z', approximate: true, kind: 'detected', text: 'Roughly then' },
          { at: '2024-03-05T14:10:00Z', end: '2024-03-05T14:30:00Z', kind: 'investigating', text: 'Digging' },
        ],
      },
    });
    const c = await timelineChart(r);
    expect(pointMarks(c.svg)).toBe(2);
    expect(c.svg).toMatch(/<g class="mark-rule role-mark[^>]*>\s*<line/);
    expect(c.svg).toMatch(/fill="white"[^>]*stroke="#1d232b"|stroke="#1d232b"[^>]*fill="white"/);
  });
});

describe('impact chart', () => {
  it('marks estimates in the picture, the description and the table', async () => {
    const c = await impactChart(base);
    expect(c.hasData).toBe(true);
    expect(c.svg).toContain('(estimate)');
    expect(c.table.headers).toEqual(['Category', 'Measure', 'Value', 'Unit', 'Basis']);
    expect(c.table.rows.some((r) => r[4] === 'estimate')).toBe(true);
    expect(textAlternative(c.svg).title).toBe('Impact');
  });

  it('says in words when there is nothing to draw', async () => {
    const c = await impactChart(reportSchema.parse({ kind: 'outage', title: 'Empty' }));
    expect(c.hasData).toBe(false);
    expect(c.svg).toContain('No impact figures recorded.');
    expect(textAlternative(c.svg).desc).toBe('No impact figures recorded.');
  });
});

describe('action status chart', () => {
  it('has one bar per status with its count', async () => {
    const c = await actionsChart(base, '2024-03-10');
    const n = base.actions.items.length;
    expect(c.svg).toContain('aria-roledescription="axis"');
    const bars = /<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s.exec(c.svg)?.[1] ?? '';
    expect((bars.match(/<path /g) ?? []).length).toBe(5);
    expect(c.table.rows.map((r) => Number(r[1])).reduce((a, b) => a + b, 0)).toBe(n);
    expect(textAlternative(c.svg).desc).toContain(`${n} action item`);
  });
});

describe('fishbone chart', () => {
  it('draws the causes from the shared layout and describes every one', () => {
    const c = fishboneChart(base);
    for (const cause of base.analysis.fishbone) expect(textAlternative(c.svg).desc).toContain(cause.cause);
    expect(c.svg).toContain('data-category="people"');
    expect(c.table.rows).toHaveLength(base.analysis.fishbone.length);
  });

  it('renders all four for an empty report without failing', async () => {
    const all = await reportCharts(
      reportSchema.parse({ kind: 'outage', title: 'Nothing yet' }),
      '2024-01-01',
    );
    expect(Object.values(all).map((c) => c.hasData)).toEqual([false, false, false, false]);
    for (const c of Object.values(all)) expect(textAlternative(c.svg).title).toBeTruthy();
  });
});
