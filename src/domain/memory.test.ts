// The shared memory's pure parts: what a report can share, the figures over many reports (checked against
// figures computed here another way) and CSV.
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import {
  causeTerms,
  computeInsights,
  distribution,
  factorActionState,
  insightRow,
  relationKeys,
  reportsBehind,
  toCsv,
  type InsightRow,
} from './memory.js';

describe('related-incident keys', () => {
  it('keeps the telling words of causes, in compared form', () => {
    expect(causeTerms('The connection pools were exhausted during the retries of 2024')).toEqual([
      'connection',
      'pool',
      'exhaust',
      'retry',
    ]);
  });

  it('lists systems, categories, words, tags, fishbone categories and evidence hosts once each', () => {
    const report = buildReport({
      systems: ['Checkout', 'CHECKOUT'],
      tags: ['web'],
      analysis: {
        factors: [{ id: 'CF1', text: 'Connection pool exhausted', category: 'Capacity' }],
        fishbone: [{ category: 'tools', cause: 'No pool metrics' }],
      },
      details: { timeline: [{ at: null, kind: 'detected', text: 'Alert', source: 'PagerDuty' }] },
      materials: {
        items: [{ id: 'M1', kind: 'metric', title: 'Graph', link: 'https://grafana.example/d/1' }],
      },
    });
    const keys = relationKeys(report).map((k) => `${k.kind}:${k.key}`);
    expect(keys).toEqual(
      expect.arrayContaining([
        'system:checkout',
        'category:capacity',
        'term:pool',
        'tag:web',
        'fishbone:tools',
        'source:pagerduty',
        'source:grafana.example',
      ]),
    );
    expect(keys.filter((k) => k === 'system:checkout')).toHaveLength(1);
  });
});

describe('figures', () => {
  const row = (over: Partial<InsightRow>): InsightRow => ({
    id: 'x',
    title: 'x',
    kind: 'outage',
    severity: 'SEV2',
    state: 'draft',
    started: '2024-01-10T00:00:00Z',
    quarter: '2024-Q1',
    detection: 'automated',
    timeToDetect: null,
    timeToRespond: null,
    timeToMitigate: null,
    timeToResolve: null,
    published: null,
    reviewRounds: 0,
    actionsTotal: 0,
    actionsCompleted: 0,
    actionsWontDo: 0,
    verifiedEffective: 0,
    verifiedIneffective: 0,
    completedOnTime: 0,
    completedLate: 0,
    completedNoDeadline: 0,
    completedUnknown: 0,
    qualityScore: null,
    openDeadlines: [],
    systems: [],
    tags: [],
    ...over,
  });

  it('gives nearest-rank percentiles with the count', () => {
    const values = [9, 1, 5, 3, 7, 2, 8, 4, 6, 10];
    expect(distribution(values)).toEqual({ count: 10, min: 1, p25: 3, median: 5, p75: 8, p90: 9, max: 10 });
    expect(distribution([])).toBeUndefined();
  });

  it('counts detection, follow-up and systems as computed here by hand', () => {
    const rows = [
      row({
        id: 'a',
        detection: 'customer',
        actionsTotal: 3,
        actionsCompleted: 2,
        verifiedEffective: 1,
        openDeadlines: ['2024-01-01'],
        systems: ['db'],
      }),
      row({
        id: 'b',
        quarter: '2024-Q2',
        started: '2024-04-02T00:00:00Z',
        actionsTotal: 1,
        actionsWontDo: 1,
        systems: ['db', 'api'],
      }),
      row({ id: 'c', detection: null, openDeadlines: ['2024-05-20', '2023-01-01'], actionsTotal: 2 }),
    ];
    const f = computeInsights(rows, '2024-06-01');
    expect(f.detection.map((d) => [d.period, d.series, d.count])).toEqual([
      ['2024-Q1', 'customer', 1],
      ['2024-Q1', 'unknown', 1],
      ['2024-Q2', 'automated', 1],
    ]);
    expect(f.followUp.statuses.map((c) => [c.group, c.count])).toEqual([
      ['not done', 3],
      ['completed', 2],
      ['declined', 1],
    ]);
    expect(f.followUp.verification.map((c) => [c.group, c.count])).toEqual([
      ['effective', 1],
      ['not verified', 1],
    ]);
    expect(f.followUp.overdueByAge.map((c) => [c.group, c.count])).toEqual([
      ['1–30 days', 1],
      ['91–180 days', 1],
      ['over 180 days', 1],
    ]);
    expect(f.bySystem.map((c) => [c.group, c.count])).toEqual([
      ['db', 2],
      ['(none)', 1],
      ['api', 1],
    ]);
    expect(reportsBehind(rows, 'bySystem', 'db', '2024-06-01').map((r) => r.id)).toEqual(['b', 'a']);
  });

  it('derives facts from a report: durations, actions, first publication', () => {
    const report = buildReport({
      state: 'published',
      period: { start: '2024-02-01T10:00:00Z', end: '2024-02-01T12:00:00Z' },
      details: {
        timeline: [
          { at: '2024-02-01T10:30:00Z', kind: 'detected', text: 'Seen' },
          { at: '2024-02-01T11:30:00Z', kind: 'resolved', text: 'Done' },
        ],
      },
      analysis: { factors: [{ id: 'CF1', text: 'Slow disks' }] },
      actions: {
        items: [
          {
            id: 'A1',
            title: 'Fix',
            status: 'completed',
            addresses: ['CF1'],
            verification: { result: 'effective' },
          },
        ],
      },
    });
    const r = insightRow('r', report, { published: '2024-02-05T00:00:00Z' });
    expect([r.quarter, r.timeToDetect, r.timeToResolve, r.published]).toEqual([
      '2024-Q1',
      30 * 60_000,
      90 * 60_000,
      '2024-02-05T00:00:00Z',
    ]);
    expect(factorActionState(report, 'CF1')).toBe('fixed and verified');
    expect(factorActionState(report, 'CF2')).toBe('no action');
  });

  it('writes CSV with quoting and no formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['x,y', '=SUM(1)'],
          [-1, null],
        ],
      ),
    ).toBe('a,b\r\n"x,y",\'=SUM(1)\r\n-1,\r\n');
  });
});
