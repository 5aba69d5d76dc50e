// The pool's limits with tiny worker programs (evaluated source): the queue bound and its 503, the time-out that
// terminates a runaway job's thread, a thread that dies replaced, a client that leaves the queue, close().
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../domain/index.js';
import { WorkerPool, type WorkerPoolOptions } from './worker-pool.js';

// Jobs: { ms } busy-waits that long and answers { pid-like thread id, ms }; { exit } exits the thread; { loop }
// never answers.
const PROGRAM = `
const { parentPort, threadId } = require('node:worker_threads');
parentPort.on('message', ({ id, job }) => {
  if (job.exit) process.exit(3);
  if (job.loop) for (;;);
  const end = Date.now() + (job.ms ?? 0);
  while (Date.now() < end);
  parentPort.postMessage({ id, reply: { thread: threadId, ms: job.ms } });
});
parentPort.postMessage({ ready: true });
`;

type Job = { ms?: number; exit?: boolean; loop?: boolean; deep?: unknown };
type Reply = { thread: number; ms: number };

const pools: WorkerPool<Job, Reply>[] = [];
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

function pool(options: WorkerPoolOptions, program = PROGRAM): WorkerPool<Job, Reply> {
  const p = new WorkerPool<Job, Reply>(
    { work: 'test', entry: () => program, options: { eval: true } },
    options,
  );
  pools.push(p);
  return p;
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe('WorkerPool', () => {
  it('runs jobs on at most `threads` threads, queues `queue` more and refuses the rest with 503 and Retry-After', async () => {
    const p = pool({ threads: 2, queue: 2 });
    const accepted = [1, 2, 3, 4].map(() => p.run({ ms: 150 }));
    const refused = await refusal(p.run({ ms: 1 }));
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBeGreaterThanOrEqual(1);
    expect(refused.message).toMatch(/has 4 test jobs running or waiting/);
    const replies = await Promise.all(accepted);
    expect(new Set(replies.map((r) => r.thread)).size).toBe(2);
    expect(p.size).toBe(2);
    // Room again once they are done.
    await expect(p.run({ ms: 1 })).resolves.toMatchObject({ ms: 1 });
  });

  it('stops a job that runs past the time-out with a clear error, and a new thread takes the next job', async () => {
    const p = pool({ threads: 1, queue: 4, timeoutMs: 200 });
    const first = await p.run({ ms: 1 });
    const runaway = refusal(p.run({ loop: true }));
    const next = p.run({ ms: 1 });
    const e = await runaway;
    expect(e.status).toBe(503);
    expect(e.message).toBe('the test took longer than 200 ms and was stopped; try a smaller part of it');
    const after = await next;
    expect(after.thread).not.toBe(first.thread);
    expect(p.stats.timedOut).toBe(1);
  });

  it('replaces a thread that dies under a job', async () => {
    const p = pool({ threads: 1, queue: 4 });
    const first = await p.run({ ms: 1 });
    const e = await refusal(p.run({ exit: true }));
    expect(e.status).toBe(503);
    expect(e.message).toMatch(/test thread stopped; try again/);
    const after = await p.run({ ms: 1 });
    expect(after.thread).not.toBe(first.thread);
    expect(p.stats.crashed).toBe(1);
  });

  it('refuses the waiting jobs when a thread cannot start, and tries afresh for the next one', async () => {
    const p = pool({ threads: 1, queue: 4 }, 'throw new Error("no dictionary")');
    const e = await refusal(p.run({ ms: 1 }));
    expect(e.message).toMatch(/test thread stopped \(no dictionary\)/);
    await refusal(p.run({ ms: 1 }));
    expect(p.stats.started).toBe(2);
    expect(p.size).toBe(0);
  });

  it('drops a waiting job whose client went away, and refuses everything on close', async () => {
    const p = pool({ threads: 1, queue: 4 });
    const busy = p.run({ ms: 300 });
    const left = new AbortController();
    const waiting = refusal(p.run({ ms: 1 }, left.signal));
    left.abort();
    expect((await waiting).message).toMatch(/abandoned by its client/);
    await busy;
    const running = refusal(p.run({ loop: true }));
    const queued = refusal(p.run({ ms: 1 }));
    await new Promise((r) => setTimeout(r, 100));
    await p.close();
    expect((await running).message).toMatch(/shutting down/);
    expect((await queued).message).toMatch(/shutting down/);
    expect((await refusal(p.run({ ms: 1 }))).message).toMatch(/shutting down/);
    expect(p.size).toBe(0);
  });
});

describe('a job that cannot be handed to a thread', () => {
  // Nested deeper than structured cloning recurses (a JSON body of "[[[[…]]]]" parses, but postMessage throws).
  const deep = JSON.parse('['.repeat(200_000) + ']'.repeat(200_000)) as unknown;

  it('is refused with a 400, whether a thread is free or it waited, and the thread goes on with the next job', async () => {
    const p = pool({ threads: 1, timeoutMs: 60_000 });
    expect((await p.run({ ms: 0 })).ms).toBe(0);
    // A thread is free: handed over at once.
    expect((await refusal(p.run({ deep }))).code).toBe('bad_request');
    // It waited behind a running job: handed over when that job's answer comes (in the thread's message handler).
    const first = p.run({ ms: 100 });
    const waited = refusal(p.run({ deep }));
    const after = p.run({ ms: 1 });
    expect((await first).ms).toBe(100);
    expect((await waited).code).toBe('bad_request');
    const started = Date.now();
    expect((await after).ms).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(p.stats.timedOut).toBe(0);
  });
});

describe('keyed jobs', () => {
  it('run on the thread of their key, unless it has two jobs more than the least busy one', async () => {
    const p = pool({ threads: 2, queue: 16, eager: true, pipeline: 8 });
    expect(p.size).toBe(2);
    // Each key, alone, always on the same thread.
    const home = new Map<string, number>();
    for (const key of ['a', 'b', 'c', 'd', 'e', 'f']) {
      for (let i = 0; i < 3; i++) {
        const { thread } = await p.run({ ms: 0 }, undefined, key);
        expect(thread).toBe(home.get(key) ?? thread);
        home.set(key, thread);
      }
    }
    expect(new Set(home.values()).size).toBe(2);
    // A burst of one key: its thread takes two more than the other, then the other takes the rest.
    const burst = await Promise.all([0, 1, 2, 3, 4, 5].map(() => p.run({ ms: 50 }, undefined, 'a')));
    const own = burst.filter((r) => r.thread === home.get('a')).length;
    expect(own).toBe(4);
  });

  it('give up after `startFailures` threads in a row fail to start, answering every job', async () => {
    const errors: Error[] = [];
    const p = pool(
      { threads: 1, eager: true, startFailures: 3, onError: (e) => errors.push(e) },
      'throw new Error("no database")',
    );
    const asked: Promise<unknown>[] = [];
    while (p.available) {
      asked.push(p.run({ ms: 1 }, undefined, 'k').catch((e: unknown) => e));
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const e of await Promise.all(asked)) expect(e).toMatchObject({ code: 'unavailable' });
    expect(errors.map((e) => e.message)).toEqual(['no database', 'no database', 'no database']);
    expect((await refusal(p.run({ ms: 1 }))).message).toMatch(/test threads could not start/);
    expect(p.size).toBe(0);
  });
});

describe('idle threads', () => {
  it('end after `idleMs` without a job, and the next job starts another', async () => {
    const p = pool({ threads: 1, idleMs: 100 });
    const first = await p.run({ ms: 1 });
    expect(p.size).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(p.size).toBe(0);
    const second = await p.run({ ms: 1 });
    expect(second.thread).not.toBe(first.thread);
    expect(p.stats.crashed).toBe(0);
  });
});
