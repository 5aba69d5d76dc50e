// `hindsight evidence` on the 1 GB JSON-lines log (10-minute window), one layer at a time, in one process and
// the same run, so that each layer's cost (and the WebAssembly kernel's worth) is a number: reading the file
// alone, screening it with the kernel, with JavaScript alone, JSON.parse of the lines the kernel lists, the
// whole extraction to candidates (one thread, two threads, kernel off) and writing them as --json.
// Each row: wall time and CPU time (user + system, all threads of the process), best of BENCH_RUNS (default 3).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Evidence from '../src/evidence/index.js';
import type * as Screen from '../src/evidence/json-log.screen.js';
import type * as Kernel from '../src/evidence/line-screen.wasm.js';
import type * as EvidenceCommand from '../src/cli/commands/evidence.command.js';
import { spawnSync } from 'node:child_process';
import { ROOT, header, row } from './harness.js';
import { MB, START, STEP_MS, generate, jsonLog, pino } from './logs.js';

// The compiled code, as the CLI runs it.
const dist = async <T>(path: string) => (await import(pathToFileURL(join(ROOT, 'dist', path)).href)) as T;
const { extractEvidence, fileEntry } = await dist<typeof Evidence>('evidence/index.js');
const { lineScreen, LIST_CAP } = await dist<typeof Kernel>('evidence/line-screen.wasm.js');
const { screen, epochGate } = await dist<typeof Screen>('evidence/json-log.screen.js');
const { writeJson } = await dist<typeof EvidenceCommand>('cli/commands/evidence.command.js');

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
await generate(jsonLog, MB * 1048576, pino);
const size = statSync(jsonLog).size;
const lines = Math.round(size / pino(500_000, START).length);
const from = START + Math.floor((lines * STEP_MS) / 2);
const to = from + 10 * 60_000;
const key = Buffer.from('"time":');
const guess = pino(1, START).indexOf('"time":');

interface Timed {
  ms: number;
  cpuMs: number;
  result: number;
}

/** Best (by wall time) of RUNS runs of `f`, which returns a count to print (and to keep the work alive). */
async function timed(f: () => Promise<number> | number): Promise<Timed> {
  let best: Timed | undefined;
  for (let i = 0; i < RUNS; i += 1) {
    (globalThis as { gc?: () => void }).gc?.();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await f();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    const run = { ms, cpuMs: (c.user + c.system) / 1000, result };
    if (!best || run.ms < best.ms) best = run;
  }
  return best!;
}

/** The file's chunks, read the way the CLI reads a file on disk (blocking reads into `into`). */
const chunks = (into?: Uint8Array) =>
  fileEntry(jsonLog, jsonLog, { blocking: true }).open(into) as AsyncIterable<Buffer>;
/**
 * Where the chunk's first whole line starts: the layers below skip the line cut at each chunk's start (about
 * one line in a thousand; the reader joins them).
 */
const firstLine = (c: Buffer, n: number) => (n === 0 ? 0 : c.indexOf(10) + 1);

header(
  `evidence layer by layer; ${(size / 1048576).toFixed(0)} MB JSON-lines log, 10-minute window, best of ${RUNS}`,
);
spawnSync('wc', ['-l', jsonLog]);
const wc = await timed(() => {
  const r = spawnSync('wc', ['-l', jsonLog], { encoding: 'utf8' });
  return Number(r.stdout.trim().split(' ')[0]);
});
const show = (label: string, t: Timed, what: string) =>
  row(
    label,
    `${t.ms.toFixed(0)} ms`,
    '',
    `${(t.ms / wc.ms).toFixed(2)}× wc -l, cpu ${t.cpuMs.toFixed(0)} ms, ${what}`,
  );
row('wc -l (a process)', `${wc.ms.toFixed(0)} ms`, '', `${wc.result} lines`);

// 1. Reading alone, into the kernel's memory as the reader does.
const k = lineScreen(false)!;
const read = await timed(async () => {
  let bytes = 0;
  for await (const c of chunks(k.input)) bytes += c.length;
  return bytes;
});
show('1 read (blocking reads, one thread)', read, `${(read.result / 1048576).toFixed(0)} MB`);

// 2. The kernel's screen of every chunk: lines counted, the few that may be inside listed.
k.configure(key, from, to, 256 * 1024);
const kernel = await timed(async () => {
  let listed = 0;
  let chunk = 0;
  for await (const c of chunks(k.input)) {
    let at = c.byteOffset + firstLine(c, chunk++);
    const end = c.byteOffset + c.length;
    for (;;) {
      const n = k.screen(at, end, guess);
      listed += n;
      at = k.pos;
      if (n < LIST_CAP) break;
    }
  }
  return listed;
});
show('2 read + screen (WebAssembly kernel)', kernel, `${kernel.result} lines listed`);

// 2b. The same screen in JavaScript alone (what runs with the kernel off).
const js = await timed(async () => {
  let listed = 0;
  const state: Screen.ScanState = {
    lineNo: 0,
    guess,
    filtered: 0,
    key,
    lo: from,
    hi: to,
    zone: undefined,
    windowed: true,
    gate: epochGate(from, to),
  };
  let chunk = 0;
  for await (const c of chunks()) {
    screen(c, firstLine(c, chunk++), state, [], () => {
      listed += 1;
      return undefined;
    });
  }
  return listed;
});
show('2b read + screen (JavaScript alone)', js, `${js.result} lines passed`);

// 3. JSON.parse of the lines the kernel lists.
const parse = await timed(async () => {
  let parsed = 0;
  let chunk = 0;
  const mem = Buffer.from(k.memory);
  for await (const c of chunks(k.input)) {
    let at = c.byteOffset + firstLine(c, chunk++);
    const end = c.byteOffset + c.length;
    for (;;) {
      const n = k.screen(at, end, guess);
      for (let i = 0; i < n; i += 1) {
        const o = JSON.parse(mem.toString('utf8', k.list[i * 3]!, k.list[i * 3 + 1]!)) as object;
        if (o) parsed += 1;
      }
      at = k.pos;
      if (n < LIST_CAP) break;
    }
  }
  return parsed;
});
show('3 read + screen + JSON.parse', parse, `${parse.result} parsed`);

// 4. The whole extraction: candidates built, filtered, sorted and merged.
let candidates: Evidence.Candidate[] = [];
const extract = (options: Evidence.EvidenceOptions) => async () => {
  const r = await extractEvidence(
    [{ type: 'file', entry: fileEntry(jsonLog, jsonLog, { blocking: true }) }],
    {
      from,
      to,
      ...options,
    },
  );
  candidates = r.candidates;
  return r.candidates.length;
};
const one = await timed(extract({ parallel: false }));
show('4 candidates (one thread)', one, `${one.result} candidates`);
const off = await timed(extract({ kernel: false }));
show('4b candidates (kernel off: JavaScript screen)', off, `${off.result} candidates`);
const two = await timed(extract({}));
show('4c candidates (two threads, the default)', two, `${two.result} candidates`);

// 5. Writing them as `--json` does (to a sink that only counts).
const output = await timed(() => {
  let chars = 0;
  writeJson((s) => (chars += s.length), candidates, { stats: {}, inputs: [] });
  return chars;
});
show('5 output (--json text)', output, `${(output.result / 1048576).toFixed(0)} M characters`);
