import { jsonDocuments } from './documents.js';
import { type EntryReader, candidate, htmlToText, pickAnyCase, str } from './source.js';
import { parseTimeValue } from './time.js';

/**
 * Microsoft Teams messages: an export array in PascalCase (`CreatedDateTime`, `Body.Content`, `From.User`)
 * or a Graph API answer in camelCase (`{"value":[…]}`). System events (no sender) are counted, not listed.
 */
export const readTeams: EntryReader = async function* (entry, ctx) {
  for await (const { doc, where } of jsonDocuments(entry, ctx, ['value', 'Value', 'messages', 'Messages'])) {
    const ms = parseTimeValue(pickAnyCase(doc, 'createdDateTime'));
    if (ms === undefined) {
      ctx.skip(where, `a message without a usable CreatedDateTime`);
      continue;
    }
    ctx.stats.records += 1;
    const body = str(pickAnyCase(doc, 'body.content')) ?? '';
    const type = str(pickAnyCase(doc, 'body.contentType'))?.toLowerCase();
    const text = type === 'html' || /<\/?[a-z][^>]*>/i.test(body) ? htmlToText(body) : body;
    const from = pickAnyCase(doc, 'from');
    const actor =
      str(pickAnyCase(from, 'user.displayName')) ??
      str(pickAnyCase(from, 'application.displayName')) ??
      str(pickAnyCase(from, 'user.id'));
    if (!from || !text.trim() || /^<systemEventMessage\s*\/>$/i.test(body.trim())) {
      ctx.stats.ignored += 1;
      continue;
    }
    const channelId = str(pickAnyCase(doc, 'channelIdentity.channelId'));
    const subject = str(pickAnyCase(doc, 'subject'));
    const replyTo = str(pickAnyCase(doc, 'replyToId'));
    const edited = str(pickAnyCase(doc, 'lastEditedDateTime'));
    const id = str(pickAnyCase(doc, 'id'));
    const c = candidate({
      ms,
      format: 'teams',
      source: `teams${replyTo ? ' reply' : ''}`,
      channel: channelId,
      actor,
      text: `${subject ? `${subject}: ` : ''}${text}${edited ? ' (edited)' : ''}`,
      link: str(pickAnyCase(doc, 'webUrl')) ?? `${where}${id ? `#id=${id}` : ''}`,
      excerpt: text,
    });
    if (c) yield c;
  }
};
