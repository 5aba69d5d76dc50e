#!/usr/bin/env node
// `npm start` runs this before serving: it rebuilds the server (tsc) or the web app (vite) only when a
// source file is newer than what was built, so a start after `npm install` (which builds through `prepare`)
// listens at once. It compares modification times, as make does; `npm run build` always rebuilds both.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The newest modification time (ms) among the files under the given paths; 0 when none exist. */
function newest(paths, skip = () => false) {
  let max = 0;
  const visit = (p) => {
    let st;
    try {
      st = statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(p)) if (!skip(name)) visit(join(p, name));
    } else if (st.mtimeMs > max) max = st.mtimeMs;
  };
  for (const p of paths) visit(join(root, p));
  return max;
}

/** The oldest of the given built files (ms); 0 when one is missing, which means "build". */
function builtAt(files) {
  let min = Infinity;
  for (const f of files) {
    try {
      min = Math.min(min, statSync(join(root, f)).mtimeMs);
    } catch {
      return 0;
    }
  }
  return min;
}

const isTest = (name) => name.endsWith('.test.ts') || name.endsWith('.test.tsx');
const steps = [
  {
    what: 'the server and CLI',
    script: 'build:server',
    sources: newest(['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'], isTest),
    built: builtAt(['dist/cli/main.js', 'dist/server/app.js', 'dist/bundle/main.cjs']),
  },
  {
    what: 'the web app',
    script: 'build:web',
    sources: newest(
      ['web/src', 'web/index.html', 'web/vite.config.ts', 'web/tsconfig.json', 'src/domain'],
      isTest,
    ),
    built: builtAt(['web/dist/index.html']),
  },
];

for (const step of steps) {
  if (step.built >= step.sources) continue;
  console.log(
    `building ${step.what} (${step.built === 0 ? 'not built yet' : 'sources changed since the last build'})`,
  );
  const r = spawnSync('npm', ['run', '--silent', step.script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
