// What one quality score costs (issue 17: the server scores every report in the background). Each way runs in a
// fresh process, so no cache of the other warms it: the editor's way, lintReport then scoreReport (spelling
// suggestions included), and qualityScore, the background scorer's (no suggestions: a score never shows them). On
// the 7 reports of the evaluation corpus (real post-mortems, imported) and on generated bench reports (made-up
// words, as bench/dataset.ts stores 100,000 of), each report timed the first time (cold: its words new to the
// process; the dictionaries loaded before) and again (warm), in CPU milliseconds (steadier than wall time on a busy
// machine). The two ways must give the same scores.
// BENCH_SCORE_REPORTS sets how many generated reports (default 10).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reportSchema, type Report } from '../src/domain/index.js';
import { lintReport, qualityScore, scoreReport, warmUpProse } from '../src/lint/index.js';
import { importForeignMarkdown } from '../src/markdown/import/foreign.import.js';
import { header, row } from './harness.js';
import { generateReport, prng, vocabulary } from './report.generator.js';

const WAYS = ['lint + score', 'qualityScore'] as const;
type Way = (typeof WAYS)[number];
interface Run {
  scores: number[];
  cold: number[];
  warm: number[];
}

const dir = fileURLToPath(new URL('../src/lint/fixtures/eval/reports', import.meta.url));
const corpus = (): Report[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.md') && f !== 'SOURCES.md')
    .sort()
    .map((f) => importForeignMarkdown(readFileSync(join(dir, f), 'utf8')).report as Report);
const generated = (n: number): Report[] => {
  const vocab = vocabulary();
  const rnd = prng(42);
  return Array.from({ length: n }, (_, i) =>
    reportSchema.parse({ ...generateReport(i, vocab, rnd), state: 'draft' }),
  );
};
const N = Number(process.env.BENCH_SCORE_REPORTS ?? 10);

function measure(way: Way, set: 'corpus' | 'generated'): Run {
  const reports = set === 'corpus' ? corpus() : generated(N);
  const score = way === 'qualityScore' ? qualityScore : (r: Report) => scoreReport(r, lintReport(r)).overall;
  warmUpProse();
  const run: Run = { scores: [], cold: [], warm: [] };
  for (const pass of ['cold', 'warm'] as const) {
    for (const r of reports) {
      const c = process.cpuUsage();
      const s = score(r);
      const used = process.cpuUsage(c);
      run[pass].push((used.user + used.system) / 1000);
      if (pass === 'cold') run.scores.push(s);
    }
  }
  return run;
}

const child = process.argv[2];
if (child) {
  const [way, set] = JSON.parse(child) as [Way, 'corpus' | 'generated'];
  process.stdout.write(JSON.stringify(measure(way, set)));
} else {
  header(
    'Quality score per report: the editor way (with spelling suggestions) and the background scorer way',
  );
  const self = fileURLToPath(import.meta.url);
  const stat = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    return `mean ${mean.toFixed(0)}, max ${s[s.length - 1]!.toFixed(0)} CPU ms`;
  };
  let same = true;
  for (const set of ['corpus', 'generated'] as const) {
    const runs = new Map<Way, Run>();
    for (const way of WAYS) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', self, JSON.stringify([way, set])], {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      if (r.status !== 0) throw new Error(r.stderr);
      runs.set(way, JSON.parse(r.stdout) as Run);
    }
    const base = runs.get('lint + score')!;
    const fast = runs.get('qualityScore')!;
    const label = set === 'corpus' ? `corpus (${base.cold.length} reports)` : `generated (${N} reports)`;
    for (const pass of ['cold', 'warm'] as const)
      row(`${label}, ${pass}: qualityScore`, stat(fast[pass]), '', `lint + score: ${stat(base[pass])}`);
    const equal = base.scores.every((s, i) => s === fast.scores[i]);
    same &&= equal;
    row(`${label}: same scores both ways`, equal ? 'yes' : 'no', 'yes', '', equal);
  }
  if (!same) process.exitCode = 1;
}
