import type SQLite from 'better-sqlite3';
import { sql, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import {
  rankRelations,
  RELATION_WEIGHTS,
  tallyRows,
  type InsightRow,
  type InsightTallies,
  type Relation,
  type RelationKey,
  type RelationKind,
} from '../domain/index.js';
import type { ReportSummary } from '../domain/api-contract.js';
import type { Store } from './database.js';
import type { Database, ReportFactorsTable, ReportFactsTable, ReportsTable } from './database.types.js';
import {
  insightTallies,
  keptRange,
  keptTallies,
  outsideRange,
  type KeptRange,
} from './insight-tallies.query.js';
import { keptReady } from './insight-kept.js';
import { KEY_INDEX, keyIndexReady, keyQuery, seqOfKeyRowid } from './key-index.js';
import { keyOf } from './report-index.js';
import { SUMMARY_COLUMNS, toSummary } from './report-list.query.js';
import { visibleTo, type Viewer } from './viewer.js';

interface Lookups {
  keys(id: string): Promise<RelationKey[]>;
  /** How many reports hold a key, counted up to COMMON. */
  count(key: RelationKey): Promise<number>;
  /** The newest PER_KEY reports holding a key, by the column `by` (a seq as text, see keyIndexLookups). */
  newest(key: RelationKey): Promise<string[]>;
  /** About how many reports there are (the highest seq). */
  total(): Promise<number>;
  /** The column of `reports` the lookups name reports by. */
  by: 'id' | 'seq';
}

const COUNT_SQL =
  'select count(*) as n from (select 1 from report_keys where kind = ? and key = ? limit ?) x';
const NEWEST_SQL =
  'select report_id from report_keys where kind = ? and key = ? order by started desc limit ?';

function sqliteLookups(db: SQLite.Database): Lookups {
  const keys = db.prepare('select kind, key, label from report_keys where report_id = ?');
  const count = db.prepare(COUNT_SQL).pluck();
  const newest = db.prepare(NEWEST_SQL).pluck();
  const total = db.prepare('select max(seq) from reports').pluck();
  return {
    keys: (id) => Promise.resolve(keys.all(id) as RelationKey[]),
    count: (k) => Promise.resolve(Number(count.get(k.kind, k.key, COMMON))),
    newest: (k) => Promise.resolve(newest.all(k.kind, k.key, PER_KEY) as string[]),
    total: () => Promise.resolve(Number(total.get() ?? 0)),
    by: 'id',
  };
}

/** A report as keyIndexLookups names it: its seq as text (related() names the best by id before it ranks ties). */
const seqHandle = (seq: unknown) => String(seq).padStart(16, '0');

/** The lookups by key from the key index (key-index.ts), which names reports by seq. */
function keyIndexLookups(db: SQLite.Database): Lookups {
  const keys = db.prepare('select kind, key, label from report_keys where report_id = ?');
  const count = db
    .prepare(`select count(*) from (select 1 from ${KEY_INDEX} where ${KEY_INDEX} match ? limit ?)`)
    .pluck();
  const newest = db
    .prepare(`select rowid from ${KEY_INDEX} where ${KEY_INDEX} match ? order by rowid desc limit ?`)
    .pluck();
  const total = db.prepare('select max(seq) from reports').pluck();
  return {
    keys: (id) => Promise.resolve(keys.all(id) as RelationKey[]),
    count: (k) => Promise.resolve(Number(count.get(keyQuery(k.kind, k.key), COMMON))),
    newest: (k) =>
      Promise.resolve(
        (newest.all(keyQuery(k.kind, k.key), PER_KEY) as number[]).map((r) => seqHandle(seqOfKeyRowid(r))),
      ),
    total: () => Promise.resolve(Number(total.get() ?? 0)),
    by: 'seq',
  };
}

function kyselyLookups(db: Kysely<Database>): Lookups {
  return {
    keys: async (id) =>
      (await sql<RelationKey>`select kind, key, label from report_keys where report_id = ${id}`.execute(db))
        .rows,
    count: async (k) =>
      Number(
        (
          await sql<{ n: number | string }>`select count(*) as n from (select 1 from report_keys
            where kind = ${k.kind} and key = ${k.key} limit ${COMMON}) x`.execute(db)
        ).rows[0]?.n ?? 0,
      ),
    newest: async (k) =>
      (
        await sql<{ report_id: string }>`select report_id from report_keys where kind = ${k.kind}
          and key = ${k.key} order by started desc limit ${PER_KEY}`.execute(db)
      ).rows.map((r) => r.report_id),
    by: 'id',
    total: async () =>
      Number(
        (await sql<{ n: number | string | null }>`select max(seq) as n from reports`.execute(db)).rows[0]
          ?.n ?? 0,
      ),
  };
}

/**
 * A key shared by more reports than this counts as common: its count stops here (counting is most of the
 * work of a call), its weight is least, and a cause word this common is not compared.
 */
const COMMON = 500;
/** The newest reports taken as candidates for each shared key. */
const PER_KEY = 200;
/** At most this many of a report's cause words are looked up: the rarest ones. */
const TERMS = 12;
/** Candidates checked for visibility, best first, to fill the list asked for. */
const CHECKED = 60;

// The sum of the counters saves move (one of them each on PostgreSQL; migration 2026-12-08-501).
const GENERATION_SQL = 'select sum(n) as n from insight_generation';

/**
 * The kinds of key read by key other than by `related`: on SQLite, the condition of their index
 * report_keys_named (migration 2026-12-12-101), which the planner uses only for a query that states it.
 */
const NAMED_KINDS = sql<SqlBool>`k.kind in ('system', 'fishbone')`;

/** Which reports the insights and factor lists describe. */
export interface InsightFilters {
  /** Incidents that began on or after this day (YYYY-MM-DD). */
  from?: string;
  /** Incidents that began on or before this day (YYYY-MM-DD). */
  to?: string;
  kind?: string;
  severity?: string;
  system?: string;
  tag?: string;
  /** People (compared form) of a team, as the roster in settings lists them. */
  people?: string[];
}

export type RelatedRow = ReportSummary & { score: number; reasons: string[] };

/** The columns of an insight row, facts first, then what the report's index holds (migration 602). */
/** Insight rows read at a time on SQLite, between which other requests run. */
const INSIGHT_CHUNK = 5_000;

const INSIGHT_COLUMNS = [
  'f.report_id',
  'f.title',
  'f.kind',
  'f.severity',
  'f.state',
  'f.started',
  'f.quarter',
  'f.detection',
  'f.time_to_detect',
  'f.time_to_respond',
  'f.time_to_mitigate',
  'f.time_to_resolve',
  'f.published',
  'r.review_round',
  'f.actions_total',
  'f.actions_completed',
  'f.actions_wont_do',
  'f.verified_effective',
  'f.verified_ineffective',
  'f.open_deadlines',
  'f.systems',
  'f.tags',
  'f.done_on_time',
  'f.done_late',
  'f.done_no_deadline',
  'f.done_unknown',
  'f.quality_score',
] as const;

type InsightSqlRow = Pick<
  ReportFactsTable,
  | 'report_id'
  | 'title'
  | 'kind'
  | 'severity'
  | 'state'
  | 'started'
  | 'quarter'
  | 'detection'
  | 'time_to_detect'
  | 'time_to_respond'
  | 'time_to_mitigate'
  | 'time_to_resolve'
  | 'published'
  | 'actions_total'
  | 'actions_completed'
  | 'actions_wont_do'
  | 'verified_effective'
  | 'verified_ineffective'
  | 'open_deadlines'
  | 'systems'
  | 'tags'
  | 'done_on_time'
  | 'done_late'
  | 'done_no_deadline'
  | 'done_unknown'
  | 'quality_score'
> & { review_round: number };

const lines = (s: string) => (s === '' ? [] : s.split('\n'));
const num = (v: number | null) => (v === null ? null : Number(v));

/** A row read as values in INSIGHT_COLUMNS' order. */
function fromValues(a: unknown[]): InsightSqlRow {
  return {
    report_id: a[0] as InsightSqlRow['report_id'],
    title: a[1] as InsightSqlRow['title'],
    kind: a[2] as InsightSqlRow['kind'],
    severity: a[3] as InsightSqlRow['severity'],
    state: a[4] as InsightSqlRow['state'],
    started: a[5] as InsightSqlRow['started'],
    quarter: a[6] as InsightSqlRow['quarter'],
    detection: a[7] as InsightSqlRow['detection'],
    time_to_detect: a[8] as InsightSqlRow['time_to_detect'],
    time_to_respond: a[9] as InsightSqlRow['time_to_respond'],
    time_to_mitigate: a[10] as InsightSqlRow['time_to_mitigate'],
    time_to_resolve: a[11] as InsightSqlRow['time_to_resolve'],
    published: a[12] as InsightSqlRow['published'],
    review_round: a[13] as InsightSqlRow['review_round'],
    actions_total: a[14] as InsightSqlRow['actions_total'],
    actions_completed: a[15] as InsightSqlRow['actions_completed'],
    actions_wont_do: a[16] as InsightSqlRow['actions_wont_do'],
    verified_effective: a[17] as InsightSqlRow['verified_effective'],
    verified_ineffective: a[18] as InsightSqlRow['verified_ineffective'],
    open_deadlines: a[19] as InsightSqlRow['open_deadlines'],
    systems: a[20] as InsightSqlRow['systems'],
    tags: a[21] as InsightSqlRow['tags'],
    done_on_time: a[22] as InsightSqlRow['done_on_time'],
    done_late: a[23] as InsightSqlRow['done_late'],
    done_no_deadline: a[24] as InsightSqlRow['done_no_deadline'],
    done_unknown: a[25] as InsightSqlRow['done_unknown'],
    quality_score: a[26] as InsightSqlRow['quality_score'],
  };
}

function toInsightRow(r: InsightSqlRow): InsightRow {
  return {
    id: r.report_id,
    title: r.title,
    kind: r.kind,
    severity: r.severity,
    state: r.state,
    started: r.started,
    quarter: r.quarter,
    detection: r.detection,
    timeToDetect: num(r.time_to_detect),
    timeToRespond: num(r.time_to_respond),
    timeToMitigate: num(r.time_to_mitigate),
    timeToResolve: num(r.time_to_resolve),
    published: r.published,
    reviewRounds: Number(r.review_round),
    actionsTotal: Number(r.actions_total),
    actionsCompleted: Number(r.actions_completed),
    actionsWontDo: Number(r.actions_wont_do),
    verifiedEffective: Number(r.verified_effective),
    verifiedIneffective: Number(r.verified_ineffective),
    completedOnTime: Number(r.done_on_time ?? 0),
    completedLate: Number(r.done_late ?? 0),
    completedNoDeadline: Number(r.done_no_deadline ?? 0),
    completedUnknown: Number(r.done_unknown ?? 0),
    qualityScore: num(r.quality_score),
    openDeadlines: r.open_deadlines === '' ? [] : r.open_deadlines.split(','),
    systems: lines(r.systems),
    tags: lines(r.tags),
  };
}

/** Reports (aliased `r`) that are not deleted and that the viewer may see: every read here asks this. */
function liveFor(viewer: Viewer) {
  const visible = visibleTo(viewer);
  return (eb: ExpressionBuilder<Database & { r: Database['reports'] }, 'r'>) =>
    eb.and([eb('r.deleted_at', 'is', null), visible(eb)]);
}

/** The side tables a report is found by, and the column each is searched on. */
const SIDE = {
  system: ['report_systems', 'system'],
  tag: ['report_tags', 'tag'],
  people: ['report_people', 'person'],
} as const;

/**
 * A report (its id in `ref`) has a row of a side table whose searched column is one of `values`. Asked as a
 * set of ids, so the database can start from the side table's index when that names few reports.
 */
function hasSide(side: keyof typeof SIDE, ref: string, values: readonly string[]) {
  const [table, column] = SIDE[side];
  return sql<SqlBool>`${sql.ref(ref)} in (select x.report_id from ${sql.table(table)} x
    where ${sql.ref(`x.${column}`)} in (${sql.join(values.length > 0 ? values : [''])}))`;
}

/** The side-table filters of the insights as conditions on the report whose id is in `ref`. */
function sideFilters(filters: InsightFilters, ref: string) {
  const out = [];
  if (filters.system) out.push(hasSide('system', ref, [keyOf(filters.system)]));
  if (filters.tag) out.push(hasSide('tag', ref, [keyOf(filters.tag)]));
  if (filters.people) out.push(hasSide('people', ref, filters.people));
  return out;
}

/**
 * The shared memory's reads: related reports from `report_keys`, the rows of the insights from
 * `report_facts`, contributing factors from `report_factors`. The tables are written with every save
 * (report-rows.ts); nothing here reads a report's content.
 */
export class MemoryRepository {
  private readonly db: Kysely<Database>;

  /**
   * The lookups of `related`: prepared statements on SQLite (dozens a call), on the key index once it is filled;
   * SQL through Kysely elsewhere.
   */
  private lookups: Lookups;

  private readonly rawRows: Store['rawRows'];

  constructor(private readonly store: Store) {
    this.db = store.db;
    this.rawRows = store.rawRows;
    this.lookups = store.sqlite ? sqliteLookups(store.sqlite) : kyselyLookups(store.db);
  }

  private lookupsNow(): Lookups {
    const sqlite = this.store.sqlite;
    if (sqlite && this.lookups.by === 'id' && keyIndexReady(sqlite)) this.lookups = keyIndexLookups(sqlite);
    return this.lookups;
  }

  /** The insights' generation: moved by every commit that changes what they are made of (migration 402). */
  async generation(): Promise<number> {
    if (this.rawRows) return Number(this.rawRows(GENERATION_SQL, [])[0]?.[0] ?? 0);
    const { rows } = await sql<{ n: number | string }>`${sql.raw(GENERATION_SQL)}`.execute(this.db);
    return Number(rows[0]?.n ?? 0);
  }

  /** Reports related to `id` that the viewer may see, best first, each with its reasons. */
  async related(viewer: Viewer, id: string, limit = 10): Promise<RelatedRow[]> {
    const q = this.lookupsNow();
    const keys = await q.keys(id);
    // How many reports share each key (counted up to COMMON), then the newest sharers of the keys used only.
    const counted = await Promise.all(keys.map(async (key) => ({ key, df: await q.count(key) })));
    const total = Math.max(await q.total(), 1);
    // Words shared by nobody else say nothing, nor does a word in a fifth of the reports; of the rest, the
    // rarest few are the report's signature.
    const terms = counted
      .filter((l) => l.key.kind === 'term' && l.df >= 2 && l.df < COMMON && l.df <= total / 5)
      .sort((a, b) => a.df - b.df)
      .slice(0, TERMS);
    const chosen = [...counted.filter((l) => l.key.kind !== 'term' && l.df >= 2), ...terms];
    const used = await Promise.all(chosen.map(async (l) => ({ ...l, ids: await q.newest(l.key) })));
    // The report itself, as the lookups name it.
    const self =
      q.by === 'id'
        ? id
        : seqHandle(
            (await this.db.selectFrom('reports').select('seq').where('id', '=', id).executeTakeFirst())?.seq,
          );
    const weights = new Map<RelationKey, number>();
    for (const l of used) weights.set(l.key, weightOf(l.key.kind, l.df, total));
    const shared = new Map<string, RelationKey[]>();
    for (const l of used) {
      for (const other of l.ids) {
        if (other === self) continue;
        const list = shared.get(other) ?? [];
        list.push(l.key);
        shared.set(other, list);
      }
    }
    const termTotal = terms.reduce((sum, l) => sum + weights.get(l.key)!, 0);
    let ranked = rankRelations(shared, (k) => weights.get(k) ?? 0, termTotal);
    if (ranked.length === 0) return [];
    if (q.by === 'seq') ranked = await this.namedById(ranked);
    ranked = ranked.slice(0, CHECKED);
    const rows = await this.db
      .selectFrom('reports as r')
      .select(SUMMARY_COLUMNS)
      .where(
        'r.id',
        'in',
        ranked.map((r) => r.id),
      )
      .where(liveFor(viewer))
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r as ReportsTable]));
    const out: RelatedRow[] = [];
    for (const r of ranked) {
      const row = byId.get(r.id);
      if (!row) continue;
      out.push({ ...toSummary(row), score: r.score, reasons: r.reasons });
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * Relations ranked by seq handle (keyIndexLookups) named by report id instead, and ranked as rankRelations ranks
   * them (equal scores by id): the first CHECKED, with every relation whose score ties the last of them, so that
   * which reports of equal score are shown is the same as by report_keys (and on PostgreSQL).
   */
  private async namedById(ranked: Relation[]): Promise<Relation[]> {
    const edge = ranked[CHECKED - 1]?.score;
    const candidates = edge === undefined ? ranked : ranked.filter((r) => r.score >= edge);
    const rows = await this.db
      .selectFrom('reports')
      .select(['seq', 'id'])
      .where(
        'seq',
        'in',
        candidates.map((r) => Number(r.id)),
      )
      .execute();
    const idOf = new Map(rows.map((r) => [seqHandle(r.seq), r.id]));
    return candidates
      .flatMap((r) => {
        const id = idOf.get(r.id);
        return id === undefined ? [] : [{ ...r, id }];
      })
      .sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /**
   * The tallies of the insights over the reports the viewer may see that pass the filters. Filters on side
   * tables (system, tag, team) name few reports: their rows are read and tallied. Otherwise the database
   * aggregates the public rows (insight-tallies.query.ts) and the viewer's restricted reports are added in.
   */
  async insightTallies(viewer: Viewer, filters: InsightFilters, today: string): Promise<InsightTallies> {
    if (filters.system || filters.tag || filters.people)
      return tallyRows(await this.insightRows(viewer, filters), today);
    const extra = await this.insightRows(viewer, filters, { privateOnly: true });
    // Whole quarters from the tallies every save keeps (insight-kept.ts); the quarters the dates cut through,
    // as rows. A kind filter, or a database whose kept tallies are not ready, takes the aggregating way.
    const range = keptRange(filters);
    if (range && (await keptReady(this.store))) {
      const cut = range.all ? [] : await this.insightRows(viewer, filters, { outside: range });
      return keptTallies(this.store, filters, range, [...extra, ...cut], today);
    }
    return insightTallies(this.store, filters, extra, today);
  }

  /** Facts rows (`f`) of the live reports (`r`) the viewer may see. */
  private liveFacts(viewer: Viewer) {
    return (
      this.db
        .selectFrom('report_facts as f')
        // A cross join keeps SQLite's order (facts first, then each report looked up by id), and the report's
        // columns read here are all held by the index reports_id_visible (migration 602): the insights never
        // read a report's row, whose content comes before them. PostgreSQL plans it as the join it is.
        .crossJoin('reports as r')
        .whereRef('r.id', '=', 'f.report_id')
        .where(liveFor(viewer))
    );
  }

  /** The insight rows of the reports the viewer may see that pass the filters. */
  async insightRows(
    viewer: Viewer,
    filters: InsightFilters,
    options: { privateOnly?: boolean; outside?: KeptRange } = {},
  ): Promise<InsightRow[]> {
    let q = this.liveFacts(viewer).select(INSIGHT_COLUMNS);
    if (filters.from) q = q.where('f.started', '>=', filters.from);
    // A day given as the end takes in the whole of it.
    if (filters.to) q = q.where('f.started', '<', `${filters.to}T99`);
    if (filters.kind) q = q.where('f.kind', '=', filters.kind);
    if (filters.severity) q = q.where('f.severity', '=', filters.severity.trim().toUpperCase());
    for (const c of sideFilters(filters, 'f.report_id')) q = q.where(c);
    // Only the rows not counted for everyone (restricted, for a viewer who may see them): see insightTallies.
    if (options.privateOnly) q = q.where('f.public', '=', 0);
    // Only the public rows of the quarters a date filter cuts through (see insightTallies).
    if (options.outside) q = q.where('f.public', '=', 1).where(outsideRange(options.outside));
    // On SQLite the rows come as arrays of values (in INSIGHT_COLUMNS' order): an object per row made by the
    // driver costs more than the query itself over every report.
    // They are read INSIGHT_CHUNK facts at a time, in rowid order, letting other requests run in between:
    // SQLite answers synchronously, and one read of every report would hold the server for its whole length.
    // A report saved meanwhile may come again later (a save writes its facts anew): the last row read wins.
    // Filters on side tables name few reports: those are read at once, from the side table's index.
    const few =
      options.privateOnly || options.outside || Boolean(filters.system || filters.tag || filters.people);
    if (this.rawRows && !few) {
      const byId = new Map<string, InsightRow>();
      for (let after = -1; ;) {
        const { sql: text, parameters } = q
          .select(sql<number>`f.rowid`.as('rowid'))
          .where(sql<SqlBool>`f.rowid > ${after}`)
          .orderBy(sql`f.rowid`)
          .limit(INSIGHT_CHUNK)
          .compile();
        const chunk = this.rawRows(text, parameters);
        for (const a of chunk) {
          const row = toInsightRow(fromValues(a));
          byId.delete(row.id);
          byId.set(row.id, row);
        }
        if (chunk.length < INSIGHT_CHUNK) break;
        after = Number(chunk[chunk.length - 1]![INSIGHT_COLUMNS.length]);
        await new Promise((resolve) => setImmediate(resolve));
      }
      return [...byId.values()];
    }
    return (await q.execute()).map(toInsightRow);
  }

  /** The contributing factors of the reports the viewer may see, with their report's title. */
  async factors(
    viewer: Viewer,
    options: { system?: string } = {},
  ): Promise<(ReportFactorsTable & { title: string })[]> {
    let q = this.db
      .selectFrom('report_factors as c')
      .innerJoin('reports as r', 'r.id', 'c.report_id')
      .selectAll('c')
      .select('r.title')
      .where(liveFor(viewer));
    if (options.system) q = q.where(hasSide('system', 'c.report_id', [keyOf(options.system)]));
    return q.orderBy('c.quarter', 'desc').orderBy('c.report_id').orderBy('c.position').execute();
  }

  /** The fishbone categories of the reports the viewer may see: one row per report and category. */
  async fishbone(viewer: Viewer): Promise<{ category: string; quarter: string | null }[]> {
    return this.db
      .selectFrom('report_keys as k')
      .innerJoin('reports as r', 'r.id', 'k.report_id')
      .innerJoin('report_facts as f', 'f.report_id', 'k.report_id')
      .select(['k.key as category', 'f.quarter'])
      .where('k.kind', '=', 'fishbone')
      .where(NAMED_KINDS)
      .where(liveFor(viewer))
      .execute();
  }

  /** A system's reports (newest incident first, up to `limit`) and its open actions, as the viewer sees them. */
  async system(viewer: Viewer, system: string, limit = 200) {
    const key = keyOf(system);
    const reports = await this.db
      .selectFrom('reports as r')
      .innerJoin('report_systems as s', 's.report_id', 'r.id')
      .select(SUMMARY_COLUMNS)
      .where('s.system', '=', key)
      .where(liveFor(viewer))
      .orderBy(sql`coalesce(r.period_start, r.created_at)`, 'desc')
      .limit(limit)
      .execute();
    const actions = await this.db
      .selectFrom('action_items as a')
      .innerJoin('reports as r', 'r.id', 'a.report_id')
      .innerJoin('report_systems as s', 's.report_id', 'r.id')
      .select(['a.report_id', 'a.item_id', 'a.title', 'a.owner', 'a.status', 'a.deadline'])
      .where('s.system', '=', key)
      .where('a.status', 'in', ['open', 'in_progress', 'blocked'])
      .where(liveFor(viewer))
      .orderBy(sql`coalesce(a.deadline, '9999-12-31')`)
      .limit(500)
      .execute();
    return { reports: reports.map((r) => toSummary(r as ReportsTable)), actions };
  }

  /** Whether the viewer may see some live report naming the system. */
  async systemLabel(viewer: Viewer, system: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('report_keys as k')
      .innerJoin('reports as r', 'r.id', 'k.report_id')
      .select('k.label')
      .where('k.kind', '=', 'system')
      .where('k.key', '=', keyOf(system))
      .where(NAMED_KINDS)
      .where(liveFor(viewer))
      .limit(1)
      .executeTakeFirst();
    return row?.label;
  }

  /**
   * Reports with completed actions not verified as effective (or found not effective), as the viewer sees
   * them, whose incident began before `before`: candidates for the revisit list.
   */
  async unverified(viewer: Viewer, before: string) {
    return this.liveFacts(viewer)
      .select([
        'f.report_id',
        'f.title',
        'f.started',
        'f.actions_completed',
        'f.verified_effective',
        'f.verified_ineffective',
      ])
      .where('f.started', '<', before)
      .where(
        sql<SqlBool>`(f.verified_ineffective > 0 or f.actions_completed - f.verified_effective - f.verified_ineffective > 0)`,
      )
      .execute();
  }
}

/**
 * A shared key's weight, more for a rare key (shared by `df` of about `total` reports, itself included): a
 * cause word weighs its rarity (inverse document frequency), anything else its kind's weight, raised a little
 * by rarity.
 */
function weightOf(kind: RelationKind, df: number, total: number): number {
  const rarity = Math.log(Math.max(total, df) / Math.min(df, COMMON));
  return kind === 'term' ? rarity : RELATION_WEIGHTS[kind] * (1 + 0.25 * rarity);
}
