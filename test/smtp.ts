// Start test/smtp-child.ts in its own process and collect what it receives; and the app sending through it.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ReminderOptions } from '../src/server/outbox/reminders.service.js';
import type { Dialect } from '../src/store/index.js';
import { startTestServer, type TestServer } from './server.js';

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

/** The mail settings the mail tests share: sender and the address links in mail point to. */
export const TEST_MAIL = {
  from: 'Hindsight <hindsight@example.test>',
  baseUrl: 'https://hindsight.example.test',
} as const;

export interface MailTestServer {
  smtp: SmtpProcess;
  server: TestServer;
  /** Run the outbox worker until it finds nothing due; the number of rows it took. */
  drain(now?: Date): Promise<number>;
  /** Stop the app (and its database), then the SMTP process. */
  close(): Promise<void>;
}

/**
 * A real SMTP server in its own process and the app on a fresh database of `dialect`, sending mail through
 * it with TEST_MAIL and `mail` (hour, days…).
 */
export async function startMailTestServer(
  dialect: Dialect,
  mail: Partial<Omit<ReminderOptions, 'smtpUrl'>> = {},
): Promise<MailTestServer> {
  const smtp = await startSmtpProcess();
  let server: TestServer;
  try {
    server = await startTestServer(dialect, { mail: { smtpUrl: smtp.url, ...TEST_MAIL, ...mail } });
  } catch (e) {
    await smtp.stop();
    throw e;
  }
  return {
    smtp,
    server,
    async drain(now = new Date()) {
      const w = server.app.services.outbox.worker();
      let n = 0;
      for (let taken = -1; taken !== 0; n += taken) taken = await w.runOnce(now);
      return n;
    },
    async close() {
      try {
        await server.close();
      } finally {
        await smtp.stop();
      }
    },
  };
}
