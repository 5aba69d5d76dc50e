import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Store } from './database.js';
import type { Database, UsersTable } from './database.types.js';
import { toUser, type User } from './user.repository.js';

export interface ApiToken {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Personal API tokens; only a hash of each secret is kept. */
export class TokenRepository {
  private readonly db: Kysely<Database>;

  private readonly getRow: Store['getRow'];

  constructor(store: Store) {
    this.db = store.db;
    this.getRow = store.getRow;
  }

  async create(input: { userId: string; name: string; tokenHash: string }): Promise<ApiToken> {
    const row = {
      id: randomUUID(),
      user_id: input.userId,
      name: input.name,
      token_hash: input.tokenHash,
      created_at: new Date().toISOString(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto('api_tokens').values(row).execute();
    return {
      id: row.id,
      userId: row.user_id,
      name: row.name,
      createdAt: row.created_at,
      lastUsedAt: null,
      revokedAt: null,
    };
  }

  /** The enabled user a live token belongs to. */
  async findUser(tokenHash: string): Promise<{ user: User; tokenId: string } | undefined> {
    // Runs on every API call: SQL written out to skip the query builder's cost, synchronous on SQLite.
    type Row = Selectable<UsersTable> & { token_id: string; last_used_at: string | null };
    let r: Row | undefined;
    if (this.getRow) {
      r = this.getRow<Row>(
        `select u.id, u.email, u.name, u.role, u.disabled, u.created_at, t.id as token_id, t.last_used_at
         from api_tokens t join users u on u.id = t.user_id
         where t.token_hash = ? and t.revoked_at is null and u.disabled = 0`,
        tokenHash,
      );
    } else {
      const { rows } = await sql<Row>`
        select u.id, u.email, u.name, u.role, u.disabled, u.created_at, t.id as token_id, t.last_used_at
        from api_tokens t join users u on u.id = t.user_id
        where t.token_hash = ${tokenHash} and t.revoked_at is null and u.disabled = 0`.execute(this.db);
      r = rows[0];
    }
    if (!r) return undefined;
    // Record use at most once a minute so that every API call does not become a write.
    const nowIso = new Date().toISOString();
    if (!r.last_used_at || Date.parse(nowIso) - Date.parse(r.last_used_at) > 60_000) {
      await this.db
        .updateTable('api_tokens')
        .set({ last_used_at: nowIso })
        .where('id', '=', r.token_id)
        .execute();
    }
    return { user: toUser(r), tokenId: r.token_id };
  }

  async listFor(userId: string): Promise<ApiToken[]> {
    const rows = await this.db
      .selectFrom('api_tokens')
      .select(['id', 'user_id', 'name', 'created_at', 'last_used_at', 'revoked_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      userId: r.user_id,
      name: r.name,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
      revokedAt: r.revoked_at,
    }));
  }

  /** Revoke one of a user's tokens; false when there was none to revoke. */
  async revoke(userId: string, id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
