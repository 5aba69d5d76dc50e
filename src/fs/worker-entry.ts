// Where a worker thread's program is, for a module that starts one (the lint workers, the background scorer).
// Built (dist/), it is the compiled `<name>.js` beside the caller. Run from the TypeScript source (the tests), Node
// 20 applies no `--import` loader in a worker, so the `.ts` module is bundled once per process with esbuild (tsx's,
// a development dependency) as an ES module that imports its packages, and written under node_modules so that they
// resolve.
import { createHash } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const bundled = new Map<string, string>();

/** The program of worker `name` (say 'lint.worker') that lives beside the module at `callerUrl` (its import.meta.url). */
export function workerEntry(callerUrl: string, name: string): URL | string {
  if (!callerUrl.endsWith('.ts')) return new URL(`./${name}.js`, callerUrl);
  const source = fileURLToPath(new URL(`./${name}.ts`, callerUrl));
  let file = bundled.get(source);
  if (file === undefined) {
    const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
    const esbuild = fromTsx('esbuild') as { buildSync(o: object): { outputFiles: { text: string }[] } };
    const text = esbuild.buildSync({
      entryPoints: [source],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      target: 'node20',
      write: false,
    }).outputFiles[0]!.text;
    const dir = fileURLToPath(new URL('../../node_modules/.cache/hindsight/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    file = `${dir}${name}.${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`;
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text);
    renameSync(tmp, file);
    bundled.set(source, file);
  }
  return file;
}
