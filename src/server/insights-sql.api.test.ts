// The insights as the database computes them (insight-tallies.query.ts) against the same figures computed the
// old way (every row read, computeInsights) and against answers known from how the archive was generated:
// spread and repeated durations, restricted reports for some viewers, deleted and restored reports, actions
// overdue by known ages, review rounds. On SQLite and, with HINDSIGHT_TEST_PG, on PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeInsights, insightsFromTallies, reportSchema, type ReportInput } from '../domain/index.js';
import { sql } from 'kysely';
import { MemoryRepository, outboxRow, ReportRepository, type InsightFilters } from '../store/index.js';
import { rebuildKept } from '../store/insight-kept.js';
import { scoreUnscored } from '../store/quality-scores.js';
import { backfillCompletion } from '../store/memory-backfill.js';
import { lintReport, scoreReport } from '../lint/index.js';
import { actorOf } from './services/access.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';

const MIN = 60_000;
const TODAY = '2025-06-15';
const KINDS = ['outage', 'security', 'launch', 'project'] as const;
const SYSTEMS = ['ledger', 'search', 'billing', 'mail', 'auth'];

/** A small deterministic generator (mulberry32). */
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Planted {
  input: ReportInput;
  resolveMinutes: number;
  restricted: boolean;
  overdue: string[];
}

function archive(n: number, outsiderEmail: string): Planted[] {
  const rnd = prng(41);
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
  const out: Planted[] = [];
  for (let i = 0; i < n; i++) {
    const start = Date.parse('2023-01-01T00:00:00Z') + Math.floor(rnd() * 800) * 86_400_000 + i * MIN;
    // Half the durations repeat a few values (as real archives do), half are spread over hours to days.
    const resolveMinutes = i % 2 === 0 ? [30, 60, 90][i % 3]! : 5 + Math.floor(rnd() * 5000);
    const detect = i % 7 === 0 ? 0 : 1 + Math.floor(rnd() * 20);
    const restricted = i % 9 === 0;
    const deadlines = [
      '2025-06-01', // 14 days overdue on TODAY
      '2025-02-01', // 134 days
      '2024-01-10', // over 180 days
      '2025-09-01', // not yet due
    ];
    const overdue: string[] = [];
    const actions = Array.from({ length: i % 4 }, (_, k) => {
      const status = (['open', 'completed', 'in_progress', 'wont_do', 'blocked'] as const)[(i + k) % 5];
      const deadline = deadlines[(i + k) % 4]!;
      if ((status === 'open' || status === 'in_progress' || status === 'blocked') && deadline < TODAY)
        overdue.push(deadline);
      return {
        id: `A${k + 1}`,
        title: `Action ${k + 1}`,
        status,
        deadline,
        ...(status === 'completed' && k % 2 === 0
          ? {
              verification: {
                result: (i % 3 === 0 ? 'ineffective' : 'effective') as 'effective' | 'ineffective',
                on: '2025-01-01',
                by: 'Vera',
              },
            }
          : {}),
      };
    });
    out.push({
      resolveMinutes,
      restricted,
      overdue,
      input: {
        kind: KINDS[i % KINDS.length]!,
        title: `Probe ${i}`,
        ...(i % 11 === 0 ? {} : { severity: `SEV${1 + (i % 4)}` }),
        detection: (['automated', 'customer', 'internal', undefined] as const)[i % 4],
        systems: i % 6 === 0 ? [] : SYSTEMS.filter((_, k) => (i + k) % 3 === 0),
        tags: [`tag-${i % 4}`],
        ...(restricted ? { visibility: 'restricted' as const, members: i % 2 ? [outsiderEmail] : [] } : {}),
        period: { start: iso(start) },
        details: {
          timeline: [
            { at: iso(start + detect * MIN), kind: 'detected', text: 'Seen.' },
            { at: iso(start + (detect + 3) * MIN), kind: 'responded', text: 'On it.' },
            { at: iso(start + resolveMinutes * MIN), kind: 'resolved', text: 'Fixed.' },
          ],
        },
        actions: { items: actions },
      } as ReportInput,
    });
  }
  return out;
}

describe.each(testDialects())('insights in SQL on %s', (dialect) => {
  let s: TestServer;
  let editor: TestClient;
  let outsider: TestClient;
  let planted: Planted[];
  const ids: string[] = [];
  const deleted = new Set<number>();

  beforeAll(async () => {
    s = await startTestServer(dialect);
    editor = await s.client('editor', 'Eda Editor');
    outsider = await s.client('viewer', 'Otto Outsider');
    planted = archive(240, outsider.user.email);
    const who = actorOf(editor.user, 'cli');
    const repo = new ReportRepository(s.db.store);
    for (const [i, p] of planted.entries()) {
      const made = await s.app.services.reports.create(who, p.input);
      ids.push(made.id);
      // Every fifth is published after some review rounds (the store keeps when, and the rounds).
      if (i % 5 === 0)
        await repo.update(
          made.id,
          made.version,
          { ...made.report, state: 'published' },
          { userId: null, summary: 'published', changes: [] },
          { reviewRound: i % 3 },
        );
    }
    // Deleted reports leave the figures; one deleted and restored comes back.
    for (const i of [3, 14, 25]) {
      await s.app.services.reports.remove(who, ids[i]!);
      deleted.add(i);
    }
    const admin = await s.client('admin', 'Ada Admin');
    await s.app.services.reports.undelete(actorOf(admin.user, 'cli'), ids[25]!);
    deleted.delete(25);
  }, 180_000);

  afterAll(async () => {
    await s?.close();
  });

  const both = async (c: TestClient, filters: InsightFilters) => {
    const repo = new MemoryRepository(s.db.store);
    const viewer = actorOf(c.user, 'cli').viewer;
    const sqlWay = insightsFromTallies(await repo.insightTallies(viewer, filters, TODAY));
    const oldWay = computeInsights(await repo.insightRows(viewer, filters), TODAY);
    return { sqlWay, oldWay };
  };

  it('equals the figures computed from every row, for each viewer and filter', async () => {
    const filters: InsightFilters[] = [
      {},
      { kind: 'outage' },
      { severity: 'sev2' },
      { from: '2023-06-01', to: '2024-03-31' },
      { kind: 'security', severity: 'SEV1', from: '2023-01-01' },
      { system: 'ledger' },
      { to: '1999-01-01' },
      // Dates that cut through quarters (those are read as rows, the whole ones kept: insight-kept.ts).
      { from: '2023-02-10', to: '2024-05-20' },
      { to: '2024-03-31' },
      { from: '2023-04-01' },
      { from: '2024-01-15', to: '2024-03-02' },
      { severity: 'SEV2', from: '2023-07-01', to: '2099-12-31' },
    ];
    for (const c of [editor, outsider])
      for (const f of filters) {
        const { sqlWay, oldWay } = await both(c, f);
        expect(sqlWay, JSON.stringify(f)).toEqual(oldWay);
      }
  });

  it('gives the counts and percentiles known from the generated archive', async () => {
    // The outsider sees the public reports and the restricted ones naming them.
    const seen = planted
      .map((p, i) => ({ p, i }))
      .filter(({ p, i }) => !deleted.has(i) && (!p.restricted || i % 2 === 1));
    const { sqlWay } = await both(outsider, {});
    expect(sqlWay.reports).toBe(seen.length);
    const byKind = new Map<string, number>();
    for (const { p } of seen) byKind.set(p.input.kind!, (byKind.get(p.input.kind!) ?? 0) + 1);
    for (const row of sqlWay.byKind) expect(row.count).toBe(byKind.get(row.group));
    expect(sqlWay.byKind.length).toBe(byKind.size);

    const ages = new Map<string, number>();
    for (const { p } of seen)
      for (const d of p.overdue) {
        const label = d === '2025-06-01' ? '1–30 days' : d === '2025-02-01' ? '91–180 days' : 'over 180 days';
        ages.set(label, (ages.get(label) ?? 0) + 1);
      }
    expect(sqlWay.followUp.overdueByAge.map((r) => [r.group, r.count])).toEqual(
      ['1–30 days', '91–180 days', 'over 180 days'].filter((l) => ages.has(l)).map((l) => [l, ages.get(l)]),
    );

    // Time to resolve by severity: the nearest-rank percentiles of the planted durations, in hours.
    const bySeverity = new Map<string, number[]>();
    for (const { p } of seen) {
      const g = p.input.severity ?? 'none';
      const list = bySeverity.get(g) ?? [];
      list.push(p.resolveMinutes / 60);
      bySeverity.set(g, list);
    }
    const rank = (xs: number[], q: number) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return sorted[Math.max(0, Math.ceil((q / 100) * sorted.length) - 1)]!;
    };
    const round = (x: number) => Math.round(x * 100) / 100;
    const rows = sqlWay.durations.timeToResolve.bySeverity;
    expect(rows.map((r) => r.group)).toEqual([...bySeverity.keys()].sort());
    for (const r of rows) {
      const xs = bySeverity.get(r.group)!;
      expect([r.count, r.min, r.p25, r.median, r.p75, r.p90, r.max]).toEqual([
        xs.length,
        round(Math.min(...xs)),
        round(rank(xs, 25)),
        round(rank(xs, 50)),
        round(rank(xs, 75)),
        round(rank(xs, 90)),
        round(Math.max(...xs)),
      ]);
    }
  });

  it('follows a save that changes visibility, durations and review round', async () => {
    const who = actorOf(editor.user, 'cli');
    const id = ids[1]!;
    const current = await s.app.services.reports.visible(who, id);
    await new ReportRepository(s.db.store).update(
      id,
      current.version,
      { ...current.report, visibility: 'restricted', members: [], state: 'published' },
      { userId: editor.user.id, summary: 'hidden', changes: [] },
      { reviewRound: 4 },
    );
    for (const c of [editor, outsider]) {
      const { sqlWay, oldWay } = await both(c, {});
      expect(sqlWay).toEqual(oldWay);
    }
    const { sqlWay: forOutsider } = await both(outsider, {});
    const { sqlWay: forEditor } = await both(editor, {});
    // The editor made it, so still sees it; the outsider no longer does.
    expect(forEditor.reports - forOutsider.reports).toBeGreaterThan(0);
    expect(forEditor.health.reviewRounds.find((r) => r.group === '4')?.count).toBe(1);
    expect(forOutsider.health.reviewRounds.find((r) => r.group === '4')).toBeUndefined();
  });

  it('keeps its generation across a save that cannot move the figures, and moves it for one that can', async () => {
    const who = actorOf(editor.user, 'cli');
    const memory = new MemoryRepository(s.db.store);
    const id = ids[2]!; // public, not deleted
    const before = await memory.generation();
    const current = await s.app.services.reports.visible(who, id);
    await s.app.services.reports.update(who, id, current.version, {
      ...current.report,
      summary: { ...current.report.summary, whatHappened: 'The pager reached the right person.' },
    });
    expect(await memory.generation()).toBe(before);
    const again = await s.app.services.reports.visible(who, id);
    await s.app.services.reports.update(who, id, again.version, { ...again.report, kind: 'success' });
    expect(await memory.generation()).toBe(before + 1);
    // Through the API, the kept answer follows the change.
    const r = await editor.call({ method: 'GET', url: '/api/insights?kind=success' });
    expect(r.json().reports).toBeGreaterThan(0);
  });

  it('keeps the tallies every save changes equal to ones computed afresh', async () => {
    const who = actorOf(editor.user, 'cli');
    const admin = actorOf((await s.client('admin', 'Ada Admin 2')).user, 'cli');
    const repo = new ReportRepository(s.db.store);
    // Saves of every kind: severity, kind and durations changed, made restricted and public again, published
    // after review rounds, deleted, restored, and new reports.
    for (let i = 40; i < 100; i++) {
      const id = ids[i]!;
      if (deleted.has(i)) continue;
      const current = await s.app.services.reports.visible(who, id);
      const r = current.report;
      switch (i % 6) {
        case 0:
          await s.app.services.reports.update(who, id, current.version, { ...r, severity: 'SEV1' });
          break;
        case 1: {
          const timeline = r.details.timeline.map((e, k) =>
            k === 2 ? { ...e, at: new Date(Date.parse(e.at!) + (i + 1) * 7 * MIN).toISOString() } : e,
          );
          await s.app.services.reports.update(who, id, current.version, {
            ...r,
            details: { ...r.details, timeline },
          });
          break;
        }
        case 2:
          await s.app.services.reports.update(who, id, current.version, {
            ...r,
            visibility: r.visibility === 'restricted' ? 'internal' : 'restricted',
          });
          break;
        case 3:
          await repo.update(
            id,
            current.version,
            { ...r, state: 'published', systems: ['ledger', `new-${i % 4}`] },
            { userId: null, summary: 'published', changes: [] },
            { reviewRound: 1 + (i % 3) },
          );
          break;
        case 4:
          await s.app.services.reports.remove(who, id);
          if (i % 4 === 0) await s.app.services.reports.undelete(admin, id);
          else deleted.add(i);
          break;
        default:
          await s.app.services.reports.create(who, { ...planted[i]!.input, title: `Again ${i}` });
      }
    }
    const read = async () =>
      (
        await sql<Record<string, unknown>>`select quarter, severity, figure, grp, n, lo, hi from insight_kept
          where n <> 0 order by quarter, severity, figure, grp`.execute(s.db.store.db)
      ).rows;
    const kept = await read();
    expect(kept.length).toBeGreaterThan(100);
    await rebuildKept(s.db.store);
    expect(kept).toEqual(await read());
    // And the figures from them equal the ones computed from every row.
    for (const c of [editor, outsider])
      for (const f of [{}, { from: '2023-03-15' }, { severity: 'SEV1' }]) {
        const { sqlWay, oldWay } = await both(c, f);
        expect(sqlWay, JSON.stringify(f)).toEqual(oldWay);
      }
  });

  it('keeps the tallies equal to ones computed afresh when saves arrive together, some failing', async () => {
    // On SQLite these go in one group commit, whose end applies the saves' changes summed: durations moved
    // to and from the ends of their buckets, a value leaving one report and the same arriving in another,
    // durations gone, severities and visibility changed, and saves that fail (a stale version; a create whose
    // queued rows break a key after its facts row is written) and so must add nothing.
    const repo = new ReportRepository(s.db.store);
    const info = { userId: null, summary: 'together', changes: [] };
    const round = async (k: number) => {
      // Each outcome taken as the save is made (a rejection waiting for a handler would be an unhandled one).
      const outcome = (p: Promise<unknown>) =>
        p.then(
          () => 'saved',
          (e: unknown) => `failed: ${String(e)}`,
        );
      const saves: Promise<string>[] = [];
      const failing: Promise<string>[] = [];
      for (let i = 100; i < 140; i++) {
        const current = (await repo.get(ids[i]!))!;
        const r = current.report;
        const [detected, responded, resolved] = r.details.timeline;
        const at = (ms: number) => new Date(ms).toISOString();
        const start = Date.parse(r.period.start!);
        let next = r;
        switch ((i + k) % 5) {
          case 0: // the resolution of the report before it in the round, or a value of its own
            next = {
              ...r,
              details: {
                ...r.details,
                timeline: [
                  detected!,
                  responded!,
                  { ...resolved!, at: at(start + (30 + (i % 3) * 30) * MIN) },
                ],
              },
            };
            break;
          case 1:
            next = { ...r, details: { ...r.details, timeline: [] } };
            break;
          case 2:
            next = { ...r, severity: r.severity === 'SEV1' ? 'SEV3' : 'SEV1' };
            break;
          case 3:
            next = { ...r, visibility: r.visibility === 'restricted' ? 'internal' : 'restricted' };
            break;
          default:
            next = {
              ...r,
              details: {
                ...r.details,
                timeline: [
                  { ...(detected ?? { kind: 'detected', text: 'Seen.' }), at: at(start + (i % 4) * MIN) },
                  { ...(responded ?? { kind: 'responded', text: 'On it.' }), at: at(start + 9 * MIN) },
                  {
                    ...(resolved ?? { kind: 'resolved', text: 'Fixed.' }),
                    at: at(start + (5 + i * k) * MIN),
                  },
                ],
              },
            };
        }
        saves.push(outcome(repo.update(ids[i]!, current.version, next, info)));
        if (i % 10 === 0) failing.push(outcome(repo.update(ids[i]!, current.version - 1, next, info)));
      }
      for (let j = 0; j < 3; j++) {
        const p = planted[200 + j]!;
        const row = outboxRow('mail', 'x@example.com', 'report.published', {}, new Date().toISOString());
        const audit = { action: 'probe', details: {}, ip: null };
        failing.push(
          outcome(
            repo.create(`together-${k}-${j}`, reportSchema.parse({ ...p.input, title: `Failing ${j}` }), {
              ...info,
              queued: { outbox: [row, row], audit },
            }),
          ),
        );
        saves.push(
          outcome(
            repo.create(
              `together-ok-${k}-${j}`,
              reportSchema.parse({ ...p.input, title: `Together ${j}` }),
              info,
            ),
          ),
        );
      }
      expect(await Promise.all(saves)).toEqual(saves.map(() => 'saved'));
      for (const f of await Promise.all(failing)) expect(f).toMatch(/^failed: /);
    };
    const read = async () =>
      (
        await sql<Record<string, unknown>>`select quarter, severity, figure, grp, n, lo, hi from insight_kept
          where n <> 0 order by quarter, severity, figure, grp`.execute(s.db.store.db)
      ).rows;
    for (const k of [1, 2, 3]) {
      await round(k);
      const kept = await read();
      expect(kept.length).toBeGreaterThan(100);
      await rebuildKept(s.db.store);
      expect(kept, `round ${k}`).toEqual(await read());
    }
  });

  it('records when an action was completed and counts it on time, late, with no deadline or unknown', async () => {
    const who = actorOf(editor.user, 'cli');
    const made = await s.app.services.reports.create(who, {
      kind: 'outage',
      title: 'Completion probe',
      actions: {
        items: [
          { id: 'A1', title: 'Due far ahead', status: 'open', deadline: '2099-01-01' },
          { id: 'A2', title: 'Due long ago', status: 'open', deadline: '2000-01-01' },
          // Completed before the store saw it: when is not known.
          { id: 'A3', title: 'Done before', status: 'completed', deadline: '2000-01-01' },
          { id: 'A4', title: 'No deadline', status: 'completed' },
        ],
      },
    } as ReportInput);
    const items = made.report.actions.items.map((a) =>
      a.id === 'A1' || a.id === 'A2' ? { ...a, status: 'completed' as const } : a,
    );
    await s.app.services.reports.update(who, made.id, made.version, {
      ...made.report,
      actions: { ...made.report.actions, items },
    });
    const repo = new MemoryRepository(s.db.store);
    const viewer = who.viewer;
    const row = (await repo.insightRows(viewer, { kind: 'outage' })).find((r) => r.id === made.id)!;
    expect([row.completedOnTime, row.completedLate, row.completedNoDeadline, row.completedUnknown]).toEqual([
      1, 1, 1, 1,
    ]);
    const days = (
      await sql<{
        item_id: string;
        completed_on: string | null;
      }>`select item_id, completed_on from action_items
        where report_id = ${made.id} order by item_id`.execute(s.db.store.db)
    ).rows;
    const today = new Date().toISOString().slice(0, 10);
    expect(days.map((d) => [d.item_id, d.completed_on])).toEqual([
      ['A1', today],
      ['A2', today],
      ['A3', null],
      ['A4', null],
    ]);
    // A later save keeps the day; the figure shows every group, unknown too, on both ways.
    const again = await s.app.services.reports.visible(who, made.id);
    await s.app.services.reports.update(who, made.id, again.version, {
      ...again.report,
      title: 'Completion probe 2',
    });
    const { sqlWay, oldWay } = await both(editor, {});
    expect(sqlWay).toEqual(oldWay);
    expect(sqlWay.followUp.completion.map((r) => r.group)).toEqual([
      'on time',
      'late',
      'no deadline',
      'unknown',
    ]);
    const r = await editor.call({ method: 'GET', url: '/api/insights?kind=outage' });
    const completion = (r.json() as { followUp: { completion: { group: string; count: number }[] } }).followUp
      .completion;
    expect(completion.find((c) => c.group === 'unknown')!.count).toBeGreaterThan(0);
    expect(completion.find((c) => c.group === 'on time')!.count).toBeGreaterThan(0);
    expect(completion.find((c) => c.group === 'late')!.count).toBeGreaterThan(0);

    // As stored before migration 2026-12-08-402: no days, no counts. The backfill finds the days in the
    // revisions (A1 and A2 became completed in the second), and the rest stay unknown.
    const db = s.db.store.db;
    await sql`update action_items set completed_on = null where report_id = ${made.id}`.execute(db);
    await sql`update report_facts set done_on_time = null, done_late = null, done_no_deadline = null,
      done_unknown = null where report_id = ${made.id}`.execute(db);
    expect(await backfillCompletion(s.db.store)).toBe(1);
    const refilled = (
      await sql<{
        item_id: string;
        completed_on: string | null;
      }>`select item_id, completed_on from action_items
        where report_id = ${made.id} order by item_id`.execute(db)
    ).rows;
    expect(refilled).toEqual(days);
    const again2 = (await repo.insightRows(viewer, { kind: 'outage' })).find((r) => r.id === made.id)!;
    expect([
      again2.completedOnTime,
      again2.completedLate,
      again2.completedNoDeadline,
      again2.completedUnknown,
    ]).toEqual([1, 1, 1, 1]);
  });

  it("stores the linter's quality score after a save and gives its distribution with the count", async () => {
    const memory = new MemoryRepository(s.db.store);
    const before = await both(editor, {});
    const unscored = before.sqlWay.health.scored.find((r) => r.group === 'not scored yet')!.count;
    expect(unscored).toBeGreaterThan(0);
    const lint = (r: Parameters<typeof lintReport>[0]) => scoreReport(r, lintReport(r)).overall;
    const n = await scoreUnscored(s.db.store, lint, { limit: 6, budgetMs: Infinity });
    expect(n).toBe(6);
    const { sqlWay, oldWay } = await both(editor, {});
    expect(sqlWay).toEqual(oldWay);
    const scored = sqlWay.health.scored.find((r) => r.group === 'scored')!.count;
    expect(scored).toBeGreaterThanOrEqual(5); // the editor sees at least five of the six
    // The scores stored are the linter's for those reports.
    const rows = (await memory.insightRows(actorOf(editor.user, 'cli').viewer, {})).filter(
      (r) => r.qualityScore !== null,
    );
    expect(rows).toHaveLength(scored);
    // The distribution is by quarter: it counts every scored report that has one (which of the generated
    // reports were scored first, and so whether one without a start is among them, differs from run to run).
    expect(sqlWay.health.quality.reduce((sum, r) => sum + r.count, 0)).toBe(
      rows.filter((r) => r.quarter !== null).length,
    );
    for (const r of rows.slice(0, 3)) {
      const { report } = await s.app.services.reports.visible(actorOf(editor.user, 'cli'), r.id);
      expect(r.qualityScore).toBe(lint(report));
    }
    // A save empties the score again (it is scored afresh), and the kept tallies follow every step.
    const first = rows[0]!;
    const current = await s.app.services.reports.visible(actorOf(editor.user, 'cli'), first.id);
    await s.app.services.reports.update(actorOf(editor.user, 'cli'), first.id, current.version, {
      ...current.report,
      title: `${current.report.title} (edited)`,
    });
    const after = await both(editor, {});
    expect(after.sqlWay.health.scored.find((r) => r.group === 'scored')!.count).toBe(scored - 1);
    expect(after.sqlWay).toEqual(after.oldWay);
    const read = async () =>
      (
        await sql<Record<string, unknown>>`select quarter, severity, figure, grp, n, lo, hi from insight_kept
          where n <> 0 order by quarter, severity, figure, grp`.execute(s.db.store.db)
      ).rows;
    const kept = await read();
    await rebuildKept(s.db.store);
    expect(kept).toEqual(await read());
  }, 120_000);
});
