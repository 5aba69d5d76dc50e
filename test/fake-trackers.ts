// Local stand-ins for GitHub's and Jira Cloud's REST APIs, speaking the documented subset Hindsight uses:
// GitHub  POST /repos/{owner}/{repo}/issues, GET /repos/{owner}/{repo}/issues/{number},
//         GET /repos/{owner}/{repo}/issues?state=all&since=…&per_page&page (Bearer token);
// Jira    POST /rest/api/3/issue, GET /rest/api/3/issue/{key}?fields=status,updated,
//         POST /rest/api/3/search/jql (`project = "X" AND created >= -Nm ORDER BY created ASC|DESC` only)
//         (basic auth, e-mail:token).
// They check credentials and bodies as the real services do (401, 400), keep issues in memory, record every
// request, and can be told to fail (a status), hang, or 'lose' (do what was asked, then never answer: a time-out
// after the issue was made), as a tracker that is down or slow would.
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeIssue {
  key: string;
  state: 'open' | 'closed';
  title: string;
  body: unknown;
  fields?: Record<string, unknown>;
  /** When it was made and last changed (ms since the epoch). */
  created: number;
  updated: number;
}

export interface FakeTracker {
  url: string;
  requests: FakeRequest[];
  issues: Map<string, FakeIssue>;
  /** 'ok', a status to answer every request with, 'hang' (never answer), or 'lose' (act, then never answer). */
  mode: 'ok' | number | 'hang' | 'lose';
  /** Where the tracker's webhook goes (GitHub: signed with `secret`; Jira: the address carries it). */
  hook?: { url: string; secret: string };
  /**
   * The next request whose path is `path` is answered as things stand when it arrives, but only sent once
   * `until` settles (`reached` is called meanwhile): an answer on its way while the issue changes.
   */
  hold?: { path: string; reached: () => void; until: Promise<void> };
  /**
   * Close or reopen an issue as a person would in the tracker; with a webhook configured, the tracker
   * tells it (as GitHub's `issues` event or Jira's `jira:issue_updated`) and the answer's status is returned.
   */
  setState(key: string, state: 'open' | 'closed'): Promise<number | undefined>;
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function start(
  route: (t: FakeTracker, req: FakeRequest, res: ServerResponse) => void,
  event: (
    hook: { url: string; secret: string },
    issue: FakeIssue,
  ) => { body: string; headers: Record<string, string> },
): Promise<FakeTracker> {
  const held: ServerResponse[] = [];
  const t: FakeTracker = {
    url: '',
    requests: [],
    issues: new Map(),
    mode: 'ok',
    async setState(key, state) {
      const issue = t.issues.get(key);
      if (!issue) throw new Error(`no issue ${key}`);
      issue.state = state;
      issue.updated = Date.now();
      if (!t.hook) return undefined;
      const { body, headers } = event(t.hook, issue);
      const res = await fetch(t.hook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      await res.arrayBuffer();
      return res.status;
    },
    close: async () => {
      for (const r of held) r.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: FakeRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      t.requests.push(r);
      if (t.mode === 'hang') return void held.push(res);
      if (typeof t.mode === 'number') return send(res, t.mode, { message: 'Service unavailable' });
      if (t.hold && t.hold.path === r.path) {
        const { reached, until } = t.hold;
        t.hold = undefined;
        let head: [number, Record<string, string>] = [200, {}];
        const late = {
          writeHead: (status: number, headers: Record<string, string>) => ((head = [status, headers]), late),
          end: (body: string) => {
            void until.then(() => {
              res.writeHead(...head);
              res.end(body);
            });
            reached();
            return late;
          },
        } as unknown as ServerResponse;
        return route(t, r, late);
      }
      if (t.mode === 'lose') {
        held.push(res);
        const lost = { writeHead: () => lost, end: () => lost } as unknown as ServerResponse;
        return route(t, r, lost);
      }
      route(t, r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return t;
}

/** GitHub's issues API for one repository, accepting one token. */
export function startFakeGitHub(o: { owner: string; repo: string; token: string }): Promise<FakeTracker> {
  let next = 1;
  const base = `/repos/${o.owner}/${o.repo}/issues`;
  const present = (t: FakeTracker, i: FakeIssue) => ({
    number: Number(i.key),
    html_url: `${t.url}/${o.owner}/${o.repo}/issues/${i.key}`,
    state: i.state,
    title: i.title,
    body: i.body,
    created_at: new Date(i.created).toISOString().replace(/\.\d+Z$/, 'Z'),
    updated_at: new Date(i.updated).toISOString().replace(/\.\d+Z$/, 'Z'),
  });
  return start(
    (t, req, res) => {
      if (req.headers.authorization !== `Bearer ${o.token}`)
        return send(res, 401, {
          message: 'Bad credentials',
          documentation_url: 'https://docs.github.com/rest',
        });
      if (req.method === 'POST' && req.path === base) {
        let body: { title?: unknown; body?: unknown };
        try {
          body = JSON.parse(req.body) as typeof body;
        } catch {
          return send(res, 400, { message: 'Problems parsing JSON' });
        }
        if (typeof body.title !== 'string' || body.title === '')
          return send(res, 422, {
            message: 'Validation Failed',
            errors: [{ field: 'title', code: 'missing_field' }],
          });
        const now = Date.now();
        const issue: FakeIssue = {
          key: String(next++),
          state: 'open',
          title: body.title,
          body: body.body,
          created: now,
          updated: now,
        };
        t.issues.set(issue.key, issue);
        return send(res, 201, present(t, issue));
      }
      const url = new URL(req.path, t.url);
      if (req.method === 'GET' && url.pathname === base) {
        // Issues changed at or after `since` (seconds: GitHub's times have no milliseconds), newest first.
        const since = Date.parse(url.searchParams.get('since') ?? '1970-01-01T00:00:00Z');
        const per = Number(url.searchParams.get('per_page') ?? 30);
        const page = Number(url.searchParams.get('page') ?? 1);
        const list = [...t.issues.values()]
          .filter((i) => Math.floor(i.updated / 1000) * 1000 >= since)
          .sort((a, b) => b.created - a.created)
          .slice((page - 1) * per, page * per);
        return send(
          res,
          200,
          list.map((i) => present(t, i)),
        );
      }
      const m = new RegExp(`^${base}/(\\d+)$`).exec(req.path);
      if (req.method === 'GET' && m) {
        const issue = t.issues.get(m[1]!);
        return issue ? send(res, 200, present(t, issue)) : send(res, 404, { message: 'Not Found' });
      }
      send(res, 404, { message: 'Not Found' });
    },
    (hook, issue) => {
      const body = JSON.stringify({
        action: issue.state === 'closed' ? 'closed' : 'reopened',
        issue: { number: Number(issue.key), state: issue.state, title: issue.title },
        repository: { full_name: `${o.owner}/${o.repo}` },
      });
      return {
        body,
        headers: {
          'x-github-event': 'issues',
          'x-github-delivery': randomUUID(),
          'x-hub-signature-256': `sha256=${createHmac('sha256', hook.secret).update(body).digest('hex')}`,
        },
      };
    },
  );
}

/** Jira Cloud's REST API v3 for one project, accepting one e-mail and API token. */
export function startFakeJira(o: { project: string; email: string; token: string }): Promise<FakeTracker> {
  let next = 1;
  const basic = `Basic ${Buffer.from(`${o.email}:${o.token}`).toString('base64')}`;
  return start(
    (t, req, res) => {
      if (req.headers.authorization !== basic) return send(res, 401, { errorMessages: ['Unauthorized'] });
      if (req.method === 'POST' && req.path === '/rest/api/3/issue') {
        let body: { fields?: Record<string, unknown> };
        try {
          body = JSON.parse(req.body) as typeof body;
        } catch {
          return send(res, 400, { errorMessages: ['Unexpected character'] });
        }
        const f = body.fields ?? {};
        const errors: Record<string, string> = {};
        if ((f.project as { key?: unknown } | undefined)?.key !== o.project)
          errors.project = 'valid project is required';
        if (typeof (f.issuetype as { name?: unknown } | undefined)?.name !== 'string')
          errors.issuetype = 'valid issue type is required';
        if (typeof f.summary !== 'string') errors.summary = 'You must specify a summary of the issue.';
        const d = f.description as { type?: unknown; version?: unknown } | undefined;
        if (d !== undefined && (d.type !== 'doc' || d.version !== 1))
          errors.description = 'Operation value must be an Atlassian Document.';
        if (Object.keys(errors).length > 0) return send(res, 400, { errorMessages: [], errors });
        const key = `${o.project}-${next++}`;
        const now = Date.now();
        t.issues.set(key, {
          key,
          state: 'open',
          title: f.summary as string,
          body: f.description,
          fields: f,
          created: now,
          updated: now,
        });
        return send(res, 201, { id: String(10000 + next), key, self: `${t.url}/rest/api/3/issue/${key}` });
      }
      if (req.method === 'POST' && req.path === '/rest/api/3/search/jql') {
        const q = JSON.parse(req.body) as { jql?: string; maxResults?: number };
        const jql = /^project = "([A-Z0-9_]+)" AND created >= -(\d+)m ORDER BY created (ASC|DESC)$/.exec(
          q.jql ?? '',
        );
        if (!jql) return send(res, 400, { errorMessages: [`The fake does not read this JQL: ${q.jql}`] });
        const after = Date.now() - Number(jql[2]) * 60_000;
        const issues = [...t.issues.values()]
          .filter((i) => i.key.startsWith(`${jql[1]}-`) && i.created >= after)
          .sort((a, b) => (jql[3] === 'ASC' ? a.created - b.created : b.created - a.created))
          .slice(0, q.maxResults ?? 50)
          .map((i) => ({
            key: i.key,
            fields: {
              description: i.body,
              status: { statusCategory: { key: i.state === 'closed' ? 'done' : 'new' } },
            },
          }));
        return send(res, 200, { issues, isLast: true });
      }
      const m = /^\/rest\/api\/3\/issue\/([A-Z0-9_]+-\d+)\?fields=status,updated$/.exec(req.path);
      if (req.method === 'GET' && m) {
        const issue = t.issues.get(m[1]!);
        if (!issue)
          return send(res, 404, {
            errorMessages: ['Issue does not exist or you do not have permission to see it.'],
          });
        const done = issue.state === 'closed';
        return send(res, 200, {
          key: issue.key,
          fields: {
            status: {
              name: done ? 'Done' : 'To Do',
              statusCategory: { key: done ? 'done' : 'new', name: done ? 'Done' : 'To Do' },
            },
            // Jira's form of a time: milliseconds and an offset without a colon.
            updated: new Date(issue.updated).toISOString().replace('Z', '+0000'),
          },
        });
      }
      send(res, 404, { errorMessages: ['Not found'] });
    },
    (_hook, issue) => {
      // Jira's secret rides in the webhook's address (?secret=…), configured with the URL.
      const done = issue.state === 'closed';
      const body = JSON.stringify({
        timestamp: Date.now(),
        webhookEvent: 'jira:issue_updated',
        issue_event_type_name: 'issue_generic',
        issue: {
          key: issue.key,
          fields: {
            status: { name: done ? 'Done' : 'To Do', statusCategory: { key: done ? 'done' : 'new' } },
          },
        },
      });
      return { body, headers: {} };
    },
  );
}
