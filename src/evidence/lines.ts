import { AppError } from '../domain/errors.js';

/** Longest line a reader accepts; longer lines are skipped (and counted) so no regex ever sees a huge input. */
export const MAX_LINE_BYTES = 256 * 1024;

/** One line of a byte stream: its 1-based number and its UTF-8 text without the line ending. */
export interface Line {
  n: number;
  text: string;
  /** True when the line was longer than the limit; `text` is then only its start. */
  tooLong: boolean;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Split a byte stream into lines without holding more than one chunk plus one bounded line in memory.
 * A line longer than `maxBytes` is reported with `tooLong` and its first bytes only.
 */
export async function* readLines(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number = MAX_LINE_BYTES,
  name = 'input',
): AsyncGenerator<Line> {
  for await (const batch of readLineBatches(chunks, maxBytes, name)) yield* batch;
}

/**
 * Judges a line on its bytes, buf[s, e) (without the line ending), before it is decoded: true passes it over
 * (it is not decoded, and not in the batch; its number is still counted). Lines too long are not offered.
 */
export type PassOver = (buf: Buffer, s: number, e: number) => boolean;

/**
 * readLines a chunk's lines at a time: a reader of millions of short lines pays one step of asynchronous
 * iteration per chunk instead of one per line. `passOver` drops lines on their bytes, sparing their decoding.
 */
export async function* readLineBatches(
  chunks: AsyncIterable<Uint8Array>,
  maxBytes: number = MAX_LINE_BYTES,
  name = 'input',
  passOver?: PassOver,
): AsyncGenerator<Line[]> {
  let n = 0;
  let offset = 0;
  let carry: Buffer | undefined;
  let overflow = false;
  for await (const raw of chunks) {
    const batch: Line[] = [];
    const whole = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    // Lines before binary content are still read; the error comes where the binary content starts.
    const nul = whole.indexOf(0);
    const chunk = nul === -1 ? whole : whole.subarray(0, nul);
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      n += 1;
      if (overflow) {
        batch.push({ n, text: decodeLine(carry as Buffer), tooLong: true });
        overflow = false;
      } else if (carry) {
        const joined = Buffer.concat([carry, chunk.subarray(start, nl)]);
        if (joined.length > maxBytes)
          batch.push({ n, text: decodeLine(joined.subarray(0, 200)), tooLong: true });
        else if (!passOver?.(joined, 0, withoutCr(joined, 0, joined.length)))
          batch.push({ n, text: decodeLine(joined), tooLong: false });
      } else if (nl - start > maxBytes) {
        batch.push({ n, text: decodeLine(chunk.subarray(start, start + 200)), tooLong: true });
      } else if (!passOver?.(chunk, start, withoutCr(chunk, start, nl))) {
        batch.push({ n, text: decodeLine(chunk.subarray(start, nl)), tooLong: false });
      }
      carry = undefined;
      start = nl + 1;
    }
    if (batch.length > 0) yield batch;
    if (start < chunk.length) {
      if (overflow) continue;
      const rest = chunk.subarray(start);
      const size = (carry?.length ?? 0) + rest.length;
      if (size > maxBytes) {
        // Keep only the start of an overlong line, for the message; drop the rest as it streams by.
        carry = Buffer.from((carry ? Buffer.concat([carry, rest]) : rest).subarray(0, 200));
        overflow = true;
      } else {
        carry = carry ? Buffer.concat([carry, rest]) : Buffer.from(rest);
      }
    }
    if (nul !== -1) assertText(whole, offset, name);
    offset += whole.length;
  }
  if (overflow) yield [{ n: n + 1, text: decodeLine(carry as Buffer), tooLong: true }];
  else if (carry && carry.length > 0 && !passOver?.(carry, 0, withoutCr(carry, 0, carry.length)))
    yield [{ n: n + 1, text: decodeLine(carry), tooLong: false }];
}

/** Where the line buf[s, e) ends without a carriage return. */
function withoutCr(buf: Buffer, s: number, e: number): number {
  return e > s && buf[e - 1] === 13 ? e - 1 : e;
}

function decodeLine(buf: Uint8Array): string {
  let end = buf.length;
  if (end > 0 && buf[end - 1] === 13) end -= 1;
  const text = decoder.decode(buf.subarray(0, end));
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Stop at binary content: a NUL byte never occurs in the text formats read here, and a file of holes
 * (a sparse or corrupt file) would otherwise be streamed to its end as one endless line.
 */
export function assertText(chunk: Uint8Array, offset: number, name: string): void {
  const nul = chunk.indexOf(0);
  if (nul !== -1) {
    throw new AppError(
      'unsupported',
      `${name}: binary content (NUL byte at offset ${offset + nul}); reading stopped there`,
    );
  }
}

/** A piece of a byte stream's lines: buf[p, end) holds whole lines; `at` is the stream offset of buf[0]. */
export interface RawLines {
  buf: Buffer;
  p: number;
  end: number;
  at: number;
  /**
   * One line longer than `maxBytes`, starting at stream offset `at + p`: it is passed over and buf[p, end)
   * holds only its first bytes (for the message).
   */
  tooLong?: boolean;
}

/**
 * The lines of a byte stream as pieces of whole lines on their bytes, undecoded: a reader that judges lines on
 * their bytes (a log's leading stamp) decodes only those it keeps. A chunk's last partial line is carried to
 * the next; a line longer than `maxBytes` inside a chunk is left to the caller (it sees its length), one
 * spanning chunks comes as a `tooLong` piece. Binary content (a NUL byte) stops the stream with an error where
 * it starts, after the lines before it. `at` is the stream's offset in its file.
 */
export async function* rawLines(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  name: string,
  at = 0,
  maxBytes: number = MAX_LINE_BYTES,
): AsyncGenerator<RawLines> {
  let carry: Buffer | undefined;
  let carryAt = 0;
  let overflow = false;
  let pos = at;
  const long = (head: Buffer, from: number): RawLines => {
    const b = head.subarray(0, 200);
    return { buf: b, p: 0, end: b.length, at: from, tooLong: true };
  };
  for await (const raw of chunks) {
    const buf = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const chunkAt = pos;
    pos += buf.length;
    const nul = buf.indexOf(0);
    const len = nul === -1 ? buf.length : nul;
    let p = 0;
    if (carry || overflow) {
      const nl = buf.subarray(0, len).indexOf(10);
      if (nl === -1) {
        if (nul !== -1) assertText(buf, chunkAt, name);
        if (!overflow) {
          carry = Buffer.concat([carry as Buffer, buf]);
          if (carry.length > maxBytes) {
            overflow = true;
            carry = Buffer.from(carry.subarray(0, 200));
          }
        }
        continue;
      }
      if (overflow) yield long(carry as Buffer, carryAt);
      else {
        const joined = Buffer.concat([carry as Buffer, buf.subarray(0, nl + 1)]);
        if (withoutCr(joined, 0, joined.length - 1) > maxBytes) yield long(joined, carryAt);
        else yield { buf: joined, p: 0, end: joined.length, at: carryAt };
      }
      carry = undefined;
      overflow = false;
      p = nl + 1;
    }
    const last = len > p ? buf.lastIndexOf(10, len - 1) : -1;
    const whole = last < p ? p : last + 1;
    if (whole > p) yield { buf, p, end: whole, at: chunkAt };
    if (nul !== -1) assertText(buf, chunkAt, name);
    if (whole < len) {
      carryAt = chunkAt + whole;
      if (len - whole > maxBytes) {
        overflow = true;
        carry = Buffer.from(buf.subarray(whole, whole + 200));
      } else carry = Buffer.from(buf.subarray(whole, len));
    }
  }
  if (overflow) yield long(carry as Buffer, carryAt);
  else if (carry && carry.length > 0) yield { buf: carry, p: 0, end: carry.length, at: carryAt };
}
