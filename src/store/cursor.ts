import { AppError } from '../domain/index.js';

// A keyset cursor: the sort key of the last row of a page, so the next page starts right after it with an
// index seek, however deep. Opaque to clients (base64url of a JSON array of strings and numbers).

/** Encode a row's sort key as a cursor. */
export function encodeCursor(key: (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** Decode a cursor made by encodeCursor with `shape` ('s' string, 'n' integer per part), or fail with 400. */
export function decodeCursor(cursor: string, shape: readonly ('s' | 'n')[]): (string | number)[] {
  const bad = () =>
    new AppError('bad_request', 'the cursor is not one this server gave', [
      { path: ['cursor'], message: 'pass the `next` value of the previous page unchanged' },
    ]);
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parts) || parts.length !== shape.length) throw bad();
  shape.forEach((kind, i) => {
    const v: unknown = parts[i];
    if (kind === 's' ? typeof v !== 'string' || v.length > 500 : !Number.isSafeInteger(v)) throw bad();
  });
  return parts as (string | number)[];
}
