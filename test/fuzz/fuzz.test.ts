import { describe, it } from 'vitest';
import { TARGETS } from './targets.js';
import fc from 'fast-check';

// A few thousand inputs in all on every `npm test`; `npm run fuzz -- --runs N` for long runs.
const RUNS: Record<string, number> = {
  'Postmortem Markdown parser (any text)': 1500,
  'Postmortem Markdown round trip (every valid report)': 1000,
  'foreign Markdown importer': 1000,
  'evidence readers (each format, and detection)': 1500,
  'zip opener (random and damaged archives)': 800,
};

describe('fuzz targets', () => {
  for (const t of TARGETS) {
    it(`${t.name}: ${RUNS[t.name] ?? 500} inputs without a crash, a hang or a broken round trip`, async () => {
      await fc.assert(
        fc.asyncProperty(t.arbitrary, async (input) => {
          await t.run(input);
        }),
        { numRuns: RUNS[t.name] ?? 500 },
      );
    }, 120_000);
  }
});
