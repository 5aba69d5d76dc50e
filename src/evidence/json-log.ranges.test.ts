import { copyFileSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileEntry } from './files.js';
import { type ParallelOptions, RangeScreen, parallelWorth } from './json-log.ranges.js';
import { lineScreen } from './line-screen.wasm.js';
import { MAX_LINE_BYTES } from './lines.js';
import { extractEvidence } from './pipeline.js';
import { parseTimeValue } from './time.js';

const tmp = mkdtempSync(join(tmpdir(), 'hindsight-ranges-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const BASE = parseTimeValue('2024-03-01T14:00:00Z') as number;

/** A small deterministic random source, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A log with everything that meets a range boundary: epoch-ms lines, ISO times, a moved key, CRLF endings,
 * broken JSON, empty lines, lines without a time, 20 KB lines, lines over the limit that cover many ranges,
 * and (unless `terminated`) a last line without a newline.
 */
function messyLog(seed: number, count: number, terminated: boolean): string {
  const rnd = random(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const ms = BASE + i * 250;
    const r = rnd();
    let line: string;
    if (r < 0.6) line = `{"level":${rnd() < 0.9 ? 30 : 50},"time":${ms},"pid":7,"msg":"tick ${i}"}`;
    else if (r < 0.68) line = `{"level":30,"time":"${new Date(ms).toISOString()}","msg":"iso ${i}"}`;
    else if (r < 0.74) line = `{"msg":"moved ${i}","level":40,"time":${ms}}`;
    else if (r < 0.8) line = `{"level":30,"time":${ms},"msg":"crlf ${i}"}\r`;
    else if (r < 0.84) line = `{"level":30,"time":${ms},"msg":"broken ${i}"`;
    else if (r < 0.87) line = '';
    else if (r < 0.9) line = `{"level":30,"msg":"no time ${i}"}`;
    else if (r < 0.905)
      line = `{"level":30,"time":${ms},"msg":"wide ${i} ${'w'.repeat(20_000 + Math.floor(rnd() * 9000))}"}`;
    else if (r < 0.9065)
      line = `{"level":30,"time":${ms},"msg":"too long ${'x'.repeat(MAX_LINE_BYTES + 40_000)}"}`;
    else line = `{"level":30,"time":${ms},"msg":"tick ${i} ${'y'.repeat(Math.floor(rnd() * 300))}"}`;
    out.push(line);
  }
  return out.join('\n') + (terminated ? '\n' : '');
}

async function extract(path: string, parallel: ParallelOptions | false, from: number, to: number) {
  return extractEvidence([{ type: 'file', entry: fileEntry(path, path, { blocking: true }) }], {
    from,
    to,
    maxCandidates: 1_000_000,
    parallel,
  });
}

describe('two-thread screen of a large log', () => {
  it('gives exactly what one thread gives: candidates, line numbers, counts and messages', async () => {
    for (const [seed, terminated] of [
      [1, true],
      [2, false],
      [3, true],
    ] as const) {
      const path = join(tmp, `messy-${seed}.jsonl`);
      writeFileSync(path, messyLog(seed, 24_000, terminated));
      const from = BASE + 3000 * 250;
      const to = BASE + 21_000 * 250;
      const one = await extract(path, false, from, to);
      expect(one.candidates.length).toBeGreaterThan(10_000);
      expect(one.stats.warnings.some((w) => w.includes('longer than'))).toBe(true);
      for (const parallel of [
        { minBytes: 0, rangeBytes: 4096, slots: 2 },
        { minBytes: 0, rangeBytes: 5000, slots: 3 },
        { minBytes: 0, rangeBytes: 65_536 },
        { minBytes: 0, rangeBytes: 4096, worker: false },
        // Ranges larger than the line limit: overlong lines lie inside one range.
        { minBytes: 0, rangeBytes: 1024 * 1024, slots: 4 },
        { minBytes: 0, rangeBytes: 1024 * 1024, worker: false },
      ]) {
        const two = await extract(path, parallel, from, to);
        expect(two.candidates).toEqual(one.candidates);
        // Bytes read before the stop differ by how far each read ahead (a chunk, a range); all else is equal.
        expect({ ...two.stats, bytes: 0 }).toEqual({ ...one.stats, bytes: 0 });
      }
    }
  }, 180_000); // many whole-file reads: slow on a busy shared machine

  it('gives the same when the log is out of time order', async () => {
    const lines = messyLog(5, 20_000, true).split('\n');
    const rnd = random(9);
    // Whole blocks of lines swapped around.
    const blocks: string[][] = [];
    for (let i = 0; i < lines.length; i += 700) blocks.push(lines.slice(i, i + 700));
    for (let i = blocks.length - 1; i > 0; i -= 1) {
      const j = Math.floor(rnd() * (i + 1));
      [blocks[i], blocks[j]] = [blocks[j] as string[], blocks[i] as string[]];
    }
    const path = join(tmp, 'shuffled.jsonl');
    writeFileSync(path, blocks.flat().join('\n'));
    const from = BASE + 8000 * 250;
    const to = BASE + 12_000 * 250;
    const one = await extract(path, false, from, to);
    expect(one.candidates.length).toBeGreaterThan(2000);
    for (const parallel of [
      { minBytes: 0, rangeBytes: 4096, slots: 2 },
      { minBytes: 0, rangeBytes: 8192, worker: false },
    ]) {
      const two = await extract(path, parallel, from, to);
      expect(two.candidates).toEqual(one.candidates);
      expect(two.stats).toEqual(one.stats);
    }
  });

  it('stops at a NUL byte at the same offset, inside a line or inside a line that spans ranges', async () => {
    const lines = Array.from(
      { length: 40_000 },
      (_, i) => `{"level":30,"time":${BASE + i * 100},"msg":"t ${i}"}`,
    );
    const long = `{"level":30,"time":${BASE},"msg":"${'z'.repeat(MAX_LINE_BYTES + 30_000)}"}`;
    const window = { from: BASE + 29_000 * 100, to: BASE + 35_000 * 100 };
    const cases: Record<string, Buffer> = {
      // In an ordinary line far from the first chunk.
      plain: Buffer.concat([
        Buffer.from(`${lines.slice(0, 30_000).join('\n')}\n{"level":30,"time":${BASE},"msg":"cut`),
        Buffer.from([0]),
        Buffer.from(`"}\n${lines.slice(30_000).join('\n')}\n`),
      ]),
      // In a line over the limit, within the limit or beyond it: with ranges of a megabyte the line is one
      // range's own, with small ones it spans many.
      within: Buffer.concat([
        Buffer.from(`${lines.slice(0, 30_000).join('\n')}\n${long.slice(0, 100_000)}`),
        Buffer.from([0]),
        Buffer.from(`${long.slice(100_000)}\n${lines.slice(30_000).join('\n')}\n`),
      ]),
      beyond: Buffer.concat([
        Buffer.from(`${lines.slice(0, 30_000).join('\n')}\n${long.slice(0, MAX_LINE_BYTES + 10_000)}`),
        Buffer.from([0]),
        Buffer.from(`${long.slice(MAX_LINE_BYTES + 10_000)}\n${lines.slice(30_000).join('\n')}\n`),
      ]),
      // Deep inside an overlong line: the ranges that start inside it find the NUL before their first line.
      spanning: Buffer.concat([
        Buffer.from(`${lines.slice(0, 30_000).join('\n')}\n${long.slice(0, 200_000)}`),
        Buffer.from([0]),
        Buffer.from(`${long.slice(200_000)}\n${lines.slice(30_000).join('\n')}\n`),
      ]),
      // In the file's last line, which has no newline.
      tail: Buffer.concat([
        Buffer.from(
          `${lines.slice(0, 30_000).join('\n')}\n{"level":30,"time":${BASE + 30_000 * 100},"msg":"la`,
        ),
        Buffer.from([0]),
        Buffer.from('st"}'),
      ]),
    };
    // Near the start of an overlong line that crosses the end of a megabyte range holding more lines inside
    // the window than the range's list has room for: those lines still come first. Where the ranges start
    // depends on where the first chunks end, so the line is tried at ten places 100 KB apart.
    const fulls = Array.from({ length: 10 }, (_, k) => {
      const count = 40_000 + k * 2200;
      const head = Array.from({ length: count }, (_, i) => `{"level":30,"time":${BASE + i},"msg":"t ${i}"}`);
      return Buffer.concat([
        Buffer.from(`${head.join('\n')}\n${long.slice(0, 500)}`),
        Buffer.from([0]),
        Buffer.from(`${long.slice(500)}\n${lines.slice(0, 1000).join('\n')}\n`),
      ]);
    });
    for (const [name, bytes, from, to] of [
      ...Object.entries(cases).map(([n, b]) => [n, b, window.from, window.to] as const),
      ...fulls.map((b, k) => [`full-${k}`, b, BASE, BASE + 70_000] as const),
    ]) {
      const path = join(tmp, `nul-${name}.jsonl`);
      writeFileSync(path, bytes);
      const one = await extract(path, false, from, to);
      expect(one.stats.warnings.at(-1)).toBe(
        `${path}: binary content (NUL byte at offset ${bytes.indexOf(0)}); reading stopped there`,
      );
      expect(one.candidates.length).toBeGreaterThan(500);
      // Nothing after the NUL byte is read.
      const full = name.startsWith('full');
      expect(one.candidates.every((c) => Number(c.text.slice(2)) < (full ? 70_000 : 30_000))).toBe(true);
      // Every line before the one with the NUL byte is inside that window.
      if (full)
        expect(one.candidates).toHaveLength(
          bytes.subarray(0, bytes.indexOf(0)).toString('latin1').split('\n').length - 1,
        );
      for (const parallel of [
        { minBytes: 0, rangeBytes: 4096, slots: 2 },
        { minBytes: 0, rangeBytes: 4096, worker: false },
        { minBytes: 0, rangeBytes: 1024 * 1024, worker: false },
      ]) {
        const two = await extract(path, parallel, from, to);
        expect([name, JSON.stringify(parallel), two.candidates.length, two.stats.warnings]).toEqual([
          name,
          JSON.stringify(parallel),
          one.candidates.length,
          one.stats.warnings,
        ]);
        expect(two.candidates).toEqual(one.candidates);
        // Bytes read before the stop differ by how far each read ahead (a chunk, a range); all else is equal.
        expect({ ...two.stats, bytes: 0 }).toEqual({ ...one.stats, bytes: 0 });
      }
    }
  }, 180_000); // many whole-file reads: slow on a busy shared machine

  it('screens every range itself when the worker cannot (the file was removed under it)', async () => {
    const path = join(tmp, 'vanishing.jsonl');
    writeFileSync(path, messyLog(4, 8000, true));
    const copy = join(tmp, 'vanishing-copy.jsonl');
    copyFileSync(path, copy);
    const run = async (p: string, options: ParallelOptions, remove: boolean) => {
      const k = lineScreen(true)!;
      const key = Buffer.from('"time":');
      expect(k.configure(key, BASE + 1000 * 250, BASE + 6000 * 250)).toBe(true);
      const screen = new RangeScreen(k, p, 0, MAX_LINE_BYTES, key, 20, options);
      // The worker opens the file by its name once it has started, which is after this.
      if (remove) {
        unlinkSync(p);
        // Let it start and fail before the ranges are taken (else this thread may finish them all first).
        for (let waited = 0; !screen.workerFailed && waited < 20_000; waited += 20)
          await new Promise((r) => setTimeout(r, 20));
      }
      const seen: number[] = [];
      try {
        for (let r = 0; r < screen.plan.ranges; r += 1) {
          const res = screen.take(r, 20);
          seen.push(res.lines, res.listed, res.nul, res.prefixNul, res.lateNul, Number(res.overlong));
          screen.release(r);
        }
      } finally {
        screen.close();
      }
      return { seen, failed: screen.workerFailed };
    };
    const alone = await run(copy, { rangeBytes: 4096, worker: false }, false);
    const orphaned = await run(path, { rangeBytes: 4096, slots: 2 }, true);
    expect(orphaned.failed).toBe(true);
    expect(orphaned.seen).toEqual(alone.seen);
    expect(alone.seen.length).toBeGreaterThan(6 * 100);
  });

  it('shares the ranges with a worker that screens them in its own thread', async () => {
    const path = join(tmp, 'shared.jsonl');
    writeFileSync(path, messyLog(7, 30_000, true));
    const k = lineScreen(true)!;
    const key = Buffer.from('"time":');
    expect(k.configure(key, BASE, BASE + 1000)).toBe(true);
    const screen = new RangeScreen(k, path, 0, MAX_LINE_BYTES, key, 20, { rangeBytes: 4096, slots: 4 });
    try {
      // Let the worker start and screen ahead, then take every range: some were screened there, none failed.
      for (let waited = 0; screen.screenedByWorker === 0 && waited < 20_000; waited += 10)
        await new Promise((r) => setTimeout(r, 10));
      let lines = 0;
      for (let r = 0; r < screen.plan.ranges; r += 1) {
        lines += screen.take(r, 20).lines;
        screen.release(r);
      }
      expect(screen.workerFailed).toBe(false);
      expect(screen.screenedByWorker).toBeGreaterThan(0);
      expect(screen.screenedHere + screen.screenedByWorker).toBe(screen.plan.ranges);
      expect(lines).toBeGreaterThan(29_000);
    } finally {
      screen.close();
    }
  });

  it('is used for big files only, and not when turned off', () => {
    expect(parallelWorth(63 * 1024 * 1024, undefined)).toBe(false);
    expect(parallelWorth(64 * 1024 * 1024, false)).toBe(false);
    expect(parallelWorth(10, { minBytes: 0, worker: false })).toBe(true);
  });
});
