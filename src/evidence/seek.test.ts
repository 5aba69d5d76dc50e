import { mkdtempSync, openSync, readSync, closeSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Candidate } from './candidate.js';
import { fileEntry } from './files.js';
import { extractEvidence } from './pipeline.js';
import { SEEK_SLACK_MS, planSeek } from './seek.js';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-seek-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2024, 2, 1);
const STEP = 1000; // a line a second: a file of 20,000 lines covers five and a half hours
const LINES = 20_000;

type Format = 'json-log' | 'text';
const LEVELS = ['INFO', 'INFO', 'WARN', 'ERROR', 'INFO'];
const PINO = [30, 30, 40, 50, 30];

function line(format: Format, i: number, t: number): string {
  if (format === 'json-log')
    return `{"level":${PINO[i % 5]},"time":${t},"hostname":"web-${i % 3}","msg":"request ${i} answered in ${i % 300} ms"}`;
  return `${new Date(t).toISOString()} ${LEVELS[i % 5]} [worker-${i % 4}] request ${i} answered in ${i % 300} ms`;
}

let files = 0;
function write(lines: string[], eol = '\n'): string {
  const path = join(dir, `log-${(files += 1)}.log`);
  writeFileSync(path, `${lines.join(eol)}${eol}`);
  return path;
}

const ordered = (format: Format, n = LINES, at = (i: number) => T0 + i * STEP) =>
  Array.from({ length: n }, (_, i) => line(format, i, at(i)));

async function read(path: string, format: Format, from: number, to: number, seek: boolean) {
  return extractEvidence([{ type: 'file', entry: fileEntry(path, path, { blocking: true }) }], {
    format,
    from,
    to,
    lookbackMs: 0,
    maxCandidates: 1_000_000,
    seek: seek ? { minBytes: 0 } : false,
  });
}

/** A candidate without where it was found (a line number when read whole, a byte offset after a seek). */
const what = (c: Candidate) => ({ ...c, link: undefined, alsoIn: undefined });

/** The line at a `#byte=` link, read from the file. */
function lineAt(path: string, link: string): string {
  const offset = Number(/#byte=(\d+)$/.exec(link)?.[1]);
  const buf = Buffer.alloc(400 * 1024);
  const fd = openSync(path, 'r');
  const n = readSync(fd, buf, 0, buf.length, offset);
  closeSync(fd);
  const text = buf.toString('utf8', 0, n);
  return text.slice(0, text.indexOf('\n')).replace(/\r$/, '');
}

/** Reads the file with and without seeking; the same candidates, and the seek read fewer lines. */
async function same(path: string, format: Format, from: number, to: number) {
  const whole = await read(path, format, from, to, false);
  const sought = await read(path, format, from, to, true);
  // (Candidates of the same instant are ordered by their links, which differ: compare them as sets.)
  const bag = (cs: Candidate[]) => cs.map((c) => JSON.stringify(what(c))).sort();
  expect(bag(sought.candidates)).toEqual(bag(whole.candidates));
  return { whole, sought };
}

for (const format of ['json-log', 'text'] as const) {
  // Lines read: the JSON-lines reader counts lines, the text reader records (every line here has a stamp).
  const readCount = (r: { stats: { lines: number; records: number } }) =>
    format === 'json-log' ? r.stats.lines : r.stats.records;
  describe(`seeking to the window of a time-ordered ${format} log`, () => {
    it('reads only the window (and its margin) and finds what reading every line finds', async () => {
      const path = write(ordered(format));
      const from = T0 + 10_000 * STEP;
      const { whole, sought } = await same(path, format, from, from + 10 * 60_000);
      expect(sought.candidates.length).toBe(601);
      // The window with its margin on both sides, give or take a block of the bisection.
      expect(readCount(sought)).toBeLessThan(LINES / 4);
      expect(readCount(whole)).toBe(LINES);
      // Lines are named by their byte offset, which is where the line starts.
      for (const c of sought.candidates.slice(0, 50)) {
        expect(c.link).toMatch(new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#byte=\\d+$`));
        expect(lineAt(path, c.link)).toBe(c.excerpt);
      }
    });

    it('finds a window at the start and at the end of the file, and nothing past it', async () => {
      const path = write(ordered(format));
      await same(path, format, T0 - 3600_000, T0 + 60_000);
      const end = T0 + (LINES - 1) * STEP;
      const { sought } = await same(path, format, end - 60_000, end + 3600_000);
      expect(sought.candidates.length).toBe(61);
      const after = await same(path, format, end + 3600_000, end + 7200_000);
      expect(after.sought.candidates).toEqual([]);
      expect(readCount(after.sought)).toBeLessThan(LINES / 10);
    });

    it('reads every line of a log that is not in time order', async () => {
      // Two halves written in the wrong order (a rotated log put back together the wrong way).
      const all = ordered(format);
      const path = write([...all.slice(LINES / 2), ...all.slice(0, LINES / 2)]);
      const from = T0 + 3000 * STEP;
      const { sought } = await same(path, format, from, from + 10 * 60_000);
      expect(readCount(sought)).toBe(LINES);
      expect(sought.candidates[0]?.link).toMatch(/:\d+$/);
    });

    it('reads the rest of the file when a line inside the window breaks the order', async () => {
      const lines = ordered(format);
      // Inside the window, a line stamped two hours later and one stamped well before the window.
      lines[10_100] = line(format, 10_100, T0 + 17_200 * STEP);
      lines[10_101] = line(format, 10_101, T0 + 10_000 * STEP - SEEK_SLACK_MS * 3);
      // And one of the window's time among lines an hour earlier: found only because the rest is read.
      lines[6_000] = line(format, 6_000, T0 + 10_300 * STEP);
      const path = write(lines);
      const from = T0 + 10_000 * STEP;
      const { sought } = await same(path, format, from, from + 10 * 60_000);
      expect(readCount(sought)).toBe(LINES);
      expect(sought.candidates.some((c) => c.text.includes('request 6000 '))).toBe(true);
    });

    it('counts malformed lines in the part it reads and still finds the window', async () => {
      const lines = ordered(format);
      for (let i = 5; i < LINES; i += 97) lines[i] = i % 2 ? 'garbage without a time {' : '';
      const path = write(lines);
      const from = T0 + 12_000 * STEP;
      const { sought } = await same(path, format, from, from + 10 * 60_000);
      expect(sought.candidates.length).toBeGreaterThan(500);
      if (format === 'json-log') expect(sought.stats.skipped).toBeGreaterThan(0);
      if (format === 'json-log')
        expect(sought.stats.warnings.some((w) => /#byte=\d+: not valid JSON/.test(w))).toBe(true);
    });

    it('reads CRLF line endings the same way', async () => {
      const path = write(ordered(format), '\r\n');
      const from = T0 + 4000 * STEP;
      const { sought } = await same(path, format, from, from + 5 * 60_000);
      expect(sought.candidates.length).toBe(301);
      expect(sought.candidates.every((c) => !c.excerpt?.includes('\r'))).toBe(true);
      expect(lineAt(path, sought.candidates[7]!.link)).toBe(sought.candidates[7]!.excerpt);
    });

    it('reads lines longer than its blocks and chunks, and names a line over the limit by its offset', async () => {
      const lines = ordered(format);
      const pad = (i: number, n: number) =>
        format === 'json-log'
          ? `{"level":30,"time":${T0 + i * STEP},"msg":"long ${i} ${'x'.repeat(n)}"}`
          : `${new Date(T0 + i * STEP).toISOString()} INFO long ${i} ${'x'.repeat(n)}`;
      // Lines longer than a probe's block (64 KB) all over the file, two over a megabyte of chunk together,
      // and one over the 256 KB limit inside the window.
      for (let i = 0; i < LINES; i += 400) lines[i] = pad(i, 100 * 1024);
      lines[10_050] = pad(10_050, 300 * 1024);
      const path = write(lines);
      const from = T0 + 10_000 * STEP;
      const { sought } = await same(path, format, from, from + 10 * 60_000);
      expect(sought.candidates.filter((c) => c.text.startsWith('long ')).length).toBe(2);
      expect(sought.stats.warnings.some((w) => /#byte=\d+: line is (too long|longer than)/.test(w))).toBe(
        true,
      );
    });
  });
}

describe('planSeek', () => {
  it('leaves small files, windows over most of the file and files without times alone', () => {
    const path = write(ordered('text'));
    const time = () => undefined;
    expect(planSeek(path, 1000, 0, 1, time)).toBeUndefined();
    const stamp = (buf: Buffer, s: number) => Date.parse(buf.toString('latin1', s, s + 24));
    const size = Buffer.byteLength(`${ordered('text').join('\n')}\n`);
    expect(planSeek(path, size, T0, T0 + LINES * STEP, stamp, 0)).toBeUndefined();
    expect(planSeek(path, size, T0, T0 + 60_000, time, 0)).toBeUndefined();
    const r = planSeek(path, size, T0 + 100 * STEP, T0 + 200 * STEP, stamp, 0);
    expect(r).toBeDefined();
    expect(r!.start).toBe(0);
    expect(r!.stop).toBeLessThan(size / 2);
  });
});
