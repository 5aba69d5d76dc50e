// The CLI the way users meet it: each command timed as a whole process (Node's start-up included), against
// `node -e 0`, `wc -l` and `jq` on the same files in the same run. The logs are generated once and kept in
// bench/.cache: a JSON-lines (pino) log of BENCH_LOG_MB (default 1024) and a text log of half that size.
// jq is Debian's (apt-get install -y jq); without it its row is skipped.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, failed, header, row } from './harness.js';

import { MB, START, STEP_MS, generate, jsonLog, pino, text, textLog } from './logs.js';

interface Run {
  ms: number;
  /** User plus system CPU time: steadier than wall time on a busy machine (but counts both threads). */
  cpuMs: number;
  rssMb: number;
  status: number | null;
}

/** Run a command as a whole process, output to /dev/null; wall time and peak RSS (GNU time). */
function run(cmd: string, args: string[]): Run {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const ms = performance.now() - t0;
  const lines = r.stderr.trim().split('\n');
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.slice(-500)}`);
  const [rss, user, sys] = (lines[lines.length - 1] ?? '').split(' ').map(Number);
  return { ms, cpuMs: ((user ?? 0) + (sys ?? 0)) * 1000, rssMb: (rss ?? 0) / 1024, status: r.status };
}

const best = (n: number, f: () => Run): Run => {
  const runs = Array.from({ length: n }, f);
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
};
const iso = (ms: number) => new Date(ms).toISOString();

const t0 = performance.now();
await generate(jsonLog, MB * 1048576, pino);
await generate(textLog, (MB / 2) * 1048576, text);
const genS = (performance.now() - t0) / 1000;
const size = statSync(jsonLog).size;
const lines = Math.round(size / pino(500_000, START).length);
const end = START + lines * STEP_MS;

header(
  `CLI as whole processes; logs of ${(size / 1048576).toFixed(0)} MB (JSON lines) and ${(statSync(textLog).size / 1048576).toFixed(0)} MB (text)`,
);
if (genS > 1) row('logs generated (once, kept in bench/.cache)', `${genS.toFixed(0)} s`);

// Start-up: what every command pays before doing anything. Judged on CPU time (user + system), steadier than
// wall time on a shared machine; each the least of five runs.
const leastCpu = (n: number, f: () => Run): Run => {
  const runs = Array.from({ length: n }, f);
  return runs.reduce((a, b) => (b.cpuMs < a.cpuMs ? b : a));
};
const node0 = leastCpu(5, () => run(process.execPath, ['-e', '0']));
row(
  'node -e 0',
  `${node0.cpuMs.toFixed(0)} ms cpu`,
  '',
  `${node0.ms.toFixed(0)} ms wall, ${node0.rssMb.toFixed(0)} MB`,
);
for (const flag of ['--version', '--help']) {
  const r = leastCpu(5, () => run(process.execPath, [BIN, flag]));
  row(
    `hindsight ${flag}`,
    `${r.cpuMs.toFixed(0)} ms cpu`,
    '≤ 3× node -e 0',
    `${(r.cpuMs / node0.cpuMs).toFixed(1)}×, ${r.ms.toFixed(0)} ms wall, ${r.rssMb.toFixed(0)} MB`,
    r.cpuMs <= 3 * node0.cpuMs,
  );
}
const sample = join(ROOT, 'src/lint/fixtures/good-report.md');
if (existsSync(sample)) {
  const kb = statSync(sample).size / 1024;
  const validate = leastCpu(5, () => run(process.execPath, [BIN, 'validate', sample]));
  row(
    `hindsight validate (a ${kb.toFixed(0)} KB report)`,
    `${validate.cpuMs.toFixed(0)} ms cpu`,
    '≤ 300 ms cpu',
    `${(validate.cpuMs / node0.cpuMs).toFixed(1)}× node -e 0, ${validate.ms.toFixed(0)} ms wall`,
    validate.cpuMs <= 300,
  );
  const lint = leastCpu(3, () => run(process.execPath, [BIN, 'lint', sample]));
  row(
    'hindsight lint (the same report)',
    `${lint.cpuMs.toFixed(0)} ms cpu`,
    '',
    `${(lint.cpuMs / node0.cpuMs).toFixed(1)}× node -e 0, ${lint.ms.toFixed(0)} ms wall`,
  );
}

// Evidence on the JSON-lines log. The page cache is warmed first so every contender reads from memory.
run('wc', ['-l', jsonLog]);
const wc = best(3, () => run('wc', ['-l', jsonLog]));
const mbps = (ms: number, bytes = size) => `${(bytes / 1048576 / (ms / 1000)).toFixed(0)} MB/s`;
row('wc -l, JSON-lines log', `${wc.ms.toFixed(0)} ms`, '', mbps(wc.ms));
const from = START + Math.floor((lines * STEP_MS) / 2);
const windowArgs = (bin: string) => [
  bin,
  'evidence',
  jsonLog,
  '--from',
  iso(from),
  '--to',
  iso(from + 10 * 60_000),
  '--json',
];
// BENCH_EVIDENCE_BIN: another build's bin/hindsight.js (say, main's) timed on the same window in the same run,
// its runs taking turns with this build's, each round beside a wc -l of its own: the ratios compare builds
// on a shared machine.
const other = process.env.BENCH_EVIDENCE_BIN;
const rounds = other ? 5 : 3;
const mine: Run[] = [];
const theirs: Run[] = [];
const wcs: Run[] = [];
for (let i = 0; i < rounds; i += 1) {
  wcs.push(run('wc', ['-l', jsonLog]));
  mine.push(run(process.execPath, windowArgs(BIN)));
  if (other) theirs.push(run(process.execPath, windowArgs(other)));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const windowRow = (label: string, runs: Run[], judged: boolean) => {
  const ms = median(runs.map((r) => r.ms));
  const ratio = median(runs.map((r, i) => r.ms / (wcs[i] as Run).ms));
  const cpu = median(runs.map((r, i) => r.cpuMs / (wcs[i] as Run).cpuMs));
  row(
    label,
    `${ms.toFixed(0)} ms`,
    judged ? '≤ 3× wc -l' : '',
    `${ratio.toFixed(1)}× wc -l, ${median(runs.map((r) => r.rssMb)).toFixed(0)} MB, cpu ${cpu.toFixed(1)}×`,
    judged ? ratio <= 3 : undefined,
  );
};
windowRow(`evidence, 10-minute window (median of ${rounds})`, mine, true);
if (other) windowRow('  the same, BENCH_EVIDENCE_BIN', theirs, false);
const whole = run(process.execPath, [
  BIN,
  'evidence',
  jsonLog,
  '--from',
  iso(START),
  '--to',
  iso(end + 60_000),
  '--min-level',
  'error',
  '--json',
]);
row(
  'evidence, whole file, --min-level error',
  `${whole.rssMb.toFixed(0)} MB RSS`,
  '≤ 200 MB',
  `${(whole.ms / 1000).toFixed(1)} s, ${(whole.ms / wc.ms).toFixed(1)}× wc -l`,
  whole.rssMb <= 200,
);
if (spawnSync('jq', ['--version']).status === 0) {
  const jq = run('jq', ['-c', 'select(.level >= 50)', jsonLog]);
  row(
    'jq -c select(.level >= 50), same file',
    `${jq.ms.toFixed(0)} ms`,
    '',
    `evidence whole file at ${(jq.ms / whole.ms).toFixed(1)}× jq's speed`,
  );
} else row('jq', 'not installed', '', 'apt-get install -y jq');

// Text log: a window over all of it, so every line is read and judged (no seek can skip any).
const textSize = statSync(textLog).size;
const textEnd = START + Math.round(textSize / text(500_000, START).length) * STEP_MS;
run('wc', ['-l', textLog]);
const twc = best(3, () => run('wc', ['-l', textLog]));
const textRun = best(2, () =>
  run(process.execPath, [
    BIN,
    'evidence',
    textLog,
    '--format',
    'text',
    '--from',
    iso(START),
    '--to',
    iso(textEnd + 3_600_000),
    '--json',
  ]),
);
row(
  'evidence, text log, whole file',
  mbps(textRun.ms, textSize),
  '≥ 200 MB/s',
  `wc -l ${mbps(twc.ms, textSize)}, ${textRun.rssMb.toFixed(0)} MB, cpu ${mbps(textRun.cpuMs, textSize)}`,
  textSize / 1048576 / (textRun.ms / 1000) >= 200,
);
const textFrom = START + Math.floor((textEnd - START) / 2);
const textWindow = best(3, () =>
  run(process.execPath, [
    BIN,
    'evidence',
    textLog,
    '--format',
    'text',
    '--from',
    iso(textFrom),
    '--to',
    iso(textFrom + 10 * 60_000),
    '--lookback',
    '0m',
    '--json',
  ]),
);
row(
  'evidence, text log, 10-minute window',
  `${textWindow.ms.toFixed(0)} ms`,
  '≤ 3× wc -l',
  `${(textWindow.ms / twc.ms).toFixed(1)}× wc -l, ${textWindow.rssMb.toFixed(0)} MB`,
  textWindow.ms <= 3 * twc.ms,
);

process.stdout.write(`\n${failed()} figure(s) below goal\n`);
process.exitCode = failed() === 0 ? 0 : 1;
