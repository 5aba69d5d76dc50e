// `npm run fuzz -- --runs 1000000 [--seed N] [--target substring]`: long fuzz runs of test/fuzz/targets.ts.
import fc from 'fast-check';
import { TARGETS } from './targets.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const runs = Number(opt('runs') ?? 10_000);
const seed = opt('seed') !== undefined ? Number(opt('seed')) : Date.now() % 2 ** 31;
const only = opt('target');
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('--runs takes a whole number of inputs per target\n');
  process.exit(2);
}

let findings = 0;
process.stdout.write(`seed ${seed}, ${runs} inputs per target\n`);
for (const t of TARGETS.filter((x) => !only || x.name.includes(only))) {
  const started = performance.now();
  const r = await fc.check(
    fc.asyncProperty(t.arbitrary, async (input) => {
      await t.run(input);
    }),
    { numRuns: runs, seed },
  );
  const s = ((performance.now() - started) / 1000).toFixed(1);
  if (r.failed) {
    findings += 1;
    process.stdout.write(
      `${t.name}: FINDING after ${r.numRuns} inputs (${s} s)\n${fc.defaultReportMessage(r)}\n`,
    );
  } else process.stdout.write(`${t.name}: ${r.numRuns} inputs, no findings, ${s} s\n`);
}
process.exit(findings > 0 ? 1 : 0);
