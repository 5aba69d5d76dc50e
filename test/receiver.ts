// A local HTTP receiver for webhook tests: it checks every delivery's signature the way a subscriber would
// (HMAC-SHA256 of the raw body under the subscription's secret) and answers as the test tells it to.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The signature header matched the body under the secret the receiver was given. */
  signed: boolean;
  /** The status this request was answered with (undefined while it is held open). */
  answered?: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** The secret signatures are checked with (set once the subscription exists). */
  secret: string;
  /**
   * How to answer the next request: a status, or 'hold' to keep it open without an answer (a receiver that
   * hangs, or a sender killed mid-delivery). Default 200.
   */
  answer: (r: Received) => number | 'hold';
  /** Resolves once `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** Whether `header` is `sha256=<hex HMAC-SHA256 of body under secret>`, compared in constant time. */
export function validSignature(secret: string, body: string, header: string | undefined): boolean {
  if (!header?.startsWith('sha256=')) return false;
  const want = Buffer.from(createHmac('sha256', secret).update(body, 'utf8').digest('hex'));
  const got = Buffer.from(header.slice('sha256='.length));
  return got.length === want.length && timingSafeEqual(got, want);
}

export async function startReceiver(): Promise<Receiver> {
  const held: ServerResponse[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const r: Receiver = {
    url: '',
    received: [],
    secret: '',
    answer: () => 200,
    waitFor(n, timeoutMs = 15_000) {
      if (r.received.length >= n) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`receiver: ${r.received.length} of ${n} requests after ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close: () =>
      new Promise((resolve) => {
        for (const res of held) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['x-hindsight-signature'];
      const got: Received = {
        path: req.url ?? '/',
        headers: req.headers,
        body,
        signed: validSignature(r.secret, body, typeof header === 'string' ? header : undefined),
      };
      r.received.push(got);
      const answer = r.answer(got);
      if (answer === 'hold') held.push(res);
      else {
        got.answered = answer;
        res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
      }
      for (const w of waiters.filter((w) => r.received.length >= w.n)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return r;
}
