import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportFromMarkdown } from './services/markdown.service.js';
import { testDialects } from '../../test/databases.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';

// Review of issue 16: a row marked internal by its position stays out of the public version when rows are
// removed or reordered through the API or a Markdown edit (not only through the editor, which shifts marks).
describe.each(testDialects())('internal row marks through saves on %s', (dialect) => {
  let s: TestServer;
  let editor: TestClient;

  const event = (n: number, text: string) => ({
    at: `2026-01-0${n}T10:00:00Z`,
    kind: 'other',
    text,
  });
  const rows = [
    event(1, 'Deploy started'),
    event(2, 'Alert fired'),
    event(3, 'SECRET vendor escalation'),
    event(4, 'Service restored'),
  ];

  beforeAll(async () => {
    s = await startTestServer(dialect);
    editor = await s.client('editor', 'Eddie Editor');
  });
  afterAll(async () => {
    await s?.close();
  });

  const create = async (extra: Record<string, unknown> = {}) => {
    const r = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: {
        kind: 'outage',
        title: 'Marks follow rows',
        details: { timeline: rows },
        tags: ['payments', 'SECRET-TAG', 'tls'],
        analysis: {
          fiveWhys: [
            {
              problem: 'Why?',
              steps: [
                { question: 'q1', answer: 'a1' },
                { question: 'q2', answer: 'SECRET why' },
              ],
            },
          ],
        },
        internal: ['details.timeline.2', 'tags.1', 'analysis.fiveWhys.0.steps.1'],
        ...extra,
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    return r.json() as { id: string; version: number; report: Record<string, unknown> };
  };
  const publicJson = async (id: string) => {
    const r = await editor.call({
      method: 'GET',
      url: `/api/postmortems/${id}/export?format=json&audience=public`,
    });
    expect(r.statusCode, r.body).toBe(200);
    return JSON.stringify(r.json());
  };

  it('keeps a marked row out after an earlier row is removed through PUT', async () => {
    const { id, version, report } = await create();
    expect(await publicJson(id)).not.toContain('SECRET');
    const details = report.details as { timeline: unknown[] };
    const analysis = report.analysis as { fiveWhys: { steps: unknown[] }[] };
    const r = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: {
        version,
        report: {
          ...report,
          details: { ...details, timeline: details.timeline.filter((_, i) => i !== 0) },
          tags: ['SECRET-TAG', 'tls'],
          analysis: {
            ...analysis,
            fiveWhys: [{ ...analysis.fiveWhys[0], steps: analysis.fiveWhys[0]!.steps.slice(1) }],
          },
        },
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().report.internal).toEqual(['analysis.fiveWhys.0.steps.0', 'details.timeline.1', 'tags.0']);
    const pub = await publicJson(id);
    expect(pub).not.toContain('SECRET');
    // the rows that were not marked are still there
    expect(pub).toContain('Alert fired');
    expect(pub).toContain('Service restored');
  });

  it('keeps a marked row out after rows are reordered and the marked one is removed', async () => {
    const { id, version, report } = await create();
    const details = report.details as { timeline: unknown[] };
    const t = details.timeline;
    const r = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: {
        version: version,
        report: { ...report, details: { ...details, timeline: [t[3], t[2], t[0]] } },
      },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().report.internal).toContain('details.timeline.1');
    expect(await publicJson(id)).not.toContain('SECRET vendor');
    // the marked row removed: its mark goes and hides nothing else
    const again = r.json();
    const r2 = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: {
        version: again.version,
        report: { ...again.report, details: { ...details, timeline: [t[3], t[0]] } },
      },
    });
    expect(r2.statusCode, r2.body).toBe(200);
    expect(r2.json().report.internal).not.toContain('details.timeline.1');
    const pub = await publicJson(id);
    expect(pub).toContain('Deploy started');
    expect(pub).toContain('Service restored');
  });

  it('moves the marks with their rows when the Markdown loses a row', async () => {
    const { id, version } = await create();
    const md = await editor.call({
      method: 'GET',
      url: `/api/postmortems/${id}`,
      headers: { accept: 'text/markdown' },
    });
    expect(md.statusCode, md.body).toBe(200);
    expect(md.body).toContain('Deploy started');
    expect(md.body).toContain('details.timeline.2');
    const edited = md.body
      .split('\n')
      .filter((l) => !l.includes('Deploy started'))
      .join('\n');
    const report = reportFromMarkdown(edited);
    expect(report.details.timeline).toHaveLength(3);
    // the front matter still says details.timeline.2, which is now "Service restored"
    expect(report.internal).toContain('details.timeline.2');
    const r = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: { version, report },
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().report.internal).toContain('details.timeline.1');
    const pub = await publicJson(id);
    expect(pub).not.toContain('SECRET vendor');
    expect(pub).toContain('Service restored');
  });

  it('refuses a new report whose marks point past the end of a list, naming them', async () => {
    const r = await editor.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: { kind: 'outage', title: 'Past the end', tags: ['a'], internal: ['tags.0', 'tags.1'] },
    });
    expect(r.statusCode, r.body).toBe(422);
    expect(r.json().details).toEqual([{ path: ['internal', 1], message: expect.stringContaining('tags.1') }]);
  });

  it('refuses a mark past the end of its list, naming it', async () => {
    const { id, version, report } = await create();
    const r = await editor.call({
      method: 'PUT',
      url: `/api/postmortems/${id}`,
      payload: { version, report: { ...report, internal: ['details.timeline.4'] } },
    });
    expect(r.statusCode, r.body).toBe(422);
    expect(r.body).toContain('details.timeline.4');
    expect(JSON.stringify(r.json())).toContain('"internal"');
  });
});
