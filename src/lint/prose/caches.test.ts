import { describe, expect, it } from 'vitest';
import { hardSentences, ratedChars } from './readability.js';
import { isKnownWord, knownWordChars } from './spelling.js';

// The linter's per-process caches serve a server for its whole life: they are bounded in bytes, not only in
// entries, so that distinct long texts (up to the report's field limits) cannot make them hold gigabytes.
describe('the lint caches', () => {
  it('do not keep long sentences or long words', () => {
    const before = ratedChars();
    for (let i = 0; i < 20; i += 1) {
      const text = `${'The replication controller retried the allocation request again '.repeat(800)}${i}.`;
      hardSentences([{ text, start: 0 } as Parameters<typeof hardSentences>[0][number]]);
    }
    expect(ratedChars() - before).toBeLessThan(20 * 2_000);

    const words = knownWordChars();
    for (let i = 0; i < 20; i += 1) isKnownWord(`${'x'.repeat(50_000)}${i}`, 'en-US');
    expect(knownWordChars() - words).toBeLessThan(20 * 100);
  });
});
