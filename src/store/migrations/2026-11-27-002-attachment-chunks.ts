// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Migrations take Kysely<any> on purpose: they must not depend on today's table types.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const isPostgres = (db: Kysely<any>) => db.getExecutor().adapter instanceof PostgresAdapter;

/** Size of the chunks existing files are cut into; new uploads choose their own, readers go by `seq`. */
const CHUNK = 256 * 1024;

/** PostgreSQL runs the whole migration in one transaction; SQLite needs one of its own so a failure keeps the bytes. */
async function atomically(db: Kysely<any>, work: (db: Kysely<any>) => Promise<void>): Promise<void> {
  if (db.isTransaction) return work(db);
  await db.transaction().execute(work);
}

/**
 * Attachment bytes move out of the `attachments` row into numbered chunks, so uploads and downloads can
 * stream them a piece at a time. A row is `pending` while its upload is still arriving: readers skip it,
 * and an upload that stops touching it is swept.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  const bytes = pg ? sql`bytea` : sql`blob`;
  if (!pg) {
    // On SQLite the migrator records this migration after its transaction commits: a crash in between
    // leaves it done but unrecorded. Then there is nothing left to do (and creating the table would fail).
    const { rows } = await sql<{ n: number }>`
      select count(*) as n from pragma_table_info('attachments') where name = 'status'`.execute(db);
    if (Number(rows[0]?.n ?? 0) > 0) return;
  }
  await atomically(db, async (db) => {
    await db.schema
      .createTable('attachment_chunks')
      .addColumn('attachment_id', 'text', (c) => c.notNull().references('attachments.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('data', bytes, (c) => c.notNull())
      .addPrimaryKeyConstraint('attachment_chunks_pk', ['attachment_id', 'seq'])
      .execute();

    if (pg) {
      // Cut in SQL: no file passes through this process.
      await sql`
        insert into attachment_chunks (attachment_id, seq, data)
        select a.id, g.seq, substring(a.data from g.seq * ${sql.lit(CHUNK)} + 1 for ${sql.lit(CHUNK)})
        from attachments a
        cross join lateral generate_series(0, (length(a.data) - 1) / ${sql.lit(CHUNK)}) as g(seq)
        where length(a.data) > 0`.execute(db);
    } else {
      // SQLite's substr() loads the whole blob for every slice, so cutting in SQL takes time quadratic in a
      // file's size; one file at a time in memory is what the old server needed to serve it anyway.
      const ids = await db.selectFrom('attachments').select('id').orderBy('id').execute();
      for (const { id } of ids as { id: string }[]) {
        const row = await db.selectFrom('attachments').select('data').where('id', '=', id).executeTakeFirst();
        const stored = (row as { data: Uint8Array }).data;
        const data = Buffer.isBuffer(stored) ? stored : Buffer.from(stored);
        for (let seq = 0; seq * CHUNK < data.length; seq++) {
          await db
            .insertInto('attachment_chunks')
            .values({ attachment_id: id, seq, data: data.subarray(seq * CHUNK, (seq + 1) * CHUNK) })
            .execute();
        }
      }
    }

    await db.schema.alterTable('attachments').dropColumn('data').execute();
    await db.schema
      .alterTable('attachments')
      .addColumn('status', 'text', (c) => c.notNull().defaultTo('complete'))
      .execute();
    // While pending: when the upload last wrote a chunk.
    await db.schema.alterTable('attachments').addColumn('touched_at', 'text').execute();
    await db.schema
      .createIndex('attachments_pending')
      .on('attachments')
      .columns(['status', 'touched_at'])
      .execute();
  });
}

export async function down(db: Kysely<any>): Promise<void> {
  const pg = isPostgres(db);
  await atomically(db, async (db) => {
    await db.deleteFrom('attachments').where('status', '<>', 'complete').execute();
    await db.schema.dropIndex('attachments_pending').execute();
    await db.schema.alterTable('attachments').dropColumn('touched_at').execute();
    await db.schema.alterTable('attachments').dropColumn('status').execute();
    await db.schema
      .alterTable('attachments')
      .addColumn('data', pg ? sql`bytea` : sql`blob`, (c) => c.notNull().defaultTo(pg ? sql`''` : sql`x''`))
      .execute();
    // Reassembled one file at a time: neither dialect concatenates binary values in an aggregate safely.
    const ids = await db.selectFrom('attachments').select('id').execute();
    for (const { id } of ids) {
      const chunks = await db
        .selectFrom('attachment_chunks')
        .select('data')
        .where('attachment_id', '=', id)
        .orderBy('seq')
        .execute();
      const data = Buffer.concat(chunks.map((c: { data: Uint8Array }) => Buffer.from(c.data)));
      await db.updateTable('attachments').set({ data }).where('id', '=', id).execute();
    }
    await db.schema.dropTable('attachment_chunks').execute();
  });
}
