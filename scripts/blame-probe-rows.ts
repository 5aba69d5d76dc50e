// Issue 11: what the blame probes (blame-embedding-probe.ts, blame-sentence-probe.ts) share — the blame-labelled
// sentences of one half with what the rule reads in them, the folds of train-model.ts, a logistic regression over
// dense parts and sparse words, and the count of what a model would add to the rule. Nothing here is used by the
// linter.
import { createHash } from 'node:crypto';
import { DEFAULT_LINT_CONFIG } from '../src/lint/config.js';
import { blameSignals, personClauses } from '../src/lint/prose/blame.rule.js';
import { halfOf, labelledFor, loadEvalSet, reportFor, rulesFiring } from '../src/lint/prose/eval-set.js';
import { maskProse } from '../src/lint/prose/mask.js';
import { sentenceFeatures } from '../src/lint/prose/model.js';
import { peopleOf } from '../src/lint/prose/people.js';

const SIGNALS = ['role', 'pronoun', 'fault', 'culprit', 'fault-thing', 'exonerated'];
export const FOLDS = 5;
const fold = (text: string) =>
  (createHash('sha256').update(`hindsight-lint-model-fold:${text}`).digest()[0] as number) % FOLDS;

export interface Row {
  /** The masked sentence, and each person's own clause (blame.rule.ts's personClauses). */
  text: string;
  clauses: string[];
  /** Dense feature parts by name; `signals` is blame's signals and whether a person is an agent. */
  dense: Record<string, number[]>;
  /** The words and word pairs of model.ts. */
  words: string[];
  label: number;
  fired: boolean;
  person: boolean;
  fold: number;
}

/** The blame-labelled sentences of one half, read as the rule reads them (the rule without the model). */
export function blameRows(half: 'dev' | 'held-out'): Row[] {
  const set = loadEvalSet();
  return set.sentences
    .filter((s) => halfOf(s.text) === half && labelledFor(set, s).includes('blame'))
    .map((s) => {
      const report = reportFor(set, s);
      const people = peopleOf(report, DEFAULT_LINT_CONFIG.roster, DEFAULT_LINT_CONFIG.glossary);
      const text = maskProse(s.text);
      const own = personClauses(text, { report, config: DEFAULT_LINT_CONFIG, people });
      const signals = blameSignals(text);
      return {
        text,
        clauses: own.map((p) => p.clause),
        dense: {
          signals: [...SIGNALS.map((g) => (signals.includes(g) ? 1 : 0)), own.length > 0 ? 1 : 0],
        },
        words: sentenceFeatures(text, people),
        label: s.flag.includes('blame') ? 1 : 0,
        fired: rulesFiring(set, s, { model: false }).has('blame'),
        person: own.length > 0,
        fold: fold(s.text),
      };
    });
}

/** L2-regularised logistic regression (full-batch gradient descent) on dense parts and, optionally, sparse words. */
export function fit(train: Row[], parts: string[], words: boolean, l2: number): (r: Row) => number {
  const dense = (r: Row) => parts.flatMap((p) => r.dense[p] ?? []);
  const P = train[0] ? dense(train[0]).length : 0;
  const counts = new Map<string, number>();
  if (words) for (const r of train) for (const f of r.words) counts.set(f, (counts.get(f) ?? 0) + 1);
  const index = new Map([...counts].filter(([, n]) => n >= 2).map(([f], i) => [f, i]));
  const X = train.map(dense);
  const S = train.map((r) => r.words.flatMap((f) => index.get(f) ?? []));
  const w = new Float64Array(P);
  const g = new Float64Array(P);
  const ws = new Float64Array(index.size);
  const gs = new Float64Array(index.size);
  let b = 0;
  for (let step = 0; step < 1500; step++) {
    g.fill(0);
    gs.fill(0);
    let gb = 0;
    train.forEach((r, i) => {
      const x = X[i] as number[];
      let z = b;
      for (let j = 0; j < P; j++) z += (w[j] as number) * (x[j] as number);
      for (const k of S[i] as number[]) z += ws[k] as number;
      const e = 1 / (1 + Math.exp(-z)) - r.label;
      gb += e;
      for (let j = 0; j < P; j++) g[j] = (g[j] as number) + e * (x[j] as number);
      for (const k of S[i] as number[]) gs[k] = (gs[k] as number) + e;
    });
    b -= (0.5 * gb) / train.length;
    for (let j = 0; j < P; j++)
      w[j] = (w[j] as number) - 0.5 * ((g[j] as number) / train.length + l2 * (w[j] as number));
    for (let k = 0; k < ws.length; k++)
      ws[k] = (ws[k] as number) - 0.5 * ((gs[k] as number) / train.length + l2 * (ws[k] as number));
  }
  return (r: Row) => {
    const x = dense(r);
    let z = b;
    for (let j = 0; j < P; j++) z += (w[j] as number) * (x[j] as number);
    for (const f of r.words) z += ws[index.get(f) ?? -1] ?? 0;
    return 1 / (1 + Math.exp(-z));
  };
}

/** Each row's probability from a model trained on the other folds, and the out-of-fold log loss. */
export function outOfFold(
  rows: Row[],
  parts: string[],
  words: boolean,
  l2: number,
): { p: number[]; loss: number } {
  const p = new Array<number>(rows.length).fill(0);
  for (let k = 0; k < FOLDS; k++) {
    const model = fit(
      rows.filter((r) => r.fold !== k),
      parts,
      words,
      l2,
    );
    rows.forEach((r, i) => {
      if (r.fold === k) p[i] = model(r);
    });
  }
  const loss =
    rows.reduce((s, r, i) => {
      const q = Math.min(1 - 1e-9, Math.max(1e-9, p[i] as number));
      return s - (r.label ? Math.log(q) : Math.log(1 - q));
    }, 0) / rows.length;
  return { p, loss };
}

export const THRESHOLDS = [0.5, 0.6, 0.7, 0.8, 0.9];

/** What the model adds at a threshold: sentences with a person as agent that the rule leaves alone, right / wrong. */
export function additions(rows: Row[], p: number[], t: number): { right: number; wrong: number } {
  let right = 0;
  let wrong = 0;
  rows.forEach((r, i) => {
    if (!r.person || r.fired || (p[i] as number) < t) return;
    if (r.label) right += 1;
    else wrong += 1;
  });
  return { right, wrong };
}

/** The rule's own counts on the rows: right, wrong, missed (and missed with a person as agent). */
export function ruleCounts(rows: Row[]): {
  right: number;
  wrong: number;
  missed: number;
  missedPerson: number;
} {
  return {
    right: rows.filter((r) => r.fired && r.label).length,
    wrong: rows.filter((r) => r.fired && !r.label).length,
    missed: rows.filter((r) => !r.fired && r.label).length,
    missedPerson: rows.filter((r) => !r.fired && r.label && r.person).length,
  };
}
