import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Store } from './database.js';
import type { Database } from './database.types.js';

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

const toInfo = (r: {
  id: string;
  report_id: string;
  filename: string;
  content_type: string;
  size: number;
  sha256: string;
  created_by: string | null;
  created_at: string;
}): AttachmentInfo => ({
  id: r.id,
  reportId: r.report_id,
  filename: r.filename,
  contentType: r.content_type,
  size: Number(r.size),
  sha256: r.sha256,
  createdBy: r.created_by,
  createdAt: r.created_at,
});

/** Uploaded files, bytes and all, in the database so every instance serves the same files. */
export class AttachmentRepository {
  private readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  async create(
    input: Omit<AttachmentInfo, 'id' | 'createdAt' | 'size'> & { data: Buffer },
  ): Promise<AttachmentInfo> {
    const row = {
      id: randomUUID(),
      report_id: input.reportId,
      filename: input.filename,
      content_type: input.contentType,
      size: input.data.length,
      sha256: input.sha256,
      data: input.data,
      created_by: input.createdBy,
      created_at: new Date().toISOString(),
      deleted_at: null,
    };
    await this.db.insertInto('attachments').values(row).execute();
    return toInfo(row);
  }

  async listFor(reportId: string): Promise<AttachmentInfo[]> {
    const rows = await this.db
      .selectFrom('attachments')
      .select(INFO)
      .where('report_id', '=', reportId)
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
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return r ? toInfo(r) : undefined;
  }

  async data(id: string): Promise<Buffer | undefined> {
    const r = await this.db
      .selectFrom('attachments')
      .select('data')
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return r ? Buffer.from(r.data) : undefined;
  }

  async softDelete(id: string): Promise<boolean> {
    const r = await this.db
      .updateTable('attachments')
      .set({ deleted_at: new Date().toISOString() })
      .where('id', '=', id)
      .where('deleted_at', 'is', null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
