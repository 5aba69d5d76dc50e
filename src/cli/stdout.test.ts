// Standard output written straight to a file or /dev/null (io.ts writeStdout) against through process.stdout
// (a pipe): the built CLI as a real process (`npm test` builds first), the same bytes either way.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const bin = join(root, 'bin/hindsight.js');
let dir: string;
let log: string;
let counter: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hindsight-stdout-'));
  log = join(dir, 'app.jsonl');
  // Enough lines for many parts of --json output, with text outside ASCII (two- to four-byte UTF-8).
  const lines: string[] = [];
  for (let i = 0; i < 1500; i += 1) {
    const msg = i % 3 === 0 ? `café ${i} déjà vu ✓ 🚀` : `request ${i} completed`;
    lines.push(JSON.stringify({ level: 30 + (i % 3) * 10, time: 1709251200000 + i * 1000, msg }));
  }
  writeFileSync(log, `${lines.join('\n')}\n`);
  // Preloaded into the CLI: counts the calls of process.stdout.write and says how many on standard error at exit,
  // so that a test can tell which way the output went.
  counter = join(dir, 'count-stdout.mjs');
  writeFileSync(
    counter,
    `let calls = 0;
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (...args) => { calls += 1; return write(...args); };
process.on('exit', () => { process.stderr.write('stdout.write calls: ' + calls + '\\n'); });
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The CLI's standard output, read from a pipe or from the file it was given as descriptor 1, and how many times
 * it called process.stdout.write (the preloaded counter's line on standard error).
 */
function run(
  to: 'pipe' | 'file',
  ...argv: string[]
): { out: Buffer; status: number | null; streamWrites: number } {
  const args = ['--import', counter, bin, ...argv];
  const writes = (stderr: Buffer) =>
    Number(/stdout\.write calls: (\d+)/.exec(stderr.toString('utf8'))?.[1] ?? NaN);
  if (to === 'pipe') {
    const r = spawnSync(process.execPath, args, { maxBuffer: 1 << 26 });
    return { out: r.stdout, status: r.status, streamWrites: writes(r.stderr) };
  }
  const file = join(dir, 'out.txt');
  const fd = openSync(file, 'w');
  try {
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', fd, 'pipe'] });
    return { out: readFileSync(file), status: r.status, streamWrites: writes(r.stderr) };
  } finally {
    closeSync(fd);
  }
}

describe('standard output to a file', () => {
  it('holds the bytes a pipe gets: evidence --json, the table, help', () => {
    for (const argv of [
      ['evidence', log, '--json'],
      ['evidence', log],
      ['evidence', '--help'],
    ]) {
      const piped = run('pipe', ...argv);
      const filed = run('file', ...argv);
      expect(filed.status).toBe(0);
      expect(piped.status).toBe(0);
      expect(filed.out.length).toBeGreaterThan(500);
      expect(filed.out.equals(piped.out)).toBe(true);
    }
    const json = JSON.parse(run('file', 'evidence', log, '--json').out.toString('utf8')) as {
      candidates: { text: string }[];
    };
    expect(json.candidates).toHaveLength(1500);
    expect(json.candidates[0]?.text).toBe('café 0 déjà vu ✓ 🚀');
  });

  it('is written straight to the file or /dev/null, and through process.stdout to a pipe', () => {
    const argv = ['evidence', log, '--json'];
    expect(run('file', ...argv).streamWrites).toBe(0);
    expect(run('pipe', ...argv).streamWrites).toBeGreaterThan(0);
    const fd = openSync('/dev/null', 'w');
    try {
      const r = spawnSync(process.execPath, ['--import', counter, bin, ...argv], {
        stdio: ['ignore', fd, 'pipe'],
      });
      expect(r.status).toBe(0);
      expect(r.stderr.toString('utf8')).toContain('stdout.write calls: 0');
    } finally {
      closeSync(fd);
    }
  });
});
