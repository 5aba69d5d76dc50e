import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';
import type { ReportInput } from '../domain/index.js';

const twoActions = (): ReportInput =>
  completeReport({
    actions: {
      items: [
        {
          id: 'A1',
          title: 'Roll out configuration changes one region at a time',
          owner: 'Platform team',
          deadline: '2024-04-01',
          status: 'completed',
          addresses: ['RC'],
          verificationPlan: { how: 'No config-wide outage for 90 days', by: '2024-07-01' },
        },
        { id: 'A2', title: 'Write the rollback runbook', status: 'in_progress', deadline: '2024-04-10' },
        { id: 'A3', title: 'Buy a second region', status: 'wont_do', declinedReason: 'Budget moved to A1' },
      ],
    },
  });

for (const dialect of testDialects()) {
  describe(`action verification (${dialect})`, () => {
    let s: TestServer;
    let editor: TestClient;
    let viewer: TestClient;
    beforeAll(async () => {
      s = await startTestServer(dialect);
      editor = await s.client('editor', 'Vera Verifier');
      viewer = await s.client('viewer', 'Vic Viewer');
    });
    afterAll(async () => s.close());

    const create = async (input: ReportInput = twoActions()) => {
      const r = await editor.call({ method: 'POST', url: '/api/postmortems', payload: input });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as { id: string; version: number };
    };
    const tracker = async (query: string) =>
      (await editor.call({ method: 'GET', url: `/api/action-items?${query}` })).json() as {
        items: {
          id: string;
          awaitingVerification: boolean;
          verification: string | null;
          verifyBy: string | null;
        }[];
        total: number;
      };

    it('records who, when, what and the evidence on a completed action, and the tracker follows', async () => {
      const { id, version } = await create();
      const before = await tracker(`report=${id}`);
      expect(before.items.map((a) => [a.id, a.awaitingVerification, a.verifyBy])).toEqual([
        ['A1', true, '2024-07-01'],
        ['A2', false, null],
        ['A3', false, null],
      ]);
      expect((await tracker(`report=${id}&awaitingVerification=true`)).items.map((a) => a.id)).toEqual([
        'A1',
      ]);

      const r = await editor.call({
        method: 'POST',
        url: `/api/postmortems/${id}/actions/A1/verification`,
        payload: {
          version,
          result: 'effective',
          notes: 'Two config pushes went region by region without errors',
          evidence: ['https://ci.example/runs/77', 'M1'],
          on: '2024-07-02',
        },
      });
      expect(r.statusCode, r.body).toBe(200);
      const saved = r.json() as { version: number; report: ReportInput };
      expect(saved.version).toBe(version + 1);
      expect(saved.report.actions?.items?.[0]?.verification).toEqual({
        result: 'effective',
        on: '2024-07-02',
        by: 'Vera Verifier',
        notes: 'Two config pushes went region by region without errors',
        evidence: ['https://ci.example/runs/77', 'M1'],
      });
      const after = await tracker(`report=${id}`);
      expect(after.items[0]).toMatchObject({
        id: 'A1',
        awaitingVerification: false,
        verification: 'effective',
      });
      expect((await tracker(`report=${id}&awaitingVerification=true`)).total).toBe(0);

      // The Markdown of the report carries the result in words.
      const md = await editor.call({
        method: 'GET',
        url: `/api/postmortems/${id}`,
        headers: { accept: 'text/markdown' },
      });
      expect(md.body).toContain('- **Verification:** effective');
      expect(md.body).toContain('- **Verified by:** Vera Verifier');
      expect(md.body).toContain('- **Verification evidence:** https://ci.example/runs/77, M1');
      expect(md.body).toContain('- **Declined reason:** Budget moved to A1');
    });

    it('refuses an action that is not completed, an unknown action, a stale version and bad input', async () => {
      const { id, version } = await create();
      const post = (actionId: string, payload: Record<string, unknown>, who = editor) =>
        who.call({ method: 'POST', url: `/api/postmortems/${id}/actions/${actionId}/verification`, payload });
      const notDone = await post('A2', { result: 'effective' });
      expect(notDone.statusCode).toBe(409);
      expect(notDone.json()).toMatchObject({
        code: 'conflict',
        message: expect.stringContaining('in progress'),
      });
      expect((await post('A9', { result: 'effective' })).json()).toMatchObject({ code: 'not_found' });
      const bad = await post('A1', { result: 'worked' });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('bad_request');
      expect((await post('not-an-id', { result: 'effective' })).statusCode).toBe(400);
      expect((await post('A1', { result: 'effective', on: '2024-02-30' })).statusCode).toBe(400);
      expect((await post('A1', { result: 'effective', evidence: ['a, b'] })).statusCode).toBe(422);
      expect((await post('A1', { result: 'effective' }, viewer)).statusCode).toBe(403);
      const ok = await post('A1', { version, result: 'inconclusive' });
      expect(ok.statusCode).toBe(200);
      const stale = await post('A1', { version, result: 'ineffective' });
      expect(stale.statusCode).toBe(409);
      // Nothing stored was lost by the refusals.
      const stored = (await editor.call({ method: 'GET', url: `/api/postmortems/${id}` })).json() as {
        version: number;
        report: { actions: { items: { verification?: { result: string } }[] } };
      };
      expect(stored.version).toBe(version + 1);
      expect(stored.report.actions.items[0]?.verification?.result).toBe('inconclusive');
    });
  });
}
