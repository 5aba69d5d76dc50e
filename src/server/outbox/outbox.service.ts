import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import {
  actionSummary,
  AppError,
  PAYLOAD_VERSION,
  reportSummary,
  type EventPayload,
  type Report,
} from '../../domain/index.js';
import type { Delivery, webhookCreateSchema, webhookPatchSchema } from '../../domain/api-contract.js';
import {
  outboxRow,
  type OutboxRepository,
  type OutboxRow,
  type OverdueAction,
  type Webhook,
} from '../../store/index.js';
import { requireRole, type Actor } from '../services/access.js';
import type { AuditService } from '../services/audit.service.js';
import { OutboxWorker, type Handler, type OutboxWorkerOptions } from './outbox.worker.js';
import { postWebhook, webhookBody } from './webhook.sender.js';

/** Time allowed for one webhook attempt, connection to last byte. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** Overdue actions read at once by the scan. */
const OVERDUE_PAGE = 500;

/**
 * How long sent rows and given-up ones stay in the outbox (the delivery log shows them) before the purge
 * deletes them: 30 days. Pending rows are never purged.
 */
export const OUTBOX_RETENTION_MS = 30 * 86_400_000;
/** Rows deleted per statement, and statements per scan, by the purge: short transactions, bounded work. */
const PURGE_BATCH = 500;
const PURGE_BATCHES = 20;

const presentDelivery = (r: OutboxRow): Delivery => ({
  id: r.id,
  event: r.event,
  status: r.status as Delivery['status'],
  attempts: Number(r.attempts),
  createdAt: r.created_at,
  dueAt: r.due_at,
  sentAt: r.sent_at,
  lastStatus: r.last_status === null ? null : Number(r.last_status),
  lastError: r.last_error,
});

/**
 * Webhook subscriptions (admins), their delivery log, and the worker that empties the outbox: webhook
 * deliveries here, other kinds (mail) through handlers and scans added with `addKind`.
 */
export class OutboxService {
  private readonly handlers: Record<string, Handler> = {};
  /** The longest an attempt of each kind may take (the worker's lease is derived from the longest). */
  private readonly timeouts: Record<string, number> = {};
  private readonly scans: ((now: Date) => Promise<void>)[] = [];

  constructor(
    readonly repo: OutboxRepository,
    private readonly audit: AuditService,
    private readonly webhookTimeoutMs = WEBHOOK_TIMEOUT_MS,
    private readonly retentionMs = OUTBOX_RETENTION_MS,
  ) {
    this.handlers.webhook = (row) => this.deliverWebhook(row);
    this.timeouts.webhook = webhookTimeoutMs;
    this.scans.push((now) => this.scanOverdue(now));
    this.scans.push(async (now) => {
      await this.purge(now);
    });
  }

  /**
   * Delete the rows sent, or given up, more than the retention period before `now`, in batches of `batch`
   * rows, at most `batches` of them (what is left waits for the next scan). The number deleted.
   */
  async purge(now: Date, batch = PURGE_BATCH, batches = PURGE_BATCHES): Promise<number> {
    const before = new Date(now.getTime() - this.retentionMs).toISOString();
    let total = 0;
    for (let i = 0; i < batches; i += 1) {
      const n = await this.repo.purge(before, batch);
      total += n;
      if (n < batch) break;
    }
    return total;
  }

  /**
   * Another kind of outbox row, with its sender, the longest one of its attempts may take, and (optionally)
   * the scan that writes such rows.
   */
  addKind(kind: string, handler: Handler, timeoutMs: number, scan?: (now: Date) => Promise<void>): void {
    this.handlers[kind] = handler;
    this.timeouts[kind] = timeoutMs;
    if (scan) this.scans.push(scan);
  }

  /** Another periodic scan run by the worker (reading linked issues' states, say). */
  addScan(scan: (now: Date) => Promise<void>): void {
    this.scans.push(scan);
  }

  /**
   * A worker over this outbox (the server starts one; tests drive one by hand). Its lease is derived from
   * the slowest kind's attempt time-out, whatever `options.leaseMs` asks.
   */
  worker(options: OutboxWorkerOptions = {}, log?: FastifyBaseLogger): OutboxWorker {
    const attemptTimeoutMs = Math.max(options.attemptTimeoutMs ?? 0, ...Object.values(this.timeouts));
    return new OutboxWorker(this.repo, this.handlers, this.scans, { ...options, attemptTimeoutMs }, log);
  }

  // ── subscriptions (admins) ─────────────────────────────────────────────────────────────────────

  async list(who: Actor): Promise<Webhook[]> {
    requireRole(who, 'admin', 'reading webhook subscriptions');
    return this.repo.listWebhooks();
  }

  async create(
    who: Actor,
    input: z.output<typeof webhookCreateSchema>,
  ): Promise<Webhook & { secret: string }> {
    requireRole(who, 'admin', 'adding a webhook subscription');
    const created = await this.repo.createWebhook(input, who.user.id);
    await this.audit.record(
      who,
      'webhook.create',
      { type: 'webhook', id: created.id },
      {
        url: created.url,
        events: created.events,
        restrictedReports: created.restrictedReports,
      },
    );
    return created;
  }

  async update(who: Actor, id: string, patch: z.output<typeof webhookPatchSchema>): Promise<Webhook> {
    requireRole(who, 'admin', 'changing a webhook subscription');
    const updated = await this.repo.updateWebhook(id, patch);
    if (!updated) throw new AppError('not_found', `no webhook subscription ${id}`);
    await this.audit.record(who, 'webhook.update', { type: 'webhook', id }, { fields: Object.keys(patch) });
    return updated;
  }

  async remove(who: Actor, id: string): Promise<void> {
    requireRole(who, 'admin', 'removing a webhook subscription');
    if (!(await this.repo.deleteWebhook(id)))
      throw new AppError('not_found', `no webhook subscription ${id}`);
    await this.audit.record(who, 'webhook.delete', { type: 'webhook', id });
  }

  async deliveries(who: Actor, id: string): Promise<Delivery[]> {
    requireRole(who, 'admin', 'reading webhook deliveries');
    if (!(await this.repo.webhook(id))) throw new AppError('not_found', `no webhook subscription ${id}`);
    return (await this.repo.forTarget(id)).map(presentDelivery);
  }

  /** Send a delivery's payload again, as a new delivery (its own id) due at once. */
  async redeliver(who: Actor, id: string, deliveryId: string): Promise<Delivery> {
    requireRole(who, 'admin', 'redelivering a webhook');
    const old = await this.repo.row(deliveryId);
    if (!old || old.kind !== 'webhook' || old.target !== id)
      throw new AppError('not_found', `no delivery ${deliveryId} for webhook subscription ${id}`);
    const row = await this.repo.redeliver(deliveryId);
    if (!row) throw new AppError('not_found', `no delivery ${deliveryId}`);
    await this.audit.record(
      who,
      'webhook.redeliver',
      { type: 'webhook', id },
      { delivery: deliveryId, as: row.id },
    );
    return presentDelivery(row);
  }

  // ── sending ────────────────────────────────────────────────────────────────────────────────────

  private async deliverWebhook(row: OutboxRow) {
    const hook = await this.repo.webhook(row.target);
    if (!hook) return { ok: false, status: null, error: 'the subscription was removed', final: true };
    if (!hook.active)
      return { ok: false, status: null, error: 'the subscription is turned off', final: true };
    const body = webhookBody(hook.format, JSON.parse(row.payload) as EventPayload, row.id);
    return postWebhook(hook.url, hook.secret, row.event, row.id, body, this.webhookTimeoutMs);
  }

  /**
   * `action.overdue`, once per action and deadline: an action still open after its deadline (a date, read
   * in UTC) gets one delivery per subscriber (for a restricted report, per subscriber that opted in); a new
   * deadline that passes makes a new one. Pages through every overdue action (keyset), so those already
   * handled never crowd out the rest; only the reports with new work are read.
   */
  async scanOverdue(now: Date, pageSize = OVERDUE_PAGE): Promise<void> {
    const subscribers = await this.repo.subscribersOf('action.overdue');
    if (subscribers.length === 0) return;
    const today = now.toISOString().slice(0, 10);
    const at = now.toISOString();
    const key = (o: OverdueAction) => `overdue:${o.reportId}:${o.itemId}:${o.deadline}`;
    for (let after: OverdueAction | undefined; ;) {
      const page = await this.repo.overdueActions(today, after, pageSize);
      await this.enqueueOverdue(page, key, subscribers, at);
      if (page.length < pageSize) return;
      after = page[page.length - 1];
    }
  }

  private async enqueueOverdue(
    page: OverdueAction[],
    key: (o: OverdueAction) => string,
    subscribers: Webhook[],
    at: string,
  ): Promise<void> {
    const done = await this.repo.marked(page.map(key));
    const todo = page.filter((o) => !done.has(key(o)));
    const contents = await this.repo.contents(todo.map((o) => o.reportId));
    const open = subscribers.filter((s) => s.restrictedReports);
    for (const o of todo) {
      const content = contents.get(o.reportId);
      if (content === undefined) continue;
      const report = JSON.parse(content) as Report;
      const item = report.actions.items.find((a) => a.id === o.itemId);
      const to = report.visibility === 'restricted' ? open : subscribers;
      if (!item || to.length === 0) continue;
      const payload: EventPayload = {
        version: PAYLOAD_VERSION,
        event: 'action.overdue',
        occurredAt: at,
        report: reportSummary(o.reportId, report),
        action: actionSummary(item),
      };
      await this.repo.enqueueOnce(key(o), () =>
        to.map((s) => outboxRow('webhook', s.id, 'action.overdue', payload, at)),
      );
    }
  }
}
