#!/usr/bin/env node
// Builds the evidence reader's WebAssembly kernel from its text source, src/evidence/line-screen.wat, with
// wabt (a devDependency), and keeps its base64 in src/evidence/line-screen.wasm.ts so the compiled package
// needs no build tool at run time. `npm run build` rewrites the constant when the source changed; with
// `--check`, or under CI, it only says whether the committed binary is the build of the committed source.
import { Buffer } from 'node:buffer';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const WAT = join(root, 'src/evidence/line-screen.wat');
const TS = join(root, 'src/evidence/line-screen.wasm.ts');
const CONSTANT = /(const WASM =\s*')([A-Za-z0-9+/=]+)(')/;
// The features the kernel uses: a shared memory (the two-thread screen) and 128-bit SIMD.
const FEATURES = { threads: true, simd: true };

const wabt = await wabtInit();
const module = wabt.parseWat('line-screen.wat', readFileSync(WAT, 'utf8'), FEATURES);
try {
  module.resolveNames();
  module.validate(FEATURES);
  const built = Buffer.from(module.toBinary({ log: false, write_debug_names: false }).buffer).toString(
    'base64',
  );
  const ts = readFileSync(TS, 'utf8');
  const committed = CONSTANT.exec(ts)?.[2];
  if (committed === undefined) {
    console.error(`${TS}: no "const WASM = '…'" constant to compare with`);
    process.exit(1);
  }
  if (committed !== built) {
    if (process.argv.includes('--check') || process.env.CI) {
      console.error(
        'src/evidence/line-screen.wasm.ts does not hold the build of line-screen.wat: run `npm run build:wasm` and commit both',
      );
      process.exit(1);
    }
    writeFileSync(
      TS,
      ts.replace(CONSTANT, (_m, a, _old, c) => a + built + c),
    );
    console.log('rebuilt the WebAssembly kernel from line-screen.wat');
  }
} finally {
  module.destroy();
}
