import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';
import { multipartForm, startTestServer, type TestClient, type TestServer } from '../../test/server.js';
import { actorOf } from './services/access.js';

const CORPUS_FILE = resolve(
  process.cwd(),
  'test/fixtures/corpus/evidence/mattermost/zulip_fixture_mattermost_export.EXCERPT.jsonl',
);
const CORPUS_NAME = 'zulip_fixture_mattermost_export.EXCERPT.jsonl';
const GATEWAY_LOG = [
  '2026-03-05 15:00:03 ERROR payment-gw TLS handshake failed: certificate expired',
  '2026-03-05 15:06:10 WARN alertmanager Checkout error rate above 5 percent',
  '2026-03-05 15:31:00 INFO traffic moved to the backup gateway',
].join('\n');

const BOUNDARY = 'hindsight-evidence-upload';
const HEADERS = { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` };

/** A multipart body: the fields in order (the zone before the file, as browsers send it). */
function form(
  file: { name: string; data: Buffer | string; type?: string },
  zone?: string,
  format?: string,
): Buffer {
  return multipartForm(
    [
      ...(zone === undefined ? [] : [{ name: 'zone', value: zone }]),
      ...(format === undefined ? [] : [{ name: 'format', value: format }]),
      { name: 'file', filename: file.name, data: file.data, type: file.type },
    ],
    BOUNDARY,
  ).payload;
}

interface Candidate {
  index: number;
  at: string;
  kind: string;
  reason: string;
  text: string;
  actor?: string;
  source: string;
  link: string;
}

describe.each(testDialects())('evidence uploaded to a report on %s', (dialect) => {
  let s: TestServer;
  let owner: TestClient;
  let viewer: TestClient;
  let outsider: TestClient;
  let member: TestClient;
  let memberViewer: TestClient;
  const corpus = readFileSync(CORPUS_FILE);

  beforeAll(async () => {
    s = await startTestServer(dialect);
    owner = await s.client('editor', 'Olive Owner');
    viewer = await s.client('viewer', 'Vic Viewer');
    outsider = await s.client('editor', 'Oscar Outsider');
    member = await s.client('editor', 'Mina Member');
    memberViewer = await s.client('viewer', 'Milo Member');
  });
  afterAll(async () => s?.close());

  const newReport = async (restricted = false) =>
    (
      await s.app.services.reports.create(actorOf(owner.user, 'cli'), {
        ...completeReport(),
        visibility: restricted ? 'restricted' : 'internal',
        members: restricted ? [owner.user.email, member.user.email, memberViewer.user.email] : [],
      })
    ).id;

  const upload = (
    c: TestClient,
    id: string,
    file: { name: string; data: Buffer | string } = { name: CORPUS_NAME, data: corpus },
    zone?: string,
    format?: string,
  ) =>
    c.call({
      method: 'POST',
      url: `/api/postmortems/${id}/evidence`,
      headers: HEADERS,
      payload: form(file, zone, format),
    });
  const accept = (c: TestClient, id: string, attachmentId: string, body: object) =>
    c.call({ method: 'POST', url: `/api/postmortems/${id}/evidence/${attachmentId}/accept`, payload: body });
  const read = async (id: string) =>
    (await owner.call({ method: 'GET', url: `/api/postmortems/${id}` })).json();
  const attachments = async (id: string) =>
    (await owner.call({ method: 'GET', url: `/api/postmortems/${id}/attachments` })).json().items as {
      id: string;
      filename: string;
    }[];

  it('keeps the corpus file with the report, and adds the accepted candidates with the chosen kinds as a revision', async () => {
    const id = await newReport();
    const up = await upload(owner, id);
    expect(up.statusCode, up.body).toBe(201);
    const body = up.json();
    expect(body.attachment).toMatchObject({ reportId: id, filename: CORPUS_NAME, size: corpus.length });
    expect(body.inputs).toEqual([expect.objectContaining({ name: CORPUS_NAME, format: 'mattermost' })]);
    expect(body.digest).toMatch(/^[0-9a-f]{64}$/);
    const candidates = body.candidates as Candidate[];
    expect(candidates.map((c) => [c.index, c.at, c.text])).toEqual([
      [0, '2019-03-21T11:08:39.726Z', '@ron Welcome mate!'],
      [1, '2019-03-21T11:09:17.928Z', 'Awesome!'],
      [2, '2019-03-21T11:09:44.976Z', 'The weather is so hot!'],
      [3, '2019-03-21T11:10:57.086Z', 'harry joined the channel.'],
      [4, '2019-03-21T11:11:21.045Z', 'ron added to the channel by harry.'],
    ]);
    expect(candidates[0]).toMatchObject({ kind: 'other', actor: 'harry', link: `${CORPUS_NAME}:6` });
    expect(candidates[0]!.reason.length).toBeGreaterThan(0);
    // The file is stored as it was sent; the report itself is not changed by the upload.
    expect((await attachments(id)).map((a) => a.id)).toEqual([body.attachment.id]);
    const file = await owner.call({ method: 'GET', url: `/api/attachments/${body.attachment.id}` });
    expect(file.rawPayload.equals(corpus)).toBe(true);
    expect((await read(id)).version).toBe(1);

    const r = await accept(owner, id, body.attachment.id, {
      version: 1,
      digest: body.digest,
      choices: [
        { index: 2, kind: 'responded' },
        { index: 0, kind: 'detected' },
      ],
    });
    expect(r.statusCode, r.body).toBe(200);
    const result = r.json();
    expect(result.added).toEqual({ events: 2, materials: 1, changes: 0, appendix: 'A', candidates: [2, 0] });
    expect(result.version).toBe(2);
    const { added: _added, ...presented } = result;
    expect(presented).toEqual(await read(id));

    const report = result.report;
    // Both events land first in the timeline (they are years before the report's own), in time order.
    expect(report.details.timeline.slice(0, 2)).toEqual([
      {
        at: '2019-03-21T11:08:39.726Z',
        kind: 'detected',
        text: '@ron Welcome mate!',
        actor: 'harry',
        source: candidates[0]!.source,
        evidence: `${CORPUS_NAME}:6`,
      },
      {
        at: '2019-03-21T11:09:44.976Z',
        kind: 'responded',
        text: 'The weather is so hot!',
        actor: 'ron',
        source: candidates[2]!.source,
        evidence: candidates[2]!.link,
      },
    ]);
    expect(report.details.timeline).toHaveLength(completeReport().details!.timeline!.length + 2);
    expect(report.materials.items).toEqual([
      expect.objectContaining({
        id: 'M1',
        kind: 'communication',
        title: `mattermost evidence: ${CORPUS_NAME}`,
        link: `attachment:${body.attachment.id}`,
      }),
    ]);
    const appendix = report.materials.appendices[0];
    expect(appendix).toMatchObject({ id: 'A', title: `Evidence excerpts from ${CORPUS_NAME}` });
    expect(appendix.content).toContain('M1, mattermost evidence');
    expect(appendix.content).toContain(`2019-03-21T11:08:39.726Z ${CORPUS_NAME}:6 (harry)`);
    expect(appendix.content).toContain('The weather is so hot!');
    expect(appendix.content).not.toContain('Awesome!');

    const revisions = (await owner.call({ method: 'GET', url: `/api/postmortems/${id}/revisions` })).json()
      .items;
    expect(revisions[0]).toMatchObject({ version: 2, authorId: owner.user.id });
    expect(revisions[0].summary).toContain(CORPUS_NAME);
    expect(revisions[0].changes).toEqual(expect.arrayContaining(['details.timeline', 'materials.items']));

    // Accepting the same candidates again adds nothing and makes no revision.
    const again = await accept(owner, id, body.attachment.id, {
      version: 2,
      digest: body.digest,
      choices: [{ index: 0, kind: 'detected' }],
    });
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json()).toMatchObject({ version: 2, added: { events: 0, materials: 0, changes: 0 } });

    // A stale version is refused with the current one, and changes nothing.
    const stale = await accept(owner, id, body.attachment.id, {
      version: 1,
      digest: body.digest,
      choices: [{ index: 3, kind: 'other' }],
    });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().details).toEqual([{ path: ['version'], message: 'current version is 2' }]);
    expect((await read(id)).report).toEqual(report);

    // Later candidates join the same material; their excerpts go into a second appendix.
    const more = await accept(owner, id, body.attachment.id, {
      version: 2,
      digest: body.digest,
      choices: [{ index: 4, kind: 'communicated' }],
    });
    expect(more.statusCode, more.body).toBe(200);
    expect(more.json().added).toEqual({
      events: 1,
      materials: 0,
      changes: 0,
      appendix: 'B',
      candidates: [4],
    });
    expect(more.json().report.materials.items).toHaveLength(1);
    expect(more.json().report.details.timeline[2]).toMatchObject({
      kind: 'communicated',
      text: 'ron added to the channel by harry.',
    });
  });

  it('reads a log in the zone given at upload, and refuses to accept against a list read otherwise', async () => {
    const id = await newReport();
    const up = await upload(owner, id, { name: 'gateway.log', data: GATEWAY_LOG }, 'Europe/Berlin');
    expect(up.statusCode, up.body).toBe(201);
    const { attachment, digest, candidates, zone } = up.json();
    expect(zone).toBe('Europe/Berlin');
    expect(candidates.map((c: Candidate) => [c.at, c.kind])).toEqual([
      ['2026-03-05T14:00:03Z', expect.any(String)],
      ['2026-03-05T14:06:10Z', 'detected'],
      ['2026-03-05T14:31:00Z', expect.any(String)],
    ]);
    // The same digest in another zone reads other times: the server says so instead of adding the wrong ones.
    const other = await accept(owner, id, attachment.id, {
      version: 1,
      zone: 'UTC',
      digest,
      choices: [{ index: 1, kind: 'detected' }],
    });
    expect(other.statusCode).toBe(409);
    expect(other.json().details[0].path).toEqual(['body', 'digest']);
    const ok = await accept(owner, id, attachment.id, {
      version: 1,
      zone: 'Europe/Berlin',
      digest,
      choices: [{ index: 1, kind: 'detected' }],
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const timeline = ok.json().report.details.timeline;
    expect(timeline.find((e: { text: string }) => e.text.includes('error rate'))).toMatchObject({
      at: '2026-03-05T14:06:10Z',
      kind: 'detected',
      evidence: 'gateway.log:2',
    });
    expect(ok.json().report.materials.items[0]).toMatchObject({
      kind: 'log',
      link: `attachment:${attachment.id}`,
    });
  });

  it('names the bad field of a choice and changes nothing', async () => {
    const id = await newReport();
    const { attachment, digest } = (await upload(owner, id)).json();
    const cases: [object, number, (string | number)[]][] = [
      [{ version: 1, choices: [{ index: 0, kind: 'other' }], digest: undefined }, 400, ['body', 'digest']],
      [{ version: 1, choices: [{ index: 5, kind: 'other' }] }, 400, ['body', 'choices', 0, 'index']],
      [
        {
          version: 1,
          choices: [
            { index: 1, kind: 'other' },
            { index: 1, kind: 'detected' },
          ],
        },
        400,
        ['body', 'choices', 1, 'index'],
      ],
      [{ version: 1, choices: [{ index: -1, kind: 'other' }] }, 400, ['body', 'choices', 0, 'index']],
      [{ version: 1, choices: [{ index: 1.5, kind: 'other' }] }, 400, ['body', 'choices', 0, 'index']],
      [{ version: 1, choices: [{ index: 0, kind: 'exploded' }] }, 400, ['body', 'choices', 0, 'kind']],
      [{ version: 1, choices: [{ index: 0 }] }, 400, ['body', 'choices', 0, 'kind']],
      [{ version: 1, choices: [] }, 400, ['body', 'choices']],
      [{ choices: [{ index: 0, kind: 'other' }] }, 400, ['body', 'version']],
      [
        { version: 1, choices: [{ index: 0, kind: 'other', note: 'x' }] },
        400,
        ['body', 'choices', 0, 'note'],
      ],
      [{ version: 1, choices: [{ index: 0, kind: 'other' }], zone: 'Mars/Olympus' }, 400, ['body', 'zone']],
      [{ version: 1, choices: [{ index: 0, kind: 'other' }], digest: 'abc' }, 400, ['body', 'digest']],
    ];
    for (const [body, status, path] of cases) {
      const r = await accept(owner, id, attachment.id, { digest, ...body });
      expect(r.statusCode, `${JSON.stringify(body)}: ${r.body}`).toBe(status);
      expect(r.json().details[0].path, JSON.stringify(body)).toEqual(path);
      expect(r.json().message.length).toBeGreaterThan(0);
    }
    expect((await read(id)).version).toBe(1);
  });

  it('finds no attachment that is unknown or belongs to another report', async () => {
    const a = await newReport();
    const b = await newReport();
    const onB = (await upload(owner, b)).json().attachment.id;
    const body = { version: 1, choices: [{ index: 0, kind: 'other' }], digest: 'a'.repeat(64) };
    const unknown = await accept(owner, a, '0b6c2f6e-1d2a-4c3b-9e8f-7a6b5c4d3e2f', body);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().details[0].path).toEqual(['params', 'attachmentId']);
    const elsewhere = await accept(owner, a, onB, body);
    expect(elsewhere.statusCode).toBe(404);
    expect(elsewhere.json().message).not.toContain(b);
    const notAnId = await accept(owner, a, 'not-an-id', body);
    expect(notAnId.statusCode).toBe(400);
    expect(notAnId.json().details[0].path).toEqual(['params', 'attachmentId']);
    expect((await read(a)).version).toBe(1);
    expect((await read(b)).version).toBe(1);
  });

  it('follows the report access rules: hidden from non-members, read-only for viewers', async () => {
    const restricted = await newReport(true);
    const internal = await newReport();
    const { attachment } = (await upload(owner, restricted)).json();
    const body = { version: 1, choices: [{ index: 0, kind: 'other' }], digest: 'a'.repeat(64) };

    expect((await upload(outsider, restricted)).statusCode).toBe(404);
    expect((await accept(outsider, restricted, attachment.id, body)).statusCode).toBe(404);
    expect((await upload(memberViewer, restricted)).statusCode).toBe(403);
    expect((await accept(memberViewer, restricted, attachment.id, body)).statusCode).toBe(403);
    expect((await upload(viewer, internal)).statusCode).toBe(403);
    const internalFile = (await upload(owner, internal)).json().attachment.id;
    expect((await accept(viewer, internal, internalFile, body)).statusCode).toBe(403);
    expect(await attachments(restricted)).toHaveLength(1);
    expect(await attachments(internal)).toHaveLength(1);

    const up = await upload(member, restricted);
    expect(up.statusCode, up.body).toBe(201);
    const ok = await accept(member, restricted, up.json().attachment.id, {
      ...body,
      digest: up.json().digest,
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().version).toBe(2);
  });

  it('refuses a file it cannot read with a clear 4xx and stores nothing', async () => {
    const id = await newReport();
    const bad: [{ name: string; data: Buffer | string }, string?][] = [
      [{ name: 'notes.txt', data: 'no times here at all' }],
      [{ name: 'dump.bin', data: Buffer.from([0, 1, 2, 3, 255, 254, 0, 0]) }],
      [{ name: 'export.zip', data: Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(64, 7)]) }],
      [{ name: 'broken.json', data: '[{"ts": "1.2", "type": "message"' }],
      [{ name: 'empty.log', data: '' }],
      [{ name: 'gateway.log', data: GATEWAY_LOG }, 'Mars/Olympus'],
    ];
    for (const [file, zone] of bad) {
      const r = await upload(owner, id, file, zone);
      expect(r.statusCode, `${file.name}: ${r.body}`).toBeGreaterThanOrEqual(400);
      expect(r.statusCode, file.name).toBeLessThan(500);
      expect(r.json().message, file.name).toMatch(/\w/);
      expect(r.json().details.length + r.json().message.length).toBeGreaterThan(0);
    }
    const noFile = await owner.call({
      method: 'POST',
      url: `/api/postmortems/${id}/evidence`,
      headers: HEADERS,
      payload: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="zone"\r\n\r\nUTC\r\n--${BOUNDARY}--\r\n`,
    });
    expect(noFile.statusCode).toBe(400);
    expect(noFile.json().details[0].path).toEqual(['file']);
    const json = await owner.call({ method: 'POST', url: `/api/postmortems/${id}/evidence`, payload: {} });
    expect(json.statusCode).toBe(415);
    expect(await attachments(id)).toEqual([]);
    expect((await read(id)).version).toBe(1);
  });

  it('asks for a format it cannot recognize, in words without a command-line flag, and reads the one chosen', async () => {
    const id = await newReport();
    const unknown = await upload(owner, id, { name: 'notes.txt', data: 'no times here at all' });
    expect(unknown.statusCode).toBeGreaterThanOrEqual(400);
    expect(unknown.json().message).toMatch(
      /notes\.txt: unknown format: .*; choose its format \(one of slack, /,
    );
    expect(unknown.json().message).not.toMatch(/--format/);
    expect(unknown.json().details[0].path).toEqual(['format']);
    const wrong = await upload(owner, id, { name: 'gateway.dat', data: GATEWAY_LOG }, undefined, 'cobol');
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().details[0].path).toEqual(['format']);
    expect(await attachments(id)).toEqual([]);

    // The chosen format is the one read: these lines are not syslog, and are plain text lines.
    const asSyslog = await upload(owner, id, { name: 'gateway.dat', data: GATEWAY_LOG }, 'UTC', 'syslog');
    expect(asSyslog.statusCode).toBe(400);
    expect(asSyslog.json().message).toMatch(/not a syslog line/);
    const asText = await upload(owner, id, { name: 'gateway.dat', data: GATEWAY_LOG }, 'UTC', 'text');
    expect(asText.statusCode, asText.body).toBe(201);
    expect(asText.json()).toMatchObject({ format: 'text', inputs: [{ format: 'text', reason: 'given' }] });
    const up = asText.json();
    const ok = await accept(owner, id, up.attachment.id, {
      version: 1,
      digest: up.digest,
      zone: 'UTC',
      format: 'text',
      choices: [{ index: 0, kind: 'detected' }],
    });
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('refuses a file over the upload limit (413) before storing anything', async () => {
    const small = await startTestServer(dialect, { uploadLimit: 1000 });
    try {
      const editor = await small.client('editor', 'Sam Small');
      const id = (
        await small.app.services.reports.create(actorOf(editor.user, 'cli'), { ...completeReport() })
      ).id;
      expect(corpus.length).toBeGreaterThan(1000);
      const r = await editor.call({
        method: 'POST',
        url: `/api/postmortems/${id}/evidence`,
        headers: HEADERS,
        payload: form({ name: CORPUS_NAME, data: corpus }),
      });
      expect(r.statusCode, r.body).toBe(413);
      expect(r.json().code).toBe('too_large');
      const list = await editor.call({ method: 'GET', url: `/api/postmortems/${id}/attachments` });
      expect(list.json().items).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it('lists both routes in the OpenAPI document with summaries', async () => {
    const doc = (await s.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const up = doc.paths['/api/postmortems/{id}/evidence']?.post;
    const acc = doc.paths['/api/postmortems/{id}/evidence/{attachmentId}/accept']?.post;
    expect(up.summary).toMatch(/evidence/i);
    expect(acc.summary).toMatch(/candidates/i);
    expect(JSON.stringify(acc.requestBody)).toContain('choices');
  });
});
