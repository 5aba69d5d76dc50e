import { readLines } from './lines.js';
import { type EntryReader, candidate, str } from './source.js';
import { epochToMs } from './time.js';

/**
 * Mattermost bulk export (JSON lines; `type` says what each line is). Posts and their replies become
 * candidates; replies keep their own instant, which can be earlier than the parent's.
 */
export const readMattermost: EntryReader = async function* (entry, ctx) {
  for await (const line of readLines(entry.open(), undefined, entry.name)) {
    const where = `${entry.name}:${line.n}`;
    if (line.tooLong) {
      ctx.skip(where, 'line is too long');
      continue;
    }
    if (!line.text.trim()) continue;
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line.text) as Record<string, unknown>;
    } catch {
      ctx.skip(where, 'not valid JSON');
      continue;
    }
    const kind = rec?.type;
    if (kind !== 'post' && kind !== 'direct_post') {
      if (typeof kind !== 'string') ctx.skip(where, 'a line without a "type"');
      continue;
    }
    const post = (rec.post ?? rec.direct_post) as Record<string, unknown> | undefined;
    if (!post || typeof post !== 'object') {
      ctx.skip(where, 'a post line without its "post" object');
      continue;
    }
    const channel = str(post.channel) ?? (Array.isArray(post.channel_members) ? 'direct' : 'mattermost');
    const team = str(post.team);
    const items: { p: Record<string, unknown>; reply: number }[] = [{ p: post, reply: 0 }];
    if (Array.isArray(post.replies))
      (post.replies as Record<string, unknown>[]).forEach((r, i) => items.push({ p: r, reply: i + 1 }));
    for (const { p, reply } of items) {
      const ms = typeof p.create_at === 'number' ? epochToMs(p.create_at) : undefined;
      if (ms === undefined) {
        ctx.skip(where, `${reply ? `reply ${reply}` : 'post'} has no usable create_at`);
        continue;
      }
      ctx.stats.records += 1;
      const text = str(p.message);
      if (!text) {
        ctx.stats.ignored += 1;
        continue;
      }
      const c = candidate({
        ms,
        format: 'mattermost',
        source: `mattermost ~${channel}${reply ? ' thread' : ''}`,
        channel: team ? `${team}/${channel}` : channel,
        actor: str(p.user),
        text,
        link: `${where}${reply ? `#reply=${reply}` : ''}`,
        excerpt: text,
      });
      if (c) yield c;
    }
  }
};
