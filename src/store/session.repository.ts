import { sql, type Kysely, type Selectable } from 'kysely';
import type { Store } from './database.js';
import type { Database, UsersTable } from './database.types.js';
import { toUser, type User } from './user.repository.js';

/** Sign-in sessions, keyed by a hash of the cookie value so a leaked table cannot be replayed. */
export class SessionRepository {
  private readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  async create(input: {
    idHash: string;
    userId: string;
    csrfToken: string;
    expiresAt: string;
  }): Promise<void> {
    await this.db
      .insertInto('sessions')
      .values({
        id: input.idHash,
        user_id: input.userId,
        csrf_token: input.csrfToken,
        created_at: new Date().toISOString(),
        expires_at: input.expiresAt,
      })
      .execute();
  }

  /** The live session and its (enabled) user, or undefined. */
  async find(idHash: string, nowIso: string): Promise<{ user: User; csrfToken: string } | undefined> {
    // Runs on every signed-in request: SQL written out to skip the query builder's cost.
    const { rows } = await sql<Selectable<UsersTable> & { csrf_token: string }>`
      select u.id, u.email, u.name, u.role, u.disabled, u.created_at, u.must_change_password, s.csrf_token
      from sessions s join users u on u.id = s.user_id
      where s.id = ${idHash} and s.expires_at > ${nowIso} and u.disabled = 0`.execute(this.db);
    const r = rows[0];
    return r ? { user: toUser(r), csrfToken: r.csrf_token } : undefined;
  }

  /** End every session of an account but the one kept (the caller's own); returns how many ended. */
  async deleteForUser(userId: string, keepIdHash?: string): Promise<number> {
    let q = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepIdHash !== undefined) q = q.where('id', '!=', keepIdHash);
    const r = await q.executeTakeFirst();
    return Number(r.numDeletedRows);
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', idHash).execute();
  }

  async deleteExpired(nowIso: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<=', nowIso).execute();
  }
}
