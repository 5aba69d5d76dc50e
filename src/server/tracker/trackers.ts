// The documented subset of GitHub's REST API (issues) and Jira Cloud's REST API v3 that Hindsight uses:
// make an issue, read its state and its time of last change, and find an issue made earlier by its marker (a
// reference in its body that Hindsight writes, the same for every try at one action's issue). Nothing else is
// called.

/** What an issue made for an action carries. */
export interface IssueDraft {
  title: string;
  /**
   * The report's title and the action's id, for the first line; no title for a restricted report, whose
   * title is for its members only (the issue sits in a tracker they do not control).
   */
  reportTitle: string | null;
  actionId: string;
  fields: { label: string; value: string }[];
  details?: string;
  /** The address of the report in Hindsight. */
  link: string;
  deadline?: string;
  /**
   * The issue's reference, written in its body (GitHub: an HTML comment, not shown; Jira: a last line), the same
   * for every try at one action's issue: a retry after an answer was lost finds the issue made by it.
   */
  marker: string;
}

export type IssueState = 'open' | 'closed';

/** An issue as Hindsight keeps it: GitHub's number or Jira's key, its web address, its state. */
export interface Issue {
  key: string;
  url: string;
  state: IssueState;
}

/** An issue's state as read, and the tracker's time of its last change (an ISO instant) when it gave one. */
export interface IssueStatus {
  state: IssueState;
  updatedAt?: unknown;
}

export interface TrackerClient {
  create(draft: IssueDraft): Promise<Issue>;
  state(key: string): Promise<IssueStatus>;
  /** The issue whose body carries `marker`, among those made (GitHub: changed) since `since`; else undefined. */
  find(marker: string, since: Date): Promise<Issue | undefined>;
}

/** Issues listed at most when looking for a marker (GitHub: 5 pages of 100; Jira: 100 newest). */
const FIND_PAGES = 5;

/** The marker as written in a GitHub issue's Markdown body (a comment: not shown). */
export const githubMarker = (marker: string) => `<!-- hindsight-ref: ${marker} -->`;
/** The marker as written in a Jira issue's description (a line of its own). */
export const jiraMarker = (marker: string) => `Hindsight reference: ${marker}`;

/** A tracker that did not do what was asked: down, slow, refusing, or answering nonsense. */
export class TrackerError extends Error {
  constructor(
    message: string,
    readonly status: number | null = null,
  ) {
    super(message);
    this.name = 'TrackerError';
  }
}

const MAX_ANSWER = 1024 * 1024;

/** The body as text, read up to `max` bytes: undefined (and the rest not read) when it is longer. */
async function readAtMost(res: Response, max: number): Promise<string | undefined> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The credential in an Authorization header, in each form a tracker might echo it back. */
function credentials(authorization: string | undefined): string[] {
  if (!authorization) return [];
  const [scheme, value = ''] = authorization.split(' ', 2);
  if (scheme !== 'Basic') return [value];
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  return [value, decoded, decoded.slice(decoded.indexOf(':') + 1)];
}

/**
 * One call to a tracker. Its errors end up on the action for every reader of the report: a credential the
 * tracker (or a proxy before it) echoes back in its answer is replaced by `[redacted]`.
 */
async function call(
  name: string,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<unknown> {
  try {
    return await callOnce(name, url, init, timeoutMs);
  } catch (e) {
    if (!(e instanceof TrackerError)) throw e;
    let message = e.message;
    for (const c of credentials(init.headers.authorization))
      if (c.length >= 4) message = message.split(c).join('[redacted]');
    throw new TrackerError(message, e.status);
  }
}

async function callOnce(
  name: string,
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
): Promise<unknown> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    const read = await readAtMost(res, MAX_ANSWER);
    if (read === undefined) throw new TrackerError(`${name} sent an answer over 1 MB`, res.status);
    text = read;
  } catch (e) {
    if (e instanceof TrackerError) throw e;
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === 'TimeoutError') throw new TrackerError(`${name} did not answer within ${timeoutMs} ms`);
    throw new TrackerError(`${name} cannot be reached (${err.cause?.code ?? err.message})`);
  }
  if (res.status < 200 || res.status >= 300) {
    let why = '';
    try {
      const j = JSON.parse(text) as { message?: unknown; errorMessages?: unknown; errors?: unknown };
      why =
        typeof j.message === 'string'
          ? j.message
          : Array.isArray(j.errorMessages) && j.errorMessages.length > 0
            ? j.errorMessages.join('; ')
            : j.errors
              ? JSON.stringify(j.errors)
              : '';
    } catch {
      // not JSON: the status says enough
    }
    throw new TrackerError(
      `${name} answered ${res.status}${why ? `: ${why.slice(0, 300)}` : ''}`,
      res.status,
    );
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new TrackerError(`${name} answered ${res.status} with a body that is not JSON`, res.status);
  }
}

/** An address without the slashes at its end (paths are appended to it). */
export function trim(u: string): string {
  let end = u.length;
  while (end > 0 && u[end - 1] === '/') end -= 1;
  return u.slice(0, end);
}

/** Whether `u` is an absolute http: or https: address. */
export function isWebAddress(u: string): boolean {
  try {
    const { protocol } = new URL(u);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

function field(o: unknown, ...path: string[]): unknown {
  let v = o;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

/** The issue's body in Markdown (GitHub). */
export function markdownBody(d: IssueDraft): string {
  const lines = [
    d.reportTitle === null
      ? `Action **${d.actionId}** of a restricted post-mortem (its members read it in Hindsight).`
      : `Action **${d.actionId}** of the post-mortem “${d.reportTitle}”.`,
    '',
    ...d.fields.map((f) => `- **${f.label}:** ${f.value}`),
  ];
  if (d.details) lines.push('', d.details);
  lines.push('', `Report in Hindsight: ${d.link}`, '', githubMarker(d.marker));
  return lines.join('\n');
}

type AdfNode = Record<string, unknown>;
const text = (t: string, marks?: AdfNode[]): AdfNode => ({
  type: 'text',
  text: t,
  ...(marks ? { marks } : {}),
});
const paragraph = (...content: AdfNode[]): AdfNode => ({ type: 'paragraph', content });

/** The issue's description in Atlassian Document Format (Jira REST API v3). */
export function adfBody(d: IssueDraft): AdfNode {
  const content: AdfNode[] = [
    paragraph(
      text('Action '),
      text(d.actionId, [{ type: 'strong' }]),
      text(
        d.reportTitle === null
          ? ' of a restricted post-mortem (its members read it in Hindsight).'
          : ` of the post-mortem “${d.reportTitle}”.`,
      ),
    ),
  ];
  if (d.fields.length > 0)
    content.push({
      type: 'bulletList',
      content: d.fields.map((f) => ({
        type: 'listItem',
        content: [paragraph(text(`${f.label}: `, [{ type: 'strong' }]), text(f.value))],
      })),
    });
  if (d.details) content.push(paragraph(text(d.details)));
  content.push(
    paragraph(text('Report in Hindsight: '), text(d.link, [{ type: 'link', attrs: { href: d.link } }])),
    paragraph(text(jiraMarker(d.marker))),
  );
  return { type: 'doc', version: 1, content };
}

/** GitHub Issues: POST /repos/{owner}/{repo}/issues, GET /repos/{owner}/{repo}/issues/{number}. */
export function githubClient(
  c: { baseUrl: string; owner: string; repo: string; token: string },
  timeoutMs: number,
): TrackerClient {
  const base = `${trim(c.baseUrl)}/repos/${encodeURIComponent(c.owner)}/${encodeURIComponent(c.repo)}/issues`;
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${c.token}`,
    'x-github-api-version': '2022-11-28',
    'user-agent': 'Hindsight',
  };
  const issueOf = (j: unknown): Issue => {
    const number = field(j, 'number');
    const url = field(j, 'html_url');
    const state = field(j, 'state');
    if (typeof number !== 'number' || typeof url !== 'string' || (state !== 'open' && state !== 'closed'))
      throw new TrackerError('GitHub answered without an issue number, html_url and state');
    // The address is shown as a link to every reader of the report: only a web address, never javascript:.
    if (!isWebAddress(url))
      throw new TrackerError('GitHub answered with an html_url that is not an http(s) address');
    return { key: String(number), url, state };
  };
  return {
    async create(d) {
      const j = await call(
        'GitHub',
        base,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ title: d.title, body: markdownBody(d) }),
        },
        timeoutMs,
      );
      return issueOf(j);
    },
    async state(key) {
      const j = await call(
        'GitHub',
        `${base}/${encodeURIComponent(key)}`,
        { method: 'GET', headers },
        timeoutMs,
      );
      return { state: issueOf(j).state, updatedAt: field(j, 'updated_at') };
    },
    // GET /repos/{owner}/{repo}/issues?state=all&since=…: issues (and pull requests) changed since then, newest
    // first; read from the database, unlike the search API, whose index lags.
    // The marker is in the body for any reader of the issue to copy into an issue of their own (in a public
    // repository, anyone may open one), which would then be listed first: the issue taken is the oldest that
    // carries it, the one Hindsight made before anybody could read the marker.
    async find(marker, since) {
      const wanted = githubMarker(marker);
      let found: Issue | undefined;
      for (let page = 1; page <= FIND_PAGES; page += 1) {
        const q = `state=all&sort=created&direction=desc&per_page=100&page=${page}&since=${encodeURIComponent(since.toISOString())}`;
        const list = await call('GitHub', `${base}?${q}`, { method: 'GET', headers }, timeoutMs);
        if (!Array.isArray(list))
          throw new TrackerError('GitHub answered a list of issues that is not a list');
        for (const j of list) {
          const body = field(j, 'body');
          if (field(j, 'pull_request') === undefined && typeof body === 'string' && body.includes(wanted))
            found = issueOf(j);
        }
        // Newest first: an issue made before `since` (listed for a later change) ends the issues made since.
        const created = Date.parse(String(field(list.at(-1), 'created_at')));
        if (list.length < 100 || created < since.getTime()) break;
      }
      return found;
    },
  };
}

/** Jira Cloud REST API v3: POST /rest/api/3/issue, GET /rest/api/3/issue/{key}?fields=status. */
export function jiraClient(
  c: { baseUrl: string; projectKey: string; issueType: string; email: string; token: string },
  timeoutMs: number,
): TrackerClient {
  const base = trim(c.baseUrl);
  const headers = {
    accept: 'application/json',
    authorization: `Basic ${Buffer.from(`${c.email}:${c.token}`, 'utf8').toString('base64')}`,
    'user-agent': 'Hindsight',
  };
  return {
    async create(d) {
      const j = await call(
        'Jira',
        `${base}/rest/api/3/issue`,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({
            fields: {
              project: { key: c.projectKey },
              issuetype: { name: c.issueType },
              summary: d.title,
              description: adfBody(d),
              ...(d.deadline ? { duedate: d.deadline } : {}),
            },
          }),
        },
        timeoutMs,
      );
      const key = field(j, 'key');
      if (typeof key !== 'string' || !/^[A-Z][A-Z0-9_]*-\d+$/.test(key))
        throw new TrackerError('Jira answered without an issue key');
      return { key, url: `${base}/browse/${key}`, state: 'open' };
    },
    async state(key) {
      const j = await call(
        'Jira',
        `${base}/rest/api/3/issue/${encodeURIComponent(key)}?fields=status,updated`,
        { method: 'GET', headers },
        timeoutMs,
      );
      const category = field(j, 'fields', 'status', 'statusCategory', 'key');
      if (typeof category !== 'string')
        throw new TrackerError('Jira answered without fields.status.statusCategory.key');
      return { state: jiraState(category), updatedAt: field(j, 'fields', 'updated') };
    },
    // POST /rest/api/3/search/jql: the project's issues made since then (a relative time: JQL reads absolute
    // ones in the account's time zone), oldest first, with their descriptions: whoever reads the issue may copy
    // its marker into a later one, and the first that carries it is the one Hindsight made.
    async find(marker, since) {
      const minutes = Math.max(1, Math.ceil((Date.now() - since.getTime()) / 60_000));
      const project = c.projectKey.replace(/["\\]/g, '');
      const j = await call(
        'Jira',
        `${base}/rest/api/3/search/jql`,
        {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({
            jql: `project = "${project}" AND created >= -${minutes}m ORDER BY created ASC`,
            fields: ['description', 'status'],
            maxResults: FIND_PAGES * 20,
          }),
        },
        timeoutMs,
      );
      const issues = field(j, 'issues');
      if (!Array.isArray(issues)) throw new TrackerError('Jira answered a search without "issues"');
      const wanted = jiraMarker(marker);
      for (const i of issues) {
        const key = field(i, 'key');
        if (
          typeof key !== 'string' ||
          !JSON.stringify(field(i, 'fields', 'description') ?? '').includes(wanted)
        )
          continue;
        if (!/^[A-Z][A-Z0-9_]*-\d+$/.test(key)) throw new TrackerError('Jira answered without an issue key');
        const category = field(i, 'fields', 'status', 'statusCategory', 'key');
        return {
          key,
          url: `${base}/browse/${key}`,
          state: typeof category === 'string' ? jiraState(category) : 'open',
        };
      }
      return undefined;
    },
  };
}

/** Jira's status category "done" is a closed issue; "new" and "indeterminate" are open. */
export function jiraState(category: string): IssueState {
  return category === 'done' ? 'closed' : 'open';
}
