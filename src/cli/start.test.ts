// The launcher's two ways (bundle with code cache, or dist/cli as tsc wrote it), run as real processes on the
// built package (`npm test` builds first): a copy of dist/bundle in a temporary folder, so caches start absent.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheFileOf } from './start.js';

const root = join(import.meta.dirname, '../..');
const report = join(root, 'src/lint/fixtures/good-report.md');
let dir: string;
let bundles: string;
let probe: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hindsight-start-'));
  bundles = join(dir, 'bundle');
  cpSync(join(root, 'dist/bundle'), bundles, { recursive: true, filter: (src) => !src.endsWith('.cache') });
  // A process that starts the CLI as bin/hindsight.js does, from the given folder of bundles, and says which
  // bundle files it loaded with a code cache V8 took.
  probe = join(dir, 'probe.mjs');
  writeFileSync(
    probe,
    `import { start, loadedWithCache } from ${JSON.stringify(pathToFileURL(join(root, 'dist/cli/start.js')).href)};
const [from, ...argv] = process.argv.slice(2);
const code = await start(argv, from);
const files = ['main.cjs', 'validate.command.cjs'];
process.stderr.write('\\n' + JSON.stringify({ code, cached: files.map((f) => loadedWithCache(from + '/' + f) ?? null) }));
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const launch = (from: string, ...argv: string[]) => {
  const r = spawnSync(process.execPath, [probe, from, ...argv], { encoding: 'utf8' });
  // The probe's line comes last; what the CLI wrote to stderr is before it.
  const cut = r.stderr.lastIndexOf('\n');
  return {
    out: r.stdout,
    err: r.stderr.slice(0, cut).trimEnd(),
    ...(JSON.parse(r.stderr.slice(cut + 1)) as { code: number; cached: (boolean | null)[] }),
  };
};
const caches = () => readdirSync(bundles).filter((f) => f.endsWith('.cache'));

describe('starting the CLI from its bundles', () => {
  it('writes the code caches on the first run and compiles from them after, with the same answers', () => {
    expect(caches()).toEqual([]);
    const first = launch(bundles, 'validate', report);
    expect(first.code).toBe(0);
    expect(first.err).toBe(`${report}: valid`);
    expect(first.cached).toEqual([false, false]);
    expect(caches().sort()).toEqual(
      ['main.cjs', 'validate.command.cjs'].map((f) =>
        cacheFileOf(join(bundles, f)).slice(bundles.length + 1),
      ),
    );
    const second = launch(bundles, 'validate', report);
    expect(second).toEqual({ ...first, cached: [true, true] });
  });

  it('compiles without a cache that V8 refuses, gives the same answer, and writes a good one', () => {
    launch(bundles, 'validate', report);
    for (const f of caches()) writeFileSync(join(bundles, f), 'not a code cache');
    const refused = launch(bundles, 'validate', report);
    expect(refused.code).toBe(0);
    expect(refused.err).toBe(`${report}: valid`);
    expect(refused.cached).toEqual([false, false]);
    expect(launch(bundles, 'validate', report).cached).toEqual([true, true]);
  });

  it('answers --version from the start bundle alone, and an invalid report with exit 1', () => {
    const version = launch(bundles, '--version');
    expect(version.out.trim()).toBe('0.1.0');
    expect(version.cached[1]).toBeNull();
    const bad = join(dir, 'bad.md');
    writeFileSync(bad, readFileSync(report, 'utf8').replace('2024-03-01T14:02:00Z', '2024-13-01T14:02:00Z'));
    const invalid = launch(bundles, 'validate', bad);
    expect(invalid.code).toBe(1);
    expect(invalid.err).toContain(`${bad}:`);
  });

  it('runs the other commands from dist/cli, never loading the bundle', () => {
    const lint = launch(bundles, 'lint', report);
    expect(lint.code).toBe(0);
    expect(lint.out).toContain('1 file checked');
    expect(lint.cached).toEqual([null, null]);
  });

  it('starts `evidence` without building the report schemas (zod), which only --into needs', () => {
    // zod's first use registers its registry on globalThis: a probe for whether its schemas were built.
    const zodAfter = (file: string) =>
      spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { loadBundle } = await import(${JSON.stringify(pathToFileURL(join(root, 'dist/cli/start.js')).href)});
loadBundle(${JSON.stringify(join(bundles, 'main.cjs'))});
loadBundle(${JSON.stringify(join(bundles, file))});
process.stdout.write(typeof globalThis.__zod_globalRegistry);`,
        ],
        { encoding: 'utf8' },
      ).stdout;
    expect(zodAfter('evidence.command.cjs')).toBe('undefined');
    expect(zodAfter('validate.command.cjs')).toBe('object');
    const log = join(dir, 'app.jsonl');
    writeFileSync(log, '{"level":50,"time":1709301600000,"msg":"payment API is down"}\n');
    const r = launch(bundles, 'evidence', log, '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      candidates: [{ text: 'payment API is down', level: 'error' }],
    });
  });

  it('runs everything from dist/cli when there are no bundles (a build by tsc alone)', () => {
    const none = join(dir, 'none');
    expect(existsSync(none)).toBe(false);
    const r = launch(none, 'validate', report);
    expect(r).toEqual({ code: 0, out: '', err: `${report}: valid`, cached: [null, null] });
  });
});
