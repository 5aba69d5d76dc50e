// The server on SQLite: saves per second through the services, search latency over a large generated
// corpus, and reading one report over HTTP against a bare Fastify route measured the same way in the same run.
// BENCH_SEARCH_REPORTS sets the corpus size (default 100,000); BENCH_HTTP_SECONDS the autocannon duration.
import type * as AppModuleType from '../src/server/app.js';
import type * as AccessModuleType from '../src/server/services/access.js';
import type * as StoreModuleType from '../src/store/index.js';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateQuery, generateReport, prng, vocabulary } from './report.generator.js';

type AppModule = typeof AppModuleType;
type StoreModule = typeof StoreModuleType;
type AccessModule = typeof AccessModuleType;
const dist = new URL('../dist/', import.meta.url);
const { buildApp } = (await import(new URL('server/app.js', dist).href)) as AppModule;
const { openStore, migrateToLatest } = (await import(new URL('store/index.js', dist).href)) as StoreModule;
const { actorOf } = (await import(new URL('server/services/access.js', dist).href)) as AccessModule;

const TOTAL = Number(process.env.BENCH_SEARCH_REPORTS ?? 100_000);
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 5);
const CONNECTIONS = 10;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};
const line = (label: string, value: string, verdict?: boolean) =>
  process.stdout.write(
    `${label.padEnd(46)} ${value}${verdict === undefined ? '' : verdict ? '  ok' : '  BELOW TARGET'}\n`,
  );

async function cannon(url: string, headers: Record<string, string>) {
  const result = await autocannon({ url, connections: CONNECTIONS, duration: SECONDS, headers });
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result.requests.average;
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-bench-'));
  const dbFile = join(dir, 'bench.db');
  const store = openStore(dbFile);
  try {
    await migrateToLatest(store);
    const app = await buildApp({ db: store, logger: false });
    const admin = await app.services.users.create(null, {
      email: 'bench@example.test',
      name: 'Bench',
      role: 'admin',
    });
    const actor = actorOf(admin, 'cli');
    const vocab = vocabulary();
    const rnd = prng(42);

    // Saves: creates, then updates of existing reports (each a new revision with side tables and index).
    const SAVES = 2000;
    const ids: string[] = [];
    // Warm up the JIT and the statement cache before timing anything.
    for (let i = 0; i < 200; i++)
      ids.push((await app.services.reports.create(actor, generateReport(i, vocab, rnd))).id);
    let t0 = performance.now();
    for (let i = 200; i < SAVES + 200; i++) {
      ids.push((await app.services.reports.create(actor, generateReport(i, vocab, rnd))).id);
    }
    const createRate = SAVES / ((performance.now() - t0) / 1000);
    t0 = performance.now();
    for (let i = 0; i < SAVES; i++) {
      const id = ids[i]!;
      const current = await app.services.reports.visible(actor, id);
      await app.services.reports.update(actor, id, current.version, {
        ...generateReport(i + TOTAL, vocab, rnd),
        state: current.state,
      });
    }
    const updateRate = SAVES / ((performance.now() - t0) / 1000);
    line('saves/s, create (validate, store, index, revision)', createRate.toFixed(0), createRate >= 500);
    line('saves/s, update (read, validate, diff, store, revision)', updateRate.toFixed(0), updateRate >= 500);

    // Seed the rest of the corpus through the same save path.
    t0 = performance.now();
    for (let i = SAVES + 200; i < TOTAL; i++)
      await app.services.reports.create(actor, generateReport(i, vocab, rnd));
    // A small BENCH_SEARCH_REPORTS leaves nothing to seed; then there is no rate to print.
    const toSeed = TOTAL - SAVES - 200;
    if (toSeed > 0) {
      const seeded = toSeed / ((performance.now() - t0) / 1000);
      line(`seeded ${TOTAL} reports, saves/s`, seeded.toFixed(0), seeded >= 500);
    }

    // Search as a non-member (the visibility filter applies), one- and two-word queries drawn like the text.
    const reader = await app.services.users.create(null, {
      email: 'reader@example.test',
      name: 'Reader',
      role: 'viewer',
    });
    const readerActor = actorOf(reader, 'cli');
    const queries = Array.from({ length: 400 }, () => generateQuery(rnd, vocab));
    for (const q of queries.slice(0, 20))
      await app.services.reports.search(readerActor, q, { limit: 20, offset: 0 });
    const times: number[] = [];
    let hits = 0;
    for (const q of queries) {
      const s = performance.now();
      const r = await app.services.reports.search(readerActor, q, { limit: 20, offset: 0 });
      times.push(performance.now() - s);
      hits += r.total;
    }
    line(`search over ${TOTAL} reports, p50 ms`, pct(times, 50).toFixed(2));
    line(`search over ${TOTAL} reports, p95 ms`, pct(times, 95).toFixed(2), pct(times, 95) <= 20);
    line('search, mean matches per query', (hits / queries.length).toFixed(0));

    // HTTP: one report by id with token auth, against a bare Fastify route, same connections. Both servers
    // run in a child process so that autocannon's own parsing does not share their CPU.
    const { token } = await app.services.auth.createToken(actor, 'bench');
    await store.close();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', dbFile],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const ports = await new Promise<{ app: number; bare: number }>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as { app: number; bare: number });
      });
      child.once('exit', (code) => reject(new Error(`server process exited with ${code}`)));
    });
    try {
      // Alternate the two targets and sum, so that a burst of load from elsewhere hits both alike.
      let baseline = 0;
      let read = 0;
      for (let round = 0; round < 2; round++) {
        baseline += (await cannon(`http://127.0.0.1:${ports.bare}/hello`, {})) / 2;
        read +=
          (await cannon(`http://127.0.0.1:${ports.app}/api/postmortems/${ids[7]}`, {
            authorization: `Bearer ${token}`,
          })) / 2;
      }
      line('bare Fastify route, requests/s', baseline.toFixed(0));
      line('read one report over HTTP, requests/s', read.toFixed(0));
      line(
        'read one report / bare route',
        `${((read / baseline) * 100).toFixed(0)}%`,
        read / baseline >= 0.5,
      );
    } finally {
      child.kill('SIGTERM');
    }
  } finally {
    await store.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The child: the app on the seeded database and a bare Fastify route, each on its own port. */
async function serve(dbFile: string) {
  const store = openStore(dbFile);
  const app = await buildApp({ db: store, logger: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const bare = Fastify({ logger: false });
  bare.get('/hello', async () => ({ hello: 'world' }));
  await bare.listen({ port: 0, host: '127.0.0.1' });
  const port = (f: typeof bare) => (f.server.address() as { port: number }).port;
  process.stdout.write(`${JSON.stringify({ app: port(app as unknown as typeof bare), bare: port(bare) })}\n`);
  process.once('SIGTERM', () => {
    // The bench is over: stop at once rather than wait for autocannon's keep-alive sockets to idle out.
    void Promise.race([Promise.all([app.close(), bare.close()]), new Promise((r) => setTimeout(r, 1000))])
      .then(() => store.close())
      .finally(() => process.exit(0));
  });
}

const serveAt = process.argv.indexOf('--serve');
if (serveAt >= 0) await serve(process.argv[serveAt + 1]!);
else await main();
