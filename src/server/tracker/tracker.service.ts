import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import { AppError, labelOf, type ActionItem } from '../../domain/index.js';
import type {
  TrackerConnectionInfo,
  trackerConnectionCreateSchema,
  trackerConnectionPatchSchema,
  TrackerLinkInfo,
} from '../../domain/api-contract.js';
import type { TrackerConnectionRow, TrackerLinkRow, TrackerRepository } from '../../store/index.js';
import { requireRole, type Actor } from '../services/access.js';
import type { AuditService } from '../services/audit.service.js';
import type { ReportService } from '../services/report.service.js';
import type { SecretBox } from './secret-box.js';
import {
  githubClient,
  jiraClient,
  TrackerError,
  trim,
  type IssueDraft,
  type IssueState,
  type TrackerClient,
} from './trackers.js';

/** How the tracker sync paces itself; every field has a default. */
export interface TrackerOptions {
  /** Time allowed for one call to a tracker (default 10 s). */
  timeoutMs?: number;
  /** Issues read per poll (default 20). */
  pollBatch?: number;
  /** An issue is read again at most this often (default 5 min). */
  pollEveryMs?: number;
  /** The address people reach Hindsight at, for the link back from an issue (else the request's origin). */
  publicUrl?: string;
}

const DEFAULTS = { timeoutMs: 10_000, pollBatch: 20, pollEveryMs: 300_000 };

interface ConnectionConfig {
  owner?: string;
  repo?: string;
  projectKey?: string;
  issueType?: string;
  email?: string;
}

const NAMES = { github: 'GitHub', jira: 'Jira' } as const;

/** The words of a tracker's issue: "GitHub issue #12", "Jira issue OPS-3". */
const issueWords = (kind: 'github' | 'jira', key: string) =>
  kind === 'github' ? `GitHub issue #${key}` : `Jira issue ${key}`;

/** What a webhook brought: the issues it names and the state each is in now. */
interface Incoming {
  /** `at`: the tracker's time of the event (GitHub's issue.updated_at, Jira's timestamp), when it gives one. */
  issues: { key: string; state: IssueState; reopened: boolean; at?: string }[];
}

/**
 * How far ahead of this server's clock an event's time may be and still be kept. A time further ahead cannot
 * be a tracker's real one (only a forged body, as anyone with a secret-in-address URL can send, or a clock
 * badly off): kept, it would refuse every later event of the issue. Such an event acts as one without a time.
 */
const EVENT_AHEAD_MS = 5 * 60_000;

/** A time a tracker gave in an event (an ISO string or milliseconds), as a canonical instant; else undefined. */
function eventTime(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  if (typeof value === 'string' && value.length > 40) return undefined;
  const t = new Date(value);
  return Number.isNaN(t.getTime()) || t.getUTCFullYear() < 2000 || t.getTime() > Date.now() + EVENT_AHEAD_MS
    ? undefined
    : t.toISOString();
}

const bad = (message: string, path: string[]) => new AppError('bad_request', message, [{ path, message }]);

function field(o: unknown, ...path: string[]): unknown {
  let v = o;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Issue-tracker sync: connections to GitHub Issues or Jira Cloud (admins; credentials sealed by `SecretBox`),
 * "create issue" for an action item (a pending link first, so a retry makes no second issue), and the
 * issue's state coming back by webhook or by polling: closed → the action completed (awaiting
 * verification), reopened → in progress, saved like any edit (revision, audit, outgoing webhooks).
 */
export class TrackerService {
  private readonly o: typeof DEFAULTS & { publicUrl?: string };

  constructor(
    private readonly repo: TrackerRepository,
    private readonly reports: ReportService,
    private readonly audit: AuditService,
    private readonly box: SecretBox,
    options: TrackerOptions = {},
  ) {
    this.o = {
      ...DEFAULTS,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    };
  }

  // ── connections (admins) ───────────────────────────────────────────────────────────────────────

  private present(row: TrackerConnectionRow): TrackerConnectionInfo {
    const c = JSON.parse(row.config) as ConnectionConfig;
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      baseUrl: row.base_url,
      ...(row.kind === 'github' ? { owner: c.owner, repo: c.repo } : {}),
      ...(row.kind === 'jira' ? { projectKey: c.projectKey, issueType: c.issueType, email: c.email } : {}),
      token: { set: true, last4: row.token_last4 },
      webhookPath: `/api/tracker/hooks/${row.id}`,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  async list(who: Actor): Promise<TrackerConnectionInfo[]> {
    requireRole(who, 'admin', 'reading tracker connections');
    return (await this.repo.connections()).map((r) => this.present(r));
  }

  /** The connections people may make issues in: ids, kinds and names only (editors pick one). */
  async choices(): Promise<{ id: string; kind: 'github' | 'jira'; name: string }[]> {
    return (await this.repo.connections()).map((r) => ({ id: r.id, kind: r.kind, name: r.name }));
  }

  async create(
    who: Actor,
    input: z.output<typeof trackerConnectionCreateSchema>,
  ): Promise<TrackerConnectionInfo & { webhookSecret: string }> {
    requireRole(who, 'admin', 'adding a tracker connection');
    const id = randomUUID();
    const secret = `whsec_${randomBytes(24).toString('base64url')}`;
    const at = new Date().toISOString();
    const config: ConnectionConfig =
      input.kind === 'github'
        ? { owner: input.owner, repo: input.repo }
        : { projectKey: input.projectKey, issueType: input.issueType, email: input.email };
    const row = await this.repo.createConnection({
      id,
      kind: input.kind,
      name: input.name,
      base_url: trim(input.baseUrl),
      config: JSON.stringify(config),
      token_enc: this.box.seal(input.token, `token:${id}`),
      token_last4: input.token.slice(-4),
      webhook_secret_enc: this.box.seal(secret, `webhook:${id}`),
      created_by: who.user.id,
      created_at: at,
      updated_at: at,
    });
    await this.audit.record(
      who,
      'tracker.connection.create',
      { type: 'tracker_connection', id },
      { kind: input.kind, name: input.name, baseUrl: row.base_url },
    );
    return { ...this.present(row), webhookSecret: secret };
  }

  async update(
    who: Actor,
    id: string,
    patch: z.output<typeof trackerConnectionPatchSchema>,
  ): Promise<TrackerConnectionInfo & { webhookSecret?: string }> {
    requireRole(who, 'admin', 'changing a tracker connection');
    const row = await this.repo.connection(id);
    if (!row) throw new AppError('not_found', `no tracker connection ${id}`);
    const wrong = (row.kind === 'github' ? ['projectKey', 'issueType', 'email'] : ['owner', 'repo']).filter(
      (k) => (patch as Record<string, unknown>)[k] !== undefined,
    );
    if (wrong.length > 0)
      throw new AppError(
        'bad_request',
        `a ${NAMES[row.kind]} connection has no ${wrong.join(', ')}`,
        wrong.map((k) => ({ path: [k], message: `not a field of a ${NAMES[row.kind]} connection` })),
      );
    const config = { ...(JSON.parse(row.config) as ConnectionConfig) };
    for (const k of ['owner', 'repo', 'projectKey', 'issueType', 'email'] as const)
      if (patch[k] !== undefined) config[k] = patch[k];
    const secret = patch.newWebhookSecret ? `whsec_${randomBytes(24).toString('base64url')}` : undefined;
    const updated = await this.repo.updateConnection(id, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.baseUrl !== undefined ? { base_url: trim(patch.baseUrl) } : {}),
      ...(patch.token !== undefined
        ? { token_enc: this.box.seal(patch.token, `token:${id}`), token_last4: patch.token.slice(-4) }
        : {}),
      ...(secret ? { webhook_secret_enc: this.box.seal(secret, `webhook:${id}`) } : {}),
      config: JSON.stringify(config),
      updated_at: new Date().toISOString(),
    });
    await this.audit.record(
      who,
      'tracker.connection.update',
      { type: 'tracker_connection', id },
      { fields: Object.keys(patch).filter((k) => patch[k as keyof typeof patch] !== undefined) },
    );
    return { ...this.present(updated!), ...(secret ? { webhookSecret: secret } : {}) };
  }

  async remove(who: Actor, id: string): Promise<void> {
    requireRole(who, 'admin', 'removing a tracker connection');
    if (!(await this.repo.deleteConnection(id)))
      throw new AppError('not_found', `no tracker connection ${id}`);
    await this.audit.record(who, 'tracker.connection.delete', { type: 'tracker_connection', id });
  }

  private client(row: TrackerConnectionRow): TrackerClient {
    const token = this.box.open(row.token_enc, `token:${row.id}`);
    const c = JSON.parse(row.config) as ConnectionConfig;
    return row.kind === 'github'
      ? githubClient({ baseUrl: row.base_url, owner: c.owner!, repo: c.repo!, token }, this.o.timeoutMs)
      : jiraClient(
          {
            baseUrl: row.base_url,
            projectKey: c.projectKey!,
            issueType: c.issueType ?? 'Task',
            email: c.email!,
            token,
          },
          this.o.timeoutMs,
        );
  }

  // ── links ──────────────────────────────────────────────────────────────────────────────────────

  private async presentLinks(rows: TrackerLinkRow[]): Promise<TrackerLinkInfo[]> {
    const kinds = new Map((await this.repo.connections()).map((c) => [c.id, c.kind]));
    return rows.map((l) => ({
      reportId: l.report_id,
      actionId: l.action_id,
      connectionId: l.connection_id,
      tracker: kinds.get(l.connection_id) ?? null,
      status: l.status,
      key: l.issue_key,
      url: l.issue_url,
      state: l.state,
      error: l.error,
      updatedAt: l.updated_at,
    }));
  }

  /** The issue links of a report's actions (anyone who may see the report). */
  async links(who: Actor, reportId: string): Promise<TrackerLinkInfo[]> {
    await this.reports.visible(who, reportId);
    return this.presentLinks(await this.repo.linksOf(reportId));
  }

  /**
   * Make the issue for an action in a connection's tracker. Idempotent: when the action has its issue
   * already, that link is the answer (`created: false`) and no second issue is made; while another try is
   * under way the answer is 409. A tracker that is down, slow or refusing leaves the link `failed` with
   * the reason (shown on the action) and the report as it was: 503 naming the tracker's answer.
   */
  async createIssue(
    who: Actor,
    reportId: string,
    actionId: string,
    connectionId: string,
    origin: string,
  ): Promise<{ link: TrackerLinkInfo; created: boolean }> {
    const stored = await this.reports.visible(who, reportId);
    requireRole(who, 'editor', 'creating an issue for an action');
    const action = stored.report.actions.items.find((a) => a.id === actionId);
    if (!action) throw new AppError('not_found', `report ${reportId} has no action ${actionId}`);
    const conn = await this.repo.connection(connectionId);
    if (!conn)
      throw new AppError('not_found', `no tracker connection ${connectionId}`, [
        { path: ['connectionId'], message: 'must name a configured tracker connection' },
      ]);
    // A try that took longer than twice the time allowed for the call has died with its process.
    const claim = await this.repo.claim(reportId, actionId, connectionId, 2 * this.o.timeoutMs + 30_000);
    if (!claim.ok) {
      if (claim.current.status === 'linked')
        return { link: (await this.presentLinks([claim.current]))[0]!, created: false };
      throw new AppError(
        'conflict',
        `the issue for action ${actionId} is being created (since ${claim.current.updated_at}); look again in a minute`,
      );
    }
    const base = trim(this.o.publicUrl ?? origin);
    // A restricted report's title stays in Hindsight: the issue names the action only.
    const title = stored.report.visibility === 'restricted' ? null : stored.report.title;
    const draft = issueDraft(
      title,
      action,
      `${base}/reports/${encodeURIComponent(reportId)}`,
      issueMarker(conn.id, reportId, actionId),
    );
    let issue;
    try {
      const client = this.client(conn);
      // An earlier try may have made the issue though its answer was lost (a time-out): look for its marker
      // first, among issues made since the first try (less a slack for the tracker's clock), and make one only
      // when there is none. A tracker that cannot be asked fails this try too: no issue is made blind.
      const since = claim.retryOf ? new Date(Date.parse(claim.retryOf) - RETRY_SLACK_MS) : undefined;
      issue = (since && (await client.find(draft.marker, since))) || (await client.create(draft));
    } catch (e) {
      const why =
        e instanceof TrackerError || e instanceof AppError
          ? e.message
          : `${NAMES[conn.kind]}: ${(e as Error).message}`;
      await this.repo.failed(reportId, actionId, claim.attempt, why);
      throw new AppError('unavailable', `no issue was created for action ${actionId}: ${why}`, [
        { path: ['actions', actionId], message: why },
      ]);
    }
    const row = await this.repo.linked(reportId, actionId, claim.attempt, issue);
    await this.audit.record(
      who,
      'action.issue.create',
      { type: 'report', id: reportId },
      { action: actionId, connection: conn.id, tracker: conn.kind, key: issue.key, url: issue.url },
    );
    // The issue's address goes into the action's tracker field, unless a person put another link there.
    // The link row is what counts: should this save fail, the issue is still linked and the reason shown.
    let linkRow = row!;
    try {
      await this.reports.changeActionAs(
        { userId: who.user.id, ip: who.ip },
        reportId,
        actionId,
        (a) => (a.tracker ? undefined : { ...a, tracker: issue.url }),
        `linked ${actionId} to ${issueWords(conn.kind, issue.key)}`,
      );
    } catch (e) {
      const why = `the issue is linked, but its address was not saved in the action: ${(e as Error).message}`;
      await this.repo.setState(reportId, actionId, null, why);
      linkRow = { ...linkRow, error: why };
    }
    return { link: (await this.presentLinks([linkRow]))[0]!, created: true };
  }

  // ── state coming back ──────────────────────────────────────────────────────────────────────────

  /**
   * Bring an issue's state to its action: closed → completed (awaiting verification) unless it is done or
   * declined already; reopened (the issue was closed before, or the webhook says so) → in progress when it
   * was completed. Only a change of the issue's state acts, by webhook as by poll: an action reopened in
   * Hindsight under a closed issue stays open when Jira sends another `issue_updated` (a comment, a field)
   * for the done issue, or a closed event comes again (a redelivery, a replay). The state is recorded after
   * the action is saved, so a save that fails is tried again by the next poll or redelivery. True when the
   * action changed.
   */
  private async apply(
    conn: TrackerConnectionRow,
    link: TrackerLinkRow,
    state: IssueState,
    reopened: boolean,
    via: string,
    eventAt?: string,
  ): Promise<boolean> {
    const wasClosed = link.state === 'closed';
    if (link.state === state) {
      await this.repo.setState(link.report_id, link.action_id, state, null, eventAt);
      return false;
    }
    const words = issueWords(conn.kind, link.issue_key ?? '?');
    const change = (a: ActionItem): ActionItem | undefined => {
      // Completed by its issue means awaiting verification: a result left from an earlier completion (the
      // action was reopened since) is about work that did not hold, so it goes (the history keeps it).
      if (state === 'closed' && a.status !== 'completed' && a.status !== 'wont_do') {
        const { verification: _earlier, ...rest } = a;
        return { ...rest, status: 'completed' };
      }
      if (state === 'open' && (reopened || wasClosed) && a.status === 'completed')
        return { ...a, status: 'in_progress' };
      return undefined;
    };
    const saved = await this.reports.changeActionAs(
      { userId: null, ip: null },
      link.report_id,
      link.action_id,
      change,
      state === 'closed'
        ? `${words} closed (${via}): ${link.action_id} ${labelOf('completed')}, awaiting verification`
        : `${words} reopened (${via}): ${link.action_id} ${labelOf('in_progress')}`,
    );
    await this.repo.setState(link.report_id, link.action_id, state, null, eventAt);
    return saved !== undefined;
  }

  /**
   * An inbound webhook of a connection: GitHub `issues` events signed with X-Hub-Signature-256, or a Jira
   * webhook with the secret in the address (`?secret=`) or signed with X-Hub-Signature. 404 for an unknown
   * connection, 401 for a missing or wrong signature, 400 for a body that is not the tracker's event. A signed
   * event older than one already applied to its issue (by the tracker's time in the body, which the signature
   * covers) is a replay or a late delivery: 409, and nothing changes.
   */
  async webhook(
    connectionId: string,
    headers: Record<string, string | string[] | undefined>,
    query: { secret?: string },
    raw: Buffer,
  ): Promise<{ changed: number; ignored: boolean }> {
    const conn = await this.repo.connection(connectionId);
    if (!conn) throw new AppError('not_found', `no tracker connection ${connectionId}`);
    const secret = this.box.open(conn.webhook_secret_enc, `webhook:${conn.id}`);
    const header = (name: string) => {
      const v = headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const signed = (name: string) => {
      const got = header(name);
      const want = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
      return got !== undefined && sameSecret(got, want);
    };
    const ok =
      conn.kind === 'github'
        ? signed('x-hub-signature-256')
        : (query.secret !== undefined && sameSecret(query.secret, secret)) || signed('x-hub-signature');
    if (!ok)
      throw new AppError(
        'unauthorized',
        conn.kind === 'github'
          ? 'the X-Hub-Signature-256 header is missing or does not match the webhook secret'
          : 'the webhook secret (?secret= in the address, or X-Hub-Signature) is missing or wrong',
      );
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw bad('the webhook body is not JSON', ['body']);
    }
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw bad('the webhook body must be a JSON object', ['body']);
    const c = JSON.parse(conn.config) as ConnectionConfig;
    const incoming =
      conn.kind === 'github'
        ? githubEvent(header('x-github-event'), body, `${c.owner}/${c.repo}`)
        : jiraEvent(body);
    if (!incoming) return { changed: 0, ignored: true };
    let changed = 0;
    let applied = 0;
    let older: string | undefined;
    for (const i of incoming.issues)
      for (const link of await this.repo.linksOfIssue(conn.id, i.key)) {
        if (i.at !== undefined && link.event_at !== null && i.at < link.event_at) {
          older = `the event about ${issueWords(conn.kind, i.key)} (${i.at}) is older than one already applied (${link.event_at}): a replay or a late delivery; nothing changed`;
          continue;
        }
        applied += 1;
        if (await this.apply(conn, link, i.state, i.reopened, 'webhook', i.at)) changed += 1;
      }
    if (older !== undefined && applied === 0) throw new AppError('conflict', older);
    return { changed, ignored: false };
  }

  /**
   * One round of polling (run by the outbox worker's scans): up to `pollBatch` linked issues not read for
   * `pollEveryMs`, oldest first; a tracker that fails leaves its error on the link and is read again later.
   */
  async poll(now = new Date(), log?: FastifyBaseLogger): Promise<number> {
    const rows = await this.repo.takeForPoll(
      new Date(now.getTime() - this.o.pollEveryMs),
      this.o.pollBatch,
      now,
    );
    const conns = new Map<string, TrackerConnectionRow | undefined>();
    let changed = 0;
    for (const link of rows) {
      if (!conns.has(link.connection_id))
        conns.set(link.connection_id, await this.repo.connection(link.connection_id));
      const conn = conns.get(link.connection_id);
      if (!conn || !link.issue_key) continue;
      try {
        // The tracker's time of the issue's last change moves event_at as a webhook's would, so an older
        // event replayed after this poll is refused.
        const { state, updatedAt } = await this.client(conn).state(link.issue_key);
        const at = eventTime(updatedAt);
        // The link as it is now: a webhook may have told a newer state while the answer was on its way, which
        // this older read must not undo (the state set is also kept from going back by setState).
        const current = await this.repo.link(link.report_id, link.action_id);
        if (!current || current.issue_key !== link.issue_key) continue;
        if (at !== undefined && current.event_at !== null && at < current.event_at) continue;
        if (await this.apply(conn, current, state, false, 'polled', at)) changed += 1;
      } catch (e) {
        const why = (e as Error).message;
        log?.warn({ report: link.report_id, action: link.action_id, error: why }, 'tracker poll failed');
        await this.repo.setState(
          link.report_id,
          link.action_id,
          null,
          `reading the issue's state failed: ${why}`,
        );
      }
    }
    return changed;
  }
}

/** What the issue says: the action's words, owner, deadline, success criterion, verification plan, a link. */
function issueDraft(reportTitle: string | null, a: ActionItem, link: string, marker: string): IssueDraft {
  const fields: IssueDraft['fields'] = [];
  if (a.owner) fields.push({ label: 'Owner', value: a.owner });
  if (a.deadline) fields.push({ label: 'Deadline', value: a.deadline });
  if (a.priority) fields.push({ label: 'Priority', value: labelOf(a.priority) });
  if (a.successCriterion) fields.push({ label: 'Success criterion', value: a.successCriterion });
  if (a.verificationPlan)
    fields.push({
      label: 'Verification plan',
      value: a.verificationPlan.by
        ? `${a.verificationPlan.how} (by ${a.verificationPlan.by})`
        : a.verificationPlan.how,
    });
  return {
    title: a.title,
    reportTitle,
    actionId: a.id,
    fields,
    ...(a.details ? { details: a.details } : {}),
    link,
    ...(a.deadline ? { deadline: a.deadline } : {}),
    marker,
  };
}

/**
 * The reference written in the issue of one action in one connection: the same for every try, opaque (no
 * report id or title reaches the tracker through it).
 */
function issueMarker(connectionId: string, reportId: string, actionId: string): string {
  return createHash('sha256').update(`${connectionId}\n${reportId}\n${actionId}`).digest('hex').slice(0, 24);
}

/** How much earlier than the first try an issue it made may be stamped by the tracker's clock. */
const RETRY_SLACK_MS = 10 * 60_000;

/**
 * A GitHub `issues` event (`closed`, `reopened`; other actions and events are ignored; `ping` too) of the
 * connection's repository: an organisation's webhook also sends other repositories' issues, whose numbers
 * would collide with ours.
 */
function githubEvent(event: string | undefined, body: object, fullName: string): Incoming | undefined {
  if (event !== 'issues') return undefined;
  const repo = field(body, 'repository', 'full_name');
  if (typeof repo === 'string' && repo.toLowerCase() !== fullName.toLowerCase()) return undefined;
  const action = field(body, 'action');
  if (typeof action !== 'string') throw bad('a GitHub issues event needs "action"', ['action']);
  const number = field(body, 'issue', 'number');
  if (typeof number !== 'number' || !Number.isInteger(number))
    throw bad('a GitHub issues event needs issue.number', ['issue', 'number']);
  const at = eventTime(field(body, 'issue', 'updated_at'));
  const when = at === undefined ? {} : { at };
  if (action === 'closed')
    return { issues: [{ key: String(number), state: 'closed', reopened: false, ...when }] };
  if (action === 'reopened')
    return { issues: [{ key: String(number), state: 'open', reopened: true, ...when }] };
  return undefined;
}

/** A Jira issue event: the issue's key and its status category (`done` is closed). */
function jiraEvent(body: object): Incoming | undefined {
  const event = field(body, 'webhookEvent');
  if (typeof event !== 'string') throw bad('a Jira webhook needs "webhookEvent"', ['webhookEvent']);
  if (!event.startsWith('jira:issue_')) return undefined;
  const key = field(body, 'issue', 'key');
  if (typeof key !== 'string' || key.length > 100)
    throw bad('a Jira issue event needs issue.key', ['issue', 'key']);
  const category = field(body, 'issue', 'fields', 'status', 'statusCategory', 'key');
  if (typeof category !== 'string')
    throw bad('a Jira issue event needs issue.fields.status.statusCategory.key', [
      'issue',
      'fields',
      'status',
      'statusCategory',
      'key',
    ]);
  const at = eventTime(field(body, 'timestamp'));
  return {
    issues: [
      {
        key,
        state: category === 'done' ? 'closed' : 'open',
        reopened: false,
        ...(at === undefined ? {} : { at }),
      },
    ],
  };
}
