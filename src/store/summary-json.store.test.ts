// A report's summary written by the database as JSON text (SUMMARY_JSON on SQLite, the search workers' replies;
// PG_SUMMARY_JSON on PostgreSQL, the search route's) against the same summary as the list reads it: the same
// text, key for key, for the values a report can hold, hostile text included.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { buildReport } from '../../test/factories.js';
import { ReportRepository } from './index.js';
import { PG_SUMMARY_JSON, SUMMARY_JSON } from './report-list.query.js';
import type { Viewer } from './viewer.js';

const dana: Viewer = { userId: 'dana-id', principals: ['dana@example.com'] };

// Quotes, backslashes, markup, every control character JSON escapes (and DEL, which it does not), the line and
// paragraph separators, an emoji; on SQLite a lone surrogate too (PostgreSQL refuses one in the saved JSON).
const hostile = (dialect: string) =>
  'Quotes " and \\ and \\" and <b> & 🚀 ' +
  Array.from({ length: 32 }, (_, i) => String.fromCharCode(i + 1 === 32 ? 0x7f : i + 1)).join('') +
  ` \u2028\u2029 ${dialect === 'sqlite' ? 'lone \ud800 ' : ''}end /`;

describe.each(testDialects())('a summary as JSON text on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect);
    const reports = new ReportRepository(t.store);
    const info = { userId: null, summary: 'saved', changes: [] };
    // The schema keeps titles to one line; the store is given every control character all the same.
    await reports.create(
      'sj-1',
      { ...buildReport({ id: 'sj-1' }), title: `${hostile(dialect)} searchable` },
      info,
    );
    await reports.create('sj-2', buildReport({ id: 'sj-2', severity: undefined, period: undefined }), info);
    await reports.create(
      'sj-3',
      buildReport({
        id: 'sj-3',
        visibility: 'restricted',
        members: ['dana@example.com'],
        state: 'published',
        title: 'Restricted searchable',
      }),
      info,
    );
  });
  afterAll(async () => t?.dispose());

  const written = async (): Promise<Map<string, string>> => {
    const rows =
      dialect === 'sqlite'
        ? (t.store.sqlite!.prepare(`select r.id, ${SUMMARY_JSON} as json from reports r`).all() as {
            id: string;
            json: string;
          }[])
        : (
            await sql<{ id: string; json: string }>`select r.id, ${sql.raw(PG_SUMMARY_JSON)} as json
              from reports r`.execute(t.store.db)
          ).rows;
    return new Map(rows.map((r) => [r.id, r.json]));
  };

  it('is the text JSON.stringify gives of the list’s summary', async () => {
    const listed = await new ReportRepository(t.store).list(dana, {}, { limit: 10, offset: 0 });
    expect(listed.items.map((s) => s.id).sort()).toEqual(['sj-1', 'sj-2', 'sj-3']);
    // What the three hold that a summary writes differently: a null, a true and a false, text to escape.
    expect(
      listed.items.map((s) => [s.restricted, s.severity === null, s.periodStart === null]),
    ).toContainEqual([false, true, true]);
    expect(listed.items.some((s) => s.restricted)).toBe(true);
    const title = listed.items.find((s) => s.id === 'sj-1')?.title;
    for (const c of ['"', '\\', '\u0001', '\b', '\t', '\n', '\f', '\r', '\u001f', '\u007f', '\u2028'])
      expect(title).toContain(c);
    expect(title).toContain('🚀');
    const texts = await written();
    for (const summary of listed.items) expect(texts.get(summary.id)).toBe(JSON.stringify(summary));
  });

  it('is what a search’s hits carry', async () => {
    const repo = new ReportRepository(t.store);
    const listed = await repo.list(dana, {}, { limit: 10, offset: 0 });
    const found = await repo.searchText(dana, 'searchable', { limit: 10, offset: 0 });
    expect(found.hits.map((h) => (JSON.parse(h.summary) as { id: string }).id).sort()).toEqual([
      'sj-1',
      'sj-3',
    ]);
    for (const hit of found.hits) {
      const id = (JSON.parse(hit.summary) as { id: string }).id;
      expect(hit.summary).toBe(JSON.stringify(listed.items.find((s) => s.id === id)));
    }
  });
});
