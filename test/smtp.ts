// Start test/smtp-child.ts in its own process and collect what it receives.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ReceivedMail {
  from: string | null;
  to: string[];
  subject: string;
  text: string;
  /** The HTML part ('' when the message has none). */
  html: string;
  listUnsubscribe: string | null;
  listUnsubscribePost: string | null;
}

export interface SmtpProcess {
  url: string;
  mails: ReceivedMail[];
  /** Resolves once `n` mails have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startSmtpProcess(): Promise<SmtpProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(process.cwd(), 'test', 'smtp-child.ts')],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const mails: ReceivedMail[] = [];
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the SMTP process did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`the SMTP process exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const v = JSON.parse(line) as { port?: number } & ReceivedMail;
      if (v.port !== undefined) {
        clearTimeout(timer);
        resolve(v.port);
      } else mails.push(v);
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    async waitFor(n, timeoutMs = 15_000) {
      const end = Date.now() + timeoutMs;
      while (mails.length < n) {
        if (Date.now() > end) throw new Error(`SMTP: ${mails.length} of ${n} mails after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
