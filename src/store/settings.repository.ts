import type { Kysely } from 'kysely';
import type { Store } from './database.js';
import type { Database } from './database.types.js';

/** Organization settings as JSON values by key. Validation belongs to the caller. */
export class SettingsRepository {
  private readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  async all(): Promise<Record<string, unknown>> {
    const rows = await this.db.selectFrom('settings').select(['key', 'value']).execute();
    return Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
  }

  /** Write several keys at once, all or none. */
  async put(values: Record<string, unknown>, userId: string | null): Promise<void> {
    const at = new Date().toISOString();
    await this.db.transaction().execute(async (trx) => {
      for (const [key, value] of Object.entries(values)) {
        await trx
          .insertInto('settings')
          .values({ key, value: JSON.stringify(value), updated_at: at, updated_by: userId })
          .onConflict((oc) =>
            oc
              .column('key')
              .doUpdateSet({ value: JSON.stringify(value), updated_at: at, updated_by: userId }),
          )
          .execute();
      }
    });
  }

  /**
   * Claim a one-time step by inserting its key; true for the one caller that got it. The primary key makes
   * the claim hold across processes and instances, where an in-memory lock would not.
   */
  async claim(key: string, userId: string | null): Promise<boolean> {
    const result = await this.db
      .insertInto('settings')
      .values({ key, value: 'true', updated_at: new Date().toISOString(), updated_by: userId })
      .onConflict((oc) => oc.column('key').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Give a claim back, when the step it guarded failed. */
  async release(key: string): Promise<void> {
    await this.db.deleteFrom('settings').where('key', '=', key).execute();
  }
}
