import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newReport } from '../domain/index.js';
import { testDialects } from '../../test/databases.js';
import { startTestServer, type TestServer } from '../../test/server.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { COMPRESS_IN_PLACE, COMPRESS_THRESHOLD, compressReply, pickEncoding } from './reply-compression.js';

// JSON replies over a kilobyte are compressed for clients that accept it; the web app's files are sent as
// the brotli or gzip copies made at build time, never compressed again per request.
describe('compression on sqlite', () => {
  let s: TestServer;
  let root: string;
  const script = `console.log(${JSON.stringify('hindsight '.repeat(400))});`;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hindsight-compress-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Hindsight test shell</title>');
    writeFileSync(join(root, 'assets', 'app-1.js'), script);
    // Marked copies, so the test can tell the build's copies from compression done on the fly.
    writeFileSync(join(root, 'assets', 'app-1.js.br'), brotliCompressSync(`${script}//br`));
    writeFileSync(join(root, 'assets', 'app-1.js.gz'), gzipSync(`${script}//gz`));
    s = await startTestServer('sqlite', { webRoot: root });
  });
  afterAll(async () => {
    await s?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('sends a large JSON reply compressed when asked, and plain otherwise', async () => {
    const editor = await s.client('editor', 'Compress Editor');
    const report = newReport('outage', { title: 'A report long enough to compress' });
    const created = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: {
        ...report,
        details: { ...report.details, stepsTaken: 'The queue backed up. '.repeat(60).trim() },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;

    const plain = await editor.call({ method: 'GET', url: `/api/postmortems/${id}` });
    expect(plain.headers['content-encoding']).toBeUndefined();
    const expected = plain.json();

    const gz = await editor.call({
      method: 'GET',
      url: `/api/postmortems/${id}`,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(JSON.parse(gunzipSync(gz.rawPayload).toString('utf8'))).toEqual(expected);

    const br = await editor.call({
      method: 'GET',
      url: `/api/postmortems/${id}`,
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(br.headers['content-encoding']).toBe('br');
    expect(JSON.parse(brotliDecompressSync(br.rawPayload).toString('utf8'))).toEqual(expected);
    // Sent whole, with its length, not as a chunked stream; caches told that the encoding depends on the ask.
    expect(Number(br.headers['content-length'])).toBe(br.rawPayload.length);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.headers.vary).toMatch(/accept-encoding/i);

    // The client's weights decide; an encoding weighted 0 is never sent.
    const weighed = await editor.call({
      method: 'GET',
      url: `/api/postmortems/${id}`,
      headers: { 'accept-encoding': 'br;q=0.2, gzip;q=0.9' },
    });
    expect(weighed.headers['content-encoding']).toBe('gzip');
    expect(JSON.parse(gunzipSync(weighed.rawPayload).toString('utf8'))).toEqual(expected);
    const refused = await editor.call({
      method: 'GET',
      url: `/api/postmortems/${id}`,
      headers: { 'accept-encoding': 'br;q=0, gzip;q=0, identity' },
    });
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(refused.json()).toEqual(expected);

    // The kept answer's brotli copy (report-read-cache.ts) is sent again as it is, and not once the report changed.
    const again = await editor.call({
      method: 'GET',
      url: `/api/postmortems/${id}`,
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(again.rawPayload.equals(br.rawPayload)).toBe(true);
    expect(again.headers.vary).toMatch(/accept-encoding/i);
    const saved = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: { version: expected.version, report: { ...expected.report, title: 'A report saved again' } },
    });
    expect(saved.statusCode, saved.body).toBe(200);
    const after = await editor.call({
      method: 'GET',
      url: `/api/postmortems/${id}`,
      headers: { 'accept-encoding': 'gzip, deflate, br' },
    });
    expect(after.headers['content-encoding']).toBe('br');
    const read = JSON.parse(brotliDecompressSync(after.rawPayload).toString('utf8'));
    expect([read.version, read.report.title]).toEqual([expected.version + 1, 'A report saved again']);
    expect(after.headers.etag).toBe(`"${expected.version + 1}"`);
  });

  it('compresses a reply over the in-place size on the thread pool, to the same JSON', async () => {
    const editor = await s.client('editor', 'Compress Large');
    const report = newReport('outage', { title: 'A report larger than the in-place size' });
    const created = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: {
        ...report,
        details: { ...report.details, stepsTaken: 'The queue backed up again. '.repeat(3000).trim() },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const plain = await editor.call({ method: 'GET', url: `/api/postmortems/${id}` });
    expect(plain.rawPayload.length).toBeGreaterThan(COMPRESS_IN_PLACE);
    for (const [encoding, decode] of [
      ['gzip', gunzipSync],
      ['br', brotliDecompressSync],
    ] as const) {
      const r = await editor.call({
        method: 'GET',
        url: `/api/postmortems/${id}`,
        headers: { 'accept-encoding': encoding },
      });
      expect(r.headers['content-encoding']).toBe(encoding);
      expect(Number(r.headers['content-length'])).toBe(r.rawPayload.length);
      expect(JSON.parse(decode(r.rawPayload).toString('utf8'))).toEqual(plain.json());
    }
  });

  it('compresses a reply up to the in-place size before returning, over it after', async () => {
    const replyOf = (headers = new Map<string, unknown>()) =>
      ({
        getHeader: (k: string) => headers.get(k),
        hasHeader: (k: string) => headers.has(k),
        header: (k: string, v: unknown) => headers.set(k, v),
        removeHeader: (k: string) => headers.delete(k),
      }) as unknown as FastifyReply;
    for (const encoding of ['gzip', 'br'] as const) {
      const request = { headers: { 'accept-encoding': encoding } } as unknown as FastifyRequest;
      for (const size of [COMPRESS_IN_PLACE, COMPRESS_IN_PLACE + 1]) {
        const payload = JSON.stringify({ text: 'x'.repeat(size - 11) });
        expect(payload.length).toBe(size);
        let sent: Buffer | undefined;
        const done = new Promise<void>((resolve, reject) =>
          compressReply(request, replyOf(), payload, (error, out) => {
            if (error) return reject(error);
            sent = out as Buffer;
            resolve();
          }),
        );
        // In place: compressed by the time the hook returns; on the pool: later.
        expect(sent !== undefined, `${encoding} ${size}`).toBe(size <= COMPRESS_IN_PLACE);
        await done;
        const decoded = (encoding === 'gzip' ? gunzipSync : brotliDecompressSync)(sent!).toString('utf8');
        expect(decoded).toBe(payload);
      }
    }
  });

  it('picks the encoding the Accept-Encoding header weighs most', () => {
    expect(pickEncoding(undefined)).toBeUndefined();
    expect(pickEncoding('')).toBeUndefined();
    expect(pickEncoding('identity')).toBeUndefined();
    expect(pickEncoding('deflate')).toBeUndefined();
    expect(pickEncoding('gzip, deflate')).toBe('gzip');
    expect(pickEncoding('gzip, deflate, br')).toBe('br');
    expect(pickEncoding('BR;Q=0.5, GZIP')).toBe('gzip');
    expect(pickEncoding('br;q=0, gzip;q=0')).toBeUndefined();
    expect(pickEncoding('*')).toBe('br');
    expect(pickEncoding('br;q=0, *')).toBe('gzip');
    expect(pickEncoding('x-gzip')).toBe('gzip');
    // A weight that is not a number is ignored, as if none were given.
    expect(pickEncoding('gzip;q=nonsense')).toBe('gzip');
  });

  it('leaves small replies as they are', async () => {
    const r = await s.app.inject({ method: 'GET', url: '/healthz', headers: { 'accept-encoding': 'gzip' } });
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.json()).toMatchObject({ status: 'ok' });
  });

  it("serves the build's brotli or gzip copy of an asset with its Content-Encoding, or the file itself", async () => {
    const br = await s.app.inject({
      method: 'GET',
      url: '/assets/app-1.js',
      headers: { 'accept-encoding': 'gzip, br' },
    });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString('utf8')).toBe(`${script}//br`);

    const gz = await s.app.inject({
      method: 'GET',
      url: '/assets/app-1.js',
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString('utf8')).toBe(`${script}//gz`);

    const raw = await s.app.inject({
      method: 'GET',
      url: '/assets/app-1.js',
      headers: { 'accept-encoding': 'identity' },
    });
    expect(raw.headers['content-encoding']).toBeUndefined();
    expect(raw.body).toBe(script);
  });
});

// Without search workers (PostgreSQL, a database in memory) the search route's reply is compressed by the reply hook.
describe.each(testDialects())('search replies compressed on %s', (dialect) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(dialect);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('sends a search page compressed as asked, to the same JSON', async () => {
    const editor = await s.client('editor', 'Compress Search');
    for (let i = 0; i < 40; i++) {
      const report = newReport('outage', { title: `Backlog report ${i} of the compressed search` });
      const created = await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: {
          ...report,
          details: { ...report.details, stepsTaken: `The backlog grew past ${i} queues. `.repeat(40).trim() },
        },
      });
      expect(created.statusCode, created.body).toBe(201);
    }
    const url = '/api/search?q=backlog&limit=50';
    const plain = await editor.call({ method: 'GET', url });
    expect(plain.statusCode, plain.body).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers.vary).toMatch(/accept-encoding/i);
    expect(plain.json().items).toHaveLength(40);
    expect(plain.rawPayload.length).toBeGreaterThan(COMPRESS_THRESHOLD);
    for (const [encoding, decode] of [
      ['gzip', gunzipSync],
      ['br', brotliDecompressSync],
    ] as const) {
      const r = await editor.call({ method: 'GET', url, headers: { 'accept-encoding': encoding } });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.headers['content-encoding']).toBe(encoding);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(r.headers.vary).toMatch(/accept-encoding/i);
      expect(Number(r.headers['content-length'])).toBe(r.rawPayload.length);
      expect(r.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
      expect(JSON.parse(decode(r.rawPayload).toString('utf8'))).toEqual(plain.json());
    }
    const unasked = await editor.call({
      method: 'GET',
      url,
      headers: { 'accept-encoding': 'br', 'x-no-compression': '1' },
    });
    expect(unasked.headers['content-encoding']).toBeUndefined();
    expect(unasked.json()).toEqual(plain.json());
  });

  it('leaves a small search page as it is', async () => {
    const r = await (
      await s.client('viewer', 'Compress Small Search')
    ).call({ method: 'GET', url: '/api/search?q=nothingmatchesthis', headers: { 'accept-encoding': 'br' } });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(r.json().items).toEqual([]);
  });
});
