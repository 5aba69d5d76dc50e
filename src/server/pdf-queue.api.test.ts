// Issue 16, item 3: PDF exports share one browser, at most `concurrency` print at once, at most `queue` wait,
// the rest get 503 with Retry-After and a JSON body; a render has a timeout; a browser that crashes is started
// again; the browser is closed with the server.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases.js';
import { leakyReport } from '../../test/leaky.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';

/** The Chromium processes this test process started (playwright launches the browser as its child). */
function browserPids(): number[] {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  } catch {
    return []; // ps exits 1 when there is no such process
  }
  return out
    .split('\n')
    .filter((l) => l.includes('chromium') && l.includes('--remote-debugging-pipe'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.each(testDialects())('PDF rendering under load on %s', (dialect) => {
  let s: TestServer;
  let c: TestClient;
  let id: string;
  const pdf = () => c.call({ method: 'GET', url: `/api/postmortems/${id}/export?format=pdf` });

  beforeAll(async () => {
    s = await startTestServer(dialect, { pdf: { concurrency: 2, queue: 2 } });
    c = await s.client('editor', 'Eddie Editor');
    const r = await c.call({ method: 'POST', url: '/api/postmortems', payload: leakyReport() });
    expect(r.statusCode, r.body).toBe(201);
    id = r.json().id;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('prints two at a time in one browser, queues two, and refuses the rest with 503 and Retry-After', async () => {
    const replies = await Promise.all(Array.from({ length: 8 }, () => pdf()));
    const ok = replies.filter((r) => r.statusCode === 200);
    const busy = replies.filter((r) => r.statusCode === 503);
    expect(ok.length + busy.length, replies.map((r) => r.statusCode).join(',')).toBe(8);
    expect(ok.length).toBeGreaterThanOrEqual(4);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    for (const r of ok) expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    for (const r of busy) {
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(r.json()).toMatchObject({ code: 'unavailable', details: [{ path: ['format'] }] });
      expect(r.json().message).toMatch(/rendering 2 PDFs and 2 more are waiting/);
    }
    const renderer = s.app.pdfRenderer;
    expect(renderer.peak).toBe(2);
    expect(renderer.launches).toBe(1);
    expect(renderer.load).toEqual({ active: 0, waiting: 0 });
    // a place is free again once the queue drains
    expect((await pdf()).statusCode).toBe(200);
  }, 120_000);

  it('starts the browser again after it crashed', async () => {
    const before = browserPids();
    expect(before).toHaveLength(1);
    process.kill(before[0]!, 'SIGKILL');
    await expect.poll(() => alive(before[0]!), { timeout: 10_000 }).toBe(false);
    const r = await pdf();
    expect(r.statusCode, r.body.slice(0, 300)).toBe(200);
    expect(s.app.pdfRenderer.launches).toBe(2);
    expect(browserPids()).toHaveLength(1);
  }, 60_000);

  it('abandons a render that takes longer than its timeout, with 503 and a JSON body', async () => {
    const slow = await startTestServer(dialect, { pdf: { timeoutMs: 1 } });
    try {
      const e = await slow.client('editor', 'Sam Slow');
      const created = await e.call({ method: 'POST', url: '/api/postmortems', payload: leakyReport() });
      const r = await e.call({
        method: 'GET',
        url: `/api/postmortems/${created.json().id}/export?format=pdf`,
      });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ code: 'unavailable' });
      expect(r.json().message).toMatch(/longer than 0 s to render and was abandoned/);
      expect(slow.app.pdfRenderer.load).toEqual({ active: 0, waiting: 0 });
    } finally {
      await slow.close();
    }
  }, 60_000);

  it('refuses the PDF of a restricted report to a non-member before it takes a place', async () => {
    const bob = await s.client('editor', 'Bob Other');
    const hidden = await bob.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: { ...leakyReport(), visibility: 'restricted', members: [bob.user.email] },
    });
    expect(hidden.statusCode, hidden.body).toBe(201);
    const renderer = s.app.pdfRenderer;
    const before = { printed: renderer.printed, launches: renderer.launches };
    const r = await c.call({ method: 'GET', url: `/api/postmortems/${hidden.json().id}/export?format=pdf` });
    expect(r.statusCode).toBe(404);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    expect(r.body).not.toContain('SECRET');
    expect({ printed: renderer.printed, launches: renderer.launches }).toEqual(before);
    expect(renderer.load).toEqual({ active: 0, waiting: 0 });
    // the member gets it
    const ok = await bob.call({
      method: 'GET',
      url: `/api/postmortems/${hidden.json().id}/export?format=pdf`,
    });
    expect(ok.statusCode).toBe(200);
    expect(renderer.printed).toBe(before.printed + 1);
  }, 60_000);

  it('drops a waiting render whose client went away, and never prints it', async () => {
    const q = await startTestServer(dialect, { pdf: { concurrency: 1, queue: 4 } });
    try {
      const e = await q.client('editor', 'Quinn Queue');
      const created = await e.call({ method: 'POST', url: '/api/postmortems', payload: leakyReport() });
      expect(created.statusCode, created.body).toBe(201);
      const address = await q.app.listen({ port: 0, host: '127.0.0.1' });
      const url = `${address}/api/postmortems/${created.json().id}/export?format=pdf`;
      const headers = { authorization: `Bearer ${e.token}` };
      const renderer = q.app.pdfRenderer;
      const first = fetch(url, { headers });
      await expect.poll(() => renderer.load.active, { timeout: 10_000, interval: 20 }).toBe(1);
      const left = new AbortController();
      const second = fetch(url, { headers, signal: left.signal }).then(
        (r) => `status ${r.status}`,
        (err: Error) => err.name,
      );
      await expect.poll(() => renderer.load.waiting, { timeout: 10_000, interval: 20 }).toBe(1);
      left.abort();
      expect(await second).toBe('AbortError');
      // its place in the queue is given up at once, not when the first render ends
      await expect.poll(() => renderer.load.waiting, { timeout: 5_000, interval: 20 }).toBe(0);
      expect(renderer.dropped).toBe(1);
      const r = await first;
      expect(r.status).toBe(200);
      expect(
        Buffer.from(await r.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
      expect(renderer.printed).toBe(1);
      expect(renderer.load).toEqual({ active: 0, waiting: 0 });
    } finally {
      await q.close();
    }
  }, 60_000);

  it('closes the browser when the server shuts down', async () => {
    const pids = browserPids();
    expect(pids).toHaveLength(1);
    await s.close();
    await expect.poll(() => alive(pids[0]!), { timeout: 10_000 }).toBe(false);
    const r = await s.app.pdfRenderer.render('<p>x</p>', 'x').catch((e: Error) => e.message);
    expect(r).toMatch(/shutting down/);
  }, 60_000);
});
