// The tracker clients against a local HTTP server that answers what a hostile or broken tracker might:
// an issue address that is not a web address, and a redirect elsewhere (not followed).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { githubClient, isWebAddress, jiraClient } from './trackers.js';

describe('tracker clients against a hostile tracker', () => {
  let server: Server;
  let base: string;
  let answer: { status: number; headers?: Record<string, string>; body?: unknown };
  const paths: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      req.resume();
      if (answer.status === 0) {
        // An answer that never ends: 2 MB at once, then nothing more, the connection left open.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write(`[${'"x",'.repeat(512 * 1024)}`);
        return;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );

  const client = () => githubClient({ baseUrl: base, owner: 'acme', repo: 'app', token: 'ghp_x' }, 2000);
  const draft = {
    title: 'T',
    reportTitle: 'R',
    actionId: 'A1',
    fields: [],
    link: 'http://h/reports/x',
    marker: 'm1',
  };

  it('refuses an issue whose html_url is not an http(s) address', async () => {
    answer = {
      status: 201,
      body: { number: 7, html_url: 'javascript:alert(document.cookie)', state: 'open' },
    };
    await expect(client().create(draft)).rejects.toThrow(/html_url that is not an http\(s\) address/);
    answer = { status: 201, body: { number: 7, html_url: `${base}/acme/app/issues/7`, state: 'open' } };
    await expect(client().create(draft)).resolves.toEqual({
      key: '7',
      url: `${base}/acme/app/issues/7`,
      state: 'open',
    });
    expect(isWebAddress('data:text/html,x')).toBe(false);
    expect(isWebAddress('/relative')).toBe(false);
  });

  it('never repeats the token in an error, when the tracker echoes it back', async () => {
    answer = { status: 401, body: { message: 'Bad credentials: Bearer ghp_x is revoked' } };
    const gh = await client()
      .state('7')
      .catch((e: Error) => e);
    expect((gh as Error).message).toBe('GitHub answered 401: Bad credentials: Bearer [redacted] is revoked');
    const jira = jiraClient(
      {
        baseUrl: base,
        projectKey: 'OPS',
        issueType: 'Task',
        email: 'bot@example.test',
        token: 'jira-tok-123',
      },
      2000,
    );
    const basic = Buffer.from('bot@example.test:jira-tok-123').toString('base64');
    answer = { status: 403, body: { errorMessages: [`token jira-tok-123 (${basic}) refused`] } };
    const j = await jira.state('OPS-1').catch((e: Error) => e);
    expect((j as Error).message).toBe('Jira answered 403: token [redacted] ([redacted]) refused');
  });

  it('stops reading an answer at 1 MB, without waiting for the rest', async () => {
    answer = { status: 0 };
    const started = Date.now();
    await expect(client().state('7')).rejects.toThrow('GitHub sent an answer over 1 MB');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('does not follow a redirect (the token is not sent on to another address)', async () => {
    paths.length = 0;
    answer = { status: 302, headers: { location: `${base}/elsewhere` } };
    await expect(client().state('7')).rejects.toThrow(/GitHub answered 302/);
    expect(paths).toEqual(['/repos/acme/app/issues/7']);
  });
});
