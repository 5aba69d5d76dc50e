import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type SqlBool } from 'kysely';
import type { Store } from './database.js';
import type { Database } from './database.types.js';
import { visibleTo, type Viewer } from './viewer.js';
import type { AuditEntry } from '../domain/api-contract.js';

export type { AuditEntry };

/** The append-only record of changes and sign-ins. */
export class AuditRepository {
  private readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  async record(entry: Omit<AuditEntry, 'id' | 'at'> & { at?: string }): Promise<void> {
    await this.db
      .insertInto('audit_log')
      .values({
        id: randomUUID(),
        at: entry.at ?? new Date().toISOString(),
        user_id: entry.userId,
        action: entry.action,
        target_type: entry.targetType,
        target_id: entry.targetId,
        details: JSON.stringify(entry.details),
        ip: entry.ip,
      })
      .execute();
  }

  /** Entries newest first; with a viewer, none about a report that viewer may not see (restricted). */
  async list(
    filters: { action?: string; targetId?: string; userId?: string },
    page: { limit: number; offset: number },
    viewer?: Viewer,
  ): Promise<AuditEntry[]> {
    let q = this.db.selectFrom('audit_log as a').selectAll('a');
    if (viewer) {
      q = q.where((eb) =>
        eb.or([
          eb('a.target_type', 'is', null),
          eb('a.target_type', '!=', 'report'),
          eb.not(
            eb.exists(
              eb
                .selectFrom('reports as r')
                .select('r.id')
                .whereRef('r.id', '=', 'a.target_id')
                // "is not true": for a restricted report with no creator the rule is null, not false.
                .where((e) => sql<SqlBool>`(${visibleTo(viewer)(e)}) is not true`),
            ),
          ),
        ]),
      );
    }
    if (filters.action) q = q.where('a.action', '=', filters.action);
    if (filters.targetId) q = q.where('a.target_id', '=', filters.targetId);
    if (filters.userId) q = q.where('a.user_id', '=', filters.userId);
    const rows = await q
      .orderBy('a.at', 'desc')
      .orderBy('a.id', 'desc')
      .limit(page.limit)
      .offset(page.offset)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      userId: r.user_id,
      action: r.action,
      targetType: r.target_type,
      targetId: r.target_id,
      details: JSON.parse(r.details) as Record<string, unknown>,
      ip: r.ip,
    }));
  }
}
