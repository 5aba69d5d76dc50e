import { CompiledQuery, sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Dialect, Store } from './database.js';
import type { Database, ReportFactsTable } from './database.types.js';

// The insights' tallies over the public reports, kept by every save (migration 2026-12-08-401, issue 17 item 7):
// what each public facts row adds to the figures, by quarter and severity, as rows of `insight_kept`. A save
// subtracts what the stored facts row added and adds what the new one adds, in its own transaction; the
// buckets of a duration also keep their least and greatest value (found again from the index when a value
// at either end leaves). The figures over whole quarters are then read from a few thousand rows
// (insight-tallies.query.ts); `rebuildKept` computes every row afresh from report_facts, and the tests hold
// the kept rows equal to it after many saves.

/** The durations kept by bucket: the figure `b:<value column>` with the bucket column beside the value. */
export const KEPT_MEASURES: readonly [value: keyof ReportFactsTable, bucket: keyof ReportFactsTable][] = [
  ['time_to_detect', 'b_detect'],
  ['time_to_respond', 'b_respond'],
  ['time_to_mitigate', 'b_mitigate'],
  ['time_to_resolve', 'b_resolve'],
  ['days_to_publish', 'b_publish'],
  ['quality_score', 'b_quality'],
];

/** The completion counts of the facts row, by the group each counts in (figure `completion`). */
export const COMPLETION_COLUMNS: readonly [column: keyof ReportFactsTable, group: string][] = [
  ['done_on_time', 'on time'],
  ['done_late', 'late'],
  ['done_no_deadline', 'no deadline'],
  ['done_unknown', 'unknown'],
];

/** One key of `insight_kept` and what a facts row adds to it: a count, or one value of a bucket. */
interface Contribution {
  quarter: string;
  severity: string;
  figure: string;
  grp: string;
  n: number;
  value?: number;
}

type Facts = ReportFactsTable;

/** What one facts row adds to the kept tallies: nothing unless it counts for everyone (`public = 1`). */
export function contributions(f: Facts | undefined): Contribution[] {
  if (!f || Number(f.public) !== 1) return [];
  const quarter = f.quarter ?? '';
  const severity = f.severity ?? '';
  const out: Contribution[] = [];
  const add = (figure: string, grp: string, n: number, value?: number) => {
    if (n !== 0) out.push({ quarter, severity, figure, grp, n, ...(value === undefined ? {} : { value }) });
  };
  const total = Number(f.actions_total);
  const done = Number(f.actions_completed);
  const declined = Number(f.actions_wont_do);
  const effective = Number(f.verified_effective);
  const ineffective = Number(f.verified_ineffective);
  add('reports', f.kind, 1);
  if (f.quarter !== null) add('detection', f.detection ?? 'unknown', 1);
  add('status', 'not done', total - done - declined);
  add('status', 'completed', done);
  add('status', 'declined', declined);
  add('verification', 'effective', effective);
  add('verification', 'not effective', ineffective);
  add('verification', 'not verified', Math.max(0, done - effective - ineffective));
  if (f.systems === '') add('system', '(none)', 1);
  else for (const s of f.systems.split('\n')) add('system', s, 1);
  if (f.open_deadlines !== '') for (const d of f.open_deadlines.split(',')) add('deadline', d, 1);
  if (f.published !== null) add('rounds', String(Number(f.review_round ?? 0)), 1);
  for (const [column, group] of COMPLETION_COLUMNS) add('completion', group, Number(f[column] ?? 0));
  add('scored', f.quality_score === null || f.quality_score === undefined ? 'not scored yet' : 'scored', 1);
  for (const [value, bucket] of KEPT_MEASURES) {
    const v = f[value];
    const b = f[bucket];
    if (v !== null && v !== undefined && b !== null && b !== undefined)
      add(`b:${value}`, String(Number(b)), 1, Number(v));
  }
  return out;
}

interface Change {
  quarter: string;
  severity: string;
  figure: string;
  grp: string;
  n: number;
  added: number[];
  removed: number[];
}

/** The net change to the kept rows when a facts row `prev` becomes `next` (either may be absent). */
export function keptChanges(prev: Facts | undefined, next: Facts | undefined): Change[] {
  return keptChangesOf([[prev, next]]);
}

/** A facts row as it was and as it is now (either may be absent). */
export type FactsChange = readonly [prev: Facts | undefined, next: Facts | undefined];

/** The net change to the kept rows of several facts rows' changes (a group of saves). */
export function keptChangesOf(changes: readonly FactsChange[]): Change[] {
  const byKey = new Map<string, Change>();
  const put = (c: Contribution, sign: 1 | -1) => {
    const key = `${c.quarter}\u0000${c.severity}\u0000${c.figure}\u0000${c.grp}`;
    let ch = byKey.get(key);
    if (!ch) {
      ch = {
        quarter: c.quarter,
        severity: c.severity,
        figure: c.figure,
        grp: c.grp,
        n: 0,
        added: [],
        removed: [],
      };
      byKey.set(key, ch);
    }
    ch.n += sign * c.n;
    if (c.value !== undefined) {
      // A value leaving and the same value coming back cancel out.
      const other = sign === 1 ? ch.removed : ch.added;
      const at = other.indexOf(c.value);
      if (at >= 0) other.splice(at, 1);
      else (sign === 1 ? ch.added : ch.removed).push(c.value);
    }
  };
  for (const [prev, next] of changes) {
    for (const c of contributions(prev)) put(c, -1);
    for (const c of contributions(next)) put(c, 1);
  }
  // In the order of the keys, so two saves on PostgreSQL never wait on each other's rows in opposite orders.
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, c]) => c)
    .filter((c) => c.n !== 0 || c.added.length > 0 || c.removed.length > 0);
}

interface Statement {
  text: string;
  params: unknown[];
}

const UPSERT = `insert into insight_kept (quarter, severity, figure, grp, n, lo, hi) values (?, ?, ?, ?, ?, ?, ?)
  on conflict (quarter, severity, figure, grp) do update set n = insight_kept.n + excluded.n,
  lo = case when excluded.lo is null then insight_kept.lo
    when insight_kept.lo is null or excluded.lo < insight_kept.lo then excluded.lo else insight_kept.lo end,
  hi = case when excluded.hi is null then insight_kept.hi
    when insight_kept.hi is null or excluded.hi > insight_kept.hi then excluded.hi else insight_kept.hi end`;

/**
 * The statements that apply `changes`, to run after the new facts row is written (a bucket a value left has
 * its least and greatest value found again from the public rows, as they now are).
 */
function statements(changes: readonly Change[], refind = true): Statement[] {
  const out: Statement[] = [];
  for (const c of changes) {
    const lo = c.added.length > 0 ? Math.min(...c.added) : null;
    const hi = c.added.length > 0 ? Math.max(...c.added) : null;
    out.push({ text: UPSERT, params: [c.quarter, c.severity, c.figure, c.grp, c.n, lo, hi] });
    if (c.removed.length === 0) continue;
    if (!refind) {
      out.push({
        text: `update insight_kept set lo = null, hi = null ${KEY_WHERE} and n <= 0`,
        params: [c.quarter, c.severity, c.figure, c.grp],
      });
      continue;
    }
    out.push(refindStatement(c));
  }
  return out;
}

/**
 * Where a kept bucket's public facts rows are, and its value column: the one filter both ways of finding a
 * bucket's least and greatest value again read by. On SQLite a duration's index leads with (quarter, bucket,
 * severity, value) (migration 2026-12-13-150), so its least or greatest value is one seek.
 */
function bucketRows(c: Pick<Change, 'quarter' | 'severity' | 'figure' | 'grp'>): {
  value: string;
  where: string;
  args: unknown[];
} {
  const [value, bucket] = KEPT_MEASURES.find(([v]) => `b:${v}` === c.figure)!;
  const where = [
    'public = 1',
    `${value} is not null`,
    `${bucket} = ?`,
    c.quarter === '' ? 'quarter is null' : 'quarter = ?',
    c.severity === '' ? 'severity is null' : 'severity = ?',
  ].join(' and ');
  const args: unknown[] = [
    Number(c.grp),
    ...(c.quarter === '' ? [] : [c.quarter]),
    ...(c.severity === '' ? [] : [c.severity]),
  ];
  return { value, where, args };
}

/** The statement that finds a kept bucket's least and greatest value again from the public facts rows. */
function refindStatement(c: Pick<Change, 'quarter' | 'severity' | 'figure' | 'grp'>): Statement {
  const { value, where, args } = bucketRows(c);
  return {
    text: `update insight_kept set lo = (select min(${value}) from report_facts where ${where}),
        hi = (select max(${value}) from report_facts where ${where})
        where quarter = ? and severity = ? and figure = ? and grp = ?`,
    params: [...args, ...args, c.quarter, c.severity, c.figure, c.grp],
  };
}

/**
 * refindStatement as PostgreSQL runs it in a group's tail (keptStatementsPg): both ends from one sub-select.
 * The tail's statement is planned at every save, and each sub-select over report_facts (its eighteen indexes
 * looked at, the min/max index paths tried) is planned on its own: one a bucket instead of two took planning
 * four buckets from 2.2 to 1.5 ms. The bucket (one quarter, one severity) is read by an index-only scan of its
 * entries. Not for SQLite, which reads a lone min() or max() from its index and would scan the bucket for both.
 */
function refindBothStatement(c: Pick<Change, 'quarter' | 'severity' | 'figure' | 'grp'>): Statement {
  const { value, where, args } = bucketRows(c);
  return {
    text: `update insight_kept set (lo, hi) = (select min(${value}), max(${value}) from report_facts where ${where})
        where quarter = ? and severity = ? and figure = ? and grp = ?`,
    params: [...args, c.quarter, c.severity, c.figure, c.grp],
  };
}

/** `?` placeholders as the dialect wants them. */
function placeholders(text: string, dialect: Dialect): string {
  if (dialect === 'sqlite') return text;
  let i = 0;
  return text.replace(/\?/g, () => `$${++i}`);
}

/** The statements of a SQLite connection that applyKeptSqlite runs (prepared once by the caller). */
export interface SqliteRunner {
  run(text: string, params: unknown[]): void;
  get(text: string, params: unknown[]): unknown;
}

/**
 * Apply facts rows' changes to the kept tallies on a SQLite connection, in the caller's transaction, after
 * the new facts rows are written: a group commit applies its saves' changes summed, one statement a key. A
 * bucket a value left looks its least (greatest) value up again only when that value was its least (greatest)
 * one, and not at all when the bucket is left empty; the lookup is one seek in the duration's index (bucketRows:
 * it was a walk of the bucket's every severity, about 0.4 ms, while `+severity` kept SQLite off an index by
 * severity that migration 2026-12-13-150 dropped).
 */
export function applyKeptSqlite(
  db: SqliteRunner,
  moves: readonly (readonly [prev: Facts | undefined, next: Facts | undefined])[],
): void {
  for (const c of keptChangesOf(moves)) {
    const lo = c.added.length > 0 ? Math.min(...c.added) : null;
    const hi = c.added.length > 0 ? Math.max(...c.added) : null;
    const params = [c.quarter, c.severity, c.figure, c.grp, c.n, lo, hi];
    if (c.removed.length === 0) {
      db.run(UPSERT, params);
      continue;
    }
    const now = db.get(`${UPSERT} returning n, lo, hi`, params) as {
      n: number;
      lo: number | null;
      hi: number | null;
    };
    const key = [c.quarter, c.severity, c.figure, c.grp];
    if (Number(now.n) <= 0) {
      if (now.lo !== null || now.hi !== null)
        db.run(`update insight_kept set lo = null, hi = null ${KEY_WHERE}`, key);
      continue;
    }
    const { value, where, args } = bucketRows(c);
    const end = (fn: 'min' | 'max') =>
      (db.get(`select ${fn}(${value}) as v from report_facts where ${where}`, args) as { v: number | null })
        .v;
    const needLo = now.lo === null || c.removed.some((v) => v <= Number(now.lo));
    const needHi = now.hi === null || c.removed.some((v) => v >= Number(now.hi));
    if (needLo && needHi)
      db.run(`update insight_kept set lo = ?, hi = ? ${KEY_WHERE}`, [end('min'), end('max'), ...key]);
    else if (needLo) db.run(`update insight_kept set lo = ? ${KEY_WHERE}`, [end('min'), ...key]);
    else if (needHi) db.run(`update insight_kept set hi = ? ${KEY_WHERE}`, [end('max'), ...key]);
  }
}

const KEY_WHERE = 'where quarter = ? and severity = ? and figure = ? and grp = ?';

/** Apply a facts row's change to the kept tallies through Kysely, in the caller's transaction. */
export async function applyKept(
  trx: Kysely<Database> | Transaction<Database>,
  dialect: Dialect,
  prev: Facts | undefined,
  next: Facts | undefined,
): Promise<void> {
  await applyKeptOf(trx, dialect, [[prev, next]]);
}

/**
 * Apply several facts rows' changes, summed (one statement a kept row), in the caller's transaction. With
 * `refind: false` a bucket a value left keeps its least and greatest value (emptied only when the bucket is):
 * for a walk that empties a figure a chunk at a time, which calls refindEnds for the figure once at its end.
 */
export async function applyKeptOf(
  trx: Kysely<Database> | Transaction<Database>,
  dialect: Dialect,
  changes: readonly FactsChange[],
  options: { refind?: boolean } = {},
): Promise<void> {
  for (const s of statements(keptChangesOf(changes), options.refind ?? true))
    await trx.executeQuery(CompiledQuery.raw(placeholders(s.text, dialect), s.params));
}

/** Find the least and greatest value again of every kept bucket of `figure` that is not empty. */
export async function refindEnds(
  trx: Kysely<Database> | Transaction<Database>,
  dialect: Dialect,
  figure: string,
): Promise<void> {
  const rows = await trx
    .selectFrom('insight_kept')
    .select(['quarter', 'severity', 'figure', 'grp'])
    .where('figure', '=', figure)
    .where('n', '>', 0)
    .execute();
  for (const s of rows.map(refindStatement))
    await trx.executeQuery(CompiledQuery.raw(placeholders(s.text, dialect), s.params));
}

/**
 * The change of a group of saves on PostgreSQL (pg-save.ts) in at most two statements, to run once their facts
 * rows are written: `upsert`, every kept row's new count (and new least and greatest value) in one insert
 * reading a JSON parameter, in the keys' order, so two groups never wait on each other's rows in opposite
 * orders; then `refind`, the buckets a value left finding their ends again from the facts rows. One statement
 * a kept row, as `applyKept` runs them, cost a save about twenty round trips.
 */
export function keptStatementsPg(changes_: readonly FactsChange[]): {
  upsert?: RawBuilder<unknown>;
  refind?: RawBuilder<unknown>;
} {
  const changes = keptChangesOf(changes_);
  if (changes.length === 0) return {};
  const rows = changes.map((c) => ({
    quarter: c.quarter,
    severity: c.severity,
    figure: c.figure,
    grp: c.grp,
    n: c.n,
    lo: c.added.length > 0 ? Math.min(...c.added) : null,
    hi: c.added.length > 0 ? Math.max(...c.added) : null,
  }));
  const upsert = sql`insert into insight_kept (quarter, severity, figure, grp, n, lo, hi)
    select quarter, severity, figure, grp, n, lo, hi
    from json_populate_recordset(null::insight_kept, ${JSON.stringify(rows)}::json)
    ${sql.raw(UPSERT.slice(UPSERT.indexOf('on conflict')))}`;
  const refinds = changes
    .filter((c) => c.removed.length > 0)
    .map(refindBothStatement)
    .map((s, i) => {
      let k = 0;
      const parts = s.text.split('?');
      const text = sql.join(
        parts.map((part, j) => (j === 0 ? sql.raw(part) : sql`${s.params[k++]}${sql.raw(part)}`)),
        sql.raw(''),
      );
      return sql`${sql.raw(`r${i}`)} as (${text})`;
    });
  return {
    upsert,
    ...(refinds.length > 0 ? { refind: sql`with ${sql.join(refinds)} select 1` } : {}),
  };
}

const SCORED = "case when quality_score is null then 'not scored yet' else 'scored' end";
const q = (expr: string) => `coalesce(${expr}, '')`;

/** Every kept row computed from report_facts and insight_items: the statements of `rebuildKept`. */
const REBUILD: string[] = [
  `insert into insight_kept (quarter, severity, figure, grp, n)
    select ${q('quarter')}, ${q('severity')}, 'reports', kind, count(*) from report_facts where public = 1
    group by ${q('quarter')}, ${q('severity')}, kind`,
  `insert into insight_kept (quarter, severity, figure, grp, n)
    select quarter, ${q('severity')}, 'detection', coalesce(detection, 'unknown'), count(*) from report_facts
    where public = 1 and quarter is not null group by quarter, ${q('severity')}, coalesce(detection, 'unknown')`,
  ...(
    [
      ['status', 'not done', 'actions_total - actions_completed - actions_wont_do'],
      ['status', 'completed', 'actions_completed'],
      ['status', 'declined', 'actions_wont_do'],
      ['verification', 'effective', 'verified_effective'],
      ['verification', 'not effective', 'verified_ineffective'],
      ...COMPLETION_COLUMNS.map(
        ([column, group]) => ['completion', group, `coalesce(${column}, 0)`] as const,
      ),
      [
        'verification',
        'not verified',
        `case when actions_completed - verified_effective - verified_ineffective > 0
          then actions_completed - verified_effective - verified_ineffective else 0 end`,
      ],
    ] as const satisfies readonly (readonly [string, string, string])[]
  ).map(
    ([figure, grp, expr]) => `insert into insight_kept (quarter, severity, figure, grp, n)
    select ${q('quarter')}, ${q('severity')}, '${figure}', '${grp}', sum(${expr}) from report_facts
    where public = 1 group by ${q('quarter')}, ${q('severity')} having sum(${expr}) <> 0`,
  ),
  `insert into insight_kept (quarter, severity, figure, grp, n)
    select ${q('quarter')}, ${q('severity')}, 'system', '(none)', count(*) from report_facts
    where public = 1 and systems = '' group by ${q('quarter')}, ${q('severity')}`,
  ...(['system', 'deadline'] as const).map(
    (item) => `insert into insight_kept (quarter, severity, figure, grp, n)
    select ${q('f.quarter')}, ${q('f.severity')}, '${item}', i.value, count(*)
    from insight_items i join report_facts f on f.report_id = i.report_id
    where f.public = 1 and i.item = '${item}' group by ${q('f.quarter')}, ${q('f.severity')}, i.value`,
  ),
  `insert into insight_kept (quarter, severity, figure, grp, n)
    select ${q('quarter')}, ${q('severity')}, 'scored', ${SCORED}, count(*) from report_facts
    where public = 1 group by ${q('quarter')}, ${q('severity')}, ${SCORED}`,
  `insert into insight_kept (quarter, severity, figure, grp, n)
    select ${q('quarter')}, ${q('severity')}, 'rounds', cast(coalesce(review_round, 0) as text), count(*)
    from report_facts where public = 1 and published is not null
    group by ${q('quarter')}, ${q('severity')}, cast(coalesce(review_round, 0) as text)`,
  ...KEPT_MEASURES.map(
    ([value, bucket]) => `insert into insight_kept (quarter, severity, figure, grp, n, lo, hi)
    select ${q('quarter')}, ${q('severity')}, 'b:${value}', cast(${bucket} as text), count(*), min(${value}),
      max(${value}) from report_facts where public = 1 and ${value} is not null
    group by ${q('quarter')}, ${q('severity')}, ${bucket}`,
  ),
];

/**
 * Compute every kept row afresh from the public facts rows, in one transaction (a crash leaves the old rows or
 * the new ones), and mark them ready. Run by the migrator when they are not ready or rows were filled.
 */
export async function rebuildKept(store: Store): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    await sql`delete from insight_kept`.execute(trx);
    for (const text of REBUILD) await sql.raw(text).execute(trx);
    await sql`update insight_kept_state set ready = 1 where id = 1`.execute(trx);
  });
}

/** Whether the kept rows are ready (computed and kept since). */
export async function keptReady(store: Store): Promise<boolean> {
  const { rows } = await sql<{ ready: number }>`select ready from insight_kept_state where id = 1`.execute(
    store.db,
  );
  return Number(rows[0]?.ready ?? 0) === 1;
}
