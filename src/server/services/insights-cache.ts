/**
 * Computed insights, kept per viewer and filters until the data changes, so opening the insights page again
 * costs nothing. An answer is kept while the database is unchanged: on a SQLite file that is known exactly
 * from its change mark (every commit by any process moves it); elsewhere (PostgreSQL, :memory:) for `ttlMs`
 * at most. Any save through this process (`changes()` moves) forgets an answer at once either way, so only
 * another instance's saves can take up to `ttlMs` to show. Callers asking for the same answer while it is
 * being computed share that one computation.
 */
export class InsightsCache<T> {
  private readonly entries = new Map<
    string,
    { value: Promise<T>; mark: Buffer | undefined; changes: number; at: number }
  >();

  constructor(
    private readonly changeMark: () => Buffer | undefined,
    private readonly changes: () => number,
    private readonly ttlMs = 5_000,
    private readonly max = 200,
  ) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    // Taken before anything is read: a commit after this point moves the mark, so nothing kept with it can be
    // older than the mark says.
    const mark = this.changeMark();
    const changes = this.changes();
    const now = Date.now();
    const hit = this.entries.get(key);
    if (
      hit &&
      hit.changes === changes &&
      (mark && hit.mark ? mark.equals(hit.mark) : !mark && !hit.mark && now - hit.at < this.ttlMs)
    ) {
      return hit.value;
    }
    const value = compute();
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value as string);
    const entry = { value, mark, changes, at: now };
    this.entries.set(key, entry);
    // A failed computation is not kept.
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }
}
