import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';
import type { ReportInput } from '../domain/index.js';
import { recurredAfterFix, sameCause } from '../domain/index.js';
import { reportSchema } from '../domain/index.js';

const earlier = (over: Partial<ReportInput> = {}): ReportInput => ({
  kind: 'outage',
  title: 'Disk full on the primary database',
  analysis: {
    primaryCause: 'Database log retention was unbounded and filled the disk',
    factors: [{ id: 'CF1', text: 'No alert on disk usage above 80 percent' }],
    fishbone: [{ category: 'measurement', cause: 'No alert on disk usage above 80 percent', subCauses: [] }],
  },
  actions: {
    items: [
      { id: 'A1', title: 'Cap log retention at 7 days', status: 'completed', addresses: ['RC'] },
      { id: 'A2', title: 'Alert at 80% disk', status: 'completed', addresses: ['CF1'] },
      { id: 'A3', title: 'Move logs to object storage', status: 'open', addresses: ['RC'] },
      { id: 'A4', title: 'Write a runbook', status: 'completed', addresses: [] },
    ],
  },
  ...over,
});

describe('recurred after fix: matching causes', () => {
  it('matches a restated cause, the same fishbone category, and only completed actions', () => {
    expect(
      sameCause('The database log retention was unbounded', 'log retention unbounded on the database'),
    ).toBe(true);
    expect(sameCause('Database log retention was unbounded', 'A certificate expired')).toBe(false);
    const first = reportSchema.parse(earlier());
    const again = reportSchema.parse({
      kind: 'outage',
      title: 'Disk full again',
      recurrenceOf: ['x'],
      analysis: { primaryCause: 'Unbounded database log retention filled the disk again' },
    });
    expect(recurredAfterFix(first, again)).toEqual(['A1']);
    const byCategory = reportSchema.parse({
      kind: 'outage',
      title: 'Memory ran out',
      analysis: {
        fishbone: [{ category: 'measurement', cause: 'Memory use was not watched', subCauses: [] }],
      },
    });
    expect(recurredAfterFix(first, byCategory)).toEqual(['A2']);
    const unrelated = reportSchema.parse({
      kind: 'outage',
      title: 'x',
      analysis: { primaryCause: 'A certificate expired' },
    });
    expect(recurredAfterFix(first, unrelated)).toEqual([]);
  });
});

for (const dialect of testDialects()) {
  describe(`recurrence links (${dialect})`, () => {
    let s: TestServer;
    let editor: TestClient;
    let outsider: TestClient;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      editor = await s.client('editor', 'Rae Editor');
      outsider = await s.client('viewer', 'Otto Outsider');
    });
    afterAll(async () => s.close());

    const create = async (input: ReportInput, who = editor) => {
      const r = await who.call({ method: 'POST', url: '/api/postmortems', payload: input });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { id: string; version: number };
    };

    it('flags the earlier fixes in both reports and counts them for the tracker; Markdown keeps the link', async () => {
      const first = await create({ ...earlier(), id: 'disk-2024-01' });
      const second = await create({
        id: 'disk-2024-05',
        kind: 'outage',
        title: 'Disk full again',
        recurrenceOf: [first.id],
        analysis: { primaryCause: 'Unbounded database log retention filled the disk again' },
      });
      const later = (
        await editor.call({ method: 'GET', url: `/api/postmortems/${second.id}/recurrence` })
      ).json();
      expect(later).toEqual({
        earlier: [
          {
            reportId: first.id,
            title: 'Disk full on the primary database',
            actions: [{ id: 'A1', title: 'Cap log retention at 7 days' }],
          },
        ],
        later: [],
      });
      const before = (
        await editor.call({ method: 'GET', url: `/api/postmortems/${first.id}/recurrence` })
      ).json();
      expect(before).toEqual({
        earlier: [],
        later: [
          {
            reportId: second.id,
            title: 'Disk full again',
            actions: [{ id: 'A1', title: 'Cap log retention at 7 days' }],
          },
        ],
      });
      const counted = (await editor.call({ method: 'GET', url: '/api/action-items/recurred' })).json();
      expect(counted).toEqual({
        total: 1,
        items: [
          {
            reportId: first.id,
            reportTitle: 'Disk full on the primary database',
            id: 'A1',
            title: 'Cap log retention at 7 days',
            recurredIn: [{ reportId: second.id, title: 'Disk full again' }],
          },
        ],
      });
      const md = await editor.call({
        method: 'GET',
        url: `/api/postmortems/${second.id}`,
        headers: { accept: 'text/markdown' },
      });
      expect(md.body).toMatch(/^recurrenceOf:\n {2}- disk-2024-01$/m);
    });

    it('never shows a restricted report to a non-member, on either side of the link', async () => {
      const secret = await create({ ...earlier(), visibility: 'restricted', title: 'Secret disk incident' });
      const open = await create({
        kind: 'outage',
        title: 'Public disk incident',
        recurrenceOf: [secret.id],
        analysis: { primaryCause: 'Unbounded database log retention filled the disk' },
      });
      const seen = (
        await outsider.call({ method: 'GET', url: `/api/postmortems/${open.id}/recurrence` })
      ).json();
      expect(seen).toEqual({ earlier: [], later: [] });
      const list = (await outsider.call({ method: 'GET', url: '/api/action-items/recurred' })).json() as {
        items: { reportTitle: string }[];
      };
      expect(JSON.stringify(list)).not.toContain('Secret');
      expect(
        (await outsider.call({ method: 'GET', url: `/api/postmortems/${secret.id}/recurrence` })).statusCode,
      ).toBe(404);
      // Its creator sees the link.
      const mine = (
        await editor.call({ method: 'GET', url: `/api/postmortems/${open.id}/recurrence` })
      ).json();
      expect(mine.earlier).toHaveLength(1);
    });

    it('refuses a recurrence that is not a report id', async () => {
      const r = await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: { kind: 'outage', title: 'x', recurrenceOf: ['../etc/passwd'] },
      });
      expect(r.statusCode).toBe(422);
      expect(JSON.stringify(r.json().details)).toContain('recurrenceOf');
    });

    it('shows the factors of the earlier report as recurred after fix on the recurring-factors page', async () => {
      const first = await create({ ...earlier(), id: 'pool-2024-02', title: 'Pool ran dry' });
      const factorsOf = async () => {
        const r = await editor.call({ method: 'GET', url: '/api/factors' });
        expect(r.statusCode, r.body).toBe(200);
        const body = r.json() as {
          recurrence: string;
          categories: { factors: { reportId: string; factorId: string; actionState: string }[] }[];
        };
        return {
          body,
          mine: body.categories.flatMap((c) => c.factors).filter((f) => f.reportId === first.id),
        };
      };
      const before = await factorsOf();
      expect(before.mine.map((f) => f.actionState)).not.toContain('recurred after fix');
      await create({
        id: 'pool-2024-06',
        kind: 'outage',
        title: 'Pool ran dry again',
        recurrenceOf: [first.id],
        analysis: { primaryCause: 'Unbounded database log retention filled the disk again' },
      });
      const after = await factorsOf();
      expect(after.body.recurrence).toMatch(/names this one as a recurrence/);
      expect(after.mine.length).toBeGreaterThan(0);
      expect(after.mine.every((f) => f.actionState === 'recurred after fix')).toBe(true);
    });
  });
}
