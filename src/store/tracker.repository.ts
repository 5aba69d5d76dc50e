import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Dialect, Store } from './database.js';
import type { Database, TrackerConnectionsTable, TrackerLinksTable } from './database.types.js';

export type TrackerConnectionRow = TrackerConnectionsTable;
export type TrackerLinkRow = TrackerLinksTable;

/** How a try at making an issue was claimed: this caller holds it, or who holds it now. */
/**
 * A claim: taken (`retryOf`: the first try's time when an earlier try at this issue was made, whose issue may
 * exist though its answer was lost), or left to the link as it stands.
 */
export type LinkClaim =
  { ok: true; attempt: string; retryOf?: string } | { ok: false; current: TrackerLinkRow };

/**
 * Tracker connections and the links of action items to issues. A link row is written `pending` before the
 * tracker is asked, so two clicks (or a retry) cannot both make an issue: the primary key lets one of them
 * in, and a later try only takes over a row that failed or whose pending try is older than `staleMs`.
 */
export class TrackerRepository {
  private readonly db: Kysely<Database>;
  private readonly dialect: Dialect;

  constructor(store: Store) {
    this.db = store.db;
    this.dialect = store.dialect;
  }

  // ── connections ────────────────────────────────────────────────────────────────────────────────

  async connections(): Promise<TrackerConnectionRow[]> {
    return this.db
      .selectFrom('tracker_connections')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
  }

  async connection(id: string): Promise<TrackerConnectionRow | undefined> {
    return this.db.selectFrom('tracker_connections').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async createConnection(row: TrackerConnectionRow): Promise<TrackerConnectionRow> {
    await this.db.insertInto('tracker_connections').values(row).execute();
    return row;
  }

  async updateConnection(
    id: string,
    set: Partial<Omit<TrackerConnectionRow, 'id' | 'kind' | 'created_at' | 'created_by'>>,
  ): Promise<TrackerConnectionRow | undefined> {
    if (Object.keys(set).length > 0)
      await this.db.updateTable('tracker_connections').set(set).where('id', '=', id).execute();
    return this.connection(id);
  }

  /** Remove a connection; its links stay (they name the issues made) but are no longer polled. */
  async deleteConnection(id: string): Promise<boolean> {
    const r = await this.db.deleteFrom('tracker_connections').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  // ── links ──────────────────────────────────────────────────────────────────────────────────────

  async link(reportId: string, actionId: string): Promise<TrackerLinkRow | undefined> {
    return this.db
      .selectFrom('tracker_links')
      .selectAll()
      .where('report_id', '=', reportId)
      .where('action_id', '=', actionId)
      .executeTakeFirst();
  }

  async linksOf(reportId: string): Promise<TrackerLinkRow[]> {
    return this.db
      .selectFrom('tracker_links')
      .selectAll()
      .where('report_id', '=', reportId)
      .orderBy('action_id')
      .execute();
  }

  /** The links of an issue (normally one) of a connection. */
  async linksOfIssue(connectionId: string, issueKey: string): Promise<TrackerLinkRow[]> {
    return this.db
      .selectFrom('tracker_links')
      .selectAll()
      .where('connection_id', '=', connectionId)
      .where('issue_key', '=', issueKey)
      .where('status', '=', 'linked')
      .execute();
  }

  /**
   * Claim the making of an action's issue: insert a pending row, or take over one that failed or whose
   * pending try is older than `staleMs` (its maker died). A linked row, or a fresh pending one, is left
   * alone and returned.
   */
  async claim(
    reportId: string,
    actionId: string,
    connectionId: string,
    staleMs: number,
    now = new Date(),
  ): Promise<LinkClaim> {
    const at = now.toISOString();
    const attempt = randomUUID();
    const inserted = await this.db
      .insertInto('tracker_links')
      .values({
        report_id: reportId,
        action_id: actionId,
        connection_id: connectionId,
        status: 'pending',
        attempt,
        issue_key: null,
        issue_url: null,
        state: null,
        error: null,
        created_at: at,
        updated_at: at,
        polled_at: null,
        event_at: null,
      })
      .onConflict((oc) => oc.columns(['report_id', 'action_id']).doNothing())
      .executeTakeFirst();
    if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return { ok: true, attempt };
    const stale = new Date(now.getTime() - staleMs).toISOString();
    const taken = await this.db
      .updateTable('tracker_links')
      .set({
        status: 'pending',
        attempt,
        connection_id: connectionId,
        error: null,
        event_at: null,
        updated_at: at,
      })
      .where('report_id', '=', reportId)
      .where('action_id', '=', actionId)
      .where((eb) =>
        eb.or([
          eb('status', '=', 'failed'),
          eb.and([eb('status', '=', 'pending'), eb('updated_at', '<', stale)]),
        ]),
      )
      .returning('created_at')
      .executeTakeFirst();
    if (taken) return { ok: true, attempt, retryOf: taken.created_at };
    const current = await this.link(reportId, actionId);
    if (!current) return this.claim(reportId, actionId, connectionId, staleMs, now);
    return { ok: false, current };
  }

  /** Record the issue made by the try `attempt` (if it still holds the row). */
  async linked(
    reportId: string,
    actionId: string,
    attempt: string,
    issue: { key: string; url: string; state: 'open' | 'closed' },
  ): Promise<TrackerLinkRow | undefined> {
    const at = new Date().toISOString();
    await this.db
      .updateTable('tracker_links')
      .set({
        status: 'linked',
        issue_key: issue.key,
        issue_url: issue.url,
        state: issue.state,
        error: null,
        updated_at: at,
        polled_at: at,
      })
      .where('report_id', '=', reportId)
      .where('action_id', '=', actionId)
      .where('attempt', '=', attempt)
      .execute();
    return this.link(reportId, actionId);
  }

  /** Record why the try `attempt` made no issue. */
  async failed(reportId: string, actionId: string, attempt: string, error: string): Promise<void> {
    await this.db
      .updateTable('tracker_links')
      .set({ status: 'failed', error: error.slice(0, 500), updated_at: new Date().toISOString() })
      .where('report_id', '=', reportId)
      .where('action_id', '=', actionId)
      .where('attempt', '=', attempt)
      .execute();
  }

  /**
   * The issue's state as last seen (a webhook or a poll), and any error in reading it; `eventAt`, the tracker's
   * time of the event or read that told it (kept as the newest one applied). A state told as of a time older
   * than one already applied is not written (a poll's answer on its way while a webhook's newer event was
   * applied): it would stand for the issue's state, and the next event would be taken as no change.
   */
  async setState(
    reportId: string,
    actionId: string,
    state: 'open' | 'closed' | null,
    error: string | null,
    eventAt?: string,
  ): Promise<void> {
    const at = new Date().toISOString();
    await this.db
      .updateTable('tracker_links')
      .set({
        ...(state
          ? {
              state: eventAt
                ? sql<
                    'open' | 'closed'
                  >`case when event_at is null or event_at <= ${eventAt} then ${state} else state end`
                : state,
            }
          : {}),
        // Two events told at once: the newer time stays.
        ...(eventAt
          ? {
              event_at: sql<string>`case when event_at is null or event_at < ${eventAt} then ${eventAt} else event_at end`,
            }
          : {}),
        error: error?.slice(0, 500) ?? null,
        updated_at: at,
      })
      .where('report_id', '=', reportId)
      .where('action_id', '=', actionId)
      .execute();
  }

  /**
   * Take up to `limit` linked issues not polled since `before` (oldest poll first), marking them polled now,
   * so instances polling at once share the work (`FOR UPDATE SKIP LOCKED` on PostgreSQL).
   */
  async takeForPoll(before: Date, limit: number, now = new Date()): Promise<TrackerLinkRow[]> {
    const lock = this.dialect === 'postgres' ? sql`for update skip locked` : sql``;
    const { rows } = await sql<TrackerLinkRow>`
      update tracker_links set polled_at = ${now.toISOString()}
      where (report_id, action_id) in (
        select report_id, action_id from tracker_links
        where status = 'linked' and (polled_at is null or polled_at < ${before.toISOString()})
          and connection_id in (select id from tracker_connections)
        order by coalesce(polled_at, '') limit ${limit} ${lock})
      returning *`.execute(this.db);
    return rows;
  }
}
