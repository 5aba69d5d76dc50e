// The progress bar of a long evidence read: shown on a terminal, never in piped output.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const bin = join(process.cwd(), 'bin', 'hindsight.js');
const dir = mkdtempSync(join(tmpdir(), 'hindsight-progress-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('hindsight evidence on a large file', () => {
  it('shows a progress bar on a terminal and none when its output is piped', () => {
    // 40 MB of pino lines: above the size where the bar appears (32 MB).
    const start = Date.parse('2024-03-01T00:00:00Z');
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i += 1)
      lines.push(
        `{"level":30,"time":${start + i * 10},"msg":"request ${i} served","pad":"${'x'.repeat(150)}"}`,
      );
    const block = `${lines.join('\n')}\n`;
    const file = join(dir, 'big.jsonl');
    writeFileSync(file, block.repeat(Math.ceil((40 * 1024 * 1024) / Buffer.byteLength(block))));
    const args = [
      'evidence',
      file,
      '--from',
      '2024-03-01T00:00:01Z',
      '--to',
      '2024-03-01T00:00:02Z',
      '--json',
    ];

    const piped = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stderr).not.toContain('reading evidence');

    // `script` gives the command a terminal, as a person at a shell would have.
    const command = [process.execPath, bin, ...args].map((a) => `'${a}'`).join(' ');
    const tty = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(tty.status, tty.stdout).toBe(0);
    // The bar counts megabytes of the whole file and moves as it is read.
    expect(tty.stdout).toMatch(/reading evidence \[[^\]]*\] 0% \| 0\/43 MB/);
    expect(tty.stdout).toMatch(/reading evidence \[[^\]]*\] (9\d|100)% \| 4\d\/43 MB/);
  });
});
