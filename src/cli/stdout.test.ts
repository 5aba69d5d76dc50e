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
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI's standard output, read from a pipe or from the file it was given as descriptor 1. */
function run(to: 'pipe' | 'file', ...argv: string[]): { out: Buffer; status: number | null } {
  if (to === 'pipe') {
    const r = spawnSync(process.execPath, [bin, ...argv], { maxBuffer: 1 << 26 });
    return { out: r.stdout, status: r.status };
  }
  const file = join(dir, 'out.txt');
  const fd = openSync(file, 'w');
  try {
    const r = spawnSync(process.execPath, [bin, ...argv], { stdio: ['ignore', fd, 'pipe'] });
    return { out: readFileSync(file), status: r.status };
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
});
