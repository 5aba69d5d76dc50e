// The digest reads only what it may show: the reports where the person owns an action due within the window,
// overdue or awaiting verification (not every report they ever owned an action in), the reports in review
// that name them as a reviewer (not every report in review), and at most a bounded number of each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import type { ReportInput } from '../domain/index.js';
import { ReminderRepository } from '../store/index.js';

type Item = NonNullable<NonNullable<ReportInput['actions']>['items']>[number];

describe.each(testDialects())('what a digest reads on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;
  let alice: TestClient;
  let repo: ReminderRepository;
  const ids: Record<string, string> = {};
  const names = ['alice.owner@example.test', 'Alice Owner'];

  beforeAll(async () => {
    s = await startTestServer(dialect);
    admin = await s.client('admin', 'Digest Admin');
    alice = await s.client('editor', 'Alice Owner');
    repo = new ReminderRepository(s.db.store);
    const r = await admin.call({ method: 'PUT', url: '/api/settings', payload: { requiredApprovals: 0 } });
    expect(r.statusCode).toBe(200);
    const A = (id: string, more: Partial<Item>): Item => ({
      id,
      title: `Action ${id}`,
      owner: 'alice.owner@example.test',
      addresses: [],
      ...more,
    });
    const make = async (key: string, items: Item[], more: Partial<ReportInput> = {}) => {
      const made = await alice.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: completeReport({ title: `Report ${key}`, actions: { items }, ...more }),
      });
      expect(made.statusCode, made.body).toBe(201);
      ids[key] = made.json<{ id: string }>().id;
    };
    await make('due', [A('A1', { deadline: '2026-12-10', status: 'open' })]);
    await make('overdue', [A('A1', { deadline: '2026-11-01', status: 'in_progress' })]);
    await make('awaiting', [A('A1', { deadline: '2026-10-01', status: 'completed' })]);
    await make('later', [A('A1', { deadline: '2027-03-01', status: 'open' })]);
    await make('verified', [
      A('A1', {
        deadline: '2026-10-01',
        status: 'completed',
        verification: { result: 'effective', on: '2026-11-01', by: 'Alice Owner' },
      }),
    ]);
    await make('declined', [
      A('A1', { deadline: '2026-10-01', status: 'completed', declinedReason: 'Checked by the vendor' }),
    ]);
    await make('dropped', [
      A('A1', { deadline: '2026-10-01', status: 'wont_do', declinedReason: 'No budget' }),
    ]);
    await make('undated', [A('A1', { status: 'open' })]);
    // Reports in review: one names Alice as a reviewer, the other does not.
    const theirs = A('A1', { owner: 'Bob Other', deadline: '2026-12-01', status: 'open' });
    await make('review-mine', [theirs], { reviewers: ['Alice Owner'] });
    await make('review-other', [theirs], { reviewers: ['Bob Other'] });
    for (const key of ['review-mine', 'review-other']) {
      const m = await alice.call({
        method: 'POST',
        url: `/api/postmortems/${ids[key]}/transitions`,
        payload: { to: 'in_review', version: 1 },
      });
      expect(m.statusCode, m.body).toBe(200);
    }
  });
  afterAll(async () => s?.close());

  const keysOf = (rows: { id: string }[]) =>
    rows.map((r) => Object.entries(ids).find(([, id]) => id === r.id)?.[0]).sort();

  it('reads the reports with actions the digest lists, up to the horizon, and no others', async () => {
    expect(keysOf(await repo.reportsWithActionsOf(names, '2026-12-13', 200))).toEqual([
      'awaiting',
      'due',
      'overdue',
    ]);
    // A later horizon takes in the action due in March.
    expect(keysOf(await repo.reportsWithActionsOf(names, '2027-03-01', 200))).toContain('later');
    // Bounded: the oldest first, no more than asked.
    expect(keysOf(await repo.reportsWithActionsOf(names, '2026-12-13', 2))).toEqual(['due', 'overdue']);
  });

  it('reads only the reports in review that name the person as a reviewer, bounded', async () => {
    expect(keysOf(await repo.reportsInReview(names, 200))).toEqual(['review-mine']);
    expect(keysOf(await repo.reportsInReview(['Bob Other'], 200))).toEqual(['review-other']);
    expect(await repo.reportsInReview(['Bob Other'], 0)).toEqual([]);
  });

  it('still builds the same digest from what it reads', async () => {
    const digest = await s.app.services.reminders.digestOf(
      {
        id: alice.user.id,
        email: alice.user.email,
        name: alice.user.name,
        role: 'editor',
        enabled: true,
        timeZone: null,
      },
      '2026-12-06',
    );
    const titles = (lines: { reportTitle: string }[]) => lines.map((l) => l.reportTitle);
    expect(titles(digest.dueSoon)).toEqual(['Report due']);
    expect(titles(digest.overdue)).toEqual(['Report overdue']);
    expect(titles(digest.awaitingVerification)).toEqual(['Report awaiting']);
    expect(digest.toReview.map((r) => r.title)).toEqual(['Report review-mine']);
  });
});
