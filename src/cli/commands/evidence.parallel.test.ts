// A log large enough for the two-thread screen, read by the installed command (compiled code, as users run
// it) and checked against one thread reading it in this process.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { extractEvidence, fileEntry } from '../../evidence/index.js';
import type * as Ranges from '../../evidence/json-log.ranges.js';
import type * as Kernel from '../../evidence/line-screen.wasm.js';

const bin = join(process.cwd(), 'bin', 'hindsight.js');
const dir = mkdtempSync(join(tmpdir(), 'hindsight-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hindsight evidence on a log over 64 MB', () => {
  const start = Date.parse('2024-03-01T00:00:00Z');
  const lines: string[] = [];
  for (let i = 0; i < 400_000; i += 1) {
    const t = start + i * 10;
    lines.push(
      i % 997 === 500
        ? `{"level":50,"time":${t},"msg":"broken ${i}"`
        : i % 13 === 0
          ? `{"level":40,"time":${t},"msg":"crlf ${i}","pad":"${'y'.repeat(i % 200)}"}\r`
          : `{"level":30,"time":${t},"msg":"request ${i} served","pad":"${'x'.repeat(100 + (i % 150))}"}`,
    );
  }
  const file = join(dir, 'big.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);

  it('prints what one thread reading every line finds', async () => {
    const from = '2024-03-01T00:30:00Z';
    const to = '2024-03-01T00:33:00Z';
    // Every line read (no seek to the window), so that the two threads screen the whole file.
    const run = spawnSync(
      process.execPath,
      [bin, 'evidence', file, '--from', from, '--to', to, '--json', '--no-seek'],
      { encoding: 'utf8', maxBuffer: 256 << 20 },
    );
    expect(run.status, run.stderr).toBe(0);
    const printed = JSON.parse(run.stdout) as { candidates: unknown[]; stats: Record<string, unknown> };
    const one = await extractEvidence([{ type: 'file', entry: fileEntry(file, file, { blocking: true }) }], {
      from: Date.parse(from),
      to: Date.parse(to),
      parallel: false,
      seek: false,
    });
    expect(printed.stats.bytes).toBeGreaterThan(64 * 1024 * 1024);
    expect(printed.candidates.length).toBeGreaterThan(17_000);
    expect(printed.candidates).toEqual(one.candidates.map(({ ms: _ms, ...c }) => c));
    expect(printed.stats).toEqual(one.stats);
  });

  it('finds the same by seeking to the window, reading a fraction of the file', async () => {
    const from = '2024-03-01T00:30:00Z';
    const to = '2024-03-01T00:33:00Z';
    const run = spawnSync(process.execPath, [bin, 'evidence', file, '--from', from, '--to', to, '--json'], {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    });
    expect(run.status, run.stderr).toBe(0);
    type Printed = { link: string; excerpt: string; at: string };
    const printed = JSON.parse(run.stdout) as { candidates: Printed[]; stats: Record<string, number> };
    const whole = await extractEvidence(
      [{ type: 'file', entry: fileEntry(file, file, { blocking: true }) }],
      {
        from: Date.parse(from),
        to: Date.parse(to),
        seek: false,
      },
    );
    // The window and five minutes on each side: 13 of the log's 66 minutes.
    expect(printed.stats.bytes).toBeLessThan(whole.stats.bytes / 4);
    const bag = (cs: { link?: string; ms?: number }[]) =>
      cs.map(({ link: _l, ms: _m, ...c }) => JSON.stringify(c)).sort();
    expect(bag(printed.candidates)).toEqual(bag(whole.candidates));
    expect(printed.candidates[0]?.link).toMatch(/big\.jsonl#byte=\d+$/);
    expect(printed.stats.skipped).toBe(whole.stats.skipped);
  });

  it('has a worker that runs from the compiled code', async () => {
    // The worker is its own module (json-log.worker.js), started by URL: check it beside the compiled code.
    const dist = (p: string) => pathToFileURL(join(process.cwd(), 'dist', 'evidence', p)).href;
    const { RangeScreen } = (await import(dist('json-log.ranges.js'))) as typeof Ranges;
    const { lineScreen } = (await import(dist('line-screen.wasm.js'))) as typeof Kernel;
    const k = lineScreen(true)!;
    const key = Buffer.from('"time":');
    expect(k.configure(key, start, start + 1000)).toBe(true);
    const screen = new RangeScreen(k, file, 0, 256 * 1024, key, 20);
    try {
      for (let waited = 0; screen.screenedByWorker === 0 && waited < 20_000; waited += 10)
        await new Promise((r) => setTimeout(r, 10));
      let counted = 0;
      for (let r = 0; r < screen.plan.ranges; r += 1) {
        counted += screen.take(r, 20).lines;
        screen.release(r);
      }
      expect(counted).toBe(lines.length);
      expect(screen.workerFailed).toBe(false);
      expect(screen.screenedByWorker).toBeGreaterThan(0);
      expect(screen.screenedHere + screen.screenedByWorker).toBe(screen.plan.ranges);
    } finally {
      screen.close();
    }
  });
});
