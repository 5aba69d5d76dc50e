import type { Store } from './database.js';
import type { Database } from './database.types.js';
import type { Kysely } from 'kysely';

/** The secret calendar addresses: one per person, found by the hash of its secret. */
export class CalendarRepository {
  private readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  /** When the person's current address was made, if they have one. */
  async createdAt(userId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('calendar_feeds')
      .select('created_at')
      .where('user_id', '=', userId)
      .executeTakeFirst();
    return row?.created_at;
  }

  /** Replace the person's address (the old secret stops working in the same statement). */
  async replace(userId: string, secretHash: string, at: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom('calendar_feeds').where('user_id', '=', userId).execute();
      await trx
        .insertInto('calendar_feeds')
        .values({ user_id: userId, secret_hash: secretHash, created_at: at })
        .execute();
    });
  }

  /** Forget the person's address; true when there was one. */
  async remove(userId: string): Promise<boolean> {
    const r = await this.db.deleteFrom('calendar_feeds').where('user_id', '=', userId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }

  /** The person whose address has this secret hash. */
  async userIdByHash(secretHash: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('calendar_feeds')
      .select('user_id')
      .where('secret_hash', '=', secretHash)
      .executeTakeFirst();
    return row?.user_id;
  }
}
