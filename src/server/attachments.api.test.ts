// Streamed uploads and downloads of attachments, on a real server socket where a test needs one (a client
// that goes away mid-upload, memory while 20 MB pass through).
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { AttachmentRepository } from '../store/index.js';
import { actorOf } from './services/access.js';
import { AttachmentService } from './services/attachment.service.js';

const MB = 1024 * 1024;
const LIMIT = 21 * MB;
const BOUNDARY = '----hindsight-upload';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const head = (filename: string, type = 'application/octet-stream') =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;
const tail = `\r\n--${BOUNDARY}--\r\n`;
const multipart = (filename: string, data: Buffer) =>
  Buffer.concat([Buffer.from(head(filename)), data, Buffer.from(tail)]);

// Full collections on demand, so memory is measured as what is still referenced, not what awaits collection.
// V8 frees buffers a little after the collection that finds them dead: the least of a few rounds counts.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
async function liveBytes(): Promise<number> {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((ok) => setImmediate(ok));
    const m = process.memoryUsage();
    least = Math.min(least, m.heapUsed + m.arrayBuffers);
  }
  return least;
}

interface Sent {
  status?: number;
  body?: string;
  error?: string;
  sha256: string;
  /** Largest growth of live memory over the start, sampled while the body was being sent. */
  peakGrowth: number;
}

/**
 * POST a file of `size` pseudo-random bytes to a real socket, made and sent piece by piece (the test never
 * holds the file). `sample` measures memory every 6 MB; `midway` runs once `after` bytes are out, then
 * sending goes on, or the socket is destroyed if `abort`.
 */
async function sendFile(
  port: number,
  token: string,
  path: string,
  size: number,
  options: {
    sample?: boolean;
    midway?: { after: number; run: () => Promise<void>; abort?: boolean };
  } = {},
): Promise<Sent> {
  const hash = createHash('sha256');
  const start = options.sample ? await liveBytes() : 0;
  let peak = start;
  const req = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path,
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    },
  });
  const answer = new Promise<{ status?: number; body?: string; error?: string }>((resolve) => {
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', (e) => resolve({ error: e.message }));
  });
  const pump = async () => {
    req.write(head('big.bin'));
    let sent = 0;
    let nextSample = 6 * MB;
    let midway = options.midway;
    while (sent < size) {
      if (midway && sent >= midway.after) {
        await midway.run();
        if (midway.abort) {
          req.destroy();
          return;
        }
        midway = undefined;
      }
      if (options.sample && sent >= nextSample) {
        // The server drains what is in flight meanwhile; it must not hold on to it.
        peak = Math.max(peak, await liveBytes());
        nextSample += 6 * MB;
      }
      const piece = randomBytes(Math.min(64 * 1024, size - sent));
      hash.update(piece);
      sent += piece.length;
      if (!req.write(piece)) await once(req, 'drain');
    }
    req.end(tail);
  };
  // A server that answers early (413) may close the socket under the writer; the answer tells.
  await pump().catch(() => {});
  return { ...(await answer), sha256: hash.digest('hex'), peakGrowth: peak - start };
}

/** GET a download from a real socket, hashing it as it arrives, pausing to sample memory every 6 MB. */
async function fetchFile(port: number, token: string, path: string) {
  const start = await liveBytes();
  return new Promise<{
    status?: number;
    headers: http.IncomingHttpHeaders;
    size: number;
    sha256: string;
    peakGrowth: number;
  }>((resolve, reject) => {
    let peak = start;
    let size = 0;
    let nextSample = 6 * MB;
    const hash = createHash('sha256');
    http
      .get({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` } }, (res) => {
        res.on('data', (d: Buffer) => {
          hash.update(d);
          size += d.length;
          if (size < nextSample) return;
          nextSample += 6 * MB;
          // While the client is paused the server must wait too, not read the file ahead into memory.
          res.pause();
          void liveBytes().then((live) => {
            peak = Math.max(peak, live);
            res.resume();
          });
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            size,
            sha256: hash.digest('hex'),
            peakGrowth: peak - start,
          }),
        );
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe.each(testDialects())('streamed attachments on %s', (dialect) => {
  let s: TestServer;
  let port: number;
  let editor: TestClient;
  let viewer: TestClient;
  let outsider: TestClient;
  let reportId: string;
  let restrictedId: string;

  const rows = async () => {
    const db = s.db.store.db;
    const count = async (table: 'attachments' | 'attachment_chunks') =>
      Number(
        (
          await db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    return { attachments: await count('attachments'), chunks: await count('attachment_chunks') };
  };

  /** Wait until the server has stored chunks beyond `known` (an upload in progress has reached the DB). */
  const chunksStored = async (known: number) => {
    while ((await rows()).chunks <= known) await new Promise((ok) => setTimeout(ok, 10));
  };

  beforeAll(async () => {
    s = await startTestServer(dialect, { uploadLimit: LIMIT });
    // Smaller chunks than the default, so that every upload here spans many of them.
    s.app.services.attachments = new AttachmentService(
      s.app.services.reports,
      new AttachmentRepository(s.db.store),
      s.app.services.audit,
      { chunkSize: 128 * 1024 },
    );
    editor = await s.client('editor', 'Ed Editor');
    viewer = await s.client('viewer', 'Vic Viewer');
    outsider = await s.client('editor', 'Olga Outsider');
    reportId = (
      await editor.call({
        method: 'POST',
        url: '/api/postmortems',
        payload: { kind: 'other', title: 'Files' },
      })
    ).json().id;
    restrictedId = (
      await s.app.services.reports.create(actorOf(editor.user, 'cli'), {
        kind: 'other',
        title: 'Secret files',
        visibility: 'restricted',
        members: [viewer.user.email],
      })
    ).id;
    await s.app.listen({ port: 0, host: '127.0.0.1' });
    port = (s.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => s?.close());

  it('stores a multi-chunk file and serves it back byte for byte, with the download headers', async () => {
    const data = randomBytes(3.5 * MB);
    const up = await editor.call({
      method: 'POST',
      url: `/api/postmortems/${reportId}/attachments`,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: multipart('graph q3.png', data),
    });
    expect(up.statusCode, up.body).toBe(201);
    expect(up.json()).toMatchObject({
      size: data.length,
      sha256: sha256(data),
      contentType: 'application/octet-stream',
    });
    const chunks = await s.db.store.db
      .selectFrom('attachment_chunks')
      .select('seq')
      .where('attachment_id', '=', up.json().id)
      .execute();
    expect(chunks).toHaveLength(28);

    const down = await viewer.call({ method: 'GET', url: `/api/attachments/${up.json().id}` });
    expect(down.statusCode).toBe(200);
    expect(down.rawPayload.equals(data)).toBe(true);
    expect(down.headers['content-length']).toBe(String(data.length));
    expect(down.headers['content-type']).toBe('application/octet-stream');
    expect(down.headers['content-disposition']).toBe(
      `attachment; filename="graph q3.png"; filename*=UTF-8''graph%20q3.png`,
    );
    expect(down.headers['x-content-type-options']).toBe('nosniff');
  });

  it('keeps the service method that takes a buffer, with its checks', async () => {
    const who = actorOf(editor.user, 'cli');
    const data = randomBytes(200_000);
    const info = await s.app.services.attachments.upload(who, reportId, {
      filename: 'notes.txt',
      contentType: 'text/plain',
      data,
    });
    expect(info).toMatchObject({ size: 200_000, contentType: 'text/plain; charset=utf-8' });
    expect((await s.app.services.attachments.download(who, info.id)).data.equals(data)).toBe(true);
    const before = await rows();
    await expect(
      s.app.services.attachments.upload(who, reportId, { contentType: 'text/plain', data: Buffer.alloc(0) }),
    ).rejects.toMatchObject({ code: 'bad_request', details: [{ path: ['file'] }] });
    await expect(
      s.app.services.attachments.upload(who, reportId, {
        contentType: 'text/plain',
        data,
        maxBytes: 100_000,
      }),
    ).rejects.toMatchObject({ code: 'too_large', details: [{ path: ['file'] }] });
    expect(await rows()).toEqual(before);
  });

  it('refuses a file over the limit with 413 naming the field, after storing chunks of it, and keeps none', async () => {
    const before = await rows();
    const r = await sendFile(port, editor.token, `/api/postmortems/${reportId}/attachments`, LIMIT + MB, {
      midway: { after: 2 * MB, run: () => chunksStored(before.chunks) },
    });
    expect(r.status, r.error ?? r.body).toBe(413);
    expect(JSON.parse(r.body!)).toEqual({
      code: 'too_large',
      message: `the file is larger than this server accepts (${LIMIT} bytes)`,
      details: [{ path: ['file'], message: `larger than ${LIMIT} bytes` }],
    });
    expect(await rows()).toEqual(before);
  });

  it('answers 400 naming the field when the body ends inside the file, and keeps nothing', async () => {
    const before = await rows();
    const body = Buffer.concat([Buffer.from(head('cut.bin')), randomBytes(700_000)]);
    const r = await editor.call({
      method: 'POST',
      url: `/api/postmortems/${reportId}/attachments`,
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
      payload: body,
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().details).toEqual([{ path: ['file'], message: 'incomplete' }]);
    expect(await rows()).toEqual(before);
  });

  it('leaves no attachment behind when the client goes away mid-upload, and goes on serving', async () => {
    const before = await rows();
    const list = async () =>
      (await viewer.call({ method: 'GET', url: `/api/postmortems/${reportId}/attachments` })).json().items;
    const listed = (await list()).length;
    const r = await sendFile(port, editor.token, `/api/postmortems/${reportId}/attachments`, 8 * MB, {
      midway: {
        after: 2 * MB,
        // Abort only once the server has stored chunks of this upload, so the cleanup has work to do.
        run: async () => {
          await chunksStored(before.chunks);
          expect(await list()).toHaveLength(listed);
        },
        abort: true,
      },
    });
    expect(r.status).toBeUndefined();
    // The server notices the closed socket on its own schedule; wait (bounded) for its cleanup.
    for (let i = 0; i < 500 && JSON.stringify(await rows()) !== JSON.stringify(before); i++) {
      await new Promise((ok) => setTimeout(ok, 10));
    }
    expect(await rows()).toEqual(before);
    expect(await list()).toHaveLength(listed);

    const again = await sendFile(port, editor.token, `/api/postmortems/${reportId}/attachments`, 300_000);
    expect(again.status, again.body).toBe(201);
    expect(JSON.parse(again.body!).sha256).toBe(again.sha256);
    expect(await list()).toHaveLength(listed + 1);
  });

  it('hides a restricted report’s attachments from non-members: 404 to list, download and upload', async () => {
    const data = randomBytes(300_000);
    const up = await sendFile(port, editor.token, `/api/postmortems/${restrictedId}/attachments`, 300_000);
    expect(up.status, up.body).toBe(201);
    const id = JSON.parse(up.body!).id as string;
    const member = await fetchFile(port, viewer.token, `/api/attachments/${id}`);
    expect([member.status, member.sha256]).toEqual([200, up.sha256]);
    for (const call of [
      outsider.call({ method: 'GET', url: `/api/attachments/${id}` }),
      outsider.call({ method: 'GET', url: `/api/postmortems/${restrictedId}/attachments` }),
      outsider.call({
        method: 'POST',
        url: `/api/postmortems/${restrictedId}/attachments`,
        headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
        payload: multipart('x.bin', data),
      }),
    ]) {
      const r = await call;
      expect(r.statusCode, r.body).toBe(404);
      expect(r.json().code).toBe('not_found');
    }
  });

  it('passes 20 MB through upload and download with live memory growing far less than the file', async () => {
    const size = 20 * MB;
    const up = await sendFile(port, editor.token, `/api/postmortems/${reportId}/attachments`, size, {
      sample: true,
    });
    expect(up.status, up.body).toBe(201);
    expect(JSON.parse(up.body!)).toMatchObject({ size, sha256: up.sha256 });
    const down = await fetchFile(port, viewer.token, `/api/attachments/${JSON.parse(up.body!).id}`);
    expect([down.status, down.size, down.sha256]).toEqual([200, size, up.sha256]);
    expect(down.headers['content-length']).toBe(String(size));
    // Reading the whole file into memory would show at least ~18 MB at the last samples.
    console.log(
      `${dialect}: live memory growth while 20 MB pass: upload ${(up.peakGrowth / MB).toFixed(1)} MB, download ${(down.peakGrowth / MB).toFixed(1)} MB`,
    );
    expect(up.peakGrowth).toBeLessThan(10 * MB);
    expect(down.peakGrowth).toBeLessThan(10 * MB);
  });
});
