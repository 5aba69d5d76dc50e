// Trains the prose model (src/lint/prose/model.ts) on the development half of the evaluation set (and, for blame, the
// training pairs of src/lint/fixtures/train/blame-pairs.json) and writes src/lint/prose/lint-model.json; prints the
// out-of-fold figures on the development half that chose its thresholds, and those on the training pairs apart.
// Deterministic: a test (src/lint/prose/model.test.ts) checks the committed file equals a fresh run.
// Usage: node --import tsx scripts/train-lint-model.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { loadEvalSet, loadTrainingSet } from '../src/lint/prose/eval-set.js';
import { trainModel } from '../src/lint/prose/train-model.js';

const file = new URL('../src/lint/prose/lint-model.json', import.meta.url);
const { model, report } = trainModel(loadEvalSet(), loadTrainingSet());
const text = `${JSON.stringify(model, null, 2)}\n`;
for (const r of report)
  console.log(
    `${r.ruleId.padEnd(13)} l2 ${r.l2}  gate ${r.gate}  add ${r.add === 2 ? 'never' : r.add}  ` +
      `dev out-of-fold: rule alone P ${r.rule.precision.toFixed(3)} R ${r.rule.recall.toFixed(3)}, ` +
      `with the model P ${r.combined.precision.toFixed(3)} R ${r.combined.recall.toFixed(3)}; ` +
      `model log loss ${r.logLoss.toFixed(4)}, additions at ≥ 0.8 precision: ${r.additionsAt ? `${r.additionsAt.right} right, ${r.additionsAt.wrong} wrong at ${r.additionsAt.threshold}` : 'none'}` +
      (r.training
        ? `\n${''.padEnd(13)} training pairs out of fold (${r.training.pairs}): log loss ${r.training.logLoss.toFixed(4)}, ` +
          `blame rated above its twin in ${(100 * r.training.ordered).toFixed(1)}%, ` +
          `additions at ${r.add === 2 ? 'never' : r.add}: ${r.training.right} right, ${r.training.wrong} wrong`
        : ''),
  );
if (process.argv.includes('--check')) {
  const same = readFileSync(file, 'utf8') === text;
  console.log(same ? 'lint-model.json is up to date' : 'lint-model.json differs from a fresh training run');
  process.exit(same ? 0 : 1);
}
writeFileSync(file, text);
console.log(
  `wrote ${file.pathname} (${Object.values(model.rules).reduce((n, r) => n + Object.keys(r.weights).length, 0)} weights)`,
);
