import { createHmac, timingSafeEqual } from 'node:crypto';

const mac = (key: string, userId: string) =>
  createHmac('sha256', key).update(`unsubscribe:${userId}`).digest('base64url');

/** A token that names a person and proves the server made it: the person's id and an HMAC of it. */
export function unsubscribeToken(key: string, userId: string): string {
  return `${Buffer.from(userId).toString('base64url')}.${mac(key, userId)}`;
}

/** The person a token names, or undefined when it was not made with `key` (or is malformed). */
export function readUnsubscribeToken(key: string, token: string): string | undefined {
  const [id, sig, ...rest] = token.split('.');
  if (!id || !sig || rest.length > 0) return undefined;
  const userId = Buffer.from(id, 'base64url').toString('utf8');
  const want = Buffer.from(mac(key, userId));
  const got = Buffer.from(sig);
  return got.length === want.length && timingSafeEqual(got, want) ? userId : undefined;
}
