import { randomUUID } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { OutboxRepository, OutboxRow } from '../../store/index.js';
import type { Attempt } from './webhook.sender.js';

/** How the worker paces itself; every field has a default. */
export interface OutboxWorkerOptions {
  /** How often to look for due rows (default 1 s). */
  pollMs?: number;
  /**
   * How long a taken row stays leased (default 2 min). Never shorter than `leaseFor` makes it from
   * `attemptTimeoutMs`: a row whose lease ran out while it was being sent would be taken and sent again.
   */
  leaseMs?: number;
  /** The longest one attempt may take (the senders' own time-outs; default 10 s). */
  attemptTimeoutMs?: number;
  /** Rows taken at once (default 20). */
  batch?: number;
  /** Attempts before a row is given up (default 8). */
  maxAttempts?: number;
  /** The first retry's delay; each next one doubles, up to `backoffCapMs` (defaults 30 s and 1 h). */
  backoffMs?: number;
  backoffCapMs?: number;
  /** How often the periodic scans run (overdue actions, digests; default 60 s). */
  scanMs?: number;
}

export const DEFAULT_WORKER = {
  pollMs: 1000,
  leaseMs: 120_000,
  attemptTimeoutMs: 10_000,
  batch: 20,
  maxAttempts: 8,
  backoffMs: 30_000,
  backoffCapMs: 3_600_000,
  scanMs: 60_000,
} satisfies Required<OutboxWorkerOptions>;

/** What a lease keeps beyond two attempt time-outs (a slow database write, a busy event loop). */
export const LEASE_MARGIN_MS = 1_000;

/**
 * The lease a worker takes rows for: the one asked for, but at least twice the attempt time-out and a
 * margin, so an attempt that runs to its time-out is recorded well before anyone else may take its row.
 */
export function leaseFor(leaseMs: number, attemptTimeoutMs: number): number {
  return Math.max(leaseMs, 2 * attemptTimeoutMs + LEASE_MARGIN_MS);
}

/** What sends one kind of row (a webhook delivery, a mail). */
export type Handler = (row: OutboxRow) => Promise<Attempt>;

/** The delay before the next attempt after `attempts` failed ones: doubling, capped. */
export function backoff(attempts: number, base: number, cap: number): number {
  return Math.min(cap, base * 2 ** Math.max(0, attempts - 1));
}

/**
 * Takes due outbox rows under a lease and hands each to the handler of its kind; a success is recorded as
 * sent, a failure is tried again later with exponential backoff until `maxAttempts`. The lease is what makes
 * several instances safe (a row is taken by one of them) and a crash harmless (the row is taken again once
 * the dead holder's lease runs out). Periodic `scans` (overdue actions, digests) run every `scanMs`.
 */
export class OutboxWorker {
  readonly owner = randomUUID();
  private readonly o: Required<OutboxWorkerOptions>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastScan = 0;
  private stopped = true;
  /** Rows this worker has taken and sent since it was made (for logs and tests). */
  readonly counts = { taken: 0, sent: 0 };

  constructor(
    private readonly repo: OutboxRepository,
    private readonly handlers: Record<string, Handler>,
    private readonly scans: ((now: Date) => Promise<void>)[],
    options: OutboxWorkerOptions = {},
    private readonly log?: FastifyBaseLogger,
  ) {
    const o = { ...DEFAULT_WORKER, ...options };
    this.o = { ...o, leaseMs: leaseFor(o.leaseMs, o.attemptTimeoutMs) };
  }

  /** The lease this worker takes rows for (see `leaseFor`). */
  get leaseMs(): number {
    return this.o.leaseMs;
  }

  /** Start polling (the server does this when it listens). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stop polling and wait for the attempts in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number) {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => {
        this.running = undefined;
      });
    }, ms);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    let taken = 0;
    try {
      const now = Date.now();
      if (now - this.lastScan >= this.o.scanMs) {
        this.lastScan = now;
        await this.scan(new Date(now));
      }
      taken = await this.runOnce();
    } catch (e) {
      this.log?.error({ err: e }, 'outbox worker');
    }
    // A full batch means more may be waiting: go on at once.
    this.schedule(taken >= this.o.batch ? 0 : this.o.pollMs);
  }

  /** Run the periodic scans now. */
  async scan(now = new Date()): Promise<void> {
    for (const s of this.scans) await s(now);
  }

  /** Take one batch of due rows and send them; the number taken. */
  async runOnce(now = new Date()): Promise<number> {
    const rows = await this.repo.claim(this.owner, this.o.leaseMs, this.o.batch, now);
    this.counts.taken += rows.length;
    await Promise.all(rows.map((row) => this.attempt(row)));
    return rows.length;
  }

  private async attempt(row: OutboxRow): Promise<void> {
    const handler = this.handlers[row.kind];
    let result: Attempt;
    try {
      result = handler ? await handler(row) : { ok: false, status: null, error: `nothing sends ${row.kind}` };
    } catch (e) {
      result = { ok: false, status: null, error: (e as Error).message };
    }
    if (result.ok) {
      this.counts.sent += 1;
      return this.repo.sent(row.id, this.owner, result.status);
    }
    const give = result.final === true || Number(row.attempts) >= this.o.maxAttempts;
    const retryAt = give
      ? undefined
      : new Date(Date.now() + backoff(Number(row.attempts), this.o.backoffMs, this.o.backoffCapMs));
    this.log?.warn({ id: row.id, kind: row.kind, error: result.error, retryAt }, 'outbox attempt failed');
    await this.repo.failed(
      row.id,
      this.owner,
      { status: result.status, error: result.error ?? 'failed' },
      retryAt,
    );
  }
}
