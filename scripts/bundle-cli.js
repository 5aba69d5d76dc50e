#!/usr/bin/env node
// Bundles the CLI's start and its light commands (src/cli/commands/index.ts BUNDLED_COMMANDS) from dist/ into
// one CommonJS file, dist/bundle/cli.cjs, with esbuild, and makes its V8 code cache by running `validate` on a
// fixture once (src/cli/start.ts loads the bundle with the cache; see there). So `validate` compiles one file
// from the cache instead of resolving, reading and compiling some 300 modules (zod, yaml, commander and ours).
// The other commands stay in dist/ as tsc wrote them: the server's zod must be the one its plugins use, and the
// linter, the evidence readers and the server read files that sit beside their code. Run by `build:server`.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/bundle');
const { BUNDLED_COMMANDS, COMMANDS } = await import(join(root, 'dist/cli/commands/index.js'));
const unbundled = Object.keys(COMMANDS).filter((name) => !BUNDLED_COMMANDS.includes(name));

const light = BUNDLED_COMMANDS.map((name) => join(root, `dist/cli/commands/${name}.command.js`));

rmSync(out, { recursive: true, force: true });
await build({
  // main.cjs (the start: commander, the command list), config.cjs (read only on an internal error) and one
  // file per light command, each with what it uses; main requires the one it runs (start.ts loads it).
  entryPoints: [join(root, 'dist/cli/main.js'), join(root, 'dist/cli/config.js'), ...light],
  outdir: out,
  outExtension: { '.js': '.cjs' },
  entryNames: '[name]',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['better-sqlite3', 'pg'],
  logLevel: 'warning',
  // The evidence reader starts its worker from the module beside json-log.ranges.js (new URL(…, import.meta.url)):
  // in the bundle, import.meta.url is that module's URL in dist/evidence, so the worker is found there.
  banner: {
    js: "const __distEvidenceUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, '../evidence/json-log.ranges.js')).href;",
  },
  define: { 'import.meta.url': '__distEvidenceUrl' },
  // Bundled code that reads a file beside itself (import.meta.url) would look in dist/bundle: refuse to build.
  logOverride: { 'empty-import-meta': 'error' },
  plugins: [
    {
      // zod's messages in other languages (about a third of its code) are never used: English only.
      name: 'zod-english-only',
      setup(b) {
        b.onLoad({ filter: /zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => ({
          contents: 'export { default as en } from "./en.js";',
          resolveDir: dirname(args.path),
        }));
      },
    },
    {
      // From main: a light command or config is its own bundle file; the other commands are never loaded from
      // the bundle (start.ts runs them from dist/cli), so a load of one there is an error that names it.
      name: 'command-files',
      setup(b) {
        b.onResolve({ filter: /^\.\/[a-z-]+(\.command)?\.js$/ }, (args) => {
          const from = dirname(args.importer);
          if (from !== join(root, 'dist/cli') && from !== join(root, 'dist/cli/commands')) return undefined;
          const name = args.path.slice(2, -'.js'.length);
          // (A dynamic import() left in the output would not run: start.ts compiles a bundle with node:vm.)
          if (name === 'config' || BUNDLED_COMMANDS.includes(name.replace(/\.command$/, '')))
            return { path: `./${name}.cjs`, namespace: 'bundle-file' };
          if (unbundled.includes(name.replace(/\.command$/, '')))
            return { path: args.path, namespace: 'unbundled' };
          return undefined;
        });
        b.onResolve({ filter: /\.cjs$/, namespace: 'bundle-file' }, (args) => ({
          path: args.path,
          external: true,
        }));
        b.onLoad({ filter: /.*/, namespace: 'bundle-file' }, (args) => ({
          contents: `module.exports = require(${JSON.stringify(args.path)});`,
          loader: 'js',
        }));
        b.onLoad({ filter: /.*/, namespace: 'unbundled' }, (args) => ({
          contents: `throw new Error('${args.path} is not in the CLI bundle; bin/hindsight.js runs it from dist/cli');`,
          loader: 'js',
        }));
      },
    },
  ],
});

// The code cache: the first run without one writes it (src/cli/start.ts).
const warm = spawnSync(
  process.execPath,
  [join(root, 'bin/hindsight.js'), 'validate', join(root, 'src/lint/fixtures/good-report.md')],
  { encoding: 'utf8' },
);
if (warm.status !== 0) {
  console.error(`bundle-cli: the bundled CLI failed on a valid report:\n${warm.stderr}`);
  process.exit(1);
}
