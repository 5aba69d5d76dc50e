import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multipartForm, startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';

describe.each(testDialects())('lifecycle, review and attachments on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;
  let author: TestClient;
  let rita: TestClient;
  let rob: TestClient;
  let viewer: TestClient;

  beforeAll(async () => {
    s = await startTestServer(dialect, { uploadLimit: 1024 });
    admin = await s.client('admin', 'Ann Admin');
    author = await s.client('editor', 'Al Author');
    rita = await s.client('viewer', 'Rita Reviewer');
    rob = await s.client('editor', 'Rob Reviewer');
    viewer = await s.client('viewer', 'Val Viewer');
    await admin.call({ method: 'PUT', url: '/api/settings', payload: { requiredApprovals: 2 } });
  });
  afterAll(async () => s?.close());

  const move = (c: TestClient, id: string, to: string, version: number) =>
    c.call({ method: 'POST', url: `/api/postmortems/${id}/transitions`, payload: { to, version } });

  it('goes to review only without check errors, publishes only with the required approvals', async () => {
    const created = await author.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: completeReport({
        title: 'Reviewed report',
        severity: 'SEV9',
        reviewers: ['Rita Reviewer', 'rob.reviewer@example.test'],
      }),
    });
    const id = created.json().id as string;
    const blocked = await move(author, id, 'in_review', 1);
    expect(blocked.statusCode).toBe(422);
    expect(blocked.json().details[0].path).toEqual(['severity']);

    const fixed = await author.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: { version: 1, report: { ...created.json().report, severity: 'SEV2' } },
    });
    expect(fixed.statusCode, fixed.body).toBe(200);
    expect((await move(author, id, 'published', 2)).statusCode).toBe(409);
    const inReview = await move(author, id, 'in_review', 2);
    expect(inReview.statusCode, inReview.body).toBe(200);
    expect(inReview.json()).toMatchObject({ state: 'in_review', version: 3 });

    // Comments anchored to a field, resolvable; a viewer who is a named reviewer may comment.
    const comment = await rita.call({
      method: 'POST',
      url: `/api/postmortems/${id}/comments`,
      payload: { anchor: 'analysis.primaryCause', body: 'Please name the cause.' },
    });
    expect(comment.statusCode, comment.body).toBe(201);
    expect(
      (
        await viewer.call({
          method: 'POST',
          url: `/api/postmortems/${id}/comments`,
          payload: { anchor: 'analysis', body: 'Hi' },
        })
      ).statusCode,
    ).toBe(403);
    const badAnchor = await rob.call({
      method: 'POST',
      url: `/api/postmortems/${id}/comments`,
      payload: { anchor: 'nowhere', body: 'x' },
    });
    expect(badAnchor.statusCode).toBe(400);
    const resolved = await author.call({
      method: 'POST',
      url: `/api/postmortems/${id}/comments/${comment.json().id}/resolve`,
      payload: {},
    });
    expect(resolved.json().resolvedBy).toBe(author.user.id);

    // Only named reviewers decide; a change request blocks publishing until the reviewer approves.
    expect(
      (
        await author.call({
          method: 'POST',
          url: `/api/postmortems/${id}/reviews`,
          payload: { decision: 'approve' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await rita.call({
          method: 'POST',
          url: `/api/postmortems/${id}/reviews`,
          payload: { decision: 'approve' },
        })
      ).statusCode,
    ).toBe(201);
    expect(
      (
        await rob.call({
          method: 'POST',
          url: `/api/postmortems/${id}/reviews`,
          payload: { decision: 'request_changes', note: 'Add numbers' },
        })
      ).statusCode,
    ).toBe(201);
    const notYet = await move(author, id, 'published', 3);
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json().message).toMatch(/changes were requested/);
    await rob.call({
      method: 'POST',
      url: `/api/postmortems/${id}/reviews`,
      payload: { decision: 'approve' },
    });
    const status = (await viewer.call({ method: 'GET', url: `/api/postmortems/${id}/reviews` })).json()
      .status;
    expect(status).toMatchObject({ approvals: 2, required: 2, changesRequested: [] });
    const published = await move(author, id, 'published', 3);
    expect(published.statusCode, published.body).toBe(200);
    expect(published.json().report.state).toBe('published');

    // Back to draft and into review again starts a new round: old approvals no longer count.
    expect((await move(author, id, 'draft', 4)).statusCode).toBe(200);
    expect((await move(author, id, 'in_review', 5)).statusCode).toBe(200);
    expect((await move(author, id, 'published', 6)).json().message).toMatch(/needs 2 approval/);
  });

  it('keeps a report with linter errors out of review, naming each problem', async () => {
    const bare = await author.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: { kind: 'outage', title: 'Bare report' },
    });
    const r = await move(author, bare.json().id, 'in_review', 1);
    expect(r.statusCode).toBe(422);
    const paths = r.json().details.map((d: { path: unknown[] }) => d.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining(['details.timeline', 'analysis.primaryCause', 'actions.items']),
    );
    expect(
      (await author.call({ method: 'GET', url: `/api/postmortems/${bare.json().id}` })).json(),
    ).toMatchObject({ version: 1, state: 'draft' });
  });

  it('refuses an impossible transition naming the field, and changes nothing', async () => {
    const created = await author.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: { kind: 'other', title: 'Stays draft' },
    });
    const id = created.json().id as string;
    const r = await move(author, id, 'closed', 1);
    expect(r.statusCode).toBe(409);
    expect(r.json().details[0].path).toEqual(['to']);
    expect((await author.call({ method: 'GET', url: `/api/postmortems/${id}` })).json()).toMatchObject({
      version: 1,
      state: 'draft',
    });
    const sneaky = await author.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: { version: 1, report: { ...created.json().report, state: 'published' } },
    });
    expect(sneaky.statusCode).toBe(422);
    expect(sneaky.json().details[0].path).toEqual(['state']);
  });

  it('stores uploads in the database and serves them as attachments with a safe type', async () => {
    const id = (
      await author.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: { kind: 'other', title: 'With files' },
      })
    ).json().id;
    const form = (filename: string, type: string, data: string) =>
      multipartForm([{ name: 'file', filename, data, type }]);
    const up = await author.call({
      method: 'POST',
      url: `/api/postmortems/${id}/attachments`,
      ...form('../evil.html', 'text/html', '<script>alert(1)</script>'),
    });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json()).toMatchObject({
      filename: 'evil.html',
      contentType: 'application/octet-stream',
      size: 25,
    });
    const down = await viewer.call({ method: 'GET', url: `/api/attachments/${up.json().id}` });
    expect(down.statusCode).toBe(200);
    expect(down.body).toBe('<script>alert(1)</script>');
    expect(down.headers['content-type']).toBe('application/octet-stream');
    expect(down.headers['content-disposition']).toMatch(/^attachment; filename="evil.html"/);
    expect(down.headers['x-content-type-options']).toBe('nosniff');
    const png = await author.call({
      method: 'POST',
      url: `/api/postmortems/${id}/attachments`,
      ...form('graph.png', 'image/png', 'PNGDATA'),
    });
    expect(png.json().contentType).toBe('image/png');
    const big = await author.call({
      method: 'POST',
      url: `/api/postmortems/${id}/attachments`,
      ...form('big.txt', 'text/plain', 'x'.repeat(2000)),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('too_large');
    expect(
      (
        await viewer.call({
          method: 'POST',
          url: `/api/postmortems/${id}/attachments`,
          ...form('v.txt', 'text/plain', 'v'),
        })
      ).statusCode,
    ).toBe(403);
    const list = (await viewer.call({ method: 'GET', url: `/api/postmortems/${id}/attachments` })).json();
    expect(list.items.map((a: { filename: string }) => a.filename)).toEqual(['evil.html', 'graph.png']);
  });
});
