import { LEVELS } from './candidate.js';
import { levelOf } from './source.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const LEVEL_KEY = Buffer.from('"level"');

/**
 * The level of a JSON-lines record read from its raw bytes, as a position in LEVELS, when that can be told
 * for certain without parsing it: the line's one `"level"` key, at the top of the object (not inside a
 * nested one, nor inside a string), with a number or a known level word as its value. Undefined otherwise
 * (no such key, two of them — JSON.parse keeps the last —, or any other value): then the record is parsed and
 * judged as before. Reading the level this way lets a `--min-level` filter drop most lines of a large log
 * before the costly JSON.parse.
 */
export function rawLevel(buf: Uint8Array, s: number, e: number): number | undefined {
  const line = Buffer.from(buf.buffer, buf.byteOffset + s, e - s);
  const at = line.indexOf(LEVEL_KEY);
  if (at < 0 || line.indexOf(LEVEL_KEY, at + LEVEL_KEY.length) >= 0) return undefined;
  // The key must be at depth one outside any string: walk the bytes before it.
  let depth = 0;
  let inString = false;
  for (let i = 0; i < at; i += 1) {
    const c = line[i]!;
    if (inString) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === 0x7b || c === 0x5b) depth += 1;
    else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  if (inString || depth !== 1) return undefined;
  let p = at + LEVEL_KEY.length;
  while (p < line.length && (line[p] === 0x20 || line[p] === 0x09)) p += 1;
  if (line[p] !== 0x3a) return undefined;
  p += 1;
  while (p < line.length && (line[p] === 0x20 || line[p] === 0x09)) p += 1;
  let value: unknown;
  if (line[p] === QUOTE) {
    const end = line.indexOf(QUOTE, p + 1);
    // Level words are short plain letters; anything else (escapes, long text) is left to JSON.parse.
    if (end < 0 || end - p > 16) return undefined;
    const word = line.toString('latin1', p + 1, end);
    if (!/^[A-Za-z]+$/.test(word)) return undefined;
    value = word;
  } else {
    let q = p;
    while (q < line.length && line[q]! >= 0x30 && line[q]! <= 0x39) q += 1;
    // Plain integers only, ended by a separator (not 3.5, not 1e3).
    if (q === p || q - p > 6 || (line[q] !== 0x2c && line[q] !== 0x7d && line[q] !== 0x20)) return undefined;
    value = Number(line.toString('latin1', p, q));
  }
  const level = levelOf(value);
  return level === undefined ? undefined : LEVELS.indexOf(level);
}
