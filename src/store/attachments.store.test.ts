import { createHash, randomBytes } from 'node:crypto';
import { Migrator, sql, type Migration } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import {
  AttachmentRepository,
  ReportRepository,
  UserRepository,
  migrateToLatest,
  type NewAttachment,
  type Store,
} from './index.js';
import * as initial from './migrations/2026-11-27-001-initial.js';
import * as chunked from './migrations/2026-11-27-002-attachment-chunks.js';
import * as ordered from './migrations/2026-12-05-101-ordered-indexes.js';
import { newReportRow } from './report-rows.js';

const INITIAL = '2026-11-27-001-initial';
const CHUNKED = '2026-11-27-002-attachment-chunks';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A promise to resolve from outside, to hold an upload's source at a known point. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => (open = r));
  return { open, opened };
}

async function count(store: Store, table: 'attachments' | 'attachment_chunks'): Promise<number> {
  const r = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function chunkSizes(store: Store, id: string): Promise<number[]> {
  const rows = await store.db
    .selectFrom('attachment_chunks')
    .select(['seq', 'data'])
    .where('attachment_id', '=', id)
    .orderBy('seq')
    .execute();
  expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i));
  return rows.map((r) => r.data.length);
}

/**
 * A user and a report to hang files on. `asOld`: the report row written by hand, as the code of an older schema
 * wrote it (today's save also fills side tables that later migrations make).
 */
async function seed(store: Store, reportId: string, asOld = false): Promise<string> {
  const users = new UserRepository(store);
  const user = await users.create({
    email: `${reportId}@example.test`,
    name: 'Uploader',
    role: 'editor',
    passwordHash: null,
  });
  const report = reportSchema.parse({ kind: 'outage', title: 'With files' });
  const info = { userId: user.id, summary: 'created', changes: [] };
  if (asOld) {
    await store.db
      .insertInto('reports')
      .values(newReportRow(reportId, 1, report, info, '2026-11-01T00:00:00.000Z'))
      .execute();
  } else {
    await new ReportRepository(store).create(reportId, report, info);
  }
  return user.id;
}

describe.each(testDialects())('attachment chunks on %s', (dialect) => {
  let t: TestStore;
  let repo: AttachmentRepository;
  let meta: NewAttachment;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    repo = new AttachmentRepository(t.store);
    const userId = await seed(t.store, 'r-files');
    meta = {
      reportId: 'r-files',
      filename: 'f.bin',
      contentType: 'application/octet-stream',
      createdBy: userId,
    };
  });
  afterAll(async () => t?.dispose());

  it('cuts bytes arriving in uneven pieces into chunks of the asked size and reads them back equal', async () => {
    const bytes = randomBytes(7_500);
    const cuts = [0, 1, 1, 1000, 1000, 2001, 7_500];
    const pieces = cuts.slice(1).map((end, i) => bytes.subarray(cuts[i], end));
    const info = await repo.write(meta, pieces, { chunkSize: 1000 });
    expect(info).toMatchObject({ size: 7_500, sha256: sha256(bytes), filename: 'f.bin' });
    expect(await chunkSizes(t.store, info.id)).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 1000, 500]);
    expect((await repo.data(info.id))?.equals(bytes)).toBe(true);
    expect(await repo.get(info.id)).toEqual(info);

    const exact = await repo.write(meta, [randomBytes(1000)], { chunkSize: 1000 });
    expect(await chunkSizes(t.store, exact.id)).toEqual([1000]);
    const one = await repo.create({ ...meta, data: Buffer.from([0, 255]) });
    expect((await repo.data(one.id))?.equals(Buffer.from([0, 255]))).toBe(true);
  });

  it('keeps an upload out of sight until its last byte is stored', async () => {
    const g = gate();
    const reached = gate();
    const head = randomBytes(2_500);
    const tail = randomBytes(700);
    async function* source() {
      yield head;
      reached.open();
      await g.opened;
      yield tail;
    }
    const before = (await repo.listFor('r-files')).length;
    const writing = repo.write(meta, source(), { chunkSize: 1000 });
    await reached.opened;
    // Two full chunks are stored under a pending row; the third waits for what follows it.
    const pending = await t.store.db
      .selectFrom('attachments')
      .select(['id', 'status'])
      .where('status', '=', 'pending')
      .execute();
    expect(pending).toHaveLength(1);
    expect(await chunkSizes(t.store, pending[0]!.id)).toEqual([1000, 1000]);
    expect(await repo.listFor('r-files')).toHaveLength(before);
    expect(await repo.get(pending[0]!.id)).toBeUndefined();
    expect(await repo.data(pending[0]!.id)).toBeUndefined();
    g.open();
    const info = await writing;
    expect(info.id).toBe(pending[0]!.id);
    expect((await repo.data(info.id))?.equals(Buffer.concat([head, tail]))).toBe(true);
    expect(await repo.listFor('r-files')).toHaveLength(before + 1);
  });

  it('leaves nothing behind when the source fails part way', async () => {
    const rows = await count(t.store, 'attachments');
    const chunks = await count(t.store, 'attachment_chunks');
    async function* failing() {
      yield randomBytes(3_500);
      throw new Error('client went away');
    }
    await expect(repo.write(meta, failing(), { chunkSize: 1000 })).rejects.toThrow('client went away');
    expect(await count(t.store, 'attachments')).toBe(rows);
    expect(await count(t.store, 'attachment_chunks')).toBe(chunks);
  });

  it('sweeps an abandoned upload, and that upload then fails instead of completing', async () => {
    const rows = await count(t.store, 'attachments');
    const chunks = await count(t.store, 'attachment_chunks');
    const g = gate();
    const reached = gate();
    async function* stalled() {
      yield randomBytes(2_500);
      reached.open();
      await g.opened;
      yield randomBytes(2_500);
    }
    const writing = repo.write(meta, stalled(), { chunkSize: 1000 });
    const outcome = writing.then(
      () => 'stored',
      (e: Error) => e.message,
    );
    await reached.opened;
    expect(await repo.sweepPending(new Date(Date.now() - 60_000).toISOString())).toBe(0);
    expect(await repo.sweepPending(new Date(Date.now() + 60_000).toISOString())).toBe(1);
    expect(await count(t.store, 'attachments')).toBe(rows);
    expect(await count(t.store, 'attachment_chunks')).toBe(chunks);
    g.open();
    expect(await outcome).toMatch(/swept as abandoned/);
    expect(await count(t.store, 'attachments')).toBe(rows);
    expect(await count(t.store, 'attachment_chunks')).toBe(chunks);
  });
});

describe.each(testDialects())('upgrading attachments to chunks on %s', (dialect) => {
  let t: TestStore;
  const files = {
    big: randomBytes(700_001),
    small: Buffer.from('ten bytes!'),
    empty: Buffer.alloc(0),
    gone: randomBytes(300_000),
  };

  beforeAll(async () => {
    t = await openTestStore(dialect, { through: INITIAL });
  });
  afterAll(async () => t?.dispose());

  it('moves the bytes of every existing attachment into chunks, and back down, byte for byte', async () => {
    const userId = await seed(t.store, 'r-old', true);
    // The table as migration 001 made it, bytes in the row; written without today's types.
    const old = t.store.db.withTables<{ attachments: Record<string, unknown> }>();
    for (const [name, data] of Object.entries(files)) {
      await old
        .insertInto('attachments')
        .values({
          id: `a-${name}`,
          report_id: 'r-old',
          filename: `${name}.bin`,
          content_type: 'application/octet-stream',
          size: data.length,
          sha256: sha256(data),
          data,
          created_by: userId,
          created_at: '2026-11-01T00:00:00.000Z',
          deleted_at: name === 'gone' ? '2026-11-02T00:00:00.000Z' : null,
        })
        .execute();
    }

    // Up to this migration only: the ones after it are not what this test is about.
    expect(await migrateToLatest(t.store, { through: CHUNKED })).toEqual([CHUNKED]);
    const repo = new AttachmentRepository(t.store);
    expect((await repo.listFor('r-old')).map((a) => a.id).sort()).toEqual(['a-big', 'a-empty', 'a-small']);
    for (const name of ['big', 'small', 'empty'] as const) {
      const info = await repo.get(`a-${name}`);
      expect(info).toMatchObject({ size: files[name].length, sha256: sha256(files[name]) });
      expect((await repo.data(`a-${name}`))?.equals(files[name]), name).toBe(true);
    }
    expect(await chunkSizes(t.store, 'a-big')).toEqual([262_144, 262_144, 175_713]);
    expect(await chunkSizes(t.store, 'a-small')).toEqual([10]);
    expect(await chunkSizes(t.store, 'a-empty')).toEqual([]);
    // A deleted attachment keeps its bytes, as before.
    expect(await chunkSizes(t.store, 'a-gone')).toEqual([262_144, 37_856]);
    const status = await t.store.db.selectFrom('attachments').select(['id', 'status']).execute();
    expect(new Set(status.map((s) => s.status))).toEqual(new Set(['complete']));
    // The old column is gone; new uploads work alongside the moved ones.
    await expect(sql`select data from attachments`.execute(t.store.db)).rejects.toThrow();
    const fresh = await repo.create({
      reportId: 'r-old',
      filename: 'new.bin',
      contentType: 'application/octet-stream',
      createdBy: userId,
      data: randomBytes(300_000),
    });

    // Down again: the bytes return to the rows (the pending state and chunk table go).
    // The later migrations that ran are undone on the way down too.
    const migrations: Record<string, Migration> = {
      [INITIAL]: initial,
      [CHUNKED]: chunked,
      '2026-12-05-101-ordered-indexes': ordered,
    };
    const migrator = new Migrator({ db: t.store.db, provider: { getMigrations: async () => migrations } });
    const down = await migrator.migrateTo(INITIAL);
    expect(down.error).toBeUndefined();
    const back = await old.selectFrom('attachments').select(['id', 'data']).execute();
    const byId = new Map(back.map((r) => [r.id as string, Buffer.from(r.data as Uint8Array)]));
    for (const [name, data] of Object.entries(files)) {
      expect(byId.get(`a-${name}`)?.equals(data), name).toBe(true);
    }
    expect(byId.get(fresh.id)?.length).toBe(300_000);
    await expect(sql`select 1 from attachment_chunks`.execute(t.store.db)).rejects.toThrow();

    // And up once more, as a later release would.
    // Up to this migration only: the ones after it are not what this test is about.
    expect(await migrateToLatest(t.store, { through: CHUNKED })).toEqual([CHUNKED]);
    expect((await repo.data('a-big'))?.equals(files.big)).toBe(true);
    expect((await repo.data(fresh.id))?.length).toBe(300_000);
    if (dialect === 'sqlite') {
      // SQLite: the migrator records a migration after its transaction commits. A crash in between leaves
      // it done but unrecorded, and the next start runs it again: that must change nothing.
      await chunked.up(t.store.db);
      expect((await repo.data('a-big'))?.equals(files.big)).toBe(true);
      expect(await chunkSizes(t.store, 'a-big')).toEqual([262_144, 262_144, 175_713]);
    }
  });
});
