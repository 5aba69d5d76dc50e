/**
 * Computed insights, kept per viewer and filters while the insights' generation stands: a counter in the
 * database (migration 2026-12-07-402) that a commit moves only when it changes what the figures are made of (a
 * report's facts, a deletion, a restore). Other commits (comments, reviews that change no facts, settings,
 * sessions) keep what was computed, and a commit by any process on the same database is seen at the next call.
 * Callers asking for the same answer while it is being computed share that one computation.
 */
export class InsightsCache<T> {
  private readonly entries = new Map<string, { value: Promise<T>; generation: number }>();

  constructor(
    private readonly generation: () => Promise<number>,
    private readonly max = 200,
  ) {}

  async get(key: string, compute: () => Promise<T>): Promise<T> {
    // Read before anything is computed: a commit after this point moves the generation, so nothing kept with it
    // can be older than it says.
    const generation = await this.generation();
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation) return hit.value;
    const value = compute();
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    const entry = { value, generation };
    this.entries.set(key, entry);
    // A failed computation is not kept.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }
}
