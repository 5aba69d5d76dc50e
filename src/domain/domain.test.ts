import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import {
  actionStatistics,
  canTransition,
  checkReport,
  formatDuration,
  formatInstant,
  impactTotals,
  newReport,
  parseInstant,
  REPORT_KINDS,
  reportSchema,
  responseTimes,
  severityScaleSchema,
  DEFAULT_SEVERITY_SCALE,
  guidanceFor,
  isTimeZone,
  codeOf,
  labelOf,
  ACTION_STATUSES,
  lineNesting,
} from './index.js';

describe('instants', () => {
  it('writes any instant exactly as Date does, at any pace through the minutes', () => {
    const reference = (ms: number) => {
      const iso = new Date(ms).toISOString();
      // Drop the milliseconds when they are zero (the year may be wider than four digits).
      return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
    };
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: -8.64e15, max: 8.64e15 }),
            fc.integer({ min: 1.7e12, max: 1.7e12 + 600_000 }),
            fc.integer({ min: 1.7e12, max: 1.7e12 + 3_000 }),
            fc.integer({ min: -120_000, max: 120_000 }),
            fc.double({ min: -1e13, max: 1e13, noNaN: true }),
          ),
          { minLength: 1, maxLength: 20 },
        ),
        (all) => {
          for (const ms of all) expect(formatInstant(ms)).toBe(reference(ms));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads ISO 8601 with offsets and writes canonical UTC', () => {
    expect(formatInstant(parseInstant('2024-03-05T16:02:00+02:00')!)).toBe('2024-03-05T14:02:00Z');
    expect(formatInstant(parseInstant('2024-03-05 14:02Z')!)).toBe('2024-03-05T14:02:00Z');
    expect(formatInstant(parseInstant('2024-03-05T14:02:03.5-0130')!)).toBe('2024-03-05T15:32:03.500Z');
    expect(parseInstant('2024-02-30T10:00:00Z')).toBeUndefined();
    expect(parseInstant('2024-03-05T24:00:00Z')).toBeUndefined();
    expect(parseInstant('2024-03-05T10:00:00')).toBeUndefined();
    expect(parseInstant('yesterday')).toBeUndefined();
  });

  it('keeps years before 100 as written (Date.UTC would read 0099 as 1999)', () => {
    expect(formatInstant(parseInstant('0099-03-01T00:00:00Z')!)).toBe('0099-03-01T00:00:00Z');
    expect(formatInstant(parseInstant('0004-02-29T12:30:00.250+01:00')!)).toBe('0004-02-29T11:30:00.250Z');
    expect(formatInstant(parseInstant('0100-03-01T00:00:00Z')!)).toBe('0100-03-01T00:00:00Z');
  });

  it('normalizes instants in the schema', () => {
    const r = reportSchema.parse({
      kind: 'outage',
      title: 'x',
      period: { start: '2024-01-01T01:00:00+01:00' },
    });
    expect(r.period.start).toBe('2024-01-01T00:00:00Z');
  });
});

describe('time zone names', () => {
  const byFormatter = (zone: string) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  };

  it('answers as building a formatter would, for canonical names, aliases, other cases and nonsense', () => {
    const names = [
      'UTC',
      'Etc/UTC',
      'GMT',
      'Etc/GMT',
      'utc',
      'Europe/Berlin',
      'europe/berlin',
      'US/Pacific',
      'Asia/Kolkata',
      'Asia/Calcutta',
      'Etc/GMT+5',
      'Mars/Olympus_Mons',
      'Europe/Berlin ',
      '',
      '+02:00',
      'EST',
    ];
    for (const zone of names) expect(isTimeZone(zone), zone).toBe(byFormatter(zone));
    // Asked twice (the answer is remembered), the same.
    for (const zone of names) expect(isTimeZone(zone), zone).toBe(byFormatter(zone));
  });

  it('accepts every name of the runtime list of canonical names, each of which a formatter accepts', () => {
    for (const zone of Intl.supportedValuesOf('timeZone')) {
      expect(isTimeZone(zone), zone).toBe(true);
      expect(byFormatter(zone), zone).toBe(true);
    }
  });
});

describe('nesting at the start of a line', () => {
  it('counts quote and list markers as CommonMark reads them, and nothing else', () => {
    expect(lineNesting('plain')).toBe(0);
    expect(lineNesting('> > - 1. x')).toBe(4);
    expect(lineNesting('>>>x')).toBe(3);
    expect(lineNesting('12345678901. x')).toBe(0); // ten digits or more: not a list marker
    expect(lineNesting('123456789. x')).toBe(1);
    expect(lineNesting('1.5 x')).toBe(0);
    expect(lineNesting('---')).toBe(0);
    expect(lineNesting('-')).toBe(1);
    expect(lineNesting(`${' '.repeat(1000)}x`)).toBe(0);
    expect(lineNesting('\t- \t* + 2) y')).toBe(4);
  });
});

describe('the report schema', () => {
  it('fills every section of a minimal report', () => {
    const r = reportSchema.parse({ kind: 'outage', title: 'Minimal' });
    expect(r.state).toBe('draft');
    expect(r.details.timeline).toEqual([]);
    expect(r.analysis.fiveWhys).toEqual([]);
    expect(r.actions.items).toEqual([]);
    expect(r.period.timezone).toBe('UTC');
  });

  it('refuses what does not belong', () => {
    const bad = (input: unknown) => reportSchema.safeParse(input).success;
    expect(bad({ kind: 'outage', title: 'a\nb' })).toBe(false);
    expect(bad({ kind: 'outage', title: ' padded' })).toBe(false);
    expect(bad({ kind: 'outage', title: 'x', extra: 1 })).toBe(false);
    expect(bad({ kind: 'volcano', title: 'x' })).toBe(false);
    expect(bad({ kind: 'outage', title: 'x', period: { timezone: 'Mars/Olympus' } })).toBe(false);
    expect(bad({ kind: 'outage', title: 'x', actions: { items: [{ id: 'X1', title: 't' }] } })).toBe(false);
    expect(bad({ kind: 'outage', title: 'x', summary: { impact: '<!-- only a comment -->' } })).toBe(false);
    expect(bad({ kind: 'outage', title: 'bell\u0007' })).toBe(false);
    expect(
      bad({
        kind: 'outage',
        title: 'x',
        impact: { financial: [{ kind: 'cost', amount: Infinity, currency: 'EUR', basis: 'estimate' }] },
      }),
    ).toBe(false);
  });
});

describe('derived figures', () => {
  const report = buildReport();

  it('computes response times from the period and the timeline', () => {
    expect(responseTimes(report)).toMatchObject({
      timeToDetect: 7 * 60_000,
      timeToRespond: 3 * 60_000,
      timeToMitigate: 98 * 60_000,
      timeToResolve: 149 * 60_000,
      duration: 149 * 60_000,
    });
    const noStart = { ...report, period: { timezone: 'UTC' } };
    // Without a period the first timed event is the start.
    expect(responseTimes(noStart).timeToDetect).toBe(7 * 60_000);
    expect(responseTimes(newReport('outage'))).toEqual({});
  });

  it('says which durations rest on an approximate time', () => {
    const r = reportSchema.parse({
      kind: 'outage',
      title: 'Rough times',
      details: {
        timeline: [
          { at: '2024-03-01T10:00:00Z', approximate: true, kind: 'other', text: 'first errors, roughly' },
          { at: '2024-03-01T10:07:00Z', kind: 'detected', text: 'alert' },
          { at: '2024-03-01T10:10:00Z', kind: 'responded', text: 'acked' },
          { at: '2024-03-01T11:00:00Z', kind: 'resolved', text: 'fixed' },
        ],
      },
    });
    const t = responseTimes(r);
    expect(t.timeToDetect).toBe(7 * 60_000);
    expect(t.approximate).toEqual(['timeToDetect', 'timeToResolve', 'duration']);
    // With a stated period start the first event's rough time no longer matters.
    const stated = { ...r, period: { ...r.period, start: '2024-03-01T10:00:00Z' } };
    expect(responseTimes(stated).approximate).toBeUndefined();
  });

  it('adds up the impact per currency and kind, marking estimates', () => {
    const r = reportSchema.parse({
      kind: 'outage',
      title: 'x',
      impact: {
        financial: [
          { kind: 'lost_revenue', amount: 0.1, currency: 'USD', basis: 'confirmed' },
          { kind: 'lost_revenue', amount: 0.2, currency: 'USD', basis: 'confirmed' },
          { kind: 'fine', amount: 5000, currency: 'USD', basis: 'estimate' },
          { kind: 'cost', amount: 10, currency: 'EUR', basis: 'confirmed' },
        ],
        figures: [
          { category: 'customer', measure: 'Users', value: 10, unit: 'users', basis: 'confirmed' },
          { category: 'customer', measure: 'users', value: 5, unit: 'Users', basis: 'estimate' },
        ],
      },
    });
    const t = impactTotals(r);
    expect(t.byCurrency).toEqual([
      { currency: 'USD', total: 5000.3, estimated: true, lines: 3 },
      { currency: 'EUR', total: 10, estimated: false, lines: 1 },
    ]);
    expect(t.byKind.find((k) => k.kind === 'lost_revenue')).toEqual({
      kind: 'lost_revenue',
      currency: 'USD',
      total: 0.3,
      estimated: false,
      lines: 2,
    });
    expect(t.figures).toEqual([
      { category: 'customer', measure: 'Users', unit: 'users', total: 15, estimated: true },
    ]);
  });

  it('counts actions, overdue ones and gaps', () => {
    const s = actionStatistics(report, '2024-04-20');
    expect(s.total).toBe(2);
    expect(s.overdue).toBe(1);
    expect(s.byStatus).toEqual({ open: 0, in_progress: 1, blocked: 0, completed: 1, wont_do: 0 });
    expect(s.verifiedEffective).toBe(1);
    expect(s.doneRatio).toBe(0.5);
  });

  it('writes durations the way people say them', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(7 * 60_000)).toBe('7m');
    expect(formatDuration(149 * 60_000)).toBe('2h 29m');
    expect(formatDuration(26 * 3_600_000 + 5 * 60_000)).toBe('1d 2h 05m');
  });
});

describe('semantic checks', () => {
  it('finds nothing wrong in a complete report', () => {
    expect(checkReport(buildReport())).toEqual([]);
  });

  it('names the path and the problem for each rule', () => {
    const r = buildReport({
      severity: 'SEV9',
      period: { start: '2024-03-05T16:00:00Z', end: '2024-03-05T15:00:00Z', timezone: 'UTC' },
      visibility: 'restricted',
    });
    r.details.timeline[2]!.at = '2024-03-05T14:00:00Z';
    r.details.timeline[0]!.evidence = 'M7';
    r.actions.items[0]!.deadline = undefined;
    r.actions.items[1]!.addresses = ['L9'];
    r.lessons.lucky[0]!.id = 'L1';
    const codes = checkReport(r).map((p) => `${p.code} ${p.path.join('.')}`);
    expect(codes).toEqual([
      'end-before-start period.end',
      'unknown-severity severity',
      'restricted-without-members members',
      'timeline-order details.timeline.2.at',
      'missing-reference details.timeline.0.evidence',
      'action-deadline actions.items.0.deadline',
      'missing-reference actions.items.1.addresses.0',
      'duplicate-id lessons.lucky.0.id',
    ]);
  });

  it('checks severity against the organization scale, by id or name', () => {
    const scale = severityScaleSchema.parse({
      levels: [{ id: 'P1', rank: 1, name: 'Page', definition: 'Wake someone up.' }],
    });
    expect(checkReport(buildReport({ severity: 'p1' }), { scale })).toEqual([]);
    expect(checkReport(buildReport({ severity: 'page' }), { scale })).toEqual([]);
    expect(checkReport(buildReport({ severity: 'SEV2' }), { scale })[0]?.message).toContain('(P1)');
  });

  it('refuses a scale with repeated ids or ranks', () => {
    const levels = DEFAULT_SEVERITY_SCALE.levels;
    expect(severityScaleSchema.safeParse({ levels: [levels[0], { ...levels[1], rank: 1 }] }).success).toBe(
      false,
    );
    expect(severityScaleSchema.safeParse({ levels: [] }).success).toBe(false);
  });
});

describe('templates, labels and lifecycle', () => {
  it('has a template and guidance for every kind', () => {
    for (const kind of REPORT_KINDS) {
      const r = newReport(kind);
      expect(r.kind).toBe(kind);
      expect(reportSchema.parse(r)).toEqual(r);
      expect(guidanceFor(kind, 'summary.whatHappened').length).toBeGreaterThan(20);
    }
    expect(guidanceFor('security', 'details.timeline')).not.toBe(guidanceFor('outage', 'details.timeline'));
    expect(newReport('launch', { title: 'Spring launch' }).title).toBe('Spring launch');
  });

  it('reads enum words people write', () => {
    expect(codeOf(ACTION_STATUSES, 'In Progress')).toBe('in_progress');
    expect(codeOf(ACTION_STATUSES, "won't do")).toBe('wont_do');
    expect(codeOf(ACTION_STATUSES, 'wont-do')).toBe('wont_do');
    expect(codeOf(ACTION_STATUSES, 'finished')).toBeUndefined();
    expect(labelOf('wont_do')).toBe("won't do");
  });

  it('allows only the documented lifecycle moves', () => {
    expect(canTransition('draft', 'in_review')).toBe(true);
    expect(canTransition('draft', 'published')).toBe(false);
    expect(canTransition('in_review', 'published')).toBe(true);
    expect(canTransition('published', 'closed')).toBe(true);
    expect(canTransition('closed', 'draft')).toBe(true);
    expect(canTransition('closed', 'published')).toBe(false);
  });
});
