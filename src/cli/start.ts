import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { BUNDLED_COMMANDS, COMMANDS, commandOf } from './commands/index.js';
import type { run as runCli } from './main.js';

/**
 * The CLI bundles scripts/bundle-cli.js writes to dist/bundle: main.cjs (src/cli/main.ts with commander),
 * config.cjs, and one file per light command (validate.command.cjs …), each a CommonJS file with what it uses.
 */
const BUNDLE_DIR = fileURLToPath(new URL('../bundle/', import.meta.url));

interface Loaded {
  exports: unknown;
  /** The code cache was there and V8 took it. */
  cached: boolean;
  /** Its code cache was written in this process. */
  saved: boolean;
  script: Script;
  cacheFile: string;
}

/**
 * The V8 code cache of a bundle file, for this Node version and platform: kept beside the bundle, written by
 * the first run that finds none (the build makes the one of `validate`), and ignored by V8 when it was made by
 * another V8, with other flags or for another source. Node 22 does this for every module
 * (`module.enableCompileCache`); Node 20 has no such switch, so a bundle is compiled here, the way Node
 * compiles a CommonJS file, with its cache.
 */
export function cacheFileOf(bundle: string): string {
  return `${bundle.replace(/\.cjs$/, '')}-${process.version}-${process.platform}-${process.arch}.cache`;
}

const loaded = new Map<string, Loaded>();

/**
 * Compile and run one bundle file with its code cache, once per process (as `require` would). Inside it,
 * `require('./x.cjs')` is another bundle file of the same folder, loaded the same way; other names are Node's.
 */
export function loadBundle(file: string): unknown {
  const known = loaded.get(file);
  if (known) return known.exports;
  const source = readFileSync(file, 'utf8');
  const cacheFile = cacheFileOf(file);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  // The wrapper Node puts around a CommonJS file.
  const wrapped = `(function (exports, require, module, __filename, __dirname) { ${source}\n});`;
  const script = new Script(wrapped, { filename: file, cachedData });
  const module = { exports: {} as unknown };
  const entry: Loaded = {
    exports: module.exports,
    cached: cachedData !== undefined && !script.cachedDataRejected,
    saved: false,
    script,
    cacheFile,
  };
  loaded.set(file, entry);
  const nodeRequire = createRequire(file);
  const require = (id: string): unknown =>
    id.startsWith('./') && id.endsWith('.cjs') ? loadBundle(join(dirname(file), id)) : nodeRequire(id);
  const factory = script.runInThisContext() as (...args: unknown[]) => void;
  factory.call(module.exports, module.exports, require, module, file, dirname(file));
  entry.exports = module.exports;
  return module.exports;
}

/**
 * Write the code cache of each bundle loaded without one, with what has been compiled so far (so the functions
 * the run used are in it). Best effort: a read-only install keeps none and compiles as before.
 */
export function saveCodeCaches(): void {
  for (const entry of loaded.values()) {
    if (entry.cached || entry.saved) continue;
    const tmp = `${entry.cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, entry.script.createCachedData());
      renameSync(tmp, entry.cacheFile);
      entry.saved = true;
    } catch {
      rmSync(tmp, { force: true });
    }
  }
}

/** Whether a bundle file was loaded in this process with a code cache V8 took (for tests). */
export function loadedWithCache(file: string): boolean | undefined {
  return loaded.get(file)?.cached;
}

/**
 * Run the CLI as bin/hindsight.js does: the light commands, `--help` and `--version` from the bundles (a file
 * or two compiled from their code cache instead of some 300 modules resolved and compiled), the others from
 * dist/cli/main.js as tsc wrote it. Without bundles (a build by tsc alone), everything from dist/cli.
 */
export async function start(argv: string[], bundleDir: string = BUNDLE_DIR): Promise<number> {
  const name = commandOf(argv);
  const unbundled = name !== undefined && Object.hasOwn(COMMANDS, name) && !BUNDLED_COMMANDS.includes(name);
  let cli: { run: typeof runCli } | undefined;
  if (!unbundled) {
    try {
      cli = loadBundle(join(bundleDir, 'main.cjs')) as { run: typeof runCli };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
  }
  if (cli === undefined) return (await import('./main.js')).run(argv);
  const code = await cli.run(argv);
  // A run with V8 flags of its own (a profiler, --inspect) would write caches other runs cannot use.
  if (process.execArgv.length === 0) saveCodeCaches();
  return code;
}
