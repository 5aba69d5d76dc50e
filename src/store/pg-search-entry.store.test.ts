// An update's search entry on PostgreSQL (report-writes.ts searchWrites): set by an update where its prose differs,
// left as it is (the same row version) where it does not, and inserted again when the report has none.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { ReportRepository } from './index.js';

const make = (title: string, notes = 'the pump failed'): Report =>
  reportSchema.parse({ kind: 'outage', title, summary: { notes } });
const info = { userId: null, summary: 'saved', changes: [] };

describe.each(testDialects().filter((d) => d === 'postgres'))('an update of the search entry on %s', () => {
  let t: TestStore;
  let reports: ReportRepository;

  beforeAll(async () => {
    t = await openTestStore('postgres');
    reports = new ReportRepository(t.store);
  });
  afterAll(async () => t?.dispose());

  /** The search entry of `id`: its prose, row version, and whether its document has `word`. */
  async function entry(id: string, word: string) {
    const { rows } = await sql<{ title: string; body: string; ctid: string; has: boolean }>`
      select title, body, ctid::text as ctid, document @@ plainto_tsquery('english', ${word}) as has
      from report_search where report_id = ${id}`.execute(t.store.db);
    return rows[0];
  }

  it('sets the prose that changed, with its document, and leaves unchanged prose in the same row version', async () => {
    const first = await reports.create('s-1', make('Harbour outage'), info);
    const before = await entry('s-1', 'harbour');
    expect(before).toMatchObject({ title: 'Harbour outage', has: true });

    // A change that leaves the prose as it was (the severity): the entry is not written again.
    const severe = await reports.update(
      's-1',
      first.version,
      { ...make('Harbour outage'), severity: 'SEV1' },
      info,
    );
    expect(await entry('s-1', 'harbour')).toEqual(before);

    // A new title: the entry holds it and its document finds its words, not the old ones.
    await reports.update('s-1', severe.version, make('Lighthouse outage'), info);
    const after = await entry('s-1', 'lighthouse');
    expect(after).toMatchObject({ title: 'Lighthouse outage', has: true });
    expect(after!.ctid).not.toBe(before!.ctid);
    expect((await entry('s-1', 'harbour'))!.has).toBe(false);
  });

  it('inserts the entry again when the report has none', async () => {
    const first = await reports.create('s-2', make('Dockside outage'), info);
    await sql`delete from report_search where report_id = 's-2'`.execute(t.store.db);
    expect(await entry('s-2', 'dockside')).toBeUndefined();

    await reports.update('s-2', first.version, make('Dockside outage', 'the valve stuck'), info);
    const { rows } = await sql<{ seq: number; open: boolean; rseq: number }>`
      select s.seq, s.open, r.seq as rseq from report_search s join reports r on r.id = s.report_id
      where s.report_id = 's-2'`.execute(t.store.db);
    expect(await entry('s-2', 'valve')).toMatchObject({ title: 'Dockside outage', has: true });
    expect(rows[0]).toMatchObject({ open: true });
    expect(Number(rows[0]!.seq)).toBe(Number(rows[0]!.rseq));
  });
});
