import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Store } from './database.js';
import type { Database } from './database.types.js';
import { keyOf } from './report-index.js';

/** A person who may get reminders, with their choice. */
export interface ReminderPerson {
  id: string;
  email: string;
  name: string;
  role: string;
  enabled: boolean;
  timeZone: string | null;
}

/** A report as the digest reads it: enough to decide who may see it, and its content. */
export interface DigestReport {
  id: string;
  restricted: boolean;
  createdBy: string | null;
  reviewRound: number;
  content: string;
}

/** Reminder choices, the reports a digest draws on, and the server's shared secrets. */
export class ReminderRepository {
  private readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  /** Every active account with its reminder choice (on, UTC, when it never chose). */
  async people(): Promise<ReminderPerson[]> {
    const rows = await this.db
      .selectFrom('users as u')
      .leftJoin('reminder_prefs as p', 'p.user_id', 'u.id')
      .select(['u.id', 'u.email', 'u.name', 'u.role', 'p.enabled', 'p.time_zone'])
      .where('u.disabled', '=', 0)
      .orderBy('u.id')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      email: r.email,
      name: r.name,
      role: r.role,
      enabled: r.enabled === null ? true : Number(r.enabled) === 1,
      timeZone: r.time_zone ?? null,
    }));
  }

  async prefs(userId: string): Promise<{ enabled: boolean; timeZone: string | null }> {
    const r = await this.db
      .selectFrom('reminder_prefs')
      .select(['enabled', 'time_zone'])
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return { enabled: r ? Number(r.enabled) === 1 : true, timeZone: r?.time_zone ?? null };
  }

  async setPrefs(userId: string, patch: { enabled?: boolean; timeZone?: string | null }): Promise<void> {
    const current = await this.prefs(userId);
    const row = {
      user_id: userId,
      enabled: (patch.enabled ?? current.enabled) ? 1 : 0,
      time_zone: patch.timeZone === undefined ? current.timeZone : patch.timeZone,
      updated_at: new Date().toISOString(),
    };
    await this.db
      .insertInto('reminder_prefs')
      .values(row)
      .onConflict((oc) =>
        oc.column('user_id').doUpdateSet({
          enabled: row.enabled,
          time_zone: row.time_zone,
          updated_at: row.updated_at,
        }),
      )
      .execute();
  }

  /**
   * Reports, not deleted, where one of `names` (e-mail, id or name, any case) owns an action a digest lists:
   * one still to do whose deadline is on or before `horizon` (due soon or overdue), or one completed and
   * awaiting its verification. At most `limit`, oldest first: a digest reads only what it may show.
   */
  async reportsWithActionsOf(names: string[], horizon: string, limit: number): Promise<DigestReport[]> {
    const keys = [...new Set(names.map(keyOf))];
    const rows = await this.db
      .selectFrom('reports as r')
      .select(['r.id', 'r.restricted', 'r.created_by', 'r.review_round', 'r.content'])
      .where('r.deleted_at', 'is', null)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('action_items as a')
            .select('a.report_id')
            .whereRef('a.report_id', '=', 'r.id')
            .where('a.owner_key', 'in', keys)
            .where((w) =>
              w.or([
                w.and([
                  w('a.status', 'not in', ['completed', 'wont_do']),
                  w('a.deadline', 'is not', null),
                  w('a.deadline', '<=', horizon),
                ]),
                w.and([
                  w('a.status', '=', 'completed'),
                  w('a.verification_result', 'is', null),
                  w('a.declined', '=', 0),
                ]),
              ]),
            ),
        ),
      )
      .orderBy('r.seq')
      .limit(limit)
      .execute();
    return rows.map(toDigestReport);
  }

  /**
   * Reports in review, not deleted, that list one of `names` (e-mail, id or name, any case) as a reviewer;
   * at most `limit`, oldest first.
   */
  async reportsInReview(names: string[], limit: number): Promise<DigestReport[]> {
    const keys = [...new Set(names.map(keyOf))];
    const rows = await this.db
      .selectFrom('reports as r')
      .select(['r.id', 'r.restricted', 'r.created_by', 'r.review_round', 'r.content'])
      .where('r.state', '=', 'in_review')
      .where('r.deleted_at', 'is', null)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('report_people as p')
            .select('p.report_id')
            .whereRef('p.report_id', '=', 'r.id')
            .where('p.role', '=', 'reviewer')
            .where('p.person', 'in', keys),
        ),
      )
      .orderBy('r.seq')
      .limit(limit)
      .execute();
    return rows.map(toDigestReport);
  }

  /** The review rounds in which a person has given a decision, per report. */
  async decided(userId: string): Promise<Set<string>> {
    const rows = await this.db
      .selectFrom('reviews')
      .select(['report_id', 'round'])
      .where('user_id', '=', userId)
      .execute();
    return new Set(rows.map((r) => `${r.report_id}:${Number(r.round)}`));
  }

  /** A secret made once for this database (the first instance to ask makes it; every one reads it). */
  async secret(name: string): Promise<string> {
    await this.db
      .insertInto('server_secrets')
      .values({ name, value: randomBytes(32).toString('base64url'), created_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    const row = await this.db
      .selectFrom('server_secrets')
      .select('value')
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    return row.value;
  }
}

const toDigestReport = (r: {
  id: string;
  restricted: number;
  created_by: string | null;
  review_round: number;
  content: string;
}): DigestReport => ({
  id: r.id,
  restricted: Number(r.restricted) === 1,
  createdBy: r.created_by,
  reviewRound: Number(r.review_round),
  content: r.content,
});
