// The CLI the way users meet it: each command timed as a whole process (Node's start-up included), against
// `node -e 0`, `wc -l` and `jq` on the same files in the same run. The logs are generated once and kept in
// bench/.cache: a JSON-lines (pino) log of BENCH_LOG_MB (default 1024) and a text log of half that size.
// jq is Debian's (apt-get install -y jq); without it its row is skipped.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE } from './dataset.js';
import { BIN, ROOT, failed, header, row } from './harness.js';

const MB = Number(process.env.BENCH_LOG_MB ?? 1024);
const START = Date.parse('2024-03-01T00:00:00Z');
const STEP_MS = 11; // ~7.8 million lines a day: 1 GB of pino lines covers about a day

/** Write `bytes` of log lines made by `line(i, t)` to `file`, once. */
async function generate(file: string, bytes: number, line: (i: number, t: number) => string) {
  if (existsSync(file)) return;
  mkdirSync(CACHE, { recursive: true });
  const out = createWriteStream(`${file}.part`);
  let written = 0;
  let i = 0;
  while (written < bytes) {
    let chunk = '';
    for (let k = 0; k < 2000; k += 1) {
      i += 1;
      chunk += line(i, START + i * STEP_MS);
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(r));
  renameSync(`${file}.part`, file);
}

const LEVELS = [30, 30, 30, 30, 30, 30, 40, 50, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 60];
const WORDS = ['INFO', 'INFO', 'INFO', 'WARN', 'INFO', 'INFO', 'ERROR', 'INFO', 'DEBUG', 'INFO'];
const pino = (i: number, t: number) =>
  `{"level":${LEVELS[i % 20]},"time":${t},"pid":${4000 + (i % 7)},"hostname":"web-${i % 5}","req":{"id":"r${i}","method":"GET","url":"/api/items/${i % 997}"},"msg":"request completed in ${i % 300} ms"}\n`;
const text = (i: number, t: number) =>
  `${new Date(t).toISOString()} ${WORDS[i % 10]} [worker-${i % 4}] GET /api/items/${i % 997} answered 200 in ${i % 300} ms for r${i}\n`;

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
const hs = (...args: string[]) => best(3, () => run(process.execPath, [BIN, ...args]));

const jsonLog = join(CACHE, `app-${MB}mb.jsonl`);
const textLog = join(CACHE, `app-${MB / 2}mb.log`);
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

// Start-up: what every command pays before doing anything.
const node0 = best(5, () => run(process.execPath, ['-e', '0']));
row('node -e 0', `${node0.ms.toFixed(0)} ms`);
const version = hs('--version');
row(
  'hindsight --version',
  `${version.ms.toFixed(0)} ms`,
  '≤ 2× node -e 0',
  `${(version.ms / node0.ms).toFixed(1)}×`,
  version.ms <= 2 * node0.ms,
);
const sample = join(ROOT, 'src/lint/fixtures/good-report.md');
if (existsSync(sample)) {
  const validate = hs('validate', sample);
  row(
    'hindsight validate (one report)',
    `${validate.ms.toFixed(0)} ms`,
    '',
    `${(validate.ms / node0.ms).toFixed(1)}× node -e 0`,
  );
  const lint = hs('lint', sample);
  row(
    'hindsight lint (one report)',
    `${lint.ms.toFixed(0)} ms`,
    '',
    `${(lint.ms / node0.ms).toFixed(1)}× node -e 0`,
  );
}

// Evidence on the JSON-lines log. The page cache is warmed first so every contender reads from memory.
run('wc', ['-l', jsonLog]);
const wc = best(3, () => run('wc', ['-l', jsonLog]));
const mbps = (ms: number, bytes = size) => `${(bytes / 1048576 / (ms / 1000)).toFixed(0)} MB/s`;
row('wc -l, JSON-lines log', `${wc.ms.toFixed(0)} ms`, '', mbps(wc.ms));
const from = START + Math.floor((lines * STEP_MS) / 2);
const window = best(3, () =>
  run(process.execPath, [
    BIN,
    'evidence',
    jsonLog,
    '--from',
    iso(from),
    '--to',
    iso(from + 10 * 60_000),
    '--json',
  ]),
);
row(
  'evidence, 10-minute window',
  `${window.ms.toFixed(0)} ms`,
  '≤ 3× wc -l',
  `${(window.ms / wc.ms).toFixed(1)}× wc -l, ${window.rssMb.toFixed(0)} MB, cpu ${(window.cpuMs / wc.cpuMs).toFixed(1)}×`,
  window.ms <= 3 * wc.ms,
);
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

// Text log: a window over all of it, so every line is read and judged.
const textSize = statSync(textLog).size;
run('wc', ['-l', textLog]);
const twc = best(3, () => run('wc', ['-l', textLog]));
const textRun = run(process.execPath, [
  BIN,
  'evidence',
  textLog,
  '--format',
  'text',
  '--from',
  iso(START),
  '--to',
  iso(START + 3_600_000),
  '--json',
]);
row(
  'evidence, text log (1-hour window from the start)',
  mbps(textRun.ms, textSize),
  '≥ 200 MB/s',
  `wc -l ${mbps(twc.ms, textSize)}, ${textRun.rssMb.toFixed(0)} MB, cpu ${mbps(textRun.cpuMs, textSize)}`,
  textSize / 1048576 / (textRun.ms / 1000) >= 200,
);

process.stdout.write(`\n${failed()} figure(s) below goal\n`);
process.exitCode = failed() === 0 ? 0 : 1;
