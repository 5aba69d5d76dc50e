// Runs the CLI in-process with captured output, as a person would see it.
import { run } from '../src/cli/main.js';

export interface CliResult {
  code: number;
  out: string;
  err: string;
  ms: number;
}

/** Run `hindsight …args` in this process and capture exit code, stdout, stderr and elapsed time. */
export async function cli(...args: string[]): Promise<CliResult> {
  let out = '';
  let err = '';
  const started = performance.now();
  const code = await run(args, {
    out: (t) => (out += t),
    err: (t) => (err += t),
    readStdin: async () => '',
  });
  return { code, out, err, ms: performance.now() - started };
}
