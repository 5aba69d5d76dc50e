// A save writes only what an edit changed (on SQLite: the side-table rows, facts columns, search entry and
// report columns that differ). Whatever the edits, the rows kept beside a report must stay exactly those a
// fresh save of the same report writes (saveRows, the code bulk loads and first saves use), and a save that
// fails half-way inside a group commit must leave nothing of itself while the others in its group stand.
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../domain/index.js';
import { buildReport, reportArb } from '../../test/factories.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { ReportRepository } from './index.js';
import { columnsOf, saveRows, SIDE_TABLES, type SaveInfo } from './report-rows.js';
import { completionCounts } from '../domain/memory.js';
import { withPublished } from './report-index.js';

/**
 * Columns that hold a report's history, not its content (migration 2026-12-08-402): the day each action was
 * first saved as completed and the facts' counts of those days against the deadlines. A fresh save cannot know
 * them; they are checked against each other instead.
 */
const HISTORY: Partial<Record<string, string[]>> = {
  action_items: ['completed_on'],
  report_facts: ['done_on_time', 'done_late', 'done_no_deadline', 'done_unknown'],
};

const norm = (v: unknown) => (v === null || v === undefined ? null : String(v));

/** Rows as sorted, comparable lines over the given columns (the order rows were written in does not matter). */
const lines = (rows: readonly object[], columns: readonly string[]) =>
  rows.map((r) => JSON.stringify(columns.map((c) => norm((r as Record<string, unknown>)[c])))).sort();

/** Small edits of a report: what people do between two saves. */
function edits(report: Report, k: number): Report {
  const items = report.actions.items;
  switch (k % 7) {
    case 0:
      return { ...report, title: `${report.title} (edited ${k})` };
    case 1:
      return { ...report, tags: [...report.tags, `Tag ${k}`, ` TAG ${k} `] };
    case 2:
      return { ...report, actions: { ...report.actions, items: items.slice(1) } };
    case 3:
      return { ...report, systems: report.systems.slice(0, -1), involved: [...report.involved, `P ${k}`] };
    case 4:
      return { ...report, visibility: report.visibility === 'restricted' ? 'internal' : 'restricted' };
    case 5:
      return { ...report, state: report.state === 'published' ? 'draft' : 'published' };
    default:
      return { ...report, summary: { ...report.summary, notes: `noted ${k}` } };
  }
}

describe.each(testDialects())('rows beside a report after many saves on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
  });
  afterAll(async () => t?.dispose());

  /** Every side table, the search entry and the report's columns equal a fresh save's rows of `report`. */
  async function expectFresh(
    id: string,
    report: Report,
    version: number,
    published: string | null,
    round: number,
  ) {
    const db = t.store.db;
    const info: SaveInfo = { userId: null, summary: 'x', changes: [] };
    const fresh = saveRows(id, version, report, info, '2000-01-01T00:00:00.000Z').side;
    const facts = fresh.report_facts[0];
    if (facts) {
      withPublished(facts, published);
      facts.review_round = round;
    }
    for (const table of SIDE_TABLES) {
      const stored = (await db
        .selectFrom(table)
        .selectAll()
        .where('report_id', '=', id)
        .execute()) as object[];
      const expected = fresh[table] as object[];
      const history = HISTORY[table] ?? [];
      const columns = Object.keys(stored[0] ?? expected[0] ?? {}).filter((c) => !history.includes(c));
      if (expected[0])
        expect(
          Object.keys(expected[0])
            .filter((c) => !history.includes(c))
            .sort(),
          table,
        ).toEqual([...columns].sort());
      expect(lines(stored, columns), `${table} after version ${version}`).toEqual(lines(expected, columns));
    }
    const actions = await db.selectFrom('action_items').selectAll().where('report_id', '=', id).execute();
    const storedFacts = await db
      .selectFrom('report_facts')
      .selectAll()
      .where('report_id', '=', id)
      .executeTakeFirst();
    if (storedFacts) {
      const done = completionCounts(
        actions.map((a) => ({ id: a.item_id, status: a.status, deadline: a.deadline })),
        (item) => actions.find((a) => a.item_id === item)?.completed_on,
      );
      expect(
        [
          storedFacts.done_on_time,
          storedFacts.done_late,
          storedFacts.done_no_deadline,
          storedFacts.done_unknown,
        ].map(Number),
        'completion counts of the stored completion days',
      ).toEqual([done['on time'], done.late, done['no deadline'], done.unknown]);
    }
    for (const a of actions) if (a.status !== 'completed') expect(a.completed_on, a.item_id).toBeNull();
    const row = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const want = columnsOf(report);
    for (const [c, v] of Object.entries(want))
      expect(norm(row[c as keyof typeof row]), `reports.${c}`).toBe(norm(v));
    expect(Number(row.version)).toBe(version);
    const search =
      dialect === 'sqlite'
        ? await sql<{
            title: string;
            body: string;
          }>`select title, body from report_search where rowid = ${row.seq}`.execute(db)
        : await sql<{
            title: string;
            body: string;
          }>`select title, body from report_search where report_id = ${id}`.execute(db);
    expect(search.rows).toHaveLength(1);
    const rows = saveRows(id, version, report, info, '2000-01-01T00:00:00.000Z').search;
    expect(search.rows[0]).toEqual({ title: rows.title, body: rows.body });
  }

  it('keeps the side tables, search entry and columns equal to a fresh save through edits and rewrites', async () => {
    const reports = new ReportRepository(t.store);
    const id = 'diff-1';
    const random = fc.sample(reportArb, { seed: 19, numRuns: 24 });
    let report: Report = { ...buildReport(), id };
    await reports.create(id, report, { userId: null, summary: 'created', changes: [], at: at(0) });
    let version = 1;
    let published: string | null = null;
    let round = 0;
    for (let k = 1; k <= 48; k++) {
      // Small edits of the current report, and now and then a different report altogether.
      report = k % 4 === 0 ? { ...random[k / 4]!, id } : edits(report, k);
      const live = report.state === 'published' || report.state === 'closed';
      // The first publication stays on record while the report stays published or closed.
      published = live ? (published ?? at(k)) : null;
      const bump = k % 5 === 0 ? { reviewRound: ++round } : {};
      const saved = await reports.update(
        id,
        version,
        report,
        { userId: null, summary: 'edited', changes: [], at: at(k) },
        bump,
      );
      version = saved.version;
      await expectFresh(id, report, version, published, round);
    }
    // Saving the same report again changes nothing beside it but the version.
    await reports.update(id, version, report, { userId: null, summary: 'again', changes: [], at: at(99) });
    await expectFresh(id, report, version + 1, published, round);
  });

  if (dialect === 'sqlite')
    it('keeps the stored side rows an edit leaves, whether in their order or another, and rewrites only those it changes', async () => {
      const reports = new ReportRepository(t.store);
      const id = 'diff-order';
      const info = { userId: null, summary: 'x', changes: [] as string[] };
      const report: Report = { ...buildReport(), id, tags: ['alpha', 'beta', 'delta'] };
      await reports.create(id, report, info);
      /** Each side row's rowid, keyed by its table and content. */
      const rowids = async () => {
        const out = new Map<string, number>();
        for (const table of SIDE_TABLES.filter((s) => s !== 'report_facts')) {
          const { rows } = await sql<Record<string, unknown> & { handle_: number }>`select rowid as handle_, *
            from ${sql.table(table)} where report_id = ${id}`.execute(t.store.db);
          for (const { handle_, ...r } of rows) out.set(`${table} ${JSON.stringify(r)}`, handle_);
        }
        return out;
      };
      const before = await rowids();
      expect(before.size).toBeGreaterThan(20);
      // A title edit: every side row stays (the rows in the order they were inserted are the new ones).
      await reports.update(id, 1, { ...report, title: `${report.title} (edited)` }, info);
      expect(await rowids()).toEqual(before);
      // The same tags in another order: the same rows, kept.
      await reports.update(id, 2, { ...report, tags: ['delta', 'alpha', 'beta'] }, info);
      expect(await rowids()).toEqual(before);
      // As many tags, one of them another: only that row goes and its successor comes.
      await reports.update(id, 3, { ...report, tags: ['delta', 'alpha', 'gamma'] }, info);
      const after = await rowids();
      const tags = (m: Map<string, number>) => [...m.keys()].filter((k) => k.startsWith('report_tags '));
      expect(tags(after)).toHaveLength(3);
      expect(tags(after).filter((k) => before.get(k) === after.get(k))).toHaveLength(2);
      expect(tags(after).some((k) => k.includes('"gamma"'))).toBe(true);
      // The tables whose rows the tags are not part of stay as they were.
      for (const [k, v] of after)
        if (k.startsWith('action_items ') || k.startsWith('timeline_events ')) expect(before.get(k)).toBe(v);
    });

  if (dialect === 'postgres')
    it('leaves the side tables whose rows an edit does not change as they are, and rewrites those it changes', async () => {
      const reports = new ReportRepository(t.store);
      const id = 'diff-kept';
      const info = { userId: null, summary: 'x', changes: [] as string[] };
      const report: Report = { ...buildReport(), id, tags: ['alpha', 'beta'] };
      await reports.create(id, report, info);
      /** Each side row's version (xmin, the transaction that wrote it), keyed by the row's content. */
      const versions = async () => {
        const out = new Map<string, string>();
        // The facts row holds the title: a title edit changes it.
        for (const table of SIDE_TABLES.filter((s) => s !== 'report_facts')) {
          const { rows } = await sql<{
            v: string;
            r: string;
          }>`select xmin::text as v, row_to_json(t)::text as r
            from ${sql.table(table)} t where report_id = ${id}`.execute(t.store.db);
          for (const r of rows) out.set(`${table} ${r.r}`, r.v);
        }
        return out;
      };
      const before = await versions();
      expect(before.size).toBeGreaterThan(20);
      await reports.update(id, 1, { ...report, title: `${report.title} (edited)` }, info);
      // A title edit: no side row is written again.
      expect(await versions()).toEqual(before);
      await reports.update(id, 2, { ...report, tags: ['alpha', 'gamma'] }, info);
      const after = await versions();
      const rewritten = [...after].filter(([k, v]) => before.get(k) !== v).map(([k]) => k.split(' ')[0]);
      // The tags (a table whose rows changed is written again whole), not the tables the edit left alone.
      expect(rewritten).toContain('report_tags');
      expect(rewritten).not.toContain('action_items');
      expect(rewritten).not.toContain('timeline_events');
      expect([...after.keys()].filter((k) => k.startsWith('report_tags')).length).toBe(2);
    });

  it('drops a save that fails half-way in a group, keeping the others of the group whole', async () => {
    const reports = new ReportRepository(t.store);
    const good = ['half-1', 'half-2', 'half-3'];
    const info = { userId: null, summary: 'created', changes: [] as string[] };
    // A timeline event without a kind passes the repository (it trusts the service's validation) and fails at
    // the timeline_events insert, after the report row and several side tables were written.
    const broken = buildReport({ id: 'half-bad' });
    (broken.details.timeline[0] as { kind: unknown }).kind = null;
    const outcomes = await Promise.allSettled([
      reports.create('half-1', buildReport({ id: 'half-1' }), info),
      reports.create('half-bad', broken, info),
      reports.create('half-2', buildReport({ id: 'half-2' }), info),
      reports.create('half-3', buildReport({ id: 'half-3' }), info),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(await reports.get('half-bad')).toBeUndefined();
    for (const table of [...SIDE_TABLES, 'report_revisions'] as const) {
      const left = await t.store.db
        .selectFrom(table)
        .select('report_id')
        .where('report_id', '=', 'half-bad')
        .execute();
      expect(left, table).toEqual([]);
    }
    for (const id of good) await expectFresh(id, buildReport({ id }), 1, null, 0);

    // The same in a group of updates: the broken edit fails, the others are saved, the first keeps its version.
    const edited = (id: string) => ({ ...buildReport({ id }), title: `Edited ${id}` });
    const bad = { ...edited('half-1') };
    bad.details = { ...bad.details, timeline: [{ ...bad.details.timeline[0]!, kind: null as never }] };
    const updates = await Promise.allSettled([
      reports.update('half-1', 1, bad, info),
      reports.update('half-2', 1, edited('half-2'), info),
      reports.update('half-3', 1, edited('half-3'), info),
    ]);
    expect(updates.map((o) => o.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    await expectFresh('half-1', buildReport({ id: 'half-1' }), 1, null, 0);
    await expectFresh('half-2', edited('half-2'), 2, null, 0);
    await expectFresh('half-3', edited('half-3'), 2, null, 0);
  });
});

const at = (k: number) => new Date(Date.UTC(2025, 0, 1, 0, k)).toISOString();
