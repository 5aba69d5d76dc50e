import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyReport } from '../../domain/report.schema.js';
import { lintSection } from '../engine.js';

interface Labelled {
  text: string;
  blame: boolean;
  judgment: boolean;
  vague: boolean;
  passive: boolean;
  set: 'tuning' | 'held-out';
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/labelled-sentences.json', import.meta.url), 'utf8'),
) as {
  context: { people: string[]; systems: string[] };
  sentences: Labelled[];
};

const LABEL_OF = {
  blame: 'blame',
  judgment: 'judgment',
  'vague-impact': 'vague',
  'passive-voice': 'passive',
} as const;

/** The prose rules that fire on one sentence, read as the operational impact of a report naming its people and systems. */
function rulesFiring(text: string): Set<string> {
  const report = emptyReport('outage', 'Labelled sentence');
  report.involved = fixture.context.people;
  report.systems = fixture.context.systems;
  report.impact.operational = text;
  return new Set(
    lintSection(report, 'impact')
      .filter((f) => f.path.join('.') === 'impact.operational')
      .map((f) => f.ruleId),
  );
}

describe('prose rules on the hand-labelled sentence set', () => {
  const results = fixture.sentences.map((s) => ({ s, fired: rulesFiring(s.text) }));
  const measure = (subset: typeof results) =>
    Object.entries(LABEL_OF).map(([ruleId, label]) => {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      const misses: string[] = [];
      for (const { s, fired } of subset) {
        const predicted = fired.has(ruleId);
        if (predicted && s[label]) tp += 1;
        else if (predicted) {
          fp += 1;
          misses.push(`    false positive (${s.set}): ${s.text}`);
        } else if (s[label]) {
          fn += 1;
          misses.push(`    missed (${s.set}): ${s.text}`);
        }
      }
      const precision = tp + fp === 0 ? 1 : tp / (tp + fp);
      const recall = tp + fn === 0 ? 1 : tp / (tp + fn);
      return { ruleId, tp, fp, fn, precision, recall, misses };
    });
  const figures = measure(results);
  const line = (f: ReturnType<typeof measure>[number]) =>
    `  ${f.ruleId.padEnd(14)} precision ${f.precision.toFixed(3)}  recall ${f.recall.toFixed(3)}  (tp ${f.tp}, fp ${f.fp}, fn ${f.fn})`;
  // Print the figures so a test run shows how the rules do, not just that they pass. The held-out
  // sentences were written after the rules; on their first run (commit 9b0e1b5, before any change) they
  // scored blame P 1.00 R 0.30, judgment P 1.00 R 0.43, vague-impact P 0.50 R 0.33, passive P 0.67 R 1.00.
  // The rules were then generalised with them in view, so they are no longer unseen text.
  const subsets = (['tuning', 'held-out'] as const).map((set) => ({
    set,
    subset: results.filter((r) => r.s.set === set),
  }));
  console.log(
    [
      `labelled sentences: ${fixture.sentences.length}`,
      'all sentences:',
      ...figures.flatMap((f) => [line(f), ...f.misses]),
      ...subsets.flatMap(({ set, subset }) => [`${set} (${subset.length}):`, ...measure(subset).map(line)]),
    ].join('\n'),
  );

  it('has at least 80 sentences with every label represented both ways', () => {
    expect(fixture.sentences.length).toBeGreaterThanOrEqual(80);
    for (const label of Object.values(LABEL_OF)) {
      expect(fixture.sentences.some((s) => s[label])).toBe(true);
      expect(fixture.sentences.some((s) => !s[label])).toBe(true);
    }
  });

  for (const ruleId of ['blame', 'judgment'] as const) {
    it(`${ruleId}: precision ≥ 0.9 and recall ≥ 0.8`, () => {
      const f = figures.find((x) => x.ruleId === ruleId);
      expect(f?.precision).toBeGreaterThanOrEqual(0.9);
      expect(f?.recall).toBeGreaterThanOrEqual(0.8);
    });
  }
  // vague-impact now trades recall for precision on real reports (see eval.test.ts, issue 11): a warning that is
  // wrong one time in three was ignored by writers. On these sentences its recall is printed, its precision held.
  it('vague-impact: precision ≥ 0.9', () => {
    expect(figures.find((x) => x.ruleId === 'vague-impact')?.precision).toBeGreaterThanOrEqual(0.9);
  });
});
