import { describe, expect, it } from 'vitest';
import { KeptEstimates } from './kept-estimates.js';

describe('kept estimates', () => {
  it('asks once per key within the time kept, and again after it', async () => {
    let now = 0;
    let asked = 0;
    const kept = new KeptEstimates<number>(60_000, 10, () => now);
    const ask = () => kept.get('cache latency', async () => ++asked);
    expect(await ask()).toBe(1);
    now = 59_999;
    expect(await ask()).toBe(1);
    expect(await kept.get('other words', async () => 100)).toBe(100);
    now = 60_000;
    expect(await ask()).toBe(2);
    expect(asked).toBe(2);
  });

  it('keeps at most as many as it is given, the oldest going first', async () => {
    const kept = new KeptEstimates<string>(60_000, 2, () => 0);
    for (const k of ['a', 'b', 'c']) await kept.get(k, async () => k);
    expect(await kept.get('a', async () => 'again')).toBe('again');
    expect(await kept.get('c', async () => 'again')).toBe('c');
  });
});
