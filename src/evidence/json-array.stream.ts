/** Largest single array element (one message, one log entry) read; bigger ones are skipped and counted. */
export const MAX_ELEMENT_BYTES = 1024 * 1024;

/** One object element of a JSON array, as text, with the line it starts on; `tooLong` when it was skipped. */
export interface JsonElement {
  line: number;
  text: string;
  tooLong: boolean;
}

export interface JsonArrayResult {
  /** 'array' when the document is an array, 'object' when it is an object, 'other' otherwise. */
  root: 'array' | 'object' | 'other' | 'empty';
  /** True when the document ended before its closing bracket. */
  truncated: boolean;
}

const BRACE_OPEN = 0x7b;
const BRACE_CLOSE = 0x7d;
const BRACKET_OPEN = 0x5b;
const BRACKET_CLOSE = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const NEWLINE = 0x0a;

/**
 * Stream the object elements of a JSON array without reading the document whole: the root array, or the
 * array under `arrayKey` of a root object (`{"log_entries":[…]}`, `{"value":[…]}`). Memory is one chunk plus
 * one element at most `maxElement` bytes. The result (root kind, truncation) is set when the stream ends.
 */
export async function* streamJsonArray(
  chunks: AsyncIterable<Uint8Array>,
  options: { arrayKeys?: readonly string[]; maxElement?: number; result?: JsonArrayResult } = {},
): AsyncGenerator<JsonElement> {
  const keys = new Set(options.arrayKeys ?? []);
  const max = options.maxElement ?? MAX_ELEMENT_BYTES;
  const result = options.result ?? { root: 'empty', truncated: false };
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  let arrayDepth = -1; // depth inside the array whose elements we yield
  let capturing = false;
  let captureStart = 0;
  let captureLine = 0;
  let parts: Buffer[] = [];
  let partsLength = 0;
  let tooLong = false;
  // The last string key seen at depth 1 of a root object, to recognise `"log_entries": [`.
  let keyBytes: number[] = [];
  let collectingKey = false;
  let lastKey = '';
  let sawColon = false;

  for await (const raw of chunks) {
    const chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    if (capturing) captureStart = 0;
    for (let i = 0; i < chunk.length; i += 1) {
      const c = chunk[i] as number;
      if (c === NEWLINE) line += 1;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === BACKSLASH) escaped = true;
        else if (c === QUOTE) {
          inString = false;
          if (collectingKey) {
            collectingKey = false;
            lastKey = Buffer.from(keyBytes).toString('utf8');
            sawColon = false;
          }
        } else if (collectingKey && keyBytes.length < 256) keyBytes.push(c);
        continue;
      }
      if (c === QUOTE) {
        inString = true;
        if (depth === 1 && result.root === 'object' && !capturing) {
          collectingKey = true;
          keyBytes = [];
        }
        continue;
      }
      if (c === 0x3a && depth === 1) sawColon = true;
      if (c === BRACE_OPEN || c === BRACKET_OPEN) {
        if (depth === 0) {
          result.root = c === BRACKET_OPEN ? 'array' : 'object';
          if (c === BRACKET_OPEN) arrayDepth = 1;
        } else if (
          depth === 1 &&
          c === BRACKET_OPEN &&
          result.root === 'object' &&
          sawColon &&
          keys.has(lastKey)
        ) {
          arrayDepth = 2;
        }
        if (depth === arrayDepth && c === BRACE_OPEN && !capturing) {
          capturing = true;
          captureStart = i;
          captureLine = line;
          parts = [];
          partsLength = 0;
          tooLong = false;
        }
        depth += 1;
        continue;
      }
      if (c === BRACE_CLOSE || c === BRACKET_CLOSE) {
        depth -= 1;
        if (depth === 1 && result.root === 'object') sawColon = false;
        if (capturing && depth === arrayDepth) {
          capturing = false;
          if (!tooLong) parts.push(chunk.subarray(captureStart, i + 1));
          const text = tooLong ? '' : Buffer.concat(parts).toString('utf8');
          parts = [];
          yield { line: captureLine, text, tooLong };
        } else if (depth === arrayDepth - 1) {
          arrayDepth = -1;
        }
        if (depth < 0) depth = 0;
        continue;
      }
      if (depth === 0 && c > 0x20 && result.root === 'empty') result.root = 'other';
    }
    if (capturing && !tooLong) {
      const piece = chunk.subarray(captureStart);
      partsLength += piece.length;
      if (partsLength > max) {
        tooLong = true;
        parts = [];
      } else parts.push(Buffer.from(piece));
    }
  }
  if (capturing || depth > 0 || inString) result.truncated = true;
}
