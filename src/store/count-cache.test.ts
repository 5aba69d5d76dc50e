// CountCache kept by a change mark (PostgreSQL's, see database.ts ChangeListener): a count begun under one mark
// is not the answer to a request made after the mark moved.
import { describe, expect, it } from 'vitest';
import { CountCache } from './count-cache.js';

describe('CountCache under a change mark', () => {
  it('does not join a count begun before the mark moved', async () => {
    let mark = Buffer.from([1]);
    const counts = new CountCache(() => mark);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    // A count under way while another process commits a new row and its notification moves the mark.
    const before = counts.get('k', async () => {
      await held;
      return 1;
    });
    mark = Buffer.from([2]);
    const after = counts.get('k', () => Promise.resolve(2));
    release();
    expect((await before).total).toBe(1);
    // The request after the move is answered with what the database holds now (a list page would be kept
    // under the new mark with it).
    expect((await after).total).toBe(2);
  });

  it('does not serve a count kept while there was no mark once there is one', async () => {
    // No mark yet (PostgreSQL before its listener listens, or while it is lost): a count is kept for its time.
    let mark: Buffer | undefined = undefined;
    const counts = new CountCache(() => mark);
    expect((await counts.get('k', () => Promise.resolve(1))).total).toBe(1);
    // Another process commits a row while nothing listens; then the listener listens. A list page read now is
    // kept under this mark, with its total: the total must be counted now.
    mark = Buffer.from([1]);
    expect((await counts.get('k', () => Promise.resolve(2))).total).toBe(2);
    expect((await counts.get('k', () => Promise.resolve(3))).total).toBe(2);
  });
});
