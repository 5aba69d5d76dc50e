// What `hindsight lint` says about real post-mortems: imports each report of the evaluation corpus with the
// installed CLI, lints the import, counts the findings per rule, and picks 30 findings at random with a fixed
// seed so that a person can judge them one by one. Needs `npm run build` first.
// Usage: node --import tsx bench/corpus-findings.ts [--sample 30] [--seed 11] [--json out.json]
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const corpus = join(root, 'src/lint/fixtures/eval/reports');
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? (process.argv[i + 1] ?? fallback) : fallback;
};
const sampleSize = Number(arg('--sample', '30'));
const seed = Number(arg('--seed', '11'));

interface Finding {
  ruleId: string;
  severity: string;
  message: string;
  line?: number;
}
const work = mkdtempSync(join(tmpdir(), 'hindsight-corpus-'));
const bin = join(root, 'bin/hindsight.js');
const all: (Finding & { file: string; text: string })[] = [];
const perRule = new Map<string, number>();
for (const name of readdirSync(corpus)
  .filter((f) => f.endsWith('.md') && f !== 'SOURCES.md')
  .sort()) {
  const out = join(work, name);
  execFileSync(process.execPath, [bin, 'import', join(corpus, name), '-o', out], { stdio: 'ignore' });
  const run = spawnSync(process.execPath, [bin, 'lint', '--format', 'json', out], { encoding: 'utf8' });
  const result = JSON.parse(run.stdout) as {
    files: { score: { overall: number } | null; findings: Finding[] }[];
  };
  const file = result.files[0];
  if (!file) continue;
  const lines = readFileSync(out, 'utf8').split('\n');
  console.log(`${name}: ${file.findings.length} findings, score ${file.score?.overall ?? '-'}`);
  for (const f of file.findings) {
    perRule.set(f.ruleId, (perRule.get(f.ruleId) ?? 0) + 1);
    all.push({ ...f, file: name, text: (lines[(f.line ?? 1) - 1] ?? '').trim().slice(0, 160) });
  }
}
console.log('\nfindings per rule:');
for (const [rule, n] of [...perRule].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])))
  console.log(`  ${rule.padEnd(26)} ${n}`);
console.log(`  ${'total'.padEnd(26)} ${all.length}`);

// mulberry32: a small seeded generator, so the same seed picks the same findings on every machine.
let state = seed >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pool = [...all];
const picked: typeof all = [];
while (picked.length < sampleSize && pool.length > 0)
  picked.push(...pool.splice(Math.floor(random() * pool.length), 1));
console.log(`\n${picked.length} findings picked with seed ${seed}:`);
picked.forEach((f, i) =>
  console.log(
    `${String(i + 1).padStart(2)}. [${f.ruleId}/${f.severity}] ${f.file}:${f.line ?? '?'} ${f.message}\n      line: ${f.text}`,
  ),
);
const jsonOut = arg('--json', '');
if (jsonOut)
  writeFileSync(jsonOut, JSON.stringify({ perRule: Object.fromEntries(perRule), picked }, null, 2));
