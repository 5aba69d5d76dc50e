import { createHash, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Store } from './database.js';
import type { AttachmentsTable, Database } from './database.types.js';

export interface AttachmentInfo {
  id: string;
  reportId: string;
  filename: string;
  contentType: string;
  size: number;
  sha256: string;
  createdBy: string | null;
  createdAt: string;
}

/** What an upload says about itself; size and hash come from the bytes. */
export type NewAttachment = Omit<AttachmentInfo, 'id' | 'createdAt' | 'size' | 'sha256'>;

/** Bytes per stored chunk unless a writer asks for another size; readers go by `seq`, not by size. */
export const DEFAULT_CHUNK_SIZE = 256 * 1024;

const INFO = [
  'id',
  'report_id',
  'filename',
  'content_type',
  'size',
  'sha256',
  'created_by',
  'created_at',
] as const;

const toInfo = (r: Pick<AttachmentsTable, (typeof INFO)[number]>): AttachmentInfo => ({
  id: r.id,
  reportId: r.report_id,
  filename: r.filename,
  contentType: r.content_type,
  size: Number(r.size),
  sha256: r.sha256,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

const asBuffer = (b: Uint8Array): Buffer =>
  Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/**
 * Uploaded files in the database, so every instance serves the same files. The bytes are rows of
 * `attachment_chunks`; a file is written a chunk at a time under a `pending` row that readers do not see,
 * and becomes visible in one short transaction at the end. No transaction is held open while bytes arrive.
 */
export class AttachmentRepository {
  private readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  /**
   * Store a file from its bytes as they arrive, cut into chunks of `chunkSize`. Holds at most about two
   * chunks in memory. If `source` throws (a size limit, a client gone), whatever was written is deleted
   * and the error rethrown. A file of one chunk or less is written in a single transaction.
   */
  async write(
    meta: NewAttachment,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: { chunkSize?: number } = {},
  ): Promise<AttachmentInfo> {
    const chunkSize = options.chunkSize ?? DEFAULT_CHUNK_SIZE;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) throw new RangeError(`bad chunk size ${chunkSize}`);
    const row = {
      id: randomUUID(),
      report_id: meta.reportId,
      filename: meta.filename,
      content_type: meta.contentType,
      size: 0,
      sha256: '',
      created_by: meta.createdBy,
      created_at: new Date().toISOString(),
      deleted_at: null,
    };
    const hash = createHash('sha256');
    let started = false;
    let seq = 0;
    // A full chunk is written only once more bytes follow it, so a small file needs no pending row.
    let ready: Buffer | undefined;
    let held: Buffer[] = [];
    let heldBytes = 0;

    const flush = async (chunk: Buffer) => {
      const now = new Date().toISOString();
      await this.db.transaction().execute(async (trx) => {
        if (!started) {
          await trx
            .insertInto('attachments')
            .values({ ...row, status: 'pending', touched_at: now })
            .execute();
        } else {
          const touched = await trx
            .updateTable('attachments')
            .set({ touched_at: now })
            .where('id', '=', row.id)
            .where('status', '=', 'pending')
            .executeTakeFirst();
          if (Number(touched.numUpdatedRows) !== 1) {
            throw new Error(`upload ${row.id} was swept as abandoned before it finished`);
          }
        }
        await trx
          .insertInto('attachment_chunks')
          .values({ attachment_id: row.id, seq, data: chunk })
          .execute();
      });
      started = true;
      seq += 1;
    };

    try {
      for await (const piece of source) {
        const buf = asBuffer(piece);
        hash.update(buf);
        row.size += buf.length;
        let offset = 0;
        while (offset < buf.length) {
          if (ready) {
            await flush(ready);
            ready = undefined;
          }
          const take = Math.min(chunkSize - heldBytes, buf.length - offset);
          held.push(buf.subarray(offset, offset + take));
          heldBytes += take;
          offset += take;
          if (heldBytes === chunkSize) {
            ready = Buffer.concat(held, chunkSize);
            held = [];
            heldBytes = 0;
          }
        }
      }
      const last = ready ?? (heldBytes > 0 ? Buffer.concat(held, heldBytes) : undefined);
      held = [];
      ready = undefined;
      row.sha256 = hash.digest('hex');
      const done = { ...row, created_at: new Date().toISOString() };
      await this.db.transaction().execute(async (trx) => {
        if (!started) {
          await trx
            .insertInto('attachments')
            .values({ ...done, status: 'complete', touched_at: null })
            .execute();
        } else {
          const flipped = await trx
            .updateTable('attachments')
            .set({
              status: 'complete',
              touched_at: null,
              size: done.size,
              sha256: done.sha256,
              created_at: done.created_at,
            })
            .where('id', '=', row.id)
            .where('status', '=', 'pending')
            .executeTakeFirst();
          if (Number(flipped.numUpdatedRows) !== 1) {
            throw new Error(`upload ${row.id} was swept as abandoned before it finished`);
          }
        }
        if (last) {
          await trx
            .insertInto('attachment_chunks')
            .values({ attachment_id: row.id, seq, data: last })
            .execute();
        }
      });
      return toInfo(done);
    } catch (error) {
      if (started) {
        // Best effort: if even this fails, the sweep removes the pending row later.
        await this.discard(row.id).catch(() => {});
      }
      throw error;
    }
  }

  /** Store a file already in memory (see `write`). */
  async create(input: NewAttachment & { data: Buffer }): Promise<AttachmentInfo> {
    const { data, ...meta } = input;
    return this.write(meta, [data]);
  }

  /** Delete an unfinished upload and its chunks; a complete attachment is left alone. */
  async discard(id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const pending = await trx
        .selectFrom('attachments')
        .select('id')
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .executeTakeFirst();
      if (!pending) return;
      await trx.deleteFrom('attachment_chunks').where('attachment_id', '=', id).execute();
      await trx.deleteFrom('attachments').where('id', '=', id).execute();
    });
  }

  /** Delete uploads that have written nothing since `before` (ISO instant): their client is gone. */
  async sweepPending(before: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const stale = trx
        .selectFrom('attachments')
        .select('id')
        .where('status', '=', 'pending')
        .where('touched_at', '<', before);
      await trx.deleteFrom('attachment_chunks').where('attachment_id', 'in', stale).execute();
      const r = await trx
        .deleteFrom('attachments')
        .where('status', '=', 'pending')
        .where('touched_at', '<', before)
        .executeTakeFirst();
      return Number(r.numDeletedRows);
    });
  }

  async listFor(reportId: string): Promise<AttachmentInfo[]> {
    const rows = await this.db
      .selectFrom('attachments')
      .select(INFO)
      .where('report_id', '=', reportId)
      .where('status', '=', 'complete')
      .where('deleted_at', 'is', null)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    return rows.map(toInfo);
  }

  async get(id: string): Promise<AttachmentInfo | undefined> {
    const r = await this.db
      .selectFrom('attachments')
      .select(INFO)
      .where('id', '=', id)
      .where('status', '=', 'complete')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return r ? toInfo(r) : undefined;
  }

  /**
   * The bytes of an attachment, a chunk at a time in order, one query per chunk so that only one is held.
   * Yields nothing for an id that has no chunks; check `get` first.
   */
  async *chunks(id: string): AsyncGenerator<Buffer, void, undefined> {
    let after = -1;
    for (;;) {
      const r = await this.db
        .selectFrom('attachment_chunks')
        .select(['seq', 'data'])
        .where('attachment_id', '=', id)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(1)
        .executeTakeFirst();
      if (!r) return;
      after = Number(r.seq);
      yield asBuffer(r.data);
    }
  }

  /** The whole file in memory; for small files and tests — downloads stream `chunks`. */
  async data(id: string): Promise<Buffer | undefined> {
    const info = await this.get(id);
    if (!info) return undefined;
    const parts: Buffer[] = [];
    for await (const chunk of this.chunks(id)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  async softDelete(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('attachments')
      .set({ deleted_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('status', '=', 'complete')
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
