import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type ReportInput } from '../domain/index.js';
import { serializePostmortem } from '../markdown/postmortem.serialize.js';
import { openStore } from '../store/index.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';

const report = (input: Partial<ReportInput> = {}) => ({
  kind: 'outage',
  title: 'Payment API outage',
  ...input,
});

describe.each(testDialects())('reports API on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;
  let editor: TestClient;
  let other: TestClient;
  let viewer: TestClient;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    admin = await s.client('admin', 'Ada Admin', 'a long enough password');
    editor = await s.client('editor', 'Eddie Editor');
    other = await s.client('editor', 'Olga Other');
    viewer = await s.client('viewer', 'Vic Viewer');
  });
  afterAll(async () => s?.close());

  const create = async (c: TestClient, body: object) => {
    const r = await c.call({ method: 'POST', url: '/api/postmortems', payload: body });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; version: number; report: Record<string, unknown> };
  };

  it('creates a report from Markdown, finds it by a word of its root cause and reads back the same Markdown', async () => {
    const markdown = serializePostmortem(
      reportSchema.parse({
        kind: 'outage',
        title: 'Search cluster outage',
        severity: 'SEV2',
        tags: ['search'],
        analysis: {
          primaryCause: 'An expired certificate on the gossipmesh layer stopped the nodes from talking.',
        },
        details: {
          timeline: [{ at: '2024-05-02T10:00:00Z', kind: 'detected', text: 'Alert on error rate' }],
        },
      }),
    );
    const created = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      headers: { 'content-type': 'text/markdown' },
      payload: markdown,
    });
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json();
    const found = await viewer.call({ method: 'GET', url: '/api/search?q=gossipmesh' });
    expect(found.statusCode).toBe(200);
    expect(found.json().items.map((h: { id: string }) => h.id)).toEqual([id]);
    expect(found.json().items[0].snippetHtml).toContain('<mark>gossipmesh</mark>');
    const back = await viewer.call({
      method: 'GET',
      url: `/api/postmortems/${id}`,
      headers: { accept: 'text/markdown' },
    });
    expect(back.statusCode).toBe(200);
    expect(back.headers['content-type']).toMatch(/^text\/markdown/);
    expect(back.body).toBe(markdown);
  });

  it('imports a foreign Markdown post-mortem from the corpus and makes it searchable', async () => {
    const file = resolve(
      process.cwd(),
      'test/fixtures/corpus/postmortems/posthog_2025-09-29-flags-is-down.md',
    );
    const r = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      headers: { 'content-type': 'text/markdown; charset=utf-8' },
      payload: readFileSync(file, 'utf8'),
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().report.title).toMatch(/Feature Flags/);
    expect(r.json().report.details.timeline.length).toBeGreaterThan(3);
    const hits = (
      await viewer.call({ method: 'GET', url: '/api/search?q=writer%20database%20saturation' })
    ).json();
    expect(hits.items.map((h: { id: string }) => h.id)).toContain(r.json().id);
  });

  it('refuses Markdown that is not a valid report with located problems', async () => {
    const r = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      headers: { 'content-type': 'text/markdown' },
      payload: '---\nkind: nonsense\n---\n\n# Title\n',
    });
    expect(r.statusCode).toBe(422);
    expect(r.json().code).toBe('invalid_report');
    expect(r.json().details[0].line).toBeGreaterThan(0);
  });

  it('lets two clients race from one version: one wins, the other gets 409 and the history shows the winner', async () => {
    const { id, version } = await create(editor, report());
    const base = (await editor.call({ method: 'GET', url: `/api/postmortems/${id}` })).json();
    const first = { ...base.report, summary: { whatHappened: 'First writer wins.' } };
    const second = { ...base.report, summary: { whatHappened: 'Second writer loses.' } };
    const [a, b] = await Promise.all([
      editor.call({ method: 'PUT', url: `/api/postmortems/${id}`, payload: { version, report: first } }),
      other.call({ method: 'PUT', url: `/api/postmortems/${id}`, payload: { version, report: second } }),
    ]);
    const codes = [a.statusCode, b.statusCode].sort();
    expect(codes).toEqual([200, 409]);
    const [winner, loser] = a.statusCode === 200 ? [a, b] : [b, a];
    expect(loser.json()).toMatchObject({ code: 'conflict', details: [{ path: ['version'] }] });
    expect(loser.json().message).toMatch(/current version is 2/);
    const stored = (await viewer.call({ method: 'GET', url: `/api/postmortems/${id}` })).json();
    expect(stored.version).toBe(2);
    expect(stored.report.summary).toEqual(winner.json().report.summary);
    const history = (await viewer.call({ method: 'GET', url: `/api/postmortems/${id}/revisions` })).json();
    expect(history.items.map((h: { version: number }) => h.version)).toEqual([2, 1]);
    expect(history.items[0].changes).toEqual(['summary.whatHappened']);
    expect(history.items[0].authorId).toBe(winner === a ? editor.user.id : other.user.id);
  });

  it('updates one section, diffs two versions and restores an old one as a new version', async () => {
    const { id } = await create(
      editor,
      report({ lessons: { wentWell: [{ id: 'L1', text: 'Paging worked' }] } }),
    );
    const r = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}/sections/lessons`,
      payload: { version: 1, content: { wentWell: [{ id: 'L1', text: 'Paging worked fast' }] } },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().report.lessons.wentWell[0].text).toBe('Paging worked fast');
    const diff = (
      await viewer.call({ method: 'GET', url: `/api/postmortems/${id}/diff?from=1&to=2` })
    ).json();
    expect(diff.changes).toEqual([
      {
        path: ['lessons', 'wentWell', 0, 'text'],
        op: 'change',
        from: 'Paging worked',
        to: 'Paging worked fast',
      },
    ]);
    const old = (await viewer.call({ method: 'GET', url: `/api/postmortems/${id}/revisions/1` })).json();
    expect(old.report.lessons.wentWell[0].text).toBe('Paging worked');
    const restored = await editor.call({
      method: 'POST',
      url: `/api/postmortems/${id}/revisions/1/restore`,
      payload: { version: 2 },
    });
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json()).toMatchObject({
      version: 3,
      report: { lessons: { wentWell: [{ text: 'Paging worked' }] } },
    });
  });

  it('lists with filters and paging', async () => {
    await create(
      editor,
      report({ kind: 'security', title: 'Phish A', tags: ['phishing'], systems: ['Mail'], authors: ['Zed'] }),
    );
    await create(editor, report({ kind: 'security', title: 'Phish B', tags: ['phishing'] }));
    const q = async (query: string) =>
      (await viewer.call({ method: 'GET', url: `/api/postmortems?${query}` })).json();
    expect((await q('kind=security')).total).toBe(2);
    expect((await q('tag=phishing&system=mail')).items.map((r: { title: string }) => r.title)).toEqual([
      'Phish A',
    ]);
    expect((await q('person=zed')).items.map((r: { title: string }) => r.title)).toEqual(['Phish A']);
    const page = await q('kind=security&limit=1&offset=1');
    expect(page).toMatchObject({ total: 2, limit: 1, offset: 1 });
    expect(page.items).toHaveLength(1);
  });

  it('lists action items across reports by owner, overdue and due date', async () => {
    await create(
      editor,
      report({
        title: 'Actions report',
        actions: {
          items: [
            {
              id: 'A1',
              title: 'Fix retries',
              owner: 'Quinn Owner',
              deadline: '2001-01-01',
              category: 'immediate',
            },
            {
              id: 'A2',
              title: 'Write docs',
              owner: 'Quinn Owner',
              deadline: '2999-01-01',
              category: 'documentation',
            },
          ],
        },
      }),
    );
    const q = async (query: string) =>
      (await viewer.call({ method: 'GET', url: `/api/action-items?${query}` })).json();
    expect((await q('owner=quinn%20owner')).items.map((i: { id: string }) => i.id)).toEqual(['A1', 'A2']);
    expect((await q('owner=quinn%20owner&overdue=true')).items.map((i: { id: string }) => i.id)).toEqual([
      'A1',
    ]);
    expect(
      (await q('owner=quinn%20owner&dueBefore=2500-01-01')).items.map((i: { id: string }) => i.id),
    ).toEqual(['A1']);
    expect(
      (await q('owner=quinn%20owner&category=documentation')).items.map((i: { id: string }) => i.id),
    ).toEqual(['A2']);
    // The tracker's box: part of a name, any case; LIKE wildcards typed there match only themselves.
    expect((await q('ownerContains=QUINN')).items.map((i: { id: string }) => i.id)).toEqual(['A1', 'A2']);
    expect((await q('ownerContains=inn%20ow')).items.map((i: { id: string }) => i.id)).toEqual(['A1', 'A2']);
    expect((await q('ownerContains=%25')).items).toEqual([]);
    expect((await q('ownerContains=q_inn')).items).toEqual([]);
  });

  it('soft-deletes; only an admin lists and restores deleted reports', async () => {
    const { id } = await create(editor, report({ title: 'To be deleted' }));
    expect(
      (await editor.call({ method: 'DELETE', url: `/api/postmortems/${id}?version=1` })).statusCode,
    ).toBe(204);
    expect((await editor.call({ method: 'GET', url: `/api/postmortems/${id}` })).statusCode).toBe(404);
    expect((await editor.call({ method: 'GET', url: '/api/postmortems?deleted=true' })).statusCode).toBe(403);
    const deleted = (await admin.call({ method: 'GET', url: '/api/postmortems?deleted=true' })).json();
    expect(deleted.items.map((r: { id: string }) => r.id)).toContain(id);
    expect((await editor.call({ method: 'POST', url: `/api/postmortems/${id}/restore` })).statusCode).toBe(
      403,
    );
    expect((await admin.call({ method: 'POST', url: `/api/postmortems/${id}/restore` })).statusCode).toBe(
      200,
    );
    expect((await editor.call({ method: 'GET', url: `/api/postmortems/${id}` })).statusCode).toBe(200);
  });

  it('serves repeated reads from the read cache, and shows any change by another instance at once', async () => {
    const { buildApp } = await import('./app.js');
    const twin = await buildApp({ validateResponses: true, db: s.db.store });
    try {
      const { id } = await create(editor, report({ title: 'Cached' }));
      const read = async () => editor.call({ method: 'GET', url: `/api/postmortems/${id}` });
      expect((await read()).json().report.title).toBe('Cached');
      // Change the stored content behind the app's back without a new version: a read that still shows the
      // old title was served from the cache (a fresh read would show the new one).
      await s.db.store.db
        .updateTable('reports')
        .set({ content: JSON.stringify({ ...(await read()).json().report, title: 'Behind its back' }) })
        .where('id', '=', id)
        .execute();
      expect((await read()).json().report.title).toBe('Cached');
      // A save through another instance bumps the version: this instance shows it at once.
      const put = await twin.inject({
        method: 'PUT',
        url: `/api/postmortems/${id}`,
        headers: { authorization: `Bearer ${other.token}` },
        payload: { version: 1, report: report({ title: 'Saved elsewhere' }) },
      });
      expect(put.statusCode, put.body).toBe(200);
      const after = await read();
      expect(after.json().report.title).toBe('Saved elsewhere');
      expect(after.json().version).toBe(2);
      expect(after.headers.etag).toBe('"2"');
      // Deleted and restored elsewhere: 404 at once, then back with the restorer as its last updater.
      const adminTwin = (o: { method: 'DELETE' | 'POST'; url: string }) =>
        twin.inject({ ...o, headers: { authorization: `Bearer ${admin.token}` } });
      expect(
        (await adminTwin({ method: 'DELETE', url: `/api/postmortems/${id}?version=2` })).statusCode,
      ).toBe(204);
      expect((await read()).statusCode).toBe(404);
      expect((await adminTwin({ method: 'POST', url: `/api/postmortems/${id}/restore` })).statusCode).toBe(
        200,
      );
      const restored = await read();
      expect(restored.statusCode).toBe(200);
      expect(restored.json().updatedBy).toBe(admin.user.id);
    } finally {
      await twin.close();
    }
  });

  it('shows at once what another process commits to the database, even while reads come from the cache', async () => {
    const { id } = await create(editor, report({ title: 'Before' }));
    const read = async () => (await editor.call({ method: 'GET', url: `/api/postmortems/${id}` })).json();
    for (let i = 0; i < 3; i += 1) expect((await read()).report.title).toBe('Before');
    const stored = (await read()).report as Record<string, unknown>;
    const content = JSON.stringify({ ...stored, title: 'Written by another process' });
    if (dialect === 'sqlite') {
      // A separate process with its own SQLite connection, as a CLI command beside the server would be.
      const script = `const D = require('better-sqlite3'); const db = new D(process.argv[1]);
        db.prepare('update reports set version = version + 1, content = ? where id = ?').run(process.argv[2], process.argv[3]);`;
      const r = spawnSync(process.execPath, ['-e', script, s.db.url, content, id], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
    } else {
      const elsewhere = openStore(s.db.url);
      try {
        await elsewhere.db
          .updateTable('reports')
          .set((eb) => ({ version: eb('version', '+', 1), content }))
          .where('id', '=', id)
          .execute();
      } finally {
        await elsewhere.close();
      }
    }
    // On PostgreSQL it shows once the other process's notification has arrived (database.ts ChangeListener): a
    // read in between, a fraction of a millisecond here, may be served what was kept.
    let after = await read();
    for (let i = 0; dialect !== 'sqlite' && after.version !== 2 && i < 200; i++) {
      await new Promise((r) => setTimeout(r, 10));
      after = await read();
    }
    expect(after.report.title).toBe('Written by another process');
    expect(after.version).toBe(2);
  });

  it('never serves a restricted report from the cache to someone its members list leaves out', async () => {
    const { id } = await create(editor, {
      ...report({ title: 'Members only' }),
      visibility: 'restricted',
      members: ['Eddie Editor'],
    });
    for (let i = 0; i < 3; i += 1) {
      expect((await editor.call({ method: 'GET', url: `/api/postmortems/${id}` })).statusCode).toBe(200);
      expect((await other.call({ method: 'GET', url: `/api/postmortems/${id}` })).statusCode).toBe(404);
    }
  });

  it('records changes in the audit log, readable by admins only', async () => {
    const { id } = await create(editor, report({ title: 'Audited' }));
    const log = (await admin.call({ method: 'GET', url: `/api/audit?target=${id}` })).json();
    expect(log.items.map((e: { action: string; userId: string }) => [e.action, e.userId])).toEqual([
      ['report.create', editor.user.id],
    ]);
    expect((await editor.call({ method: 'GET', url: '/api/audit' })).statusCode).toBe(403);
  });

  it('serves settings to everyone and lets only admins change them', async () => {
    const got = (await viewer.call({ method: 'GET', url: '/api/settings' })).json();
    expect(got.severityScale.levels.length).toBeGreaterThan(0);
    expect(
      (await editor.call({ method: 'PUT', url: '/api/settings', payload: { requiredApprovals: 2 } }))
        .statusCode,
    ).toBe(403);
    const put = await admin.call({
      method: 'PUT',
      url: '/api/settings',
      payload: { requiredApprovals: 2, roster: [{ name: 'Pat' }] },
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ requiredApprovals: 2, roster: [{ name: 'Pat' }] });
    const bad = await admin.call({ method: 'PUT', url: '/api/settings', payload: { requiredApprovals: -1 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toEqual(['body', 'requiredApprovals']);
    await admin.call({ method: 'PUT', url: '/api/settings', payload: { requiredApprovals: 1 } });
  });

  it('answers /healthz and serves the OpenAPI document and its page', async () => {
    const h = await s.app.inject({ method: 'GET', url: '/healthz' });
    expect(h.json()).toEqual({ status: 'ok', database: dialect });
    const doc = (await s.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/postmortems',
        '/api/postmortems/{id}',
        '/api/search',
        '/api/action-items',
      ]),
    );
    const page = await s.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/html/);
  });
});
