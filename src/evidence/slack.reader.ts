import type { Candidate } from './candidate.js';
import { type JsonArrayResult, streamJsonArray } from './json-array.stream.js';
import { type EntryReader, type EvidenceEntry, type ReaderContext, candidate, str, warn } from './source.js';
import { instantFromMs } from './time.js';

/** Message subtypes that record membership or housekeeping, not something that happened in the incident. */
const HOUSEKEEPING = new Set([
  'channel_join',
  'channel_leave',
  'group_join',
  'group_leave',
  'channel_topic',
  'channel_purpose',
  'channel_name',
  'group_topic',
  'group_purpose',
  'group_name',
  'bot_add',
  'bot_remove',
  'pinned_item',
  'unpinned_item',
  'message_deleted',
  'tombstone',
]);

/** What a Slack export tells about its people and channels. */
export interface SlackDirectory {
  users: Map<string, string>;
  channels: Map<string, string>;
}

const DAY_FILE = /(?:^|[/!])([^/!]+)\/(\d{4}-\d{2}-\d{2})\.json$/;

/** The part of an entry name after the bundle's root folder. */
function relativeName(name: string, root: string): string {
  return name.startsWith(root) ? name.slice(root.length) : name;
}

/** True when a bundle's entries look like a Slack workspace export. */
export function isSlackBundle(entries: EvidenceEntry[]): boolean {
  return (
    entries.some((e) => /(?:^|[/!])(users|channels)\.json$/.test(e.name)) &&
    entries.some((e) => DAY_FILE.test(e.name))
  );
}

/** Read a Slack workspace export (folder or zip): users and channels first, then every channel's day files. */
export async function* readSlackBundle(
  entries: EvidenceEntry[],
  ctx: ReaderContext,
): AsyncGenerator<Candidate> {
  const usersEntry = entries.find((e) => /(?:^|[/!])users\.json$/.test(e.name));
  const root = usersEntry ? usersEntry.name.slice(0, -'users.json'.length) : '';
  const dir: SlackDirectory = { users: new Map(), channels: new Map() };
  if (usersEntry) {
    for await (const u of objects(usersEntry, ctx)) {
      const id = str(u.id);
      const name =
        str((u.profile as Record<string, unknown> | undefined)?.display_name) ??
        str(u.real_name) ??
        str((u.profile as Record<string, unknown> | undefined)?.real_name) ??
        str(u.name);
      if (id && name) dir.users.set(id, name);
    }
  } else {
    const where = entries
      .find((e) => /(?:^|[/!])channels\.json$/.test(e.name))
      ?.name.replace(/channels\.json$/, '');
    warn(
      ctx.stats,
      `${where || 'the Slack export'}: no users.json in the Slack export: people are shown by their Slack ids`,
    );
  }
  for (const e of entries) {
    if (!/(?:^|[/!])(channels|groups|mpims|dms)\.json$/.test(e.name)) continue;
    for await (const c of objects(e, ctx)) {
      const id = str(c.id);
      const name = str(c.name);
      if (id && name) dir.channels.set(id, name);
    }
  }
  const days = entries
    .filter((e) => DAY_FILE.test(relativeName(e.name, root)))
    .sort((a, b) => a.name.localeCompare(b.name));
  for (const day of days) {
    ctx.stats.files += 1;
    const m = DAY_FILE.exec(relativeName(day.name, root)) as RegExpExecArray;
    const folder = m[1] as string;
    const channel = dir.channels.get(folder) ?? folder;
    yield* readMessages(day, ctx, dir, channel);
  }
}

/**
 * The folder a day file sits in (`general` of `export.zip!general/2024-03-01.json`): the path segment before a
 * `name.json`, neither holding `!`. By index, not `/([^/!]+)\/[^/!]+\.json$/`, which is quadratic.
 */
export function channelFolder(name: string): string | undefined {
  const slash = name.lastIndexOf('/');
  const file = name.slice(slash + 1);
  if (slash <= 0 || !file.endsWith('.json') || file.length === 5 || file.includes('!')) return undefined;
  const start = Math.max(name.lastIndexOf('/', slash - 1), name.lastIndexOf('!', slash - 1)) + 1;
  return start < slash ? name.slice(start, slash) : undefined;
}

/** A single Slack message array (one day file, or a thread dump with `channel_name` on each message). */
export const readSlackFile: EntryReader = async function* (entry, ctx) {
  yield* readMessages(entry, ctx, { users: new Map(), channels: new Map() }, channelFolder(entry.name));
};

async function* objects(entry: EvidenceEntry, ctx: ReaderContext): AsyncGenerator<Record<string, unknown>> {
  const result: JsonArrayResult = { root: 'empty', truncated: false };
  for await (const el of streamJsonArray(entry.open(), { result })) {
    if (el.tooLong) {
      ctx.skip(`${entry.name}:${el.line}`, 'an element is larger than 1 MB');
      continue;
    }
    try {
      yield JSON.parse(el.text) as Record<string, unknown>;
    } catch {
      ctx.skip(`${entry.name}:${el.line}`, 'not valid JSON');
    }
  }
  if (result.root !== 'array') ctx.skip(entry.name, 'expected a JSON array');
  else if (result.truncated) ctx.skip(entry.name, 'the JSON array ends early (truncated file?)');
}

async function* readMessages(
  entry: EvidenceEntry,
  ctx: ReaderContext,
  dir: SlackDirectory,
  channelFromPath: string | undefined,
): AsyncGenerator<Candidate> {
  for await (const raw of objects(entry, ctx)) {
    const msg =
      raw.subtype === 'message_changed' && raw.message && typeof raw.message === 'object'
        ? { ...(raw.message as Record<string, unknown>), ts: raw.ts }
        : raw;
    const ts = str(msg.ts);
    const ms = ts ? slackTsToMs(ts) : undefined;
    if (!ts || ms === undefined) {
      ctx.skip(
        `${entry.name}`,
        `a message has no usable ts (${JSON.stringify(msg.ts ?? null).slice(0, 40)})`,
      );
      continue;
    }
    ctx.stats.records += 1;
    const subtype = str(msg.subtype);
    if (subtype && HOUSEKEEPING.has(subtype)) {
      ctx.stats.ignored += 1;
      continue;
    }
    const channel = str(msg.channel_name) ?? channelFromPath ?? 'slack';
    const userId = str(msg.user);
    const profile = msg.user_profile as Record<string, unknown> | undefined;
    const bot = msg.bot_profile as Record<string, unknown> | undefined;
    const actor =
      (userId ? dir.users.get(userId) : undefined) ??
      str(profile?.display_name) ??
      str(profile?.real_name) ??
      str(msg.username) ??
      str(bot?.name) ??
      userId ??
      (str(msg.bot_id) ? `bot ${str(msg.bot_id)}` : undefined);
    let text = slackText(str(msg.text) ?? '', dir);
    if (!text) text = attachmentText(msg.attachments, dir);
    if (!text && Array.isArray(msg.files)) {
      const names = (msg.files as Record<string, unknown>[])
        .map((f) => str(f.title) ?? str(f.name))
        .filter(Boolean);
      if (names.length) text = `shared ${names.join(', ')}`;
    }
    if (!text) {
      ctx.stats.ignored += 1;
      continue;
    }
    const edited = msg.edited && typeof msg.edited === 'object';
    const threadTs = str(msg.thread_ts);
    const reply = threadTs !== undefined && threadTs !== ts;
    const c = candidate({
      ms,
      format: 'slack',
      source: `slack #${channel}${reply ? ' thread' : ''}`,
      channel,
      actor,
      text: `${text}${edited ? ' (edited)' : ''}`,
      link: `${entry.name}#ts=${ts}${reply ? `&thread_ts=${threadTs}` : ''}`,
      excerpt: str(msg.text) ?? text,
    });
    if (c) yield c;
  }
}

/** Epoch ms of a Slack ts ("1452837352.000006": seconds, then a per-channel sequence). */
export function slackTsToMs(ts: string): number | undefined {
  const m = /^(\d{9,11})(?:\.(\d{1,6}))?$/.exec(ts);
  if (!m) return undefined;
  return instantFromMs(Number(m[1]) * 1000 + Math.floor(Number(`0.${m[2] ?? '0'}`) * 1000));
}

/** Slack mrkdwn to plain text: mentions by name, links by their label, entities decoded. */
export function slackText(text: string, dir: SlackDirectory): string {
  return text
    .replace(
      /<@([A-Z0-9]+)(?:\|([^>]*))?>/g,
      (_, id: string, label?: string) => `@${label || dir.users.get(id) || id}`,
    )
    .replace(
      /<#([A-Z0-9]+)(?:\|([^>]*))?>/g,
      (_, id: string, label?: string) => `#${label || dir.channels.get(id) || id}`,
    )
    .replace(/<!subteam\^[A-Z0-9]+(?:\|([^>]*))?>/g, (_, label?: string) => label || '@group')
    .replace(/<!(here|channel|everyone)(?:\|[^>]*)?>/g, '@$1')
    .replace(/<([^>|]{1,2000})\|([^>]{1,2000})>/g, '$2')
    .replace(/<([^>]{1,2000})>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}

function attachmentText(attachments: unknown, dir: SlackDirectory): string {
  if (!Array.isArray(attachments)) return '';
  const parts: string[] = [];
  for (const a of attachments as Record<string, unknown>[]) {
    const lead = str(a.pretext) ?? str(a.title);
    const body = str(a.text);
    const piece = [lead, body].filter(Boolean).join(' ') || str(a.fallback) || '';
    if (piece) parts.push(slackText(piece, dir));
  }
  return parts.join(' | ');
}
