// `hindsight serve` as a child process of a test (the built bin/hindsight.js, so `npm run build:server`
// first): started on a free port of 127.0.0.1 and found by the address it logs, killed with SIGKILL as a
// crash would, and a poll for a condition with a deadline.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const bin = join(process.cwd(), 'bin', 'hindsight.js');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
}

/** Start `hindsight serve --db <db>` with `env` added to this process's environment (LOG_LEVEL=error). */
export function serveProcess(db: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', '--host', '127.0.0.1', '--db', db], {
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no address after 30 s: ${err}`)), 30_000);
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      const m = /serving on (http:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]! });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${err}`)));
  });
}

/** Kill a child with SIGKILL (no clean-up runs, as in a crash) and wait until it is gone. */
export const killed = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

/** Poll `test` every 25 ms until it holds; fail naming `what` after `timeoutMs`. */
export async function until(what: string, test: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
