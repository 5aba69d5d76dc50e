// The package as someone else gets it: `npm pack`, installed from the tarball into an empty folder, then
// `hindsight serve` run from there. This catches a `files` list that leaves out the web app or the build.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = process.cwd();
const dir = mkdtempSync(join(tmpdir(), 'hindsight-pack-'));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** Start the installed command and resolve with the address it says it serves on. */
function serve(bin: string, cwd: string): Promise<string> {
  child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1'], {
    cwd,
    env: { ...process.env, DATABASE_URL: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address after 30 s: ${err}`)), 30_000);
    child!.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /serving on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child!.once('exit', (code) => reject(new Error(`exited with ${code}: ${err}`)));
  });
}

describe('the packed package', () => {
  it('installs from its tarball into an empty folder and serves the web app and the API document', async () => {
    // `npm test` has just built dist/ and web/dist/ (pretest), so packing need not build again.
    const packed = JSON.parse(
      execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
        cwd: root,
        encoding: 'utf8',
      }),
    ) as { filename: string; files: { path: string }[] }[];
    const files = packed[0]!.files.map((f) => f.path);
    expect(files).toContain('web/dist/index.html');
    expect(files).toContain('dist/cli/main.js');
    expect(files.some((f) => f.endsWith('.test.js'))).toBe(false);

    const app = join(dir, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'empty', private: true }));
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--omit=dev',
        join(dir, packed[0]!.filename),
      ],
      { cwd: app, stdio: 'ignore' },
    );
    const installed = JSON.parse(
      readFileSync(join(app, 'node_modules', 'hindsight-postmortem', 'package.json'), 'utf8'),
    ) as { bin: Record<string, string> };
    expect(Object.keys(installed.bin)).toEqual(['hindsight']);

    const url = await serve(join(app, 'node_modules', '.bin', 'hindsight'), app);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
    const doc = await fetch(`${url}/api/openapi.json`);
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { openapi: string }).openapi).toMatch(/^3\./);
  }, 600_000);
});
