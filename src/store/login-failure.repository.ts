import { sql, type Kysely } from 'kysely';
import type { Store } from './database.js';
import type { Database } from './database.types.js';

/** Failed sign-ins, kept in the database so that every instance counts the same attempts. */
export class LoginFailureRepository {
  private readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  async record(keys: string[], at: string, attempt: string | null = null): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .insertInto('login_failures')
      .values(keys.map((key) => ({ key, at, attempt })))
      .execute();
  }

  /** Take back the rows of one reserved attempt (under some of its keys, or all). */
  async release(attempt: string, keys?: string[]): Promise<void> {
    let q = this.db.deleteFrom('login_failures').where('attempt', '=', attempt);
    if (keys) q = q.where('key', 'in', keys.length > 0 ? keys : ['']);
    await q.execute();
  }

  /** How many failures a key has had since an instant. */
  async countSince(key: string, since: string): Promise<number> {
    const r = await this.db
      .selectFrom('login_failures')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('key', '=', key)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /**
   * How many failures a key has had since an instant (`attempt`'s own row included), and when the latest of
   * the others was written: the start of the wait a growing backoff asks for.
   */
  async historySince(
    key: string,
    since: string,
    attempt: string,
  ): Promise<{ count: number; lastOther: string | null }> {
    const r = await this.db
      .selectFrom('login_failures')
      .select((eb) => [
        eb.fn.countAll<number>().as('n'),
        sql<string | null>`max(case when attempt = ${attempt} then null else at end)`.as('last'),
      ])
      .where('key', '=', key)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    return { count: Number(r.n), lastOther: r.last ?? null };
  }

  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('key', '=', key).execute();
  }

  /** Delete the failures written before an instant (found by the index on `at`). */
  async prune(before: string): Promise<void> {
    await this.db.deleteFrom('login_failures').where('at', '<', before).execute();
  }
}
