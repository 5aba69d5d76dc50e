import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Store } from './database.js';
import type { CommentsTable, Database } from './database.types.js';
import type { Comment } from '../domain/api-contract.js';

export type { Comment };

const toComment = (r: CommentsTable): Comment => ({
  id: r.id,
  reportId: r.report_id,
  anchor: r.anchor,
  body: r.body,
  authorId: r.author_id,
  createdAt: r.created_at,
  resolvedAt: r.resolved_at,
  resolvedBy: r.resolved_by,
});

/** Review comments on reports. */
export class CommentRepository {
  private readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  async create(input: {
    reportId: string;
    anchor: string;
    body: string;
    authorId: string;
  }): Promise<Comment> {
    const row: CommentsTable = {
      id: randomUUID(),
      report_id: input.reportId,
      anchor: input.anchor,
      body: input.body,
      author_id: input.authorId,
      created_at: new Date().toISOString(),
      resolved_at: null,
      resolved_by: null,
    };
    await this.db.insertInto('comments').values(row).execute();
    return toComment(row);
  }

  async listFor(reportId: string): Promise<Comment[]> {
    const rows = await this.db
      .selectFrom('comments')
      .selectAll()
      .where('report_id', '=', reportId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toComment);
  }

  async get(reportId: string, id: string): Promise<Comment | undefined> {
    const r = await this.db
      .selectFrom('comments')
      .selectAll()
      .where('report_id', '=', reportId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r ? toComment(r) : undefined;
  }

  /** Mark resolved (or reopen with `userId` null). */
  async setResolved(reportId: string, id: string, userId: string | null): Promise<Comment | undefined> {
    await this.db
      .updateTable('comments')
      .set({ resolved_at: userId ? new Date().toISOString() : null, resolved_by: userId })
      .where('report_id', '=', reportId)
      .where('id', '=', id)
      .execute();
    return this.get(reportId, id);
  }

  async countOpen(reportId: string): Promise<number> {
    const r = await this.db
      .selectFrom('comments')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('report_id', '=', reportId)
      .where('resolved_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
