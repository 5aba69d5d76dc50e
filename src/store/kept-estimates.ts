import type { Kysely } from 'kysely';
import type { Database } from './database.types.js';

/**
 * The planner's estimates of a search's matches on PostgreSQL (report-search.query.ts asks one with an EXPLAIN
 * before each search), kept by query text for a minute: they come from the statistics ANALYZE keeps, which change
 * only when it runs again (autovacuum's, after a tenth of the rows changed), so asking again for the same words
 * (the next page, the same search by someone else) meant a round trip and a plan for the same figure. An estimate
 * only chooses how a search is run (ranked, or newest first) and whether a total far over the cap is counted.
 */
export class KeptEstimates<T> {
  private readonly entries = new Map<string, { at: number; value: T }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly max = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(key: string, make: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    const now = this.now();
    if (hit && now - hit.at < this.ttlMs) return hit.value;
    const value = await make();
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { at: now, value });
    return value;
  }
}

const kept = new WeakMap<Kysely<Database>, KeptEstimates<{ matches: number; reports: number }>>();

/** The kept match estimates of one database. */
export function matchEstimates(db: Kysely<Database>): KeptEstimates<{ matches: number; reports: number }> {
  let k = kept.get(db);
  if (!k) kept.set(db, (k = new KeptEstimates()));
  return k;
}
