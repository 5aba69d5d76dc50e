import { describe, expect, it } from 'vitest';
import { leakyReport, SECRETS } from '../../test/leaky.js';
import { findLeaks, marksAfterRemoval, markOf, peopleOf, publicVersion, toggleInternal } from './audience.js';

const allSecrets = Object.values(SECRETS).flat();

describe('public version', () => {
  it('leaves out every name, e-mail address, host, IP address, internal link, amount and internal field', () => {
    const r = leakyReport();
    const { report, removed } = publicVersion(r);
    const text = JSON.stringify(report);
    for (const secret of allSecrets) expect(text, secret).not.toContain(secret);
    expect(report.impact.financial).toEqual([]);
    expect(report.authors).toEqual([]);
    expect(report.internal).toEqual([]);
    // what is kept still reads: the public story is there
    expect(report.summary.whatHappened).toContain(
      'Checkout failed for two hours after [internal host] ([address withheld]) failed over.',
    );
    expect(report.summary.whatHappened).toContain('[name withheld] paged [name withheld].');
    expect(report.lessons.wentWell).toHaveLength(1);
    expect(report.details.timeline.map((e) => e.kind)).toEqual([
      'detected',
      'responded',
      'mitigated',
      'resolved',
    ]);
    // every removal is reported with its place, for the preview
    const reasons = new Set(removed.map((x) => x.reason));
    for (const reason of [
      'name',
      'email',
      'host',
      'ip',
      'url',
      'money',
      'marked-internal',
      'people',
      'financial',
      'link',
    ]) {
      expect(reasons, reason).toContain(reason);
    }
    expect(
      removed.find((x) => x.reason === 'marked-internal' && x.path.join('.') === 'impact.team'),
    ).toBeTruthy();
  });

  it('leaves out the ids of the earlier reports this one recurs', () => {
    const r = { ...leakyReport(), recurrenceOf: ['secret-merger-outage-2025'] };
    const { report, removed } = publicVersion(r);
    expect(JSON.stringify(report)).not.toContain('secret-merger-outage-2025');
    expect(removed.find((x) => x.path.join('.') === 'recurrenceOf')?.reason).toBe('link');
  });

  it('keeps public links and ordinary words', () => {
    const r = leakyReport();
    r.summary.keyLessons =
      'See https://status.example.org/incidents/7 for the status page; version 2.4.1 shipped.';
    const { report } = publicVersion(r);
    expect(report.summary.keyLessons).toBe(r.summary.keyLessons);
  });

  it('finds each kind of leak in text, in order and without overlaps', () => {
    const ctx = { names: peopleOf(leakyReport()), internalDomains: ['acme.io'] };
    const kinds = findLeaks(
      'Priya Raman ssh’d to cache7.corp at 10.20.30.40, mailed ops@acme.io and linked http://grafana.lan/x, cost $5,000.',
      ctx,
    ).map((l) => `${l.kind}:${l.text}`);
    expect(kinds).toEqual([
      'name:Priya Raman',
      'host:cache7.corp',
      'ip:10.20.30.40',
      'email:ops@acme.io',
      'url:http://grafana.lan/x',
      'money:$5,000',
    ]);
  });
});

describe('internal marks', () => {
  it('names fields by path, items by id and rows by position, and follows a removed row', () => {
    const r = leakyReport();
    expect(markOf(r, ['impact', 'team'])).toBe('impact.team');
    expect(markOf(r, ['actions', 'items', 1])).toBe('A2');
    expect(markOf(r, ['details', 'timeline', 2])).toBe('details.timeline.2');
    expect(toggleInternal(r, ['impact', 'customer'], true)).toContain('impact.customer');
    expect(toggleInternal(r, ['impact', 'team'], false)).not.toContain('impact.team');
    expect(
      marksAfterRemoval(['details.timeline.2', 'details.timeline.4', 'A1'], 'details.timeline', 1),
    ).toEqual(['details.timeline.1', 'details.timeline.3', 'A1']);
  });
});
