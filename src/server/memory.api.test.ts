// The shared memory through the API on real databases: related incidents over a generated archive with
// planted relations, restricted reports kept from non-members, the insights' figures against figures computed
// here independently, recurring factors, system pages and the revisit list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report, ReportInput } from '../domain/index.js';
import { actorOf } from './services/access.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';
import { CATEGORIES, generateArchive } from '../../test/memory-archive.js';

const HOUR = 3_600_000;

/** Nearest-rank percentile, written here apart from the product's. */
function nearestRank(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const k = Math.ceil((p / 100) * s.length);
  return s[Math.max(0, k - 1)]!;
}

describe.each(testDialects())('shared memory on %s', (dialect) => {
  let s: TestServer;
  let editor: TestClient;
  let outsider: TestClient;
  const ids: string[] = [];
  const archive = generateArchive(30, 140);
  const stored: Report[] = [];

  beforeAll(async () => {
    s = await startTestServer(dialect);
    editor = await s.client('editor', 'Eda Editor');
    outsider = await s.client('viewer', 'Otto Outsider');
    const who = actorOf(editor.user, 'cli');
    // Saved together, as many writers would: the side tables follow each save.
    const created = await Promise.all(archive.reports.map((r) => s.app.services.reports.create(who, r)));
    for (const c of created) {
      ids.push(c.id);
      stored.push(c.report);
    }
  }, 120_000);

  afterAll(async () => {
    await s?.close();
  });

  const related = async (c: TestClient, id: string, limit = 10) => {
    const r = await c.call({ method: 'GET', url: `/api/postmortems/${id}/related?limit=${limit}` });
    expect(r.statusCode, r.body).toBe(200);
    return (r.json() as { items: { id: string; reasons: string[]; score: number }[] }).items;
  };

  it('ranks the planted relation first in at least 90% of cases, with reasons', async () => {
    let first = 0;
    let cases = 0;
    for (const [a, b] of archive.pairs) {
      for (const [from, to] of [
        [a, b],
        [b, a],
      ] as const) {
        cases += 1;
        const items = await related(editor, ids[from]!);
        if (items[0]?.id === ids[to]) first += 1;
        else if (process.env.MEMORY_DEBUG)
          console.log(
            JSON.stringify({
              from: archive.reports[from]!.analysis,
              to: archive.reports[to]!.analysis,
              toSys: archive.reports[to]!.systems,
              fromSys: archive.reports[from]!.systems,
              got: items.slice(0, 3).map((i) => [i.id === ids[to], i.score, i.reasons]),
              planted: items.findIndex((i) => i.id === ids[to]),
              plantedWhy: items.find((i) => i.id === ids[to]),
            }),
          );
        expect(items.map((i) => i.id)).not.toContain(ids[from]);
        for (const i of items) expect(i.reasons.length).toBeGreaterThan(0);
      }
    }
    const share = first / cases;
    console.log(
      `[${dialect}] planted relation ranked first in ${first}/${cases} cases (${(share * 100).toFixed(1)}%)`,
    );
    expect(share).toBeGreaterThanOrEqual(0.9);
    const [a, b] = archive.pairs[0]!;
    const top = (await related(editor, ids[a]!)).find((i) => i.id === ids[b]);
    expect(top?.reasons.join(' | ')).toMatch(/same system/);
    expect(top?.reasons.join(' | ')).toMatch(/similar causes \(/);
  });

  it('follows a save: a report changed to share nothing drops out, and a deleted one is gone', async () => {
    const [a, b] = archive.pairs[1]!;
    expect((await related(editor, ids[a]!))[0]?.id).toBe(ids[b]);
    const who = actorOf(editor.user, 'cli');
    const current = await s.app.services.reports.visible(who, ids[b]!);
    await s.app.services.reports.update(who, ids[b]!, current.version, {
      ...current.report,
      systems: ['somewhere-else'],
      tags: [],
      analysis: { primaryCause: 'Nothing in common at all.' },
    });
    expect((await related(editor, ids[a]!)).map((i) => i.id)).not.toContain(ids[b]);
    const [c, d] = archive.pairs[2]!;
    expect((await related(editor, ids[c]!))[0]?.id).toBe(ids[d]);
    await s.app.services.reports.remove(who, ids[d]!);
    expect((await related(editor, ids[c]!)).map((i) => i.id)).not.toContain(ids[d]);
  });

  it('never shows a restricted report to a non-member, and hides the list of a restricted report', async () => {
    const who = actorOf(editor.user, 'cli');
    const [a] = archive.pairs[3]!;
    const twin: ReportInput = {
      ...archive.reports[a]!,
      title: 'A restricted twin',
      visibility: 'restricted',
      members: [],
    };
    const secret = await s.app.services.reports.create(who, twin);
    // The creator sees it, at the top: it shares everything.
    expect((await related(editor, ids[a]!)).map((i) => i.id)).toContain(secret.id);
    const seen = await related(outsider, ids[a]!, 50);
    expect(seen.map((i) => i.id)).not.toContain(secret.id);
    const hidden = await outsider.call({ method: 'GET', url: `/api/postmortems/${secret.id}/related` });
    expect(hidden.statusCode).toBe(404);
    const anonymous = await s.app.inject({ method: 'GET', url: `/api/postmortems/${ids[a]}/related` });
    expect(anonymous.statusCode).toBe(401);
    const bad = await editor.call({ method: 'GET', url: `/api/postmortems/${ids[a]}/related?limit=0` });
    expect(bad.statusCode).toBe(400);
    await s.app.services.reports.remove(who, secret.id);
  });

  it('keeps a deleted or restricted report out of the insights as it is deleted, restored and hidden', async () => {
    const who = actorOf(editor.user, 'cli');
    const admin = await s.client('admin', 'Rita Restorer');
    const count = async (c: TestClient) => {
      const r = await c.call({ method: 'GET', url: '/api/insights?system=insight-probe' });
      expect(r.statusCode, r.body).toBe(200);
      return (r.json() as { reports: number }).reports;
    };
    const probe = await s.app.services.reports.create(who, {
      ...archive.reports[0]!,
      title: 'An insights probe',
      systems: ['insight-probe'],
    });
    // Each answer is asked twice: the second may come from what the first kept.
    for (const c of [editor, outsider, editor, outsider]) expect(await count(c)).toBe(1);
    await s.app.services.reports.remove(who, probe.id);
    for (const c of [editor, outsider]) expect(await count(c)).toBe(0);
    const restored = await admin.call({ method: 'POST', url: `/api/postmortems/${probe.id}/restore` });
    expect(restored.statusCode, restored.body).toBe(200);
    for (const c of [editor, outsider]) expect(await count(c)).toBe(1);
    const current = await s.app.services.reports.visible(who, probe.id);
    await s.app.services.reports.update(who, probe.id, current.version, {
      ...current.report,
      visibility: 'restricted',
      members: [],
    });
    // The creator still sees it; nobody else does.
    expect(await count(editor)).toBe(1);
    expect(await count(outsider)).toBe(0);
    const hidden = await s.app.services.reports.visible(who, probe.id);
    await s.app.services.reports.update(who, probe.id, hidden.version, {
      ...hidden.report,
      visibility: 'restricted',
      members: [outsider.user.email],
    });
    expect(await count(outsider)).toBe(1);
    await s.app.services.reports.remove(who, probe.id);
    for (const c of [editor, outsider]) expect(await count(c)).toBe(0);
  });

  it('gives percentiles and counts equal to those computed independently', async () => {
    const r = await editor.call({ method: 'GET', url: '/api/insights?severity=sev2' });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    const live = stored.filter(
      (_, i) => i !== archive.pairs[1]![1] || true, // the changed report keeps its severity and period
    );
    const deleted = new Set([ids[archive.pairs[2]![1]]]);
    const rows = live.filter((rep, i) => rep.severity === 'SEV2' && !deleted.has(ids[i]));
    expect(body.reports).toBe(rows.length);
    const resolve = rows.map((rep) => (Date.parse(rep.period.end!) - Date.parse(rep.period.start!)) / HOUR);
    // Reports without a timeline resolve nothing: time to resolve needs a resolved event.
    expect(body.durations.timeToResolve.bySeverity).toEqual([]);
    expect(resolve.length).toBeGreaterThan(0);
    const byQuarter = new Map<string, number>();
    for (const rep of rows) {
      const d = rep.period.start!;
      const q = `${d.slice(0, 4)}-Q${Math.floor((Number(d.slice(5, 7)) - 1) / 3) + 1}`;
      byQuarter.set(q, (byQuarter.get(q) ?? 0) + 1);
    }
    const kinds = body.byKind as { group: string; count: number }[];
    expect(kinds).toEqual([{ figure: 'byKind', group: 'outage', count: rows.length }]);
    const systems = new Map<string, number>();
    for (const rep of rows)
      for (const sys of new Set(rep.systems)) systems.set(sys, (systems.get(sys) ?? 0) + 1);
    for (const row of body.bySystem as { group: string; count: number }[]) {
      expect(row.count).toBe(systems.get(row.group));
    }
    expect(body.bySystem.length).toBe(systems.size);
  });

  it('computes duration percentiles by quarter equal to an independent nearest-rank computation', async () => {
    const who = actorOf(editor.user, 'cli');
    const minutes = [5, 7, 12, 30, 31, 45, 60, 90, 240, 600, 1440];
    for (const [n, m] of minutes.entries()) {
      const start = Date.parse('2022-02-01T00:00:00Z') + n * 86_400_000;
      const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
      await s.app.services.reports.create(who, {
        kind: 'security',
        title: `Timed ${n}`,
        severity: 'SEV4',
        period: { start: iso(start) },
        details: {
          timeline: [
            { at: iso(start + 60_000), kind: 'detected', text: 'Seen.' },
            { at: iso(start + m * 60_000), kind: 'resolved', text: 'Fixed.' },
          ],
        },
      });
    }
    const r = await editor.call({
      method: 'GET',
      url: '/api/insights?kind=security&from=2022-01-01&to=2022-12-31',
    });
    const row = r.json().durations.timeToResolve.byQuarter;
    const hours = minutes.map((m) => m / 60);
    const round = (n: number) => Math.round(n * 100) / 100;
    expect(row).toEqual([
      {
        figure: 'timeToResolve.quarter',
        group: '2022-Q1',
        count: minutes.length,
        min: round(Math.min(...hours)),
        p25: round(nearestRank(hours, 25)),
        median: round(nearestRank(hours, 50)),
        p75: round(nearestRank(hours, 75)),
        p90: round(nearestRank(hours, 90)),
        max: round(Math.max(...hours)),
      },
    ]);
    const behind = await editor.call({
      method: 'GET',
      url: '/api/insights/reports?kind=security&figure=timeToResolve.quarter&group=2022-Q1',
    });
    expect(behind.json().total).toBe(minutes.length);
    const wrong = await editor.call({ method: 'GET', url: '/api/insights/reports?figure=nonsense&group=x' });
    expect(wrong.statusCode).toBe(400);
    const badDate = await editor.call({ method: 'GET', url: '/api/insights?from=yesterday' });
    expect(badDate.statusCode).toBe(400);
  });

  it('counts recurring factors by category equal to the archive, with their action states', async () => {
    const r = await editor.call({ method: 'GET', url: '/api/factors?limit=500' });
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json() as { categories: { name: string; count: number; factors: unknown[] }[] };
    const deleted = archive.pairs[2]![1];
    const expected = new Map<string, number>();
    stored.forEach((rep, i) => {
      if (i === deleted) return;
      const cat = i === archive.pairs[1]![1] ? undefined : rep.analysis.factors[0]?.category;
      const name = cat ?? '(no category)';
      if (i === archive.pairs[1]![1]) return; // its factors were removed by the change above
      expected.set(name, (expected.get(name) ?? 0) + 1);
    });
    for (const c of body.categories.filter((x) => CATEGORIES.includes(x.name))) {
      expect(c.count, c.name).toBe(expected.get(c.name));
      expect(c.factors.length).toBe(c.count);
    }
  });

  it('lists a page of factors per category and the rest of one category by its cursor', async () => {
    type Page = {
      categories: {
        name: string;
        count: number;
        next: string | null;
        factors: { reportId: string; factorId: string }[];
      }[];
    };
    const first = await editor.call({ method: 'GET', url: '/api/factors?limit=7' });
    expect(first.statusCode, first.body).toBe(200);
    const body = first.json() as Page;
    for (const c of body.categories) {
      expect(c.factors.length).toBe(Math.min(7, c.count));
      expect(c.next !== null).toBe(c.count > 7);
    }
    const big = body.categories.find((c) => c.count > 7)!;
    const seen = big.factors.map((f) => `${f.reportId}/${f.factorId}`);
    for (let next = big.next; next !== null;) {
      const url = `/api/factors?limit=7&category=${encodeURIComponent(big.name)}&cursor=${next}`;
      const page = (await editor.call({ method: 'GET', url })).json() as Page;
      expect(page.categories.map((c) => c.name)).toEqual([big.name]);
      seen.push(...page.categories[0]!.factors.map((f) => `${f.reportId}/${f.factorId}`));
      next = page.categories[0]!.next;
    }
    expect(seen.length).toBe(big.count);
    expect(new Set(seen).size).toBe(big.count);
    const bad = await editor.call({ method: 'GET', url: '/api/factors?cursor=abc' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('cursor');
    const tooMany = await editor.call({ method: 'GET', url: '/api/factors?limit=100000' });
    expect(tooMany.statusCode).toBe(400);
  });

  it('serves a system page with its reports and refuses an unknown system', async () => {
    const r = await editor.call({ method: 'GET', url: '/api/systems/Checkout' });
    expect(r.statusCode, r.body).toBe(200);
    const page = r.json();
    expect(page.system).toBe('checkout');
    expect(page.reports.length).toBeGreaterThan(0);
    const none = await editor.call({ method: 'GET', url: '/api/systems/no-such-system' });
    expect(none.statusCode).toBe(404);
  });

  it('keeps the factor taxonomy in settings (admins), refusing duplicates', async () => {
    const admin = await s.client('admin', 'Ada Admin');
    const ok = await admin.call({
      method: 'PUT',
      url: '/api/settings',
      payload: { factorCategories: [{ name: 'Capacity', description: 'Too little of something' }] },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().factorCategories).toEqual([
      { name: 'Capacity', description: 'Too little of something' },
    ]);
    const dup = await admin.call({
      method: 'PUT',
      url: '/api/settings',
      payload: { factorCategories: [{ name: 'Capacity' }, { name: 'capacity' }] },
    });
    expect(dup.statusCode).toBe(400);
    const byEditor = await editor.call({
      method: 'PUT',
      url: '/api/settings',
      payload: { factorCategories: [] },
    });
    expect(byEditor.statusCode).toBe(403);
  });
});
