import { randomBytes, randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Dialect, Store } from './database.js';
import type { Database, OutboxTable, WebhooksTable } from './database.types.js';
import { outboxRow } from './outbox-rows.js';

/** One row of the outbox. */
export type OutboxRow = OutboxTable;

/** A webhook subscription as the services see it (the secret only where it must be shown or used). */
export interface Webhook {
  id: string;
  url: string;
  events: string[];
  format: 'json' | 'slack';
  active: boolean;
  /** Also the events of restricted reports (off unless an admin turns it on). */
  restrictedReports: boolean;
  createdAt: string;
}

const webhookOf = (r: WebhooksTable): Webhook => ({
  id: r.id,
  url: r.url,
  events: JSON.parse(r.events) as string[],
  format: r.format,
  active: r.active === 1,
  restrictedReports: Number(r.restricted) === 1,
  createdAt: r.created_at,
});

/** An action whose deadline has passed while it is still open (for the overdue scan); also its place. */
export interface OverdueAction {
  reportId: string;
  itemId: string;
  deadline: string;
}

/**
 * The durable outbox. Rows are written by the save that causes them (report-writes.ts) or by a periodic scan
 * together with the mark that makes it happen once (`enqueueOnce`); a worker takes due rows under a lease
 * (`claim`: on PostgreSQL `FOR UPDATE SKIP LOCKED`, so instances never take the same row; on SQLite the
 * claim is one write statement, and writes there are serial) and records how each went.
 */
export class OutboxRepository {
  private readonly db: Kysely<Database>;
  private readonly dialect: Dialect;

  constructor(store: Store) {
    this.db = store.db;
    this.dialect = store.dialect;
  }

  // ── subscriptions ──────────────────────────────────────────────────────────────────────────────

  async listWebhooks(): Promise<Webhook[]> {
    const rows = await this.db
      .selectFrom('webhooks')
      .selectAll()
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(webhookOf);
  }

  async webhook(id: string): Promise<(Webhook & { secret: string }) | undefined> {
    const row = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { ...webhookOf(row), secret: row.secret };
  }

  async createWebhook(
    w: {
      url: string;
      events: string[];
      format: 'json' | 'slack';
      active: boolean;
      restrictedReports?: boolean;
    },
    userId: string | null,
  ): Promise<Webhook & { secret: string }> {
    const row: WebhooksTable = {
      id: randomUUID(),
      url: w.url,
      events: JSON.stringify(w.events),
      format: w.format,
      // 32 random bytes: the key of the HMAC that signs every delivery to this subscription.
      secret: `whsec_${randomBytes(32).toString('base64url')}`,
      active: w.active ? 1 : 0,
      restricted: w.restrictedReports ? 1 : 0,
      created_by: userId,
      created_at: new Date().toISOString(),
    };
    await this.db.insertInto('webhooks').values(row).execute();
    return { ...webhookOf(row), secret: row.secret };
  }

  async updateWebhook(
    id: string,
    patch: Partial<{
      url: string;
      events: string[];
      format: 'json' | 'slack';
      active: boolean;
      restrictedReports: boolean;
    }>,
  ): Promise<Webhook | undefined> {
    const set: Partial<WebhooksTable> = {};
    if (patch.url !== undefined) set.url = patch.url;
    if (patch.events !== undefined) set.events = JSON.stringify(patch.events);
    if (patch.format !== undefined) set.format = patch.format;
    if (patch.active !== undefined) set.active = patch.active ? 1 : 0;
    if (patch.restrictedReports !== undefined) set.restricted = patch.restrictedReports ? 1 : 0;
    if (Object.keys(set).length > 0)
      await this.db.updateTable('webhooks').set(set).where('id', '=', id).execute();
    const row = await this.db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
    return row && webhookOf(row);
  }

  /** Remove a subscription and the deliveries still waiting for it; true when it existed. */
  async deleteWebhook(id: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('outbox').where('kind', '=', 'webhook').where('target', '=', id).execute();
      const r = await trx.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    });
  }

  /** The active subscriptions that want an event. */
  async subscribersOf(event: string): Promise<Webhook[]> {
    const rows = await this.db.selectFrom('webhooks').selectAll().where('active', '=', 1).execute();
    return rows.map(webhookOf).filter((w) => w.events.includes(event));
  }

  // ── rows ───────────────────────────────────────────────────────────────────────────────────────

  /** The newest rows for a target (a subscription's delivery log). */
  async forTarget(target: string, limit = 50): Promise<OutboxTable[]> {
    return this.db
      .selectFrom('outbox')
      .selectAll()
      .where('target', '=', target)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
  }

  async row(id: string): Promise<OutboxTable | undefined> {
    return this.db.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** A new pending row with the same target and payload as an earlier one (a new delivery id). */
  async redeliver(id: string): Promise<OutboxTable | undefined> {
    const old = await this.row(id);
    if (!old) return undefined;
    const row = outboxRow(
      old.kind as 'webhook' | 'mail' | 'distribution',
      old.target,
      old.event,
      JSON.parse(old.payload),
      new Date().toISOString(),
    );
    await this.db.insertInto('outbox').values(row).execute();
    return row;
  }

  /** Rows written at once (tests, and callers that own no mark). */
  async enqueue(rows: OutboxTable[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 200)
      await this.db
        .insertInto('outbox')
        .values(rows.slice(i, i + 200))
        .execute();
  }

  /**
   * Write `rows` together with the mark `key` (`rows` must not query: on SQLite the transaction holds the
   * only connection), unless the mark is there already (then nothing is written):
   * a periodic event (an action overdue for a deadline, one day's digest) happens once, whichever instance
   * scans first. True when this call wrote them.
   */
  async enqueueOnce(key: string, rows: () => OutboxTable[]): Promise<boolean> {
    const at = new Date().toISOString();
    return this.db.transaction().execute(async (trx) => {
      const r = await trx
        .insertInto('outbox_marks')
        .values({ key, at })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      if (Number(r.numInsertedOrUpdatedRows ?? 0) !== 1) return false;
      const values = rows();
      for (let i = 0; i < values.length; i += 200)
        await trx
          .insertInto('outbox')
          .values(values.slice(i, i + 200))
          .execute();
      return true;
    });
  }

  /**
   * Write `rows` and the audit entry that records them in one transaction: both are there or neither, so a
   * crash never loses a sending that the history shows, nor sends one it does not.
   */
  async enqueueRecorded(
    rows: OutboxTable[],
    entry: {
      userId: string | null;
      action: string;
      targetType: string;
      targetId: string;
      details: Record<string, unknown>;
      ip: string | null;
    },
  ): Promise<void> {
    const at = rows[0]?.created_at ?? new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      for (let i = 0; i < rows.length; i += 200)
        await trx
          .insertInto('outbox')
          .values(rows.slice(i, i + 200))
          .execute();
      await trx
        .insertInto('audit_log')
        .values({
          id: randomUUID(),
          at,
          user_id: entry.userId,
          action: entry.action,
          target_type: entry.targetType,
          target_id: entry.targetId,
          details: JSON.stringify(entry.details),
          ip: entry.ip,
        })
        .execute();
    });
  }

  /** Whether a mark exists (a scan asks before it builds what it would write). */
  async marked(keys: string[]): Promise<Set<string>> {
    if (keys.length === 0) return new Set();
    const found = new Set<string>();
    for (let i = 0; i < keys.length; i += 500) {
      const rows = await this.db
        .selectFrom('outbox_marks')
        .select('key')
        .where('key', 'in', keys.slice(i, i + 500))
        .execute();
      for (const r of rows) found.add(r.key);
    }
    return found;
  }

  /**
   * Take up to `limit` pending rows that are due and not leased by anyone (or whose lease ran out: its
   * holder died), leased to `owner` until `leaseMs` from now; each attempt is counted as it is taken.
   */
  async claim(owner: string, leaseMs: number, limit: number, now = new Date()): Promise<OutboxTable[]> {
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseMs).toISOString();
    const lock = this.dialect === 'postgres' ? sql`for update skip locked` : sql``;
    const { rows } = await sql<OutboxTable>`
      update outbox set lease_owner = ${owner}, lease_until = ${until}, attempts = attempts + 1
      where id in (
        select id from outbox
        where status = 'pending' and due_at <= ${at} and (lease_until is null or lease_until < ${at})
        order by due_at limit ${limit} ${lock})
      returning *`.execute(this.db);
    return rows;
  }

  /** Record a row sent, if `owner` still holds its lease. */
  async sent(id: string, owner: string, status: number | null): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: 'sent',
        sent_at: new Date().toISOString(),
        lease_owner: null,
        lease_until: null,
        last_status: status,
        last_error: null,
      })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  /**
   * Delete up to `limit` finished rows older than `before` (an ISO instant): rows sent before it, and rows
   * given up (failed) that were made before it. Pending rows stay whatever their age. The number deleted.
   */
  async purge(before: string, limit: number): Promise<number> {
    // Two statements, each a range of one index: sent rows by (status, sent_at), given-up ones by status.
    const sent = await this.db
      .deleteFrom('outbox')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox')
          .select('id')
          .where('status', '=', 'sent')
          .where('sent_at', '<', before)
          .limit(limit),
      )
      .executeTakeFirst();
    const left = limit - Number(sent.numDeletedRows);
    if (left <= 0) return limit;
    const failed = await this.db
      .deleteFrom('outbox')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('outbox')
          .select('id')
          .where('status', '=', 'failed')
          .where('created_at', '<', before)
          .limit(left),
      )
      .executeTakeFirst();
    return limit - left + Number(failed.numDeletedRows);
  }

  /** Record a failed attempt: try again at `retryAt`, or give up (`failed`) when there is none. */
  async failed(
    id: string,
    owner: string,
    outcome: { status: number | null; error: string },
    retryAt: Date | undefined,
  ): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: retryAt ? 'pending' : 'failed',
        due_at: retryAt ? retryAt.toISOString() : sql<string>`due_at`,
        lease_owner: null,
        lease_until: null,
        last_status: outcome.status,
        last_error: outcome.error.slice(0, 500),
      })
      .where('id', '=', id)
      .where('lease_owner', '=', owner)
      .execute();
  }

  /**
   * One page of the open actions past their deadline (`today` is a date, YYYY-MM-DD) on reports not deleted,
   * in (deadline, report, item) order, starting after `after` (the last of the page before): a scan pages
   * through all of them, however many there are and however many it has already handled.
   */
  async overdueActions(
    today: string,
    after: OverdueAction | undefined,
    limit: number,
  ): Promise<OverdueAction[]> {
    let q = this.db
      .selectFrom('action_items as a')
      .innerJoin('reports as r', 'r.id', 'a.report_id')
      .select(['a.report_id', 'a.item_id', 'a.deadline'])
      .where('a.deadline', '<', today)
      .where('a.status', 'not in', ['completed', 'wont_do'])
      .where('r.deleted_at', 'is', null);
    if (after)
      q = q.where((eb) =>
        eb(
          eb.refTuple('a.deadline', 'a.report_id', 'a.item_id'),
          '>',
          eb.tuple(after.deadline, after.reportId, after.itemId),
        ),
      );
    const rows = await q
      .orderBy('a.deadline')
      .orderBy('a.report_id')
      .orderBy('a.item_id')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ reportId: r.report_id, itemId: r.item_id, deadline: r.deadline! }));
  }

  /** The stored content of live reports, by id (the overdue scan reads only those it has work for). */
  async contents(ids: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 200) {
      const rows = await this.db
        .selectFrom('reports')
        .select(['id', 'content'])
        .where('id', 'in', unique.slice(i, i + 200))
        .where('deleted_at', 'is', null)
        .execute();
      for (const r of rows) found.set(r.id, r.content);
    }
    return found;
  }
}
