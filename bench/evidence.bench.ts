// Extracting a time window from a large JSON-lines log, measured against `wc -l` (the floor: reading the
// file and finding its lines) and `jq -c 'select(.level >= 50)'` (a JSON-aware filter) on the same file in the
// same run. The extraction runs in a child process so its peak RSS is its own. BENCH_EVIDENCE_MB sets the size.
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as EvidenceModule from '../src/evidence/index.js';

// The compiled library, as the CLI runs it (`npm run bench` builds first).
const { extractEvidence, fileEntry } = (await import(
  new URL('../dist/evidence/index.js', import.meta.url).href
)) as typeof EvidenceModule;

const START = Date.parse('2024-03-01T00:00:00Z');
const STEP_MS = 11; // ~7.8 million lines a day: a 1 GB file covers about a day
const WINDOW_MS = 5 * 60_000;

async function child(file: string, from: number): Promise<void> {
  const t0 = performance.now();
  const { candidates, stats } = await extractEvidence(
    [{ type: 'file', entry: fileEntry(file, file, { blocking: true }) }],
    {
      from,
      to: from + WINDOW_MS,
      maxCandidates: 1_000_000,
    },
  );
  const ms = performance.now() - t0;
  process.stdout.write(
    JSON.stringify({
      ms,
      candidates: candidates.length,
      records: stats.records,
      filtered: stats.filtered,
      maxRssKb: process.resourceUsage().maxRSS,
    }),
  );
}

async function generate(file: string, bytes: number): Promise<number> {
  const out = createWriteStream(file);
  const levels = [30, 30, 30, 30, 30, 30, 40, 50, 30, 60];
  let written = 0;
  let i = 0;
  let t = START;
  while (written < bytes) {
    let chunk = '';
    for (let k = 0; k < 2000; k += 1) {
      i += 1;
      t += STEP_MS;
      chunk += `{"level":${levels[i % 10]},"time":${t},"pid":${4000 + (i % 7)},"hostname":"web-${i % 5}","req":{"id":"r${i}","method":"GET","url":"/api/items/${i % 997}"},"msg":"request completed in ${i % 300} ms"}\n`;
    }
    written += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(r));
  return i;
}

function timed(cmd: string, args: string[]): { ms: number; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'], maxBuffer: 1 << 20 });
  return { ms: performance.now() - t0, status: r.status };
}

async function main(): Promise<void> {
  const mb = Number(process.env.BENCH_EVIDENCE_MB ?? 1024);
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-evidence-bench-'));
  const file = join(dir, 'app.jsonl');
  try {
    const lines = await generate(file, mb * 1024 * 1024);
    const size = statSync(file).size;
    const from = START + Math.floor((lines * STEP_MS) / 2); // a window in the middle of the file
    process.stdout.write(
      `file: ${(size / 1048576).toFixed(0)} MB, ${lines} pino lines; window: 5 minutes in the middle\n`,
    );
    // Warm the page cache so every contender reads from memory.
    timed('wc', ['-l', file]);
    const wc = Math.min(...[0, 1, 2].map(() => timed('wc', ['-l', file]).ms));
    const runs: { ms: number; candidates: number; maxRssKb: number; wallMs: number }[] = [];
    for (let k = 0; k < 3; k += 1) {
      const t0 = performance.now();
      const r = spawnSync(
        process.execPath,
        ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', file, String(from)],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      const wallMs = performance.now() - t0;
      if (r.status !== 0) throw new Error(`extraction failed: ${r.stderr}`);
      runs.push({
        ...(JSON.parse(r.stdout) as { ms: number; candidates: number; maxRssKb: number }),
        wallMs,
      });
    }
    const best = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
    const peakMb = Math.max(...runs.map((r) => r.maxRssKb)) / 1024;
    let jqMs: number | undefined;
    const jqCheck = spawnSync('jq', ['--version'], { encoding: 'utf8' });
    if (jqCheck.status === 0) jqMs = timed('jq', ['-c', 'select(.level >= 50)', file]).ms;
    const speed = (ms: number) => size / 1048576 / (ms / 1000);
    process.stdout.write(
      `wc -l:              ${wc.toFixed(0)} ms (${speed(wc).toFixed(0)} MB/s), best of 3\n`,
    );
    process.stdout.write(
      `evidence window:    ${best.ms.toFixed(0)} ms (${speed(best.ms).toFixed(0)} MB/s), best of 3, ${best.candidates} candidates; ` +
        `whole child process incl. Node start ${best.wallMs.toFixed(0)} ms\n`,
    );
    if (jqMs !== undefined)
      process.stdout.write(`jq select(.level>=50): ${jqMs.toFixed(0)} ms (${speed(jqMs).toFixed(0)} MB/s)\n`);
    else process.stdout.write('jq: not installed (apt-get install -y jq), ratio skipped\n');
    const vsWc = wc / best.ms;
    const vsWcWall = wc / best.wallMs;
    process.stdout.write(
      `speed vs wc -l:     ${(vsWc * 100).toFixed(0)}% (target ≥ 50%); with Node start-up ${(vsWcWall * 100).toFixed(0)}%\n`,
    );
    if (jqMs !== undefined)
      process.stdout.write(`speed vs jq:        ${(jqMs / best.ms).toFixed(1)}× (target ≥ 3×)\n`);
    process.stdout.write(`peak RSS:           ${peakMb.toFixed(0)} MB (target ≤ 200 MB)\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') await child(process.argv[3] as string, Number(process.argv[4]));
else await main();
