// The kernel ships as base64 inside line-screen.wasm.ts; this keeps it honest: it must be exactly what wabt
// builds from line-screen.wat, so the text source is the one to read and change.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the WebAssembly kernel', () => {
  it('is the build of the committed line-screen.wat', () => {
    const run = () =>
      execFileSync(process.execPath, [join(process.cwd(), 'scripts', 'build-wasm.js'), '--check'], {
        encoding: 'utf8',
        stdio: 'pipe',
      });
    expect(run).not.toThrow();
  });
});
