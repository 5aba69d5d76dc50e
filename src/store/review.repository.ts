import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Store } from './database.js';
import type { Database, ReviewsTable } from './database.types.js';
import type { Review, ReviewDecision } from '../domain/api-contract.js';

export type { Review, ReviewDecision };

const toReview = (r: ReviewsTable): Review => ({
  id: r.id,
  reportId: r.report_id,
  userId: r.user_id,
  round: Number(r.round),
  decision: r.decision as ReviewDecision,
  note: r.note,
  reportVersion: Number(r.report_version),
  createdAt: r.created_at,
});

/** Approvals and change requests, grouped by review round (each entry into review starts a new one). */
export class ReviewRepository {
  private readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  async create(input: Omit<Review, 'id' | 'createdAt'>): Promise<Review> {
    const row: ReviewsTable = {
      id: randomUUID(),
      report_id: input.reportId,
      user_id: input.userId,
      round: input.round,
      decision: input.decision,
      note: input.note,
      report_version: input.reportVersion,
      created_at: new Date().toISOString(),
    };
    await this.db.insertInto('reviews').values(row).execute();
    return toReview(row);
  }

  async listFor(reportId: string): Promise<Review[]> {
    const rows = await this.db
      .selectFrom('reviews')
      .selectAll()
      .where('report_id', '=', reportId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toReview);
  }
}
