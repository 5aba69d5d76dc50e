// Training of prose/model.ts's logistic regressions, on the development half of the evaluation set ONLY (the
// held-out half is never read here: `halfOf` drops it before anything else happens), plus, for blame, the training
// pairs of fixtures/train/blame-pairs.json (fitted on, never used to choose anything). Deterministic: fixed feature
// order, fixed folds from a seeded hash, plain full-batch gradient descent from zero weights, rounded weights.
//
// Why a hand-written regression rather than a package: the maintained one on npm (ml-logistic-regression 2.0.0)
// has no intercept and no regularisation, and trains dense ml-matrix products for 50,000 steps; with a few thousand
// sparse word features and ~700 sentences it would be both slow and overfit. Naive Bayes packages take text, not
// the features below, and give poorly calibrated probabilities for thresholds. The regression is ~25 lines.
import { createHash } from 'node:crypto';
import { DEFAULT_LINT_CONFIG } from '../config.js';
import { maskProse } from './mask.js';
import type { LintModel, RuleModel } from './model.js';
import { probability, sentenceFeatures } from './model.js';
import { peopleOf } from './people.js';
import { lintSection } from '../engine.js';
import {
  halfOf,
  labelledFor,
  reportFor,
  rulesFiring,
  trainingReportFor,
  type EvalSet,
  type Labelled,
  type TrainingSet,
} from './eval-set.js';

/** The rules the model reads for: the error and warning rules whose held-out precision or recall fell short. */
export const MODEL_RULES = ['blame', 'judgment', 'vague-impact'] as const;

/**
 * What the model may do per rule: veto the rule's hits (`gate`) and add findings the rule did not make (`add`).
 * Thresholds are set on the development half only (below); these switches are the one thing the held-out half may
 * decide, and only in one direction: when the model lowers a held-out figure of the rules alone, that part is switched
 * off, never retuned. Measured on the held-out half (713 sentences), rules alone → with every part on:
 * - blame 0.864 / 0.594 → 0.860 / 0.672 (precision / recall): the additions brought 5 right and 1 wrong. Off.
 * - judgment 0.882 / 0.750 → 0.875 / 0.700: the gate vetoed 2 right hits and no wrong one. Gate off (no additions
 *   passed the development check).
 * - vague-impact 0.853 / 0.397 → 0.841 / 0.507: the additions brought 8 right and 2 wrong. Off.
 * The additions are recall for a little precision; the issue puts precision first, so they wait for more data.
 * With the additions off and the gates on: blame 0.860 / 0.578 (the gate vetoed 1 right hit, no wrong one): gate
 * off; vague-impact 0.879 / 0.397 (the gate vetoed 1 wrong hit and no right one): gate stays.
 * (With the first features, words and word pairs only, vague-impact's additions had measured 0.842 against 0.871.)
 * Round seven (seventh batch, 255 sentences, and rule changes on the development half): retrained, vague-impact's gate
 * came out at 0.3 and on the held-out half (830) it took the rules' 0.896 / 0.478 to 0.913 / 0.467: it vetoed one
 * wrong hit and one right one. A held-out figure fell, so the gate is off, as the rule above says (not retuned).
 * Round fourteen (blame trained also on the 423 pairs of fixtures/train/blame-pairs.json): chosen on the development
 * half, blame's additions came out at 0.95 (2 right, 0 wrong out of fold); on the held-out half (1,339) they took the
 * rule's 0.910 / 0.689 to 0.897 / 0.706 (4 right, 3 wrong), below the 0.91 floor. Off, not retuned (RESULTS.md).
 */
const ALLOWED: Record<(typeof MODEL_RULES)[number], { gate: boolean; add: boolean }> = {
  blame: { gate: false, add: false },
  judgment: { gate: false, add: false },
  'vague-impact': { gate: false, add: false },
};

const FOLDS = 5;
const MIN_COUNT = 2; // a feature seen once in training says more about that sentence than about the rule
const STEPS = 4000;
const RATE = 0.3;
const L2_CHOICES = [0.0003, 0.001, 0.003, 0.01, 0.03];
const GATES = [0, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3];
const ADDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95];
const NEVER = 2; // an `add` no probability reaches
/** The share of the rule's own right hits on the development half the gate may cost at most. */
const GATE_KEEPS = 0.95;
/** The precision the model's own additions must keep on the development half's out-of-fold predictions. */
const PRECISION = 0.9;

interface Row {
  features: string[];
  label: number;
  fired: boolean;
  fold: number;
  /** A training pair's sentence (fixtures/train): fitted on, never counted in a figure that chooses anything. */
  pair?: string;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const round = (x: number) => Math.round(x * 1e4) / 1e4;

/** L2-regularised logistic regression by full-batch gradient descent on binary features. */
function fit(rows: readonly Row[], l2: number): RuleModel {
  const counts = new Map<string, number>();
  for (const r of rows) for (const f of r.features) counts.set(f, (counts.get(f) ?? 0) + 1);
  const names = [...counts].filter(([, n]) => n >= MIN_COUNT).map(([f]) => f);
  names.sort();
  const index = new Map(names.map((f, i) => [f, i]));
  const x = rows.map((r) => r.features.map((f) => index.get(f)).filter((i) => i !== undefined));
  const w = new Float64Array(names.length);
  const g = new Float64Array(names.length);
  let b = 0;
  const n = rows.length;
  for (let step = 0; step < STEPS; step++) {
    g.fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i] as number[];
      let z = b;
      for (const j of xi) z += w[j] as number;
      const e = sigmoid(z) - (rows[i] as Row).label;
      gb += e;
      for (const j of xi) g[j] = (g[j] as number) + e;
    }
    b -= (RATE * gb) / n;
    for (let j = 0; j < w.length; j++)
      w[j] = (w[j] as number) - RATE * ((g[j] as number) / n + l2 * (w[j] as number));
  }
  const weights: Record<string, number> = {};
  names.forEach((f, j) => {
    const v = round(w[j] as number);
    if (v !== 0) weights[f] = v;
  });
  return { bias: round(b), weights, gate: 0, add: NEVER };
}

/** Each development sentence's probability from a model trained on the other folds. */
function outOfFold(rows: readonly Row[], l2: number): number[] {
  const p = new Array<number>(rows.length).fill(0);
  for (let k = 0; k < FOLDS; k++) {
    const m = fit(
      rows.filter((r) => r.fold !== k),
      l2,
    );
    rows.forEach((r, i) => {
      if (r.fold === k) p[i] = probability(m, r.features);
    });
  }
  return p;
}

/** Log loss over the rows `keep` selects (by default the development half's). */
function logLoss(
  rows: readonly Row[],
  p: readonly number[],
  keep = (r: Row) => r.pair === undefined,
): number {
  let sum = 0;
  let n = 0;
  rows.forEach((r, i) => {
    if (!keep(r)) return;
    const q = Math.min(1 - 1e-9, Math.max(1e-9, p[i] as number));
    sum -= r.label ? Math.log(q) : Math.log(1 - q);
    n += 1;
  });
  return sum / n;
}

export interface RuleTraining {
  ruleId: string;
  l2: number;
  gate: number;
  add: number;
  /** Out-of-fold figures on the development half: the rule alone and the rule with the model. */
  rule: { precision: number; recall: number };
  combined: { precision: number; recall: number };
  /** Out-of-fold log loss of the model alone, and its additions at the best threshold reaching 0.8 precision. */
  logLoss: number;
  additionsAt: { threshold: number; right: number; wrong: number } | undefined;
  /**
   * Out of fold on the training pairs (blame only): the model's log loss on them, the share of pairs whose blame
   * sentence it rates above its twin, and the additions at the chosen threshold where the rule is silent.
   */
  training?: { pairs: number; logLoss: number; ordered: number; right: number; wrong: number };
}

function figures(rows: readonly Row[], decide: (r: Row, i: number) => boolean) {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  rows.forEach((r, i) => {
    if (r.pair !== undefined) return;
    const got = decide(r, i);
    if (got && r.label) tp += 1;
    else if (got) fp += 1;
    else if (r.label) fn += 1;
  });
  return { precision: tp + fp === 0 ? 1 : tp / (tp + fp), recall: tp + fn === 0 ? 1 : tp / (tp + fn) };
}

/** The training pairs' out-of-fold figures (see RuleTraining.training). */
function pairFigures(rows: readonly Row[], p: readonly number[], add: number) {
  const byPair = new Map<string, { blame: number; not: number }>();
  let right = 0;
  let wrong = 0;
  rows.forEach((r, i) => {
    if (r.pair === undefined) return;
    const q = p[i] as number;
    const entry = byPair.get(r.pair) ?? { blame: 0, not: 0 };
    if (r.label) entry.blame = q;
    else entry.not = q;
    byPair.set(r.pair, entry);
    if (r.fired || q < add) return;
    if (r.label) right += 1;
    else wrong += 1;
  });
  const ordered = [...byPair.values()].filter((e) => e.blame > e.not).length / byPair.size;
  return {
    pairs: byPair.size,
    logLoss: logLoss(rows, p, (r) => r.pair !== undefined),
    ordered,
    right,
    wrong,
  };
}

/**
 * Train the model on the development half of the set, and for blame also on the training pairs; returns it with what
 * was measured on the way. Every choice (L2, gate, addition) is made on the development half's out-of-fold figures
 * alone: the pairs are fitted on, in folds of their own that keep a pair together, and reported apart.
 */
export function trainModel(
  set: EvalSet,
  training: TrainingSet,
): { model: LintModel; report: RuleTraining[] } {
  const dev: Labelled[] = set.sentences.filter((s) => halfOf(s.text) === 'dev');
  const fired = new Map(dev.map((s) => [s, rulesFiring(set, s, { model: false })]));
  const featuresOf = new Map(
    dev.map((s) => {
      const people = peopleOf(reportFor(set, s), DEFAULT_LINT_CONFIG.roster, DEFAULT_LINT_CONFIG.glossary);
      return [s, sentenceFeatures(maskProse(s.text), people)];
    }),
  );
  const fold = (text: string) =>
    (createHash('sha256').update(`hindsight-lint-model-fold:${text}`).digest()[0] as number) % FOLDS;
  const trainingPeople = peopleOf(
    trainingReportFor(training, ''),
    DEFAULT_LINT_CONFIG.roster,
    DEFAULT_LINT_CONFIG.glossary,
  );
  const trainingRows: Row[] = training.pairs.flatMap((pair) =>
    pair.sentences.map((s) => ({
      features: sentenceFeatures(maskProse(s.text), trainingPeople),
      label: s.blame ? 1 : 0,
      fired: lintSection(trainingReportFor(training, s.text), 'impact', { model: false }).some(
        (f) => f.ruleId === 'blame' && f.path.join('.') === 'impact.operational',
      ),
      fold: fold(`pair:${pair.id}`),
      pair: pair.id,
    })),
  );

  const rules: Record<string, RuleModel> = {};
  const report: RuleTraining[] = [];
  for (const ruleId of MODEL_RULES) {
    const rows: Row[] = dev
      .filter((s) => labelledFor(set, s).includes(ruleId))
      .map((s) => ({
        features: featuresOf.get(s) as string[],
        label: s.flag.includes(ruleId) ? 1 : 0,
        fired: (fired.get(s) as Set<string>).has(ruleId),
        fold: fold(s.text),
      }))
      .concat(ruleId === 'blame' ? trainingRows : []);
    // Regularisation: the strength whose out-of-fold predictions fit best.
    let best = { l2: L2_CHOICES[0] as number, loss: Infinity, p: [] as number[] };
    for (const l2 of L2_CHOICES) {
      const p = outOfFold(rows, l2);
      const loss = logLoss(rows, p);
      if (loss < best.loss - 1e-9) best = { l2, loss, p };
    }
    const p = best.p;
    // The gate: the highest that keeps GATE_KEEPS of the rule's right hits (out of fold).
    const rightHits = rows.flatMap((r, i) =>
      r.fired && r.label && r.pair === undefined ? [p[i] as number] : [],
    );
    let gate = 0;
    for (const t of ALLOWED[ruleId].gate ? GATES : [])
      if (rightHits.filter((q) => q >= t).length >= GATE_KEEPS * rightHits.length) gate = Math.max(gate, t);
    // The addition: judged on the sentences the rule leaves alone, where the out-of-fold probability is the only
    // honest evidence (the rules were tuned on this half, so their own hits here say nothing about text nobody
    // tuned to). The threshold that adds the most right findings while the added ones keep PRECISION; none if
    // every threshold falls short.
    let add = NEVER;
    let bestRight = 0;
    for (const t of ALLOWED[ruleId].add ? ADDS : []) {
      let right = 0;
      let wrong = 0;
      rows.forEach((r, i) => {
        if (r.fired || r.pair !== undefined || (p[i] as number) < t) return;
        if (r.label) right += 1;
        else wrong += 1;
      });
      if (right > bestRight && right / (right + wrong) >= PRECISION) {
        bestRight = right;
        add = t;
      }
    }
    const model = fit(rows, best.l2);
    rules[ruleId] = { ...model, gate, add };
    report.push({
      ruleId,
      l2: best.l2,
      gate,
      add,
      rule: figures(rows, (r) => r.fired),
      combined: figures(rows, (r, i) => (r.fired && (p[i] as number) >= gate) || (p[i] as number) >= add),
      logLoss: best.loss,
      additionsAt: ADDS.map((t) => {
        let right = 0;
        let wrong = 0;
        rows.forEach((r, i) => {
          if (r.fired || r.pair !== undefined || (p[i] as number) < t) return;
          if (r.label) right += 1;
          else wrong += 1;
        });
        return { threshold: t, right, wrong };
      }).find((a) => a.right > 0 && a.right / (a.right + a.wrong) >= 0.8),
      ...(ruleId === 'blame' ? { training: pairFigures(rows, p, add) } : {}),
    });
  }
  return {
    model: {
      about:
        'Written by scripts/train-lint-model.ts from the development half of src/lint/fixtures/eval/sentences.json and, for blame, the training pairs of src/lint/fixtures/train/blame-pairs.json (prose/train-model.ts); do not edit by hand.',
      rules,
    },
    report,
  };
}
