// The WAL of a SQLite file is checkpointed on a worker thread once it has grown (checkpointer.ts): saves keep
// it bounded without checkpointing on the main thread, every save stays, closing the store ends the worker, and a
// worker that stops is started again after a pause that grows with each stop in a row.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import { Checkpointer, lastFrameOf } from './checkpointer.js';
import { migrateToLatest, openStore, ReportRepository } from './index.js';

describe('checkpoints off the main thread (SQLite file)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-checkpoint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps the WAL near its mark while saves go on, and keeps every save', async () => {
    const store = openStore(join(dir, 'h.db'), { checkpointFrames: 200 });
    await migrateToLatest(store);
    const reports = new ReportRepository(store);
    const info = { userId: null, summary: 'saved', changes: [] };
    const frames = () => lastFrameOf(store.changeMark!())!;
    let restarts = 0;
    let written = 0;
    for (let i = 0; i < 120; i++) {
      const before = frames();
      await reports.create(`c-${i}`, buildReport({ id: `c-${i}`, title: `Checkpoint ${i}` }), info);
      const after = frames();
      // A WAL started again from its head after a complete checkpoint.
      if (after < before) restarts += 1;
      else written += after - before;
      await sleep(5); // the worker's turn
    }
    // Without the worker the WAL would hold every frame written (the connection's own mark is 50,000 frames)
    // and never start again; with it, it starts again every few saves.
    expect(written).toBeGreaterThan(2_000);
    expect(restarts).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < 120; i++) expect((await reports.get(`c-${i}`))?.report.title).toBe(`Checkpoint ${i}`);
    await store.close();
    // Opened afresh, the file holds them all.
    const again = openStore(join(dir, 'h.db'));
    expect((await new ReportRepository(again).get('c-119'))?.report.title).toBe('Checkpoint 119');
    await again.close();
  });

  it('keeps the WAL bounded under unbroken saves (one group commit after another), and keeps every save', async () => {
    const store = openStore(join(dir, 'u.db'), { checkpointFrames: 200 });
    await migrateToLatest(store);
    // The write groups that found new writes held (the hold under test), counted where they ask.
    let held = 0;
    const writesHeld = store.writesHeld!.bind(store);
    store.writesHeld = () => {
      const hold = writesHeld();
      if (hold) held += 1;
      return hold;
    };
    const reports = new ReportRepository(store);
    const info = { userId: null, summary: 'saved', changes: [] };
    const frames = () => lastFrameOf(store.changeMark!())!;
    let most = 0;
    let restarts = 0;
    const saved: string[] = [];
    const until = Date.now() + 2_500;
    // Eight writers back to back: a group commit is under way, or about to be, whenever a checkpoint ends.
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = 0; Date.now() < until; i++) {
          const before = frames();
          await reports.create(
            `u-${w}-${i}`,
            buildReport({ id: `u-${w}-${i}`, title: `Unbroken ${w}-${i}` }),
            info,
          );
          const after = frames();
          if (after < before) restarts += 1;
          most = Math.max(most, after);
          saved.push(`${w}-${i}`);
        }
      }),
    );
    expect(saved.length).toBeGreaterThan(40);
    expect(held).toBeGreaterThan(0);
    // The WAL starts again from its head near the mark, not at the connection's backstop (50,000 frames; without
    // the hold it peaked at 35,000-50,000 frames here). The bound leaves room for a checkpoint slowed by a busy
    // machine: the frames appended while it ran (up to holdFrames, 2,000) come on top of twice the mark.
    expect(restarts).toBeGreaterThanOrEqual(3);
    expect(most).toBeLessThan(10_000);
    for (const key of saved) expect((await reports.get(`u-${key}`))?.report.title).toBe(`Unbroken ${key}`);
    await store.close();
  });

  it('keeps a process that only saves (no server) alive through a hold, to its last save', () => {
    // Before review R2's mend the hold's timer was unref'd: a script saving in a loop exited (code 0) at the first
    // hold, its later saves never written.
    const root = join(import.meta.dirname, '../..');
    const script = join(dir, 'saves.mts');
    writeFileSync(
      script,
      `import { buildReport } from ${JSON.stringify(join(root, 'test/factories.ts'))};
import { migrateToLatest, openStore, ReportRepository } from ${JSON.stringify(join(root, 'src/store/index.ts'))};
const store = openStore(${JSON.stringify(join(dir, 'script.db'))}, { checkpointFrames: 200 });
await migrateToLatest(store);
const reports = new ReportRepository(store);
const info = { userId: null, summary: 'saved', changes: [] };
let done = 0;
await Promise.all(Array.from({ length: 4 }, async (_, w) => {
  for (let i = 0; i < 150; i++) {
    await reports.create('s-' + w + '-' + i, buildReport({ id: 's-' + w + '-' + i, title: 'Script ' + i }), info);
    done += 1;
  }
}));
await store.close();
console.log('finished ' + done);
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('finished 600');
    expect(r.status).toBe(0);
  });

  it('closes at once while checkpoints are asked for, and keeps every save', async () => {
    const store = openStore(join(dir, 'c.db'), { checkpointFrames: 10 });
    await migrateToLatest(store);
    const reports = new ReportRepository(store);
    const info = { userId: null, summary: 'saved', changes: [] };
    // Each save past the mark asks the worker for a checkpoint; the store is closed right after the last.
    for (let i = 0; i < 40; i++)
      await reports.create(`d-${i}`, buildReport({ id: `d-${i}`, title: `Closing ${i}` }), info);
    const started = Date.now();
    await store.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    const again = openStore(join(dir, 'c.db'));
    const reopened = new ReportRepository(again);
    for (let i = 0; i < 40; i++) expect((await reopened.get(`d-${i}`))?.report.title).toBe(`Closing ${i}`);
    await again.close();
  });

  it('starts a worker again after it exits without an error, after a pause that doubles while it keeps stopping', async () => {
    const store = openStore(join(dir, 'r.db'), { checkpointFrames: 1_000_000_000 });
    await migrateToLatest(store);
    await new ReportRepository(store).create('r-1', buildReport({ id: 'r-1' }), {
      userId: null,
      summary: 'saved',
      changes: [],
    });
    // Always past the mark: every poke while none runs asks for a checkpoint.
    const c = new Checkpointer(join(dir, 'r.db'), () => 100, 1, { restartMs: 300, maxRestartMs: 5_000 });
    const until = async (what: () => boolean) => {
      for (let i = 0; i < 400 && !what(); i++) await sleep(10);
      expect(what()).toBe(true);
    };
    try {
      c.poke();
      await until(() => c.counts.checkpoints === 1);
      // The worker exits with no 'error' event (as a thread that returns or is terminated does).
      await c.thread!.terminate();
      await until(() => c.thread === undefined);
      c.poke();
      expect(c.counts.started).toBe(1); // within the pause: no new worker yet
      await sleep(350);
      c.poke();
      expect(c.counts.started).toBe(2);
      // This one stops before it answers: a second stop in a row, so the pause doubles (600 ms).
      await c.thread!.terminate();
      expect(c.counts.checkpoints).toBe(1);
      await until(() => c.thread === undefined);
      await sleep(350);
      c.poke();
      expect(c.counts.started).toBe(2);
      await sleep(300);
      c.poke();
      expect(c.counts.started).toBe(3);
      await until(() => c.counts.checkpoints === 2);
    } finally {
      await c.close();
      await store.close();
    }
  });
});
