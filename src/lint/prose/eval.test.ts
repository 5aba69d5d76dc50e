import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyReport } from '../../domain/report.schema.js';
import { lintSection } from '../engine.js';

// The evaluation set of issue 11: real sentences from public post-mortems plus sentences written in the
// styles of others, labelled per rule before the rules were changed. The held-out half is scored, never
// looked at while changing a rule: only the development half's misses are printed.

interface Labelled {
  id: string;
  source: string;
  text: string;
  flag: string[];
  /** Which batch of writing and labelling the sentence belongs to; absent in the first batch. */
  batch?: string;
}
interface EvalSet {
  rules: Record<string, string>;
  /** Per batch, the rules its sentences were labelled for (passive-voice only in the second). */
  batches: Record<string, { rules: string[] }>;
  contexts: Record<string, { people: string[]; systems: string[] }>;
  sentences: Labelled[];
  /** Written after the rules were changed on the development half: a check that the changes generalize. */
  generalization: Labelled[];
}
const set = JSON.parse(
  readFileSync(new URL('../fixtures/eval/sentences.json', import.meta.url), 'utf8'),
) as EvalSet;
const RULE_IDS = Object.keys(set.rules);
const batchOf = (s: Labelled) => s.batch ?? 'first';
const labelledFor = (s: Labelled) => set.batches[batchOf(s)]?.rules ?? set.batches.first?.rules ?? [];
const reportsDir = new URL('../fixtures/eval/reports/', import.meta.url);
const reportText = new Map<string, string>();

/** The fixed split: a seeded hash of the text puts each sentence in one half, once and for all. */
export function halfOf(text: string): 'dev' | 'held-out' {
  const digest = createHash('sha256').update(`hindsight-eval-issue-11:${text}`).digest();
  return ((digest[0] as number) & 1) === 0 ? 'dev' : 'held-out';
}

/** The evaluated rules that fire on a sentence read as the operational impact of its report. */
function rulesFiring(s: Labelled): Set<string> {
  const report = emptyReport('outage', 'Evaluation sentence');
  const written = batchOf(s) === 'first' ? 'written' : `written-${batchOf(s)}`;
  const context = set.contexts[s.source.startsWith('written:') ? written : s.source];
  report.involved = context?.people ?? [];
  report.systems = context?.systems ?? [];
  if (!s.source.startsWith('written:')) {
    // The rest of the real report is around the sentence, as it is when the whole import is linted.
    let text = reportText.get(s.source);
    if (text === undefined) {
      text = readFileSync(new URL(`${s.source}.md`, reportsDir), 'utf8');
      reportText.set(s.source, text);
    }
    report.materials.notes = text.replace(s.text, ' ');
  }
  report.impact.operational = s.text;
  return new Set(
    lintSection(report, 'impact')
      .filter((f) => f.path.join('.') === 'impact.operational' && RULE_IDS.includes(f.ruleId))
      .map((f) => f.ruleId),
  );
}

interface Figures {
  ruleId: string;
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
}
function measure(results: { s: Labelled; fired: Set<string> }[], misses?: string[]): Figures[] {
  return RULE_IDS.map((ruleId) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const { s, fired } of results) {
      if (!labelledFor(s).includes(ruleId)) continue;
      const want = s.flag.includes(ruleId);
      const got = fired.has(ruleId);
      if (want && got) tp += 1;
      else if (got) {
        fp += 1;
        misses?.push(`    ${ruleId} false positive ${s.id}: ${s.text}`);
      } else if (want) {
        fn += 1;
        misses?.push(`    ${ruleId} missed ${s.id}: ${s.text}`);
      }
    }
    return {
      ruleId,
      tp,
      fp,
      fn,
      precision: tp + fp === 0 ? 1 : tp / (tp + fp),
      recall: tp + fn === 0 ? 1 : tp / (tp + fn),
    };
  });
}
const line = (f: Figures) =>
  `  ${f.ruleId.padEnd(15)} precision ${f.precision.toFixed(3)}  recall ${f.recall.toFixed(3)}  (tp ${f.tp}, fp ${f.fp}, fn ${f.fn})`;

describe('prose rules on the real-text evaluation set', () => {
  const results = set.sentences.map((s) => ({ s, fired: rulesFiring(s), half: halfOf(s.text) }));
  const dev = results.filter((r) => r.half === 'dev');
  const held = results.filter((r) => r.half === 'held-out');
  const devMisses: string[] = [];
  const devFigures = measure(dev, devMisses);
  const heldFigures = measure(held);
  // Each batch on its own too: the second was written later, in other styles, so its held-out half is a fresh check.
  const parts = Object.keys(set.batches).flatMap((batch) =>
    (['dev', 'held-out'] as const).map((half) => {
      const rows = results.filter((r) => r.half === half && batchOf(r.s) === batch);
      return { batch, half, n: rows.length, figures: measure(rows) };
    }),
  );
  const fresh = set.generalization.map((s) => ({ s, fired: rulesFiring(s) }));
  const freshMisses: string[] = [];
  const freshFigures = measure(fresh, freshMisses);
  console.log(
    [
      `evaluation set: ${results.length} sentences (${results.filter((r) => r.s.id.startsWith('c')).length} from real reports)`,
      `development half (${dev.length}):`,
      ...devFigures.map(line),
      `held-out half (${held.length}):`,
      ...heldFigures.map(line),
      ...parts.flatMap((p) => [
        `${p.batch} batch, ${p.half === 'dev' ? 'development' : 'held-out'} half (${p.n}):`,
        ...p.figures.map(line),
      ]),
      `generalization batch (${fresh.length}, written after the changes):`,
      ...freshFigures.map(line),
      'development misses:',
      ...devMisses,
      'generalization misses:',
      ...freshMisses,
    ].join('\n'),
  );

  it('has at least 400 sentences, split into two halves, every rule labelled both ways', () => {
    expect(results.length).toBeGreaterThanOrEqual(400);
    expect(dev.length).toBeGreaterThan(150);
    expect(held.length).toBeGreaterThan(150);
    for (const id of RULE_IDS) {
      expect(results.some((r) => r.s.flag.includes(id))).toBe(true);
      expect(results.some((r) => !r.s.flag.includes(id))).toBe(true);
    }
    for (const r of results) for (const id of r.s.flag) expect(RULE_IDS).toContain(id);
  });

  const held_ = (id: string) => heldFigures.find((f) => f.ruleId === id) as Figures;
  const part = (batch: string, id: string) =>
    parts
      .find((p) => p.batch === batch && p.half === 'held-out')
      ?.figures.find((f) => f.ruleId === id) as Figures;
  // The target is precision ≥ 0.9 on the held-out half for every error and warning rule, and recall ≥ 0.8
  // for blame and judgment. The floors below are what was measured once, at the end of the fourth round of changes
  // (every prose rule changed on the development half only, after a fourth batch of 299 sentences was labelled and
  // committed, and the old rules' figures on the grown set recorded in fixtures/eval/RESULTS.md); a change can only
  // keep or raise them. The held-out misses are deliberately not printed: fixing them by sight would make the half one
  // more tuning set. Measured on the 590 held-out sentences at the end of round four (before it, on the same 590):
  // - blame precision 0.857, 30 right, 5 wrong (0.853). Not met. Fourth batch alone 0.667 (0.667).
  // - judgment precision 0.840, 21 right, 4 wrong (0.840). Not met; unchanged.
  // - vague-impact precision 0.862, 25 right, 4 wrong (0.862). Not met; unchanged.
  // - word-confusion precision 1.000 (1.000). Met.
  // - blame recall 0.625, 30 of 48 (0.604). Not met: the development half's misses were all fixed, the held-out
  //   half's mostly were not, so the new patterns are narrower than the ways people blame.
  // - judgment recall 0.840 (0.840). Met.
  const PRECISION_FLOOR: Record<string, number> = {
    blame: 0.85,
    judgment: 0.84,
    'vague-impact': 0.86,
    'word-confusion': 1,
  };
  for (const [id, floor] of Object.entries(PRECISION_FLOOR)) {
    it(`${id} (error or warning): precision on the held-out half ≥ ${floor}`, () => {
      expect(held_(id).precision).toBeGreaterThanOrEqual(floor);
    });
  }
  // The first batch's held-out half on its own keeps at least what it had before the second batch was added.
  const FIRST_BATCH_FLOOR: Record<string, number> = {
    blame: 0.87,
    judgment: 0.9,
    'vague-impact': 0.85,
    'word-confusion': 0.9,
  };
  for (const [id, floor] of Object.entries(FIRST_BATCH_FLOOR)) {
    it(`${id}: precision on the first batch's held-out half ≥ ${floor}`, () => {
      expect(part('first', id).precision).toBeGreaterThanOrEqual(floor);
    });
  }
  // The fourth batch's held-out half on its own (155 sentences, end of round four).
  const FOURTH_BATCH_FLOOR: Record<string, number> = {
    blame: 0.66,
    judgment: 0.77,
    'vague-impact': 1,
    'word-confusion': 1,
  };
  for (const [id, floor] of Object.entries(FOURTH_BATCH_FLOOR)) {
    it(`${id}: precision on the fourth batch's held-out half ≥ ${floor}`, () => {
      expect(part('fourth', id).precision).toBeGreaterThanOrEqual(floor);
    });
  }
  // passive-voice (info) is labelled in the second and third batches: 1.000 precision and recall on the second's
  // held-out half; on the third's 0.667 (6 right, 3 wrong) and recall 0.750, the same before and after round three.
  it('passive-voice: precision on the second batch’s held-out half ≥ 0.9', () => {
    expect(part('second', 'passive-voice').precision).toBeGreaterThanOrEqual(0.9);
  });
  it('passive-voice: precision on the third batch’s held-out half ≥ 0.66', () => {
    expect(part('third', 'passive-voice').precision).toBeGreaterThanOrEqual(0.66);
  });
  // spelling: 0.667 on the whole held-out half at the end of round four (14 right, 7 wrong; 0.467 before it, when
  // closed compounds such as "keepalive" and "autovacuum" were still flagged).
  it('spelling: precision on the held-out half ≥ 0.66', () => {
    expect(held_('spelling').precision).toBeGreaterThanOrEqual(0.66);
  });
  const RECALL_FLOOR: Record<string, number> = { blame: 0.62, judgment: 0.84 };
  for (const [id, floor] of Object.entries(RECALL_FLOOR)) {
    it(`${id}: recall on the held-out half ≥ ${floor}`, () => {
      expect(held_(id).recall).toBeGreaterThanOrEqual(floor);
    });
  }
});
