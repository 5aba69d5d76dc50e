import { AppError } from '../domain/errors.js';
import { type JsonArrayResult, streamJsonArray } from './json-array.stream.js';
import { readLines } from './lines.js';
import type { EvidenceEntry, ReaderContext } from './source.js';

/** Largest single JSON document (one webhook payload, one API page) read whole. */
export const MAX_DOCUMENT_BYTES = 32 * 1024 * 1024;

/** One JSON object of a file and where it is (`file:line`). */
export interface LocatedDocument {
  doc: Record<string, unknown>;
  where: string;
}

/**
 * The JSON objects of a file holding webhook payloads or API answers, in any of the usual shapes: one
 * (pretty-printed) document, JSON lines of documents (a capture of many webhooks), or an array of documents.
 * With `arrayKeys`, an object's array under one of those keys is streamed element by element instead
 * (`{"log_entries":[…]}`), so paged API dumps stay flat in memory.
 */
export async function* jsonDocuments(
  entry: EvidenceEntry,
  ctx: ReaderContext,
  arrayKeys: readonly string[] = [],
): AsyncGenerator<LocatedDocument> {
  // JSON lines when the first non-empty line is a whole object by itself.
  let jsonLines = false;
  for await (const line of readLines(entry.open(), undefined, entry.name)) {
    const t = line.text.trim();
    if (!t) continue;
    if (t.startsWith('{') && t.endsWith('}')) {
      try {
        JSON.parse(t);
        jsonLines = true;
      } catch {
        jsonLines = false;
      }
    }
    break;
  }
  if (jsonLines) {
    for await (const line of readLines(entry.open(), undefined, entry.name)) {
      const t = line.text.trim();
      if (!t) continue;
      const where = `${entry.name}:${line.n}`;
      if (line.tooLong) {
        ctx.skip(where, 'line is too long');
        continue;
      }
      try {
        const doc: unknown = JSON.parse(t);
        if (doc && typeof doc === 'object' && !Array.isArray(doc))
          yield { doc: doc as Record<string, unknown>, where };
        else ctx.skip(where, 'not a JSON object');
      } catch {
        ctx.skip(where, 'not valid JSON');
      }
    }
    return;
  }
  // An array of documents, or an object whose big array we stream.
  const result: JsonArrayResult = { root: 'empty', truncated: false };
  let any = false;
  for await (const el of streamJsonArray(entry.open(), { arrayKeys, result })) {
    any = true;
    const where = `${entry.name}:${el.line}`;
    if (el.tooLong) {
      ctx.skip(where, 'an element is larger than 1 MB');
      continue;
    }
    try {
      yield { doc: JSON.parse(el.text) as Record<string, unknown>, where };
    } catch {
      ctx.skip(where, 'not valid JSON');
    }
  }
  if (result.truncated) ctx.skip(entry.name, 'the JSON document ends early (truncated file?)');
  if (result.root === 'array' || any) return;
  if (result.root !== 'object') {
    ctx.skip(entry.name, 'expected a JSON object or array');
    return;
  }
  // A single document: small by nature (a webhook payload), read whole but bounded.
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry.open()) {
    size += chunk.length;
    if (size > MAX_DOCUMENT_BYTES) {
      throw new AppError(
        'too_large',
        `${entry.name}: a single JSON document over ${MAX_DOCUMENT_BYTES / 1024 / 1024} MB; split it or use JSON lines`,
      );
    }
    parts.push(Buffer.from(chunk));
  }
  try {
    const doc: unknown = JSON.parse(Buffer.concat(parts).toString('utf8'));
    if (doc && typeof doc === 'object' && !Array.isArray(doc))
      yield { doc: doc as Record<string, unknown>, where: `${entry.name}:1` };
  } catch (e) {
    ctx.skip(entry.name, `not valid JSON (${e instanceof Error ? e.message.slice(0, 120) : 'parse error'})`);
  }
}
