import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { testDialects } from '../../test/databases.js';
import { leakyReport, SECRETS } from '../../test/leaky.js';

describe.each(testDialects())('exports and charts API on %s', (dialect) => {
  let s: TestServer;
  let missing: TestServer;
  let editor: TestClient;
  let viewer: TestClient;
  let id: string;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    editor = await s.client('editor', 'Eddie Editor');
    viewer = await s.client('viewer', 'Vic Viewer');
    const r = await editor.call({ method: 'POST', url: '/api/postmortems', payload: leakyReport() });
    expect(r.statusCode, r.body).toBe(201);
    id = r.json().id;
  });
  afterAll(async () => {
    await s?.close();
    await missing?.close();
  });

  it('exports the public version in every text format with none of the secrets', async () => {
    for (const format of ['md', 'json', 'html', 'confluence']) {
      const r = await viewer.call({
        method: 'GET',
        url: `/api/postmortems/${id}/export?format=${format}&audience=public`,
      });
      expect(r.statusCode, `${format}: ${r.body.slice(0, 200)}`).toBe(200);
      for (const secret of Object.values(SECRETS).flat())
        expect(r.body, `${format}: ${secret}`).not.toContain(secret);
      expect(r.body).toContain('Checkout errors after a database failover');
    }
  });

  it('exports the internal version with everything, and a PDF as an attachment', async () => {
    const html = await viewer.call({ method: 'GET', url: `/api/postmortems/${id}/export?format=html` });
    // its inline styles apply; nothing may run or be fetched
    expect(html.headers['content-security-policy']).toContain("style-src 'unsafe-inline'");
    expect(html.headers['content-security-policy']).not.toContain('script-src');
    const md = await viewer.call({ method: 'GET', url: `/api/postmortems/${id}/export?format=md` });
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.body).toContain('SECRET-FIELD-TEAM');
    expect(md.body).toMatch(/internal:\n\s+- impact.team/);
    const pdf = await viewer.call({
      method: 'GET',
      url: `/api/postmortems/${id}/export?format=pdf&audience=executive`,
    });
    expect(pdf.statusCode, pdf.body.slice(0, 300)).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toContain(`-executive.pdf`);
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  }, 60_000);

  it('answers 503 with the JSON error naming the fix when there is no Chromium', async () => {
    missing = await startTestServer(dialect, { chromium: '/nonexistent/chromium' });
    const c = await missing.client('editor', 'Nora Nobrowser');
    const created = await c.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: { kind: 'outage', title: 'T' },
    });
    const r = await c.call({ method: 'GET', url: `/api/postmortems/${created.json().id}/export?format=pdf` });
    expect(r.statusCode).toBe(503);
    expect(r.json().code).toBe('unavailable');
    expect(r.json().message).toContain('apt-get install chromium');
    expect(r.json().message).toContain('HINDSIGHT_CHROMIUM');
  });

  it('refuses an unknown format or audience with 400', async () => {
    for (const q of ['format=docx', 'audience=press', 'format=md&extra=1']) {
      const r = await viewer.call({ method: 'GET', url: `/api/postmortems/${id}/export?${q}` });
      expect(r.statusCode, q).toBe(400);
      expect(r.json().code).toBe('bad_request');
    }
  });

  it('serves each chart as SVG with its text alternative, public ones without secrets', async () => {
    for (const chart of ['timeline', 'impact', 'actions', 'fishbone']) {
      const r = await viewer.call({
        method: 'GET',
        url: `/api/postmortems/${id}/charts/${chart}?audience=public`,
      });
      expect(r.statusCode, chart).toBe(200);
      expect(r.headers['content-type']).toMatch(/^image\/svg\+xml/);
      expect(r.body).toMatch(/^<svg[^>]*role="img"[^>]*><title id="chart-[a-z]+-title">/);
      for (const secret of Object.values(SECRETS).flat())
        expect(r.body, `${chart}: ${secret}`).not.toContain(secret);
    }
    const bad = await viewer.call({ method: 'GET', url: `/api/postmortems/${id}/charts/pie` });
    expect(bad.statusCode).toBe(400);
  });
});
