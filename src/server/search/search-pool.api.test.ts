// Searches in worker threads (search-pool.ts) on a SQLite file: the same JSON replies as the main thread's
// search for every query, page and viewer; a worker that stops answers its searches 503 and is replaced; the
// workers stop with the app; `:memory:` and PostgreSQL keep the search on the main thread.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../../domain/index.js';
import { openTestStore, testDialects } from '../../../test/databases.js';
import { killed, serveProcess, until } from '../../../test/serve-process.js';
import { assertRepliesMatched } from '../../../test/server.js';
import { migrateToLatest, openStore, ReportRepository, type Store } from '../../store/index.js';
import { buildApp } from '../app.js';
import { actorOf } from '../services/access.js';
import { readerCacheKib, SearchPool, startSearchPool } from './search-pool.js';

const dir = mkdtempSync(join(tmpdir(), 'hindsight-search-pool-'));
const file = join(dir, 'hindsight.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A small vocabulary, so that words match from one report to most of them.
const WORDS = ['cache', 'queue', 'disk', 'router', 'certificate', 'replica', 'quota', 'deploy', 'latency'];
const N = 160;
const info = { userId: null, summary: 'created', changes: [] };
const viewer = { userId: 'v', principals: ['v'] };

let store: Store;
let tokens: { member: string; other: string };
let pooled: Awaited<ReturnType<typeof buildApp>>;
let plain: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  store = openStore(file);
  await migrateToLatest(store);
  const reports = new ReportRepository(store);
  for (let i = 0; i < N; i++) {
    // Word k in about one report in k + 1 (and always in some titles), so queries meet few to most reports.
    const body = WORDS.filter((_, k) => i % (k + 1) === 0).join(' and the ');
    await reports.create(
      `r-${String(i).padStart(3, '0')}`,
      reportSchema.parse({
        kind: 'outage',
        title: `${WORDS[i % WORDS.length]} incident ${i}`,
        visibility: i % 6 === 1 ? 'restricted' : 'internal',
        members: i % 6 === 1 ? ['dana@example.test'] : [],
        summary: {
          whatHappened: `The ${body || 'platform'} failed on day ${i}. Later the ${WORDS[i % 4]} recovered.`,
        },
      }),
      info,
    );
  }
  // Text JSON writes with escapes (quotes, backslashes, HTML's characters, letters beyond ASCII and the Basic
  // Multilingual Plane, a no-break space), and summaries with a severity and a period: the workers'
  // replies, whose summaries SQLite writes as JSON, must still be the main thread's text.
  for (let i = 0; i < 3; i++) {
    await reports.create(
      `r-odd-${i}`,
      reportSchema.parse({
        kind: 'outage',
        title: `cache "quoted" back\\slash <b>&'amp'</b> naïve 🚒 sep ${i}`,
        severity: i === 0 ? undefined : `SEV${i} "hot"`,
        period: i === 2 ? { start: '2026-03-01T10:00:00Z' } : {},
        visibility: i === 1 ? 'restricted' : 'internal',
        members: i === 1 ? ['dana@example.test'] : [],
        summary: { whatHappened: `The "cache" <script>&amp; \\ 🚒 broke\u00a0again, cache ${i}.` },
      }),
      info,
    );
  }
  await reports.softDelete('r-007', null);
  pooled = await buildApp({ db: store, validateResponses: true, searchWorkers: 2 });
  plain = await buildApp({ db: store, validateResponses: true, searchWorkers: 0 });
  await Promise.all([pooled.ready(), plain.ready()]);
  const token = async (email: string) => {
    const user = await plain.services.users.create(null, { email, name: email, role: 'viewer' });
    return (await plain.services.auth.createToken(actorOf(user, 'cli'), 'test')).token;
  };
  tokens = { member: await token('dana@example.test'), other: await token('eve@example.test') };
}, 120_000);

afterAll(async () => {
  await pooled?.close();
  await plain?.close();
  await store?.close();
  assertRepliesMatched(pooled);
});

const search = (app: typeof pooled, token: string, url: string) =>
  app.inject({ url, headers: { authorization: `Bearer ${token}` } });

describe('search workers on a SQLite file', () => {
  it('start with the app, one per worker asked for', () => {
    expect(pooled.searchPool?.workers).toHaveLength(2);
    expect(plain.searchPool).toBeUndefined();
  });

  it('answer every query, page and viewer with the main thread’s JSON text', async () => {
    const queries = [
      ...WORDS,
      ...WORDS.flatMap((w, k) => [`${w} ${WORDS[(k + 3) % WORDS.length]}`, `the ${w}`, w.toUpperCase()]),
      'incident',
      'platform',
      'day 12',
      'nothing-matches-this',
      '“quoted” cache',
      'AND OR NOT',
      '*',
    ];
    const pages = ['limit=50', 'limit=10', 'limit=10&offset=10', 'limit=7&offset=30', 'limit=100&offset=150'];
    let compared = 0;
    for (const token of [tokens.member, tokens.other]) {
      for (const q of queries) {
        for (const page of pages) {
          const url = `/api/search?q=${encodeURIComponent(q)}&${page}`;
          const [a, b] = await Promise.all([search(pooled, token, url), search(plain, token, url)]);
          expect(a.statusCode, url).toBe(b.statusCode);
          expect(a.payload, url).toBe(b.payload);
          expect(a.headers['content-type']).toBe(b.headers['content-type']);
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThanOrEqual(400);
    // Not vacuous: restricted reports are found by their member only, and pages hold hits.
    const member = search(pooled, tokens.member, '/api/search?q=cache&limit=100');
    const other = search(pooled, tokens.other, '/api/search?q=cache&limit=100');
    const [m, o] = (await Promise.all([member, other])).map((r) => r.json<{ total: number }>());
    expect(m!.total).toBeGreaterThan(o!.total);
    expect(o!.total).toBeGreaterThan(50);
    // The summaries SQLite writes as JSON for a search are the list's, key for key in the same order.
    const listed = new Map(
      (await search(plain, tokens.member, '/api/postmortems?limit=200'))
        .json<{ items: { id: string }[] }>()
        .items.map((s) => [s.id, JSON.stringify(s)]),
    );
    for (const app of [pooled, plain]) {
      const { items } = (await search(app, tokens.member, '/api/search?q=cache&limit=100')).json<{
        items: { id: string; score: number; snippet: string; snippetHtml: string }[];
      }>();
      expect(items.length).toBeGreaterThan(50);
      for (const { score: _score, snippet: _snippet, snippetHtml: _html, ...summary } of items)
        expect(JSON.stringify(summary), summary.id).toBe(listed.get(summary.id));
    }
  }, 120_000);

  it('answer a client that accepts brotli or gzip with the same JSON compressed in the worker', async () => {
    const ask = (app: typeof pooled, encoding?: string) =>
      app.inject({
        url: '/api/search?q=cache&limit=100',
        headers: {
          authorization: `Bearer ${tokens.member}`,
          ...(encoding ? { 'accept-encoding': encoding } : {}),
        },
      });
    const text = (await ask(plain)).payload;
    for (const [encoding, sent, decode] of [
      ['gzip, deflate, br, zstd', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
    ] as const) {
      const [a, b] = await Promise.all([ask(pooled, encoding), ask(plain, encoding)]);
      for (const r of [a, b]) {
        expect(r.headers['content-encoding']).toBe(sent);
        expect(r.headers.vary).toMatch(/accept-encoding/i);
        expect(Number(r.headers['content-length'])).toBe(r.rawPayload.length);
        expect(decode(r.rawPayload).toString('utf8')).toBe(text);
      }
      expect(a.rawPayload.length).toBeLessThan(text.length / 2);
    }
    // Compressed by the worker itself: the pool hands over brotli bytes.
    const fromWorker = await pooled.searchPool!.search(viewer, 'cache', { limit: 100, offset: 0 }, 'br')!;
    expect(fromWorker.encoding).toBe('br');
    expect(JSON.parse(brotliDecompressSync(fromWorker.body).toString('utf8'))).toMatchObject({ limit: 100 });
    // Asked for none (or a small page), the worker's text is sent as it is.
    const none = await ask(pooled, 'identity');
    expect([none.headers['content-encoding'], none.payload]).toEqual([undefined, text]);
  });

  it('see a save acknowledged before the search', async () => {
    const reports = new ReportRepository(store);
    const url = '/api/search?q=zeppelin&limit=10';
    expect(JSON.parse((await search(pooled, tokens.other, url)).payload)).toMatchObject({ total: 0 });
    await reports.create(
      'r-new',
      reportSchema.parse({ kind: 'outage', title: 'Zeppelin landing failed' }),
      info,
    );
    const after = JSON.parse((await search(pooled, tokens.other, url)).payload) as {
      items: { id: string }[];
    };
    expect(after.items.map((i) => i.id)).toEqual(['r-new']);
  });

  it('answer a search whose worker stopped 503, and replace the worker', async () => {
    const before = pooled.searchPool!.workers;
    // Stopped while idle, as a crash would: the next searches are answered by the replacement.
    await before[0]!.terminate();
    await until('a replacement worker', () => pooled.searchPool!.workers[0] !== before[0]);
    for (let i = 0; i < 6; i++) {
      const r = await search(pooled, tokens.other, '/api/search?q=cache&limit=5');
      expect(r.statusCode).toBe(200);
    }
    // Stopped with searches waiting: each is answered, never left hanging.
    const pool = new SearchPool(file, 1);
    const waiting = [
      pool.search(viewer, 'cache', { limit: 5, offset: 0 })!,
      pool.search(viewer, 'disk', { limit: 5, offset: 0 })!,
    ];
    for (const w of waiting) w.catch(() => {});
    await pool.workers[0]!.terminate();
    for (const w of waiting) await expect(w).rejects.toMatchObject({ code: 'unavailable' });
    // The replacement answers.
    await until('a replacement', () => pool.workers[0]!.threadId > 0);
    expect(
      JSON.parse(String((await pool.search(viewer, 'cache', { limit: 5, offset: 0 }))!.body)),
    ).toMatchObject({
      limit: 5,
    });
    await pool.close();
    // Closed: no search is taken (the route then searches on the main thread), and the threads are gone.
    expect(pool.search(viewer, 'cache', { limit: 5, offset: 0 })).toBeUndefined();
    expect(pool.workers[0]!.threadId).toBe(-1);
  }, 60_000);

  it('refuse searches beyond the waiting bound with 503, and answer those taken', async () => {
    const pool = new SearchPool(file, 1, () => {}, { waitingPerWorker: 2 });
    const asked = [0, 1, 2, 3].map((i) => pool.search(viewer, `cache ${i}`, { limit: 5, offset: 0 })!);
    for (const a of asked) a.catch(() => {});
    for (const a of asked.slice(2)) await expect(a).rejects.toMatchObject({ code: 'unavailable' });
    for (const a of asked.slice(0, 2)) expect(JSON.parse(String((await a).body))).toMatchObject({ limit: 5 });
    await pool.close();
  }, 60_000);

  it('stop a search that runs past the time-out with 503 and Retry-After, and replace its thread', async () => {
    // A stand-in worker program (the real search is too quick to run away on a test database): the query
    // "runaway" never ends; any other is answered with the thread's id.
    const program = `
      const { parentPort, threadId } = require('node:worker_threads');
      parentPort.on('message', ({ id, job }) => {
        if (job.q === 'runaway') for (;;);
        parentPort.postMessage({ id, reply: { json: new TextEncoder().encode(JSON.stringify({ thread: threadId, q: job.q })) } });
      });
      parentPort.postMessage({ ready: true });`;
    const errors: Error[] = [];
    const pool = new SearchPool(file, 1, (e) => errors.push(e), {
      timeoutMs: 300,
      program: { work: 'search', entry: () => program, options: { eval: true }, tooLong: 'try fewer words' },
    });
    const first = JSON.parse(String((await pool.search(viewer, 'cache', { limit: 5, offset: 0 }))!.body)) as {
      thread: number;
    };
    const started = performance.now();
    const runaway = pool.search(viewer, 'runaway', { limit: 5, offset: 0 })!;
    // Handed to the same thread behind the runaway one: answered by the replacement, not refused.
    const behind = pool.search(viewer, 'disk', { limit: 5, offset: 0 })!;
    await expect(runaway).rejects.toMatchObject({
      code: 'unavailable',
      status: 503,
      retryAfter: expect.any(Number),
      message: 'the search took longer than 300 ms and was stopped; try fewer words',
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    const after = JSON.parse(String((await behind).body)) as { thread: number; q: string };
    expect(after).toMatchObject({ q: 'disk' });
    expect(after.thread).not.toBe(first.thread);
    expect(pool.workers).toHaveLength(1);
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/took longer than 300 ms/)]);
    await pool.close();
  }, 60_000);

  it('give up after workers fail to start, without leaving a search hanging', async () => {
    const errors: Error[] = [];
    const pool = new SearchPool(join(dir, 'missing', 'nothing.db'), 1, (e) => errors.push(e));
    const first = pool.search(viewer, 'cache', { limit: 5, offset: 0 });
    first?.catch(() => {});
    await expect(first).rejects.toMatchObject({ code: 'unavailable' });
    const asked: Promise<unknown>[] = [];
    await until('the pool to give up', () => {
      const p = pool.search(viewer, 'cache', { limit: 5, offset: 0 });
      if (p) asked.push(p);
      p?.catch(() => {});
      return p === undefined;
    });
    // Those asked meanwhile were answered too (503), none left waiting.
    for (const p of asked) await expect(p).rejects.toMatchObject({ code: 'unavailable' });
    expect(errors.length).toBeGreaterThanOrEqual(3);
    await pool.close();
  }, 60_000);
});

describe('closing', () => {
  it('are not started on :memory:', async () => {
    const memory = openStore(':memory:');
    try {
      expect(startSearchPool(memory, 2, () => {})).toBeUndefined();
    } finally {
      await memory.close();
    }
  });

  it('stops the workers when the app closes', async () => {
    const app = await buildApp({ db: store, searchWorkers: 2 });
    await app.ready();
    const workers = app.searchPool!.workers;
    await Promise.all(workers.map((w) => new Promise((r) => w.once('online', r)).catch(() => {})));
    const t = performance.now();
    await app.close();
    expect(performance.now() - t).toBeLessThan(5_000);
    for (const w of workers) expect(w.threadId).toBe(-1);
  });

  it('ends `hindsight serve` on SIGTERM with its workers', async () => {
    const server = await serveProcess(file, { HINDSIGHT_SCORER: '0' });
    try {
      const r = await fetch(`${server.url}/api/search?q=cache`, {
        headers: { authorization: `Bearer ${tokens.other}` },
      });
      expect(r.status).toBe(200);
      const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
      server.child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('hung'), 15_000))]);
      expect(code).toBe(0);
    } finally {
      await killed(server.child);
    }
  }, 60_000);
});

describe.each(testDialects())('without workers asked for (%s)', (dialect) => {
  it('searches on the main thread', async () => {
    const t = await openTestStore(dialect);
    try {
      // A file: no workers unless asked for (`hindsight serve` asks for one per core).
      if (dialect === 'postgres') expect(startSearchPool(t.store, 2, () => {})).toBeUndefined();
      const app = await buildApp({ db: t.store, validateResponses: true });
      expect(app.searchPool).toBeUndefined();
      await app.close();
    } finally {
      await t.dispose();
    }
  });
});

it('shares one page-cache budget among the workers: 512 MB in all, at most 256 MB each', () => {
  expect(readerCacheKib(1)).toBe(256 * 1024);
  expect(readerCacheKib(2)).toBe(256 * 1024);
  expect(readerCacheKib(8)).toBe(64 * 1024);
  expect(readerCacheKib(64)).toBe(8 * 1024);
  for (const workers of [1, 2, 3, 7, 16, 64, 256])
    expect(workers * readerCacheKib(workers)).toBeLessThanOrEqual(512 * 1024);
  expect(readerCacheKib(1000)).toBe(2 * 1024);
});
