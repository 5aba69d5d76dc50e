import type { Candidate } from './candidate.js';
import { jsonDocuments } from './documents.js';
import { type EntryReader, candidate, pick, str } from './source.js';
import { parseTimeValue } from './time.js';

const firstLine = (s: string | undefined) => s?.split('\n')[0]?.trim() || undefined;
const short = (sha: string | undefined) => (sha ? sha.slice(0, 7) : undefined);

/**
 * GitHub webhook payloads and REST answers: deployment, deployment_status, push (each commit), issues,
 * and REST commits. Commits and deploys carry change information for the change analysis.
 */
export const readGitHub: EntryReader = async function* (entry, ctx) {
  for await (const { doc, where } of jsonDocuments(entry, ctx)) {
    const before = ctx.stats.records;
    for (const c of fromPayload(doc, where)) {
      ctx.stats.records += 1;
      if (c) yield c;
    }
    if (ctx.stats.records === before)
      ctx.skip(
        where,
        'a GitHub payload of a kind not read (expected deployment, deployment_status, push, issues or commits)',
      );
  }
};

function* fromPayload(doc: Record<string, unknown>, where: string): Generator<Candidate | undefined> {
  const repo = str(pick(doc, 'repository.full_name'));
  const src = `github${repo ? ` ${repo}` : ''}`;
  const status = doc.deployment_status as Record<string, unknown> | undefined;
  const deployment = doc.deployment as Record<string, unknown> | undefined;
  if (status && typeof status === 'object') {
    const ms = parseTimeValue(status.created_at);
    if (ms === undefined) return;
    const env = str(status.environment) ?? str(deployment?.environment) ?? 'an environment';
    const state = str(status.state) ?? 'unknown';
    const desc = str(status.description) ?? str(deployment?.description);
    const ref = str(deployment?.ref);
    const sha = str(deployment?.sha);
    yield candidate({
      ms,
      format: 'github',
      source: `${src} deployment`,
      channel: env,
      actor: str(pick(status, 'creator.login')) ?? str(pick(deployment, 'creator.login')),
      text: `Deployment of ${ref ?? short(sha) ?? 'a change'}${ref && sha ? ` (${short(sha)})` : ''} to ${env}: ${state}${desc ? ` — ${desc}` : ''}`,
      link: str(status.target_url) ?? str(status.url) ?? where,
      change: {
        type: 'deploy',
        id: String(deployment?.id ?? status.id ?? sha ?? 'deployment'),
        summary: `deploy ${ref ?? short(sha) ?? ''} to ${env} (${state})${desc ? `: ${desc}` : ''}`.trim(),
        url: str(status.url),
      },
    });
    return;
  }
  if (deployment && typeof deployment === 'object') {
    const ms = parseTimeValue(deployment.created_at);
    if (ms === undefined) return;
    const env = str(deployment.environment) ?? 'an environment';
    const ref = str(deployment.ref);
    const sha = str(deployment.sha);
    const desc = str(deployment.description);
    yield candidate({
      ms,
      format: 'github',
      source: `${src} deployment`,
      channel: env,
      actor: str(pick(deployment, 'creator.login')),
      text: `Deployment of ${ref ?? short(sha) ?? 'a change'}${ref && sha ? ` (${short(sha)})` : ''} to ${env} created${desc ? ` — ${desc}` : ''}`,
      link: str(deployment.url) ?? where,
      change: {
        type: 'deploy',
        id: String(deployment.id ?? sha),
        summary: `deploy ${ref ?? short(sha) ?? ''} to ${env}${desc ? `: ${desc}` : ''}`,
        url: str(deployment.url),
      },
    });
    return;
  }
  if (Array.isArray(doc.commits)) {
    const ref = str(doc.ref)?.replace(/^refs\/heads\//, '');
    for (const c of doc.commits as Record<string, unknown>[]) {
      const ms = parseTimeValue(c.timestamp);
      if (ms === undefined) continue;
      const id = str(c.id) ?? '';
      const message = firstLine(str(c.message)) ?? '(no message)';
      yield candidate({
        ms,
        format: 'github',
        source: `${src} push`,
        channel: ref,
        actor: str(pick(c, 'author.name')) ?? str(pick(c, 'author.username')),
        text: `Commit ${short(id)}${ref ? ` on ${ref}` : ''}: ${message}`,
        link: str(c.url) ?? `${where}#commit=${id}`,
        change: { type: 'commit', id, summary: message, url: str(c.url) },
      });
    }
    return;
  }
  if (doc.issue && typeof doc.issue === 'object') {
    const issue = doc.issue as Record<string, unknown>;
    const action = str(doc.action) ?? 'updated';
    const at =
      action === 'closed'
        ? (issue.closed_at ?? issue.updated_at)
        : action === 'opened'
          ? issue.created_at
          : issue.updated_at;
    const ms = parseTimeValue(at);
    if (ms === undefined) return;
    yield candidate({
      ms,
      format: 'github',
      source: `${src} issues`,
      actor: str(pick(doc, 'sender.login')) ?? str(pick(issue, 'user.login')),
      text: `Issue #${str(issue.number) ?? '?'} ${action}: ${str(issue.title) ?? ''}`,
      link: str(issue.html_url) ?? where,
    });
    return;
  }
  if (str(doc.sha) && doc.commit && typeof doc.commit === 'object') {
    const ms = parseTimeValue(pick(doc, 'commit.committer.date') ?? pick(doc, 'commit.author.date'));
    if (ms === undefined) return;
    const sha = str(doc.sha) as string;
    const message = firstLine(str(pick(doc, 'commit.message'))) ?? '(no message)';
    yield candidate({
      ms,
      format: 'github',
      source: `${src} commit`,
      actor: str(pick(doc, 'commit.author.name')),
      text: `Commit ${short(sha)}: ${message}`,
      link: str(doc.html_url) ?? `${where}#commit=${sha}`,
      change: { type: 'commit', id: sha, summary: message, url: str(doc.html_url) },
    });
  }
}
