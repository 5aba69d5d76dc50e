// The loaded database the HTTP benches run against: BENCH_REPORTS generated reports (default 100,000) in a
// SQLite file under bench/.cache/, made once and kept (it takes minutes; the time is printed and recorded).
// Three accounts with API tokens: an admin, an editor (writes) and a viewer (reads, so the visibility rule
// applies). 95% of the reports are drafts, the rest in review, published or closed, as in a long-used archive.
import type * as AccessModule from '../src/server/services/access.js';
import type * as AppModule from '../src/server/app.js';
import type * as DomainModule from '../src/domain/index.js';
import type * as StoreModule from '../src/store/index.js';
import type * as RowsModule from '../src/store/report-rows.js';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import pg from 'pg';
import { bulkLoader, storeLoader } from './bulk-load.js';
import { generateReport, prng, vocabulary } from './report.generator.js';

export const CACHE = join(dirname(fileURLToPath(import.meta.url)), '.cache');

export interface Dataset {
  db: string;
  reports: number;
  ids: string[];
  tokens: { admin: string; editor: string; viewer: string };
  /** Seconds the load took when the file was made. */
  loadSeconds: number;
  /** Owners of action items, as the generator names them. */
  owners: string[];
}

const dist = new URL('../dist/', import.meta.url);
const load = async <T>(path: string) => (await import(new URL(path, dist).href)) as T;

/** The cached dataset of `reports` reports, made first if it is not there. */
export async function dataset(reports = Number(process.env.BENCH_REPORTS ?? 100_000)): Promise<Dataset> {
  mkdirSync(CACHE, { recursive: true });
  // DATABASE_URL=postgres://…/<a database whose name says bench> loads PostgreSQL instead (made afresh).
  const pgUrl = /^postgres(ql)?:\/\//i.test(process.env.DATABASE_URL ?? '')
    ? process.env.DATABASE_URL!
    : undefined;
  const meta = join(CACHE, `reports-${reports}${pgUrl ? '-pg' : ''}.json`);
  if (existsSync(meta)) {
    const kept = JSON.parse(readFileSync(meta, 'utf8')) as Dataset;
    // The cache folder may have been moved or copied (another checkout): the SQLite file sits beside its
    // metadata, whatever absolute path was written when it was made.
    return pgUrl ? kept : { ...kept, db: join(CACHE, `reports-${reports}.db`) };
  }

  const { buildApp } = await load<typeof AppModule>('server/app.js');
  const { openStore, migrateToLatest } = await load<typeof StoreModule>('store/index.js');
  const { actorOf } = await load<typeof AccessModule>('server/services/access.js');
  const { reportSchema } = await load<typeof DomainModule>('domain/index.js');

  const db = pgUrl ?? join(CACHE, `reports-${reports}.db`);
  const building = pgUrl ?? `${db}.building`;
  if (pgUrl) await freshPostgres(pgUrl);
  else for (const f of [building, `${building}-wal`, `${building}-shm`]) rmSync(f, { force: true });
  const where = pgUrl ? building.replace(/\/\/[^@/]*@/, '//') : building;
  process.stdout.write(`loading ${reports} reports into ${where} (once; kept)…\n`);
  const t0 = performance.now();
  const store = openStore(building);
  await migrateToLatest(store);
  const app = await buildApp({ db: store, logger: false });
  const user = (role: 'admin' | 'editor' | 'viewer') =>
    app.services.users.create(null, { email: `${role}@bench.test`, name: `Bench ${role}`, role });
  const [admin, editor, viewer] = [await user('admin'), await user('editor'), await user('viewer')];
  const tokenOf = async (u: typeof admin) =>
    (await app.services.auth.createToken(actorOf(u, 'cli'), 'bench')).token;
  const tokens = {
    admin: await tokenOf(admin),
    editor: await tokenOf(editor),
    viewer: await tokenOf(viewer),
  };

  await app.close();
  const rows = await load<typeof RowsModule>('store/report-rows.js');
  if (!pgUrl) await store.close();
  // Straight to the tables, a thousand reports per transaction (the services let a new report be a draft
  // only): the schema still checks each report, and each gets the rows a save through the repository writes
  // (its revision, side tables and search entry; test/bulk-load.test.ts compares the two).
  const loader = pgUrl ? storeLoader(store, rows) : bulkLoader(building, rows);
  const vocab = vocabulary();
  const rnd = prng(42);
  const states = ['in_review', 'published', 'closed'] as const;
  const ids: string[] = [];
  // One second apart, ending now: the order of creation is the order of last change.
  const start = Date.now() - reports * 1000;
  for (let i = 0; i < reports; i++) {
    const input = generateReport(i, vocab, rnd);
    const state = i % 20 === 7 ? states[i % 3]! : 'draft';
    const report = reportSchema.parse({ ...input, state });
    const id = `PM-${String(i + 1).padStart(6, '0')}`;
    const at = new Date(start + i * 1000).toISOString();
    await loader.add(id, { ...report, id }, { userId: admin.id, summary: 'created', changes: [], at });
    ids.push(id);
    if (i > 0 && i % 10_000 === 0)
      process.stdout.write(`  ${i} reports, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
  }
  await loader.close();
  // VACUUM too: it moves the GIN index's pending entries of the load into the index proper.
  if (pgUrl) await sql`vacuum analyze`.execute(store.db);
  if (pgUrl) await store.close();
  const loadSeconds = (performance.now() - t0) / 1000;
  if (!pgUrl) {
    renameSync(building, db);
    for (const s of ['-wal', '-shm']) if (existsSync(building + s)) renameSync(building + s, db + s);
  }
  const data: Dataset = {
    db,
    reports,
    ids,
    tokens,
    loadSeconds,
    owners: ['Team Atlas', 'Team Borealis', 'Team Cygnus', 'Team Draco', 'Team Eridanus'],
  };
  writeFileSync(meta, JSON.stringify(data));
  process.stdout.write(`loaded ${reports} reports in ${loadSeconds.toFixed(0)} s\n`);
  return data;
}

/** Drop and make the database a URL names; only one whose name says it is for benches. */
async function freshPostgres(url: string) {
  const target = new URL(url);
  const name = target.pathname.slice(1);
  if (!/^[a-z0-9_]*bench[a-z0-9_]*$/.test(name))
    throw new Error(
      `DATABASE_URL must name a database for benches (its name containing "bench"), not ${name}`,
    );
  target.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: target.toString() });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const d = await dataset();
  process.stdout.write(`${d.db}: ${d.reports} reports, loaded in ${d.loadSeconds.toFixed(0)} s\n`);
}
