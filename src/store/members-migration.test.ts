// Upgrading a database whose restricted reports named people by display name: each keeps the people who
// could read it, now as account e-mails, and a name that is not one account's alone grants nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type Report } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { ReportRepository, UserRepository, migrateToLatest } from './index.js';
import { newReportRow, saveRows } from './report-rows.js';

describe.each(testDialects())('restricted membership migration on %s', (dialect) => {
  let t: TestStore;
  beforeAll(async () => {
    t = await openTestStore(dialect, { through: '2026-12-05-001-must-change-password' });
  });
  afterAll(async () => t?.dispose());

  it('turns names into e-mails where one account has the name, keeps history in step, and rewrites report_members', async () => {
    const users = new UserRepository(t.store);
    const make = (email: string, name: string) =>
      users.create({ email, name, role: 'viewer', passwordHash: null });
    const dana = await make('dana@example.test', 'Dana Lee');
    await make('sam1@example.test', 'Sam Same');
    await make('sam2@example.test', 'Sam Same');
    await make('rita@example.test', 'Rita Reviewer');
    const owner = await make('owner@example.test', 'Owner');
    const reports = new ReportRepository(t.store);
    const report = reportSchema.parse({
      kind: 'security',
      title: 'Credential leak',
      visibility: 'restricted',
      members: ['Dana Lee', 'Nobody Known', 'OWNER@example.test'],
      authors: ['Sam Same'],
      reviewers: ['Rita Reviewer'],
    });
    // Written as the code of this older schema wrote them: today's save also fills tables later migrations make.
    const writeOld = async (id: string, seq: number, r: Report) => {
      const info = { userId: owner.id, summary: 'created', changes: [] };
      const at = '2026-12-01T00:00:00.000Z';
      await t.store.db
        .insertInto('reports')
        .values(newReportRow(id, seq, r, info, at))
        .execute();
      const rows = saveRows(id, 1, r, info, at);
      for (const table of ['report_members', 'report_people', 'report_tags', 'report_systems'] as const) {
        const side = rows.side[table];
        if (side.length > 0) await t.store.db.insertInto(table).values(side).execute();
      }
      await t.store.db.insertInto('report_revisions').values(rows.revision).execute();
    };
    await writeOld('r-old', 1, report);
    const open = reportSchema.parse({ kind: 'other', title: 'Open', members: ['Dana Lee'] });
    await writeOld('r-open', 2, open);

    expect(await migrateToLatest(t.store, { through: '2026-12-05-014-members-name-accounts' })).toEqual([
      '2026-12-05-014-members-name-accounts',
    ]);

    const after = await reports.get('r-old');
    expect(after?.report.members).toEqual([
      'dana@example.test',
      'Nobody Known',
      'OWNER@example.test',
      'rita@example.test',
    ]);
    expect((await reports.revision('r-old', 1))?.report.members).toEqual(after?.report.members);
    // An internal report's members change nothing about who sees it, and are left as they were.
    expect((await reports.get('r-open'))?.report.members).toEqual(['Dana Lee']);
    const rows = await t.store.db
      .selectFrom('report_members')
      .select('principal')
      .where('report_id', '=', 'r-old')
      .orderBy('principal')
      .execute();
    expect(rows.map((r) => r.principal)).toEqual([
      'dana@example.test',
      'nobody known',
      'owner@example.test',
      'rita@example.test',
    ]);
    const dana2 = { userId: dana.id, principals: [dana.email, dana.id] };
    const sam = { userId: 'someone', principals: ['sam1@example.test', 'someone'] };
    const page = { limit: 50, offset: 0 };
    expect((await reports.list(dana2, {}, page)).items.map((r) => r.id)).toContain('r-old');
    expect((await reports.list(sam, {}, page)).items.map((r) => r.id)).not.toContain('r-old');
  });
});
