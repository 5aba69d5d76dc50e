import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import {
  bucketOf,
  DISTRIBUTION_FIGURES,
  figureValue,
  groupsOf,
  overdueAge,
  quarterOf,
  rankOf,
  tallyRows,
  type Distribution,
  type DistributionFigure,
  type InsightRow,
  type InsightTallies,
} from '../domain/index.js';
import type { Store } from './database.js';
import type { Database } from './database.types.js';

// The insights' tallies in SQL over report_facts (issue 17, item 7). The public rows (not deleted, not
// restricted: `public = 1`, kept by every save, deletion and restore) are aggregated by the database over the
// partial covering indexes of migration 2026-12-07-401, so no report row is read into the process; the few
// restricted reports the viewer may see come as rows (`extra`) and are added in. Counts are GROUP BYs;
// a percentile is found by the bucket counts of its group (bucketOf) and then the sorted values of one bucket.

/** Filters the SQL path applies in the database (the others are read as rows: see MemoryRepository). */
export interface ColumnFilters {
  from?: string;
  to?: string;
  kind?: string;
  severity?: string;
}

/** Runs a query; `sqlite` says which database, for the few queries that name an index there. */
type Run = ((q: RawBuilder<unknown>) => Promise<unknown[][]>) & { sqlite: boolean };

/**
 * Run a query and take its rows as arrays of values in select order: raw on SQLite (as the lists do), where
 * the queries of one tally run with no other request in between (each answers at once); on PostgreSQL in the
 * caller's transaction, which sees one snapshot.
 */
function runner(store: Store, db: Kysely<Database>): Run {
  const run = async (q: RawBuilder<unknown>) => {
    const c = q.compile(db);
    if (store.rawRows) return store.rawRows(c.sql, c.parameters);
    const r = await db.executeQuery(c);
    return r.rows.map((row) => Object.values(row as object));
  };
  return Object.assign(run, { sqlite: Boolean(store.rawRows) });
}

const COLUMN: Record<DistributionFigure['value'], [value: string, bucket: string]> = {
  timeToDetect: ['time_to_detect', 'b_detect'],
  timeToRespond: ['time_to_respond', 'b_respond'],
  timeToMitigate: ['time_to_mitigate', 'b_mitigate'],
  timeToResolve: ['time_to_resolve', 'b_resolve'],
  daysToPublish: ['days_to_publish', 'b_publish'],
  qualityScore: ['quality_score', 'b_quality'],
};

/** The public rows that pass the filters, as a condition on report_facts or insight_items. */
function publicRows(filters: ColumnFilters): RawBuilder<unknown> {
  const parts = [sql`public = 1`];
  if (filters.from) parts.push(sql`started >= ${filters.from}`);
  // A day given as the end takes in the whole of it.
  if (filters.to) parts.push(sql`started < ${`${filters.to}T99`}`);
  if (filters.kind) parts.push(sql`kind = ${filters.kind}`);
  if (filters.severity) parts.push(sql`severity = ${filters.severity.trim().toUpperCase()}`);
  return sql.join(parts, sql` and `);
}

const num = (v: unknown) => Number(v ?? 0);

/** Add `w` to group `g` of a count figure, keeping only groups with some weight (as tallyRows does). */
function add(counts: InsightTallies['counts'], figure: string, g: string, w: number) {
  if (w <= 0) return;
  let m = counts.get(figure);
  if (!m) counts.set(figure, (m = new Map()));
  m.set(g, (m.get(g) ?? 0) + w);
}

/**
 * The tallies over the public rows passing `filters` plus `extra` (rows already filtered, none of them public),
 * equal to tallyRows over both (src/store/insight-tallies.test.ts compares them).
 */
export async function insightTallies(
  store: Store,
  filters: ColumnFilters,
  extra: readonly InsightRow[],
  today: string,
): Promise<InsightTallies> {
  if (store.rawRows) return tallies(runner(store, store.db), filters, extra, today);
  // The bucket counts and the values looked up after them must come from one state of the data.
  return store.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => tallies(runner(store, trx), filters, extra, today));
}

async function tallies(
  run: Run,
  filters: ColumnFilters,
  extra: readonly InsightRow[],
  today: string,
): Promise<InsightTallies> {
  const where = publicRows(filters);
  const mine = tallyRows(extra, today);
  const counts: InsightTallies['counts'] = new Map();
  for (const [figure, groups] of mine.counts) for (const [g, w] of groups) add(counts, figure, g, w);

  let reports = extra.length;
  const cells = await run(sql`select kind, quarter, detection, count(*) as n,
      sum(actions_total - actions_completed - actions_wont_do) as not_done, sum(actions_completed) as done,
      sum(actions_wont_do) as declined, sum(verified_effective) as effective,
      sum(verified_ineffective) as ineffective,
      sum(case when actions_completed - verified_effective - verified_ineffective > 0
        then actions_completed - verified_effective - verified_ineffective else 0 end) as unverified,
      sum(case when system_count = 0 then 1 else 0 end) as no_system,
      sum(coalesce(done_on_time, 0)) as on_time, sum(coalesce(done_late, 0)) as late,
      sum(coalesce(done_no_deadline, 0)) as no_deadline, sum(coalesce(done_unknown, 0)) as unknown,
      sum(case when quality_score is null then 0 else 1 end) as scored
    from report_facts where ${where} group by kind, quarter, detection`);
  for (const c of cells) {
    const [kind, quarter, detection] = c as [string, string | null, string | null];
    const n = num(c[3]);
    reports += n;
    add(counts, 'byKind', kind, n);
    if (quarter !== null) add(counts, 'detection', `${quarter}|${detection ?? 'unknown'}`, n);
    add(counts, 'followUp.statuses', 'not done', num(c[4]));
    add(counts, 'followUp.statuses', 'completed', num(c[5]));
    add(counts, 'followUp.statuses', 'declined', num(c[6]));
    add(counts, 'followUp.verification', 'effective', num(c[7]));
    add(counts, 'followUp.verification', 'not effective', num(c[8]));
    add(counts, 'followUp.verification', 'not verified', num(c[9]));
    add(counts, 'bySystem', '(none)', num(c[10]));
    add(counts, 'followUp.completion', 'on time', num(c[11]));
    add(counts, 'followUp.completion', 'late', num(c[12]));
    add(counts, 'followUp.completion', 'no deadline', num(c[13]));
    add(counts, 'followUp.completion', 'unknown', num(c[14]));
    add(counts, 'health.scored', 'scored', num(c[15]));
    add(counts, 'health.scored', 'not scored yet', n - num(c[15]));
  }
  for (const [round, n] of await run(sql`select review_round, count(*) as n from report_facts
      where ${where} and published is not null group by review_round`))
    add(counts, 'health.reviewRounds', String(num(round)), num(n));
  for (const [system, n] of await run(sql`select value, count(*) as n from insight_items
      where item = 'system' and ${where} group by value`))
    add(counts, 'bySystem', String(system), num(n));
  for (const [deadline, n] of await run(sql`select value, count(*) as n from insight_items
      where item = 'deadline' and value < ${today} and ${where} group by value`))
    add(counts, 'followUp.overdueByAge', overdueAge(String(deadline), today), num(n));

  const distributions: InsightTallies['distributions'] = new Map();
  for (const value of Object.keys(COLUMN) as DistributionFigure['value'][]) {
    const figures = DISTRIBUTION_FIGURES.filter((f) => f.value === value);
    // One scan of the value's index gives the bucket counts by quarter and by severity at once.
    const [column, bucket] = COLUMN[value];
    const v = sql.raw(column);
    const b = sql.raw(bucket);
    const cells = await run(sql`select quarter, severity, ${b}, count(*) as n, min(${v}) as lo,
        max(${v}) as hi from report_facts where ${where} and ${v} is not null group by quarter, severity, ${b}`);
    for (const f of figures)
      distributions.set(f.figure, await distributionsOf(run, f, cells, where, extra, today));
  }
  return { reports, distributions, counts };
}

// ── kept tallies ─────────────────────────────────────────────────────────────────────────────────────

/**
 * The quarters every report of which passes the date filters, [lo, hi) as quarter labels (either end open when
 * there is no filter on that side), and whether the reports with no quarter pass too (no date filter at all).
 * The kept tallies (insight-kept.ts) answer for these quarters; the reports of the quarters a filter cuts
 * through are read as rows.
 */
export interface KeptRange {
  lo?: string;
  hi?: string;
  all: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const quarterMonth = (q: string, nth: 0 | 2) =>
  `${q.slice(0, 4)}-${String((Number(q.slice(6)) - 1) * 3 + 1 + nth).padStart(2, '0')}`;
const nextQuarter = (q: string) =>
  q.endsWith('Q4') ? `${Number(q.slice(0, 4)) + 1}-Q1` : `${q.slice(0, 6)}${Number(q.slice(6)) + 1}`;

/** The whole quarters the filters take in, or undefined when the kept tallies cannot answer (a kind filter). */
export function keptRange(filters: ColumnFilters): KeptRange | undefined {
  if (filters.kind) return undefined;
  if ((filters.from && !DAY.test(filters.from)) || (filters.to && !DAY.test(filters.to))) return undefined;
  const range: KeptRange = { all: !filters.from && !filters.to };
  if (filters.from) {
    const q = quarterOf(filters.from)!;
    range.lo = filters.from <= `${quarterMonth(q, 0)}-01` ? q : nextQuarter(q);
  }
  if (filters.to) {
    // A day past the end of the quarter's last month (…-31, whatever its length) takes in all of it.
    const q = quarterOf(filters.to)!;
    range.hi = filters.to >= `${quarterMonth(q, 2)}-31` ? nextQuarter(q) : q;
  }
  return range;
}

/** The facts rows (`f`) of the quarters a date filter cuts through: read as rows (see keptRange). */
export function outsideRange(range: KeptRange, column = 'f.quarter'): RawBuilder<SqlBool> {
  const c = sql.ref(column);
  const parts = [sql`${c} is null`];
  if (range.lo !== undefined) parts.push(sql`${c} < ${range.lo}`);
  if (range.hi !== undefined) parts.push(sql`${c} >= ${range.hi}`);
  return sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
}

/**
 * The tallies over the public rows passing `filters` (no kind filter) plus `extra`: the whole quarters of
 * `range` from the kept rows, everything else in `extra` (the viewer's restricted reports and the public
 * reports of the quarters the dates cut through). Equal to insightTallies (the tests compare them).
 */
export async function keptTallies(
  store: Store,
  filters: ColumnFilters,
  range: KeptRange,
  extra: readonly InsightRow[],
  today: string,
): Promise<InsightTallies> {
  if (store.rawRows) return fromKept(runner(store, store.db), filters, range, extra, today);
  return store.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute((trx) => fromKept(runner(store, trx), filters, range, extra, today));
}

async function fromKept(
  run: Run,
  filters: ColumnFilters,
  range: KeptRange,
  extra: readonly InsightRow[],
  today: string,
): Promise<InsightTallies> {
  const mine = tallyRows(extra, today);
  const counts: InsightTallies['counts'] = new Map();
  for (const [figure, groups] of mine.counts) for (const [g, w] of groups) add(counts, figure, g, w);
  let reports = extra.length;

  const kept = [sql`n > 0`];
  const inRange = [sql`public = 1`];
  if (!range.all) {
    kept.push(sql`quarter <> ''`);
    inRange.push(sql`quarter is not null`);
  }
  if (range.lo !== undefined) {
    kept.push(sql`quarter >= ${range.lo}`);
    inRange.push(sql`quarter >= ${range.lo}`);
  }
  if (range.hi !== undefined) {
    kept.push(sql`quarter < ${range.hi}`);
    inRange.push(sql`quarter < ${range.hi}`);
  }
  if (filters.severity) {
    const s = filters.severity.trim().toUpperCase();
    kept.push(sql`severity = ${s}`);
    inRange.push(sql`severity = ${s}`);
  }
  const cells = new Map<string, unknown[][]>();
  for (const [
    quarter,
    severity,
    figure,
    grp,
    count,
    lo,
    hi,
  ] of await run(sql`select quarter, severity, figure,
      grp, n, lo, hi from insight_kept where ${sql.join(kept, sql` and `)}`)) {
    const g = String(grp);
    const n = num(count);
    switch (figure) {
      case 'reports':
        reports += n;
        add(counts, 'byKind', g, n);
        break;
      case 'detection':
        add(counts, 'detection', `${String(quarter)}|${g}`, n);
        break;
      case 'status':
        add(counts, 'followUp.statuses', g, n);
        break;
      case 'verification':
        add(counts, 'followUp.verification', g, n);
        break;
      case 'system':
        add(counts, 'bySystem', g, n);
        break;
      case 'deadline':
        if (g < today) add(counts, 'followUp.overdueByAge', overdueAge(g, today), n);
        break;
      case 'rounds':
        add(counts, 'health.reviewRounds', g, n);
        break;
      case 'completion':
        add(counts, 'followUp.completion', g, n);
        break;
      case 'scored':
        add(counts, 'health.scored', g, n);
        break;
      default: {
        // b:<value column>: one bucket of a duration in one quarter and severity.
        const value = String(figure).slice(2);
        let list = cells.get(value);
        if (!list) cells.set(value, (list = []));
        list.push([quarter === '' ? null : quarter, severity === '' ? null : severity, Number(g), n, lo, hi]);
      }
    }
  }
  // The values of a bucket are looked up among the public rows of the kept quarters only: the others are in
  // `extra`.
  const where = sql.join(inRange, sql` and `);
  const distributions: InsightTallies['distributions'] = new Map();
  for (const value of Object.keys(COLUMN) as DistributionFigure['value'][]) {
    const list = cells.get(COLUMN[value][0]) ?? [];
    for (const f of DISTRIBUTION_FIGURES.filter((x) => x.value === value))
      distributions.set(f.figure, await distributionsOf(run, f, list, where, extra, today));
  }
  return { reports, distributions, counts };
}

/** The distribution of each group of one figure: bucket counts first, then the values of the buckets needed. */
async function distributionsOf(
  run: Run,
  f: DistributionFigure,
  cells: unknown[][],
  where: RawBuilder<unknown>,
  extra: readonly InsightRow[],
  today: string,
): Promise<Map<string, Distribution>> {
  const [value, bucket] = COLUMN[f.value];
  const v = sql.raw(value);
  const b = sql.raw(bucket);
  // group → bucket → [count, least, greatest], from the database and from the extra rows (kept as values too).
  const hist = new Map<string, Map<number, [number, number, number]>>();
  const extraValues = new Map<string, number[]>();
  const bump = (g: string, k: number, n: number, lo: number, hi: number) => {
    let m = hist.get(g);
    if (!m) hist.set(g, (m = new Map()));
    const c = m.get(k);
    if (c) m.set(k, [c[0] + n, Math.min(c[1], lo), Math.max(c[2], hi)]);
    else m.set(k, [n, lo, hi]);
  };
  // By severity: the quarters each group's bucket has values in (null for none), so that on SQLite its values
  // are looked up in the one index of the duration, (quarter, bucket, severity, value, …), one range a quarter
  // (migration 2026-12-13-150).
  const quartersOf = new Map<string, Set<string | null>>();
  for (const [quarter, severity, k, n, lo, hi] of cells) {
    // A value with no quarter counts by severity only (groupsOf).
    if (f.by === 'quarter' && quarter === null) continue;
    const g = f.by === 'quarter' ? quarter : (severity ?? 'none');
    bump(String(g), num(k), num(n), Number(lo), Number(hi));
    if (f.by === 'severity') {
      const key = `${String(g)}|${num(k)}`;
      let qs = quartersOf.get(key);
      if (!qs) quartersOf.set(key, (qs = new Set()));
      qs.add(quarter === null ? null : String(quarter));
    }
  }
  for (const r of extra) {
    const x = figureValue(r, f.value);
    if (x === null) continue;
    for (const g of groupsOf(r, f.figure, today)) {
      bump(g, bucketOf(x), 1, x, x);
      const list = extraValues.get(g);
      if (list) list.push(x);
      else extraValues.set(g, [x]);
    }
  }
  const out = new Map<string, Distribution>();
  for (const [g, buckets] of hist) {
    const order = [...buckets.keys()].sort((x, y) => x - y);
    const n = order.reduce((sum, k) => sum + buckets.get(k)![0], 0);
    const kept = new Map<number, [value: number, count: number][]>();
    // The distinct values of one bucket with their counts, in order: the public ones from the index, the extra
    // ones from their rows.
    const valuesOf = async (k: number) => {
      let vals = kept.get(k);
      if (vals) return vals;
      const m = new Map<number, number>();
      const look = async (groupIs: RawBuilder<unknown>, from = sql`report_facts`) => {
        for (const [x, c] of await run(sql`select ${v}, count(*) as n from ${from}
            where ${where} and ${v} is not null and ${groupIs} and ${b} = ${k} group by ${v}`))
          m.set(Number(x), (m.get(Number(x)) ?? 0) + num(c));
      };
      if (f.by === 'quarter') await look(sql`quarter = ${g}`);
      else {
        const severityIs = g === 'none' ? sql`severity is null` : sql`severity = ${g}`;
        const qs = quartersOf.get(`${g}|${k}`) ?? new Set();
        const named = [...qs].filter((q): q is string => q !== null);
        // Named: with a kind filter SQLite would rather walk insight_counts_done (kind, quarter, …) and read
        // rows (1.2 against 0.12 CPU ms a lookup on 100,000 reports). PostgreSQL keeps its index by severity.
        const from = run.sqlite ? sql`report_facts indexed by ${sql.raw(`insight_${bucket}_qs`)}` : undefined;
        if (named.length) await look(sql`quarter in (${sql.join(named)}) and ${severityIs}`, from);
        if (qs.has(null)) await look(sql`quarter is null and ${severityIs}`, from);
      }
      for (const x of extraValues.get(g) ?? []) if (bucketOf(x) === k) m.set(x, (m.get(x) ?? 0) + 1);
      vals = [...m].sort((x, y) => x[0] - y[0]);
      kept.set(k, vals);
      return vals;
    };
    const at = async (rank: number) => {
      let before = 0;
      for (const k of order) {
        const [c, lo, hi] = buckets.get(k)!;
        if (rank <= before + c) {
          // A bucket of one value (equal durations are common) needs no second look.
          if (lo === hi) return lo;
          let within = before;
          for (const [x, m] of await valuesOf(k)) {
            within += m;
            if (rank <= within) return x;
          }
        }
        before += c;
      }
      throw new Error(`rank ${rank} beyond ${n} values`);
    };
    out.set(g, {
      count: n,
      min: await at(1),
      p25: await at(rankOf(25, n)),
      median: await at(rankOf(50, n)),
      p75: await at(rankOf(75, n)),
      p90: await at(rankOf(90, n)),
      max: await at(n),
    });
  }
  return out;
}
