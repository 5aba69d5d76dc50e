// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// The search entry of every report is rewritten to hold its prose only (searchEntry in report-index.ts, as it was
// when this migration was written, is copied below so that later changes there cannot change what it does):
// state, kind, severity, people, tags and systems are filters on columns and side tables, not words. Reports
// are read a batch at a time in seq order, so memory stays flat however many there are; on SQLite the FTS5
// table is made afresh and each batch written in one transaction.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const BATCH = 500;

// Frozen copy of report-index.ts (2026-12-05): the fields that are not prose, at any depth.
const NOT_PROSE = new Set([
  'id',
  'kind',
  'state',
  'severity',
  'period',
  'detection',
  'authors',
  'facilitator',
  'reviewers',
  'involved',
  'owner',
  'tags',
  'systems',
  'visibility',
  'members',
  'related',
  'at',
  'end',
  'on',
  'deadline',
  'category',
  'priority',
  'status',
  'result',
  'basis',
  'currency',
  'addresses',
  'link',
]);

function collectProse(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectProse(v, out);
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) if (!NOT_PROSE.has(key)) collectProse(v, out);
  }
}

/** The search entry of a stored report (its JSON): its title, and its prose as the body. */
function searchEntry(report: { title: string }): { title: string; body: string } {
  const body: string[] = [];
  const { title: _title, ...rest } = report;
  collectProse(rest, body);
  return { title: report.title, body: body.join('\n') };
}

export async function up(db: Kysely<any>): Promise<void> {
  const pg = db.getExecutor().adapter instanceof PostgresAdapter;
  if (!pg) {
    await sql`drop table report_search`.execute(db);
    await sql`create virtual table report_search using fts5(title, body, tokenize = 'porter unicode61')`.execute(
      db,
    );
  }
  let after = -1;
  for (;;) {
    const { rows } = await sql<{ id: string; seq: number; content: string }>`
      select id, seq, content from reports where seq > ${after} order by seq limit ${BATCH}`.execute(db);
    if (rows.length === 0) break;
    const write = async (trx: Kysely<any>) => {
      for (const r of rows) {
        const { title, body } = searchEntry(JSON.parse(r.content) as { title: string });
        await (
          pg
            ? sql`update report_search set title = ${title}, body = ${body} where report_id = ${r.id}`
            : sql`insert into report_search (rowid, title, body) values (${Number(r.seq)}, ${title}, ${body})`
        ).execute(trx);
      }
    };
    // PostgreSQL runs the whole migration in one transaction already; SQLite runs it statement by statement.
    await (pg ? write(db) : db.transaction().execute(write));
    after = Number(rows[rows.length - 1]!.seq);
  }
}

export async function down(): Promise<void> {
  // Nothing to undo: prose-only entries serve the older code's searches too.
}
