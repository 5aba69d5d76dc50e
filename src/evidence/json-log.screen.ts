// The JavaScript screen of JSON-lines logs: each line judged on its raw bytes (the time key found, the number
// or string after it read) so that only lines that may be inside the window pay for JSON.parse. It runs alone
// when the WebAssembly kernel is off or cannot judge a line, and on the lines the kernel lists.
import { AppError } from '../domain/errors.js';
import type { Candidate } from './candidate.js';
import { MAX_LINE_BYTES } from './lines.js';
import { epochToMs, parseTimeValue } from './time.js';

/** A byte before a key's quote that makes it an escaped quote inside another key (`{"a \\"time":1}`). */
export const BACKSLASH = 0x5c;

/** The error that stops the reading at binary content. */
export function binaryContent(file: string, at: number): AppError {
  return new AppError(
    'unsupported',
    `${file}: binary content (NUL byte at offset ${at}); reading stopped there`,
  );
}

/** Read the time value that starts at byte `k` (after the key's colon) without parsing the line. */
export function timeAt(buf: Buffer, k: number, e: number, zone: string | undefined): number | undefined {
  while (k < e && buf[k] === 0x20) k += 1;
  const c = buf[k] as number;
  if (c >= 0x30 && c <= 0x39) {
    let v = 0;
    let q = k;
    let d: number;
    while (q < e && (d = buf[q] as number) >= 0x30 && d <= 0x39) {
      v = v * 10 + (d - 0x30);
      q += 1;
    }
    if (buf[q] === 0x2e) {
      // A fraction (epoch seconds with decimals): rare, read it the slow way.
      let r = q + 1;
      while (r < e && (buf[r] as number) >= 0x30 && (buf[r] as number) <= 0x39) r += 1;
      return epochToMs(Number(buf.toString('latin1', k, r)));
    }
    return epochToMs(v);
  }
  if (c === 0x22) {
    const end = buf.indexOf(0x22, k + 1);
    if (end === -1 || end > e || end - k > 48) return undefined;
    return parseTimeValue(buf.toString('latin1', k + 1, end), zone);
  }
  return undefined;
}

/**
 * The scan's state, shared by the screens and the record mapper: the line number, where the time key sat in
 * the previous line (most loggers write fields in a fixed order), and `"time":` once the first record told
 * which key holds the time.
 */
export interface ScanState {
  lineNo: number;
  guess: number;
  filtered: number;
  key: Buffer | undefined;
  lo: number;
  hi: number;
  zone: string | undefined;
  windowed: boolean;
  /** Set when the reader seeked (seek.ts): the byte offset of the line being read, which names it in links. */
  byteAt?: number;
  /** The time the record mapper read from the line it was given last (undefined: none), for seek's order check. */
  lineMs?: number;
  /** The leading digits every 13-digit epoch-ms instant of the window shares (none when the bounds differ in length). */
  gate: Uint8Array | undefined;
  dvOf?: Buffer;
  dv?: DataView;
  wordsOf?: Buffer;
  words?: number[];
}

function word(b: Uint8Array | undefined, at: number): number {
  return b && b.length >= 4 ? new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at, true) : 0;
}

/**
 * The hot loop, a plain function on locals so it compiles tight: screen each complete line of `buf` from `p`
 * on its raw bytes (find the time key, read the number or string after it) and hand only lines that may be in
 * the window to `parse`. Returns where the unfinished last line starts.
 */
export function screen(
  buf: Buffer,
  p: number,
  st: ScanState,
  out: Candidate[],
  parse: (buf: Buffer, s: number, e: number, lineNo: number) => Candidate | undefined,
  limit = Infinity,
): number {
  let lineNo = st.lineNo;
  let guess = st.guess;
  let filtered = 0;
  const key = st.key;
  const kl = key ? key.length : 0;
  const { lo, hi, zone } = st;
  const screening = st.windowed && key !== undefined;
  let keyAhead = -1; // the key's next position beyond the current line, or buf.length when there is none
  const gate = st.gate;
  const gl = gate ? gate.length : 0;
  // Views and key words are made once per chunk and per key, not per call: the kernel calls this per line.
  if (st.dvOf !== buf) {
    st.dvOf = buf;
    st.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  const dv = st.dv as DataView;
  if (st.words === undefined || st.wordsOf !== key) {
    st.wordsOf = key;
    st.words = [word(key, 0), word(key, kl - 4), word(gate, 0), word(gate, gl - 4)];
  }
  const [k0, k1, g0, g1] = st.words as [number, number, number, number];
  for (;;) {
    const nl = buf.indexOf(10, p);
    if (nl === -1 || nl >= limit) break;
    lineNo += 1;
    if (screening && nl - p <= MAX_LINE_BYTES) {
      let k = -1;
      const g = p + guess;
      if (guess > 0 && g + kl <= nl && buf[g - 1] !== BACKSLASH) {
        // Two overlapping 32-bit reads compare the whole key: one load each in optimised code.
        if (kl >= 4) {
          if (dv.getUint32(g, true) === k0 && dv.getUint32(g + kl - 4, true) === k1) k = g + kl;
        } else {
          let j = 0;
          while (j < kl && buf[g + j] === (key as Buffer)[j]) j += 1;
          if (j === kl) k = g + kl;
        }
      }
      if (k === -1 && keyAhead < nl) {
        // With a limit (one line the kernel listed) the search stays inside it: buf may be the whole memory.
        const at =
          keyAhead >= p
            ? keyAhead
            : limit === Infinity
              ? buf.indexOf(key as Buffer, p)
              : ((i) => (i === -1 ? -1 : p + i))(buf.subarray(p, limit).indexOf(key as Buffer));
        if (at === -1) keyAhead = buf.length;
        else if (at < nl) {
          // Behind a backslash it is an escaped quote inside another key: JSON.parse decides this line.
          if (buf[at - 1] !== BACKSLASH) {
            k = at + kl;
            guess = at - p;
          }
        } else keyAhead = at;
      }
      if (k !== -1) {
        let ms: number | undefined;
        const c0 = buf[k] as number;
        // Gate: a 13-digit epoch-ms value whose leading digits differ from what every instant of the window
        // shares is outside it, without reading the rest of the number.
        let gated = false;
        if (gl > 0 && c0 >= 0x30 && c0 <= 0x39 && k + 14 <= nl) {
          let same: boolean;
          if (gl >= 4) same = dv.getUint32(k, true) === g0 && dv.getUint32(k + gl - 4, true) === g1;
          else {
            let j = 0;
            while (j < gl && buf[k + j] === (gate as Uint8Array)[j]) j += 1;
            same = j === gl;
          }
          if (!same) {
            const d12 = buf[k + 12] as number;
            const d13 = buf[k + 13] as number;
            gated = d12 >= 0x30 && d12 <= 0x39 && !(d13 >= 0x30 && d13 <= 0x39);
          }
        }
        if (gated) {
          filtered += 1;
          p = nl + 1;
          continue;
        }
        if (c0 >= 0x30 && c0 <= 0x39) {
          let v = 0;
          let q = k;
          let d = c0;
          while (q < nl && (d = buf[q] as number) >= 0x30 && d <= 0x39) {
            v = v * 10 + (d - 0x30);
            q += 1;
          }
          // A fraction or an exponent (1e30) is read whole by timeAt, not as the digits before it.
          const whole = buf[q] === 0x2e || buf[q] === 0x65 || buf[q] === 0x45;
          ms = whole ? timeAt(buf, k, nl, zone) : v >= 1e11 && v < 1e14 ? v : epochToMs(v);
        } else ms = timeAt(buf, k, nl, zone);
        if (ms !== undefined && (ms < lo || ms > hi)) {
          filtered += 1;
          p = nl + 1;
          continue;
        }
      }
    }
    st.lineNo = lineNo;
    const c = parse(buf, p, nl, lineNo);
    if (c) out.push(c);
    p = nl + 1;
  }
  st.lineNo = lineNo;
  st.guess = guess;
  st.filtered += filtered;
  return p;
}

/** The digits shared by the 13-digit epoch-ms forms of both window bounds, or undefined when there are none. */
export function epochGate(lo: number, hi: number): Uint8Array | undefined {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return undefined;
  const a = String(Math.floor(lo));
  const b = String(Math.floor(hi));
  if (a.length !== 13 || b.length !== 13) return undefined;
  let n = 0;
  while (n < 13 && a[n] === b[n]) n += 1;
  return n === 0 ? undefined : Buffer.from(a.slice(0, n), 'latin1');
}
