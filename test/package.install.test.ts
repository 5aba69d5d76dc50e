// The package as someone else gets it: `npm pack`, installed from the tarball into an empty folder, then
// `hindsight serve` run from there. This catches a `files` list that leaves out the web app or the build.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Ranges from '../src/evidence/json-log.ranges.js';
import type * as Kernel from '../src/evidence/line-screen.wasm.js';

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
    expect(files).toContain('dist/bundle/main.cjs');
    expect(files).toContain('dist/bundle/validate.command.cjs');
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

    // A light command runs from the bundle, which needs no devDependency (esbuild) once built.
    const bin = join(app, 'node_modules', '.bin', 'hindsight');
    const report = join(dir, 'report.md');
    writeFileSync(report, readFileSync(join(root, 'src/lint/fixtures/good-report.md')));
    expect(
      execFileSync(process.execPath, [bin, 'validate', report], {
        cwd: app,
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    ).toBe('');
    const rendered = execFileSync(process.execPath, [bin, 'render', report, '--format', 'html'], {
      cwd: app,
      encoding: 'utf8',
    });
    expect(rendered).toMatch(/^<!doctype html>/);

    const url = await serve(bin, app);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/<div id="root">/);
    const doc = await fetch(`${url}/api/openapi.json`);
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as { openapi: string }).openapi).toMatch(/^3\./);

    // The evidence screen's worker is a module file of the package: started from the installed copy, it
    // screens ranges of a log (small ranges, so that a small file makes many).
    const installedDist = join(app, 'node_modules', 'hindsight-postmortem', 'dist', 'evidence');
    const { RangeScreen } = (await import(
      pathToFileURL(join(installedDist, 'json-log.ranges.js')).href
    )) as typeof Ranges;
    const { lineScreen } = (await import(
      pathToFileURL(join(installedDist, 'line-screen.wasm.js')).href
    )) as typeof Kernel;
    const start = Date.parse('2024-03-01T00:00:00Z');
    const log = join(dir, 'installed.jsonl');
    const lines = Array.from({ length: 20_000 }, (_, i) => `{"level":30,"time":${start + i},"msg":"m${i}"}`);
    writeFileSync(log, `${lines.join('\n')}\n`);
    const k = lineScreen(true)!;
    const key = Buffer.from('"time":');
    expect(k.configure(key, start, start + 10)).toBe(true);
    const screen = new RangeScreen(k, log, 0, 256 * 1024, key, 12, { rangeBytes: 4096, slots: 4 });
    try {
      for (let waited = 0; screen.screenedByWorker === 0 && waited < 20_000; waited += 10)
        await new Promise((r) => setTimeout(r, 10));
      let counted = 0;
      for (let r = 0; r < screen.plan.ranges; r += 1) {
        counted += screen.take(r, 12).lines;
        screen.release(r);
      }
      expect(counted).toBe(lines.length);
      expect(screen.workerFailed).toBe(false);
      expect(screen.screenedByWorker).toBeGreaterThan(0);
    } finally {
      screen.close();
    }
  }, 600_000);
});
