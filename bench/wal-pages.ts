// What a save writes to the WAL: creates, then updates (another generated report each), then edits (the same
// report with its title changed), through the repository, in process, on a copy of the cached database (BENCH_DB:
// it adds reports), CLIENTS at a time as the HTTP bench's clients send them (so saves are group-committed as
// there). The WAL is emptied first and not checkpointed meanwhile; then its frames are read: frames and distinct
// pages per save, and (with BENCH_WAL_TABLES=1) which table or index each page belongs to (dbstat, a walk of the
// whole file). BENCH_DIST runs an earlier build's dist.
import { openSync, readSync, closeSync, fstatSync } from 'node:fs';
import type * as StoreModule from '../src/store/index.js';
import { reportSchema, type Report } from '../src/domain/index.js';
import { generateReport, prng, vocabulary } from './report.generator.js';

const file = process.env.BENCH_DB!;
const N = Number(process.env.BENCH_SAVES ?? 400);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20);
const dist = process.env.BENCH_DIST ?? new URL('../dist', import.meta.url).pathname;
const store = await import(`${dist}/store/index.js`).then((m: typeof StoreModule) => m);
const db = store.openStore(file, { checkpointFrames: 1e9 });
const m0 = performance.now();
const applied = await store.migrateToLatest(db);
console.log(
  `migrations ${applied.join(', ') || 'none'} in ${((performance.now() - m0) / 1000).toFixed(1)} s`,
);
const sqlite = db.sqlite!;
sqlite.pragma('wal_autocheckpoint = 0');
sqlite.pragma('wal_checkpoint(TRUNCATE)');
const reports = new store.ReportRepository(db);
const vocab = vocabulary();
const rnd = prng(1234);
const made: { id: string; version: number; report?: Report }[] = [];
const info = { userId: null, summary: 'bench', changes: ['content'] };
const inputs = Array.from({ length: N }, (_, i) =>
  reportSchema.parse({ ...generateReport(2_000_000 + i, vocab, rnd), state: 'draft' }),
);

function walFrames(): { frames: number; pages: Map<number, number> } {
  const fd = openSync(`${file}-wal`, 'r');
  const size = fstatSync(fd).size;
  const head = Buffer.alloc(32);
  readSync(fd, head, 0, 32, 0);
  const pageSize = head.readUInt32BE(8);
  const frameSize = 24 + pageSize;
  const pages = new Map<number, number>();
  const fh = Buffer.alloc(24);
  let frames = 0;
  for (let off = 32; off + frameSize <= size; off += frameSize) {
    readSync(fd, fh, 0, 24, off);
    const pg = fh.readUInt32BE(0);
    pages.set(pg, (pages.get(pg) ?? 0) + 1);
    frames++;
  }
  closeSync(fd);
  return { frames, pages };
}

async function phase(label: string, work: (i: number) => Promise<void>) {
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < N) await work(next++);
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const { frames, pages } = walFrames();
  console.log(
    `${label}: ${N} saves, ${(frames / N).toFixed(1)} WAL frames/save, ${(pages.size / N).toFixed(1)} distinct pages/save, ` +
      `${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} CPU ms/save (process, all threads), ${(N / (ms / 1000)).toFixed(0)}/s`,
  );
  if (process.env.BENCH_WAL_TABLES) {
    const names = new Map<number, string>();
    for (const r of sqlite.prepare('select name, pageno from dbstat').iterate() as Iterable<{
      name: string;
      pageno: number;
    }>)
      if (pages.has(r.pageno)) names.set(r.pageno, r.name);
    const by = new Map<string, { frames: number; pages: number }>();
    for (const [pg, n] of pages) {
      const name = names.get(pg) ?? (pg === 1 ? 'header' : 'free/new');
      const e = by.get(name) ?? { frames: 0, pages: 0 };
      e.frames += n;
      e.pages += 1;
      by.set(name, e);
    }
    for (const [name, e] of [...by].sort((a, b) => b[1].frames - a[1].frames))
      console.log(
        `  ${name.padEnd(36)} ${(e.frames / N).toFixed(2)} frames/save, ${(e.pages / N).toFixed(2)} pages/save`,
      );
  }
}

await phase('creates', async (i) => {
  const id = `walbench-${process.pid}-${i}`;
  const s = await reports.create(id, { ...inputs[i]!, id }, info);
  made.push({ id, version: s.version });
});
await phase('updates', async (i) => {
  const m = made[i]!;
  const report = { ...inputs[(i + 1) % N]!, id: m.id, title: `${inputs[i]!.title} (edited)` };
  const s = await reports.update(m.id, m.version, report, info);
  m.version = s.version;
  m.report = report;
});
// Edits as the HTTP bench makes them: the same report with its title changed.
await phase('edits', async (i) => {
  const m = made[i]!;
  const report = { ...m.report!, title: `${m.report!.title} (edit ${i})` };
  const s = await reports.update(m.id, m.version, report, info);
  m.version = s.version;
});
await db.close();
