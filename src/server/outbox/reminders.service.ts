import type { ReminderSettings } from '../../domain/api-contract.js';
import { AppError, type Report } from '../../domain/index.js';
import { addDays, digestMail, isTimeZone, localTime, sortActions, type Digest } from '../../mail/digest.js';
import { Mailer, type MailMessage, type MailOptions } from '../../mail/mailer.js';
import { readUnsubscribeToken, unsubscribeToken } from '../../mail/unsubscribe.js';
import {
  keyOf,
  membersOf,
  outboxRow,
  type DigestReport,
  type OutboxRepository,
  type OutboxRow,
  type ReminderPerson,
  type ReminderRepository,
} from '../../store/index.js';
import { actorOf, isNamedIn, isReviewerIn, type Actor } from '../services/access.js';
import type { Attempt } from './webhook.sender.js';

/** When and what the digests hold, and where their links point. */
export interface ReminderOptions extends MailOptions {
  /**
   * The address people reach Hindsight at, for links in mail; or a function that gives it once it is known
   * (`hindsight serve` on port 0 learns its port when it listens; until then no digest is written).
   */
  baseUrl: string | (() => string | undefined);
  /** The local hour (0–23) from which a person's digest of the day goes out (default 8). */
  hour?: number;
  /** "Due soon" means within this many days (default 7). */
  days?: number;
}

const KEY = 'unsubscribe-key';

/** Reports one digest reads at most for each of its two questions (its own actions, reviews waiting). */
const DIGEST_REPORTS = 200;

/**
 * E-mail reminders: each person's daily digest (their actions due soon, overdue, and awaiting verification;
 * reports waiting for their review), written to the outbox once per person and local day from the configured
 * hour in their time zone, and sent by the outbox worker through SMTP. Every mail carries a signed
 * unsubscribe link that works without signing in.
 */
export class ReminderService {
  private mailer: Mailer | undefined;
  private options: Required<Omit<ReminderOptions, 'timeoutMs' | 'baseUrl'>> | undefined;
  /** The address for links in mail, without a trailing slash; undefined while it is not known. */
  private baseUrl: () => string | undefined = () => undefined;

  constructor(
    private readonly repo: ReminderRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Turn sending on (the server does when SMTP_URL is set); the handler and scan for the outbox worker. */
  enable(options: ReminderOptions): {
    handler: (row: OutboxRow) => Promise<Attempt>;
    scan: (now: Date) => Promise<void>;
  } {
    this.mailer = new Mailer(options);
    const { baseUrl, ...rest } = options;
    this.options = { hour: 8, days: 7, ...rest };
    const given = typeof baseUrl === 'function' ? baseUrl : () => baseUrl;
    this.baseUrl = () => {
      const u = given();
      return u?.endsWith('/') ? u.slice(0, -1) : u;
    };
    return { handler: (row) => this.deliver(row), scan: (now) => this.scan(now) };
  }

  close(): void {
    this.mailer?.close();
  }

  async settings(who: Actor): Promise<ReminderSettings> {
    const p = await this.repo.prefs(who.user.id);
    return {
      ...p,
      hour: this.options?.hour ?? 8,
      days: this.options?.days ?? 7,
      mailConfigured: this.mailer !== undefined,
    };
  }

  async update(
    who: Actor,
    patch: { enabled?: boolean; timeZone?: string | null },
  ): Promise<ReminderSettings> {
    if (patch.timeZone && !isTimeZone(patch.timeZone))
      throw new AppError('bad_request', `${patch.timeZone} is not a time zone this server knows`, [
        { path: ['timeZone'], message: 'must be an IANA time zone such as Europe/Berlin' },
      ]);
    await this.repo.setPrefs(who.user.id, patch);
    return this.settings(who);
  }

  /** The person's signed unsubscribe link. */
  async unsubscribeUrl(userId: string): Promise<string> {
    const token = unsubscribeToken(await this.repo.secret(KEY), userId);
    return `${this.baseUrl() ?? ''}/api/reminders/unsubscribe?token=${token}`;
  }

  /** Whether a token is one this server signed (for the confirmation page). */
  async checkToken(token: string): Promise<boolean> {
    return readUnsubscribeToken(await this.repo.secret(KEY), token) !== undefined;
  }

  /** Turn a person's reminders off by their signed token; false when the token is not valid. */
  async unsubscribe(token: string): Promise<boolean> {
    const userId = readUnsubscribeToken(await this.repo.secret(KEY), token);
    if (!userId) return false;
    const known = (await this.repo.people()).some((p) => p.id === userId);
    if (known) await this.repo.setPrefs(userId, { enabled: false });
    return known;
  }

  /** What one person's digest holds at `now` (their local day), drawn from the reports they may see. */
  async digestOf(person: ReminderPerson, today: string): Promise<Digest> {
    const actor = actorOf(
      {
        id: person.id,
        email: person.email,
        name: person.name,
        role: 'viewer',
        disabled: false,
        createdAt: '',
      },
      'cli',
    );
    const names = [person.email, person.id, person.name];
    const mine = new Set(names.map(keyOf));
    const visible = (r: DigestReport, report: Report) =>
      !r.restricted || r.createdBy === person.id || isNamedIn(actor, membersOf(report));
    const days = this.options?.days ?? 7;
    const owned = (await this.repo.reportsWithActionsOf(names, addDays(today, days), DIGEST_REPORTS))
      .map((r) => ({ r, report: JSON.parse(r.content) as Report }))
      .filter(({ r, report }) => visible(r, report))
      .map(({ r, report }) => ({ id: r.id, report }));
    const actions = sortActions(owned, (owner) => mine.has(keyOf(owner)), today, days);
    const decided = await this.repo.decided(person.id);
    const toReview = (await this.repo.reportsInReview(names, DIGEST_REPORTS))
      .map((r) => ({ r, report: JSON.parse(r.content) as Report }))
      .filter(
        ({ r, report }) =>
          visible(r, report) &&
          isReviewerIn(actor, report.reviewers) &&
          !decided.has(`${r.id}:${r.reviewRound}`),
      )
      .map(({ r, report }) => ({ id: r.id, title: report.title }));
    return { ...actions, toReview };
  }

  /**
   * Write the digests that are due at `now`: for each person with reminders on, once their local hour has
   * reached the configured one, once per local day (a mark in the same transaction as the mail), and only
   * when there is something to say.
   */
  async scan(now: Date): Promise<void> {
    const o = this.options;
    const baseUrl = this.baseUrl();
    // Links need the server's address: a server still starting on port 0 writes its digests next scan.
    if (!o || baseUrl === undefined) return;
    const people = (await this.repo.people()).filter((p) => p.enabled && p.email);
    const due = people
      .map((p) => ({ p, local: localTime(now, p.timeZone ?? 'UTC') }))
      .filter(({ local }) => local.hour >= o.hour);
    const key = (id: string, date: string) => `digest:${id}:${date}`;
    const done = await this.outbox.marked(due.map(({ p, local }) => key(p.id, local.date)));
    const at = now.toISOString();
    for (const { p, local } of due) {
      if (done.has(key(p.id, local.date))) continue;
      // Built before the mark's transaction: on SQLite that transaction holds the only connection.
      const unsubscribeUrl = await this.unsubscribeUrl(p.id);
      const mail = digestMail(await this.digestOf(p, local.date), {
        name: p.name,
        days: o.days,
        baseUrl,
        unsubscribeUrl,
      });
      const message: MailMessage | undefined = mail && { to: p.email, ...mail, unsubscribeUrl };
      await this.outbox.enqueueOnce(key(p.id, local.date), () =>
        message ? [outboxRow('mail', p.id, 'digest', message, at)] : [],
      );
    }
  }

  /** Send one mail row, unless its person has turned reminders off since it was written. */
  async deliver(row: OutboxRow): Promise<Attempt> {
    if (!this.mailer) return { ok: false, status: null, error: 'mail is not configured', final: true };
    if (!(await this.repo.prefs(row.target)).enabled)
      return { ok: false, status: null, error: 'the person turned reminders off', final: true };
    try {
      await this.mailer.send(JSON.parse(row.payload) as MailMessage);
      return { ok: true, status: null };
    } catch (e) {
      const err = e as Error & { responseCode?: number };
      return { ok: false, status: err.responseCode ?? null, error: err.message };
    }
  }
}
