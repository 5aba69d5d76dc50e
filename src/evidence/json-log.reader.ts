import type { Candidate } from './candidate.js';
import { AppError } from '../domain/index.js';
import { RangeScreen, parallelWorth } from './json-log.ranges.js';
import { INPUT_CAP, LIST_CAP, type LineScreen, lineScreen } from './line-screen.wasm.js';
import { MAX_LINE_BYTES } from './lines.js';
import { oneLine } from './candidate.js';
import { rawLevel } from './raw-level.js';
import { type EntryReader, baseName, candidate, levelOf, str } from './source.js';
import { epochToMs, parseTimeValue } from './time.js';

/** A byte before a key's quote that makes it an escaped quote inside another key (`{"a \\"time":1}`). */
const BACKSLASH = 0x5c;
const TIME_KEYS = ['time', '@timestamp', 'timestamp', 'ts', 'datetime', 'date', 't'] as const;

/**
 * JSON-lines logs: pino (`time` epoch ms, numeric `level`), bunyan (`time` ISO), ECS (`@timestamp`,
 * `log.level`, `message`, dotted or nested keys). With a time window, lines are first screened on their raw
 * bytes (the time field is found and read without parsing the JSON), so only lines inside the window pay for
 * JSON.parse; that keeps a multi-gigabyte log close to the speed of reading it.
 */
export const readJsonLog: EntryReader = async function* (entry, ctx) {
  const { from, to, zone, minLevelIndex: minLevel } = ctx.options;
  const windowed = from !== undefined || to !== undefined;
  const lo = from ?? -Infinity;
  const hi = to ?? Infinity;
  let carry: Buffer | undefined;
  let overflow = false;
  let consumed = 0;
  let binaryAt = -1;
  const file = entry.name;
  const service = baseName(file).replace(/\.(jsonl|ndjson|json|log)$/i, '');

  const tooLong = () =>
    ctx.skip(`${file}:${state.lineNo}`, `line is longer than ${MAX_LINE_BYTES / 1024} KB`);
  const handle = (buf: Buffer, s: number, e: number): Candidate | undefined => {
    if (e > s && buf[e - 1] === 13) e -= 1;
    if (e <= s) return undefined;
    if (e - s > MAX_LINE_BYTES) {
      tooLong();
      return undefined;
    }
    const key = state.key;
    if (windowed && key) {
      const kl = key.length;
      let k = -1;
      const guess = state.guess;
      const g = s + guess;
      if (guess > 0 && g + kl <= e && buf[g - 1] !== BACKSLASH) {
        let same = true;
        for (let j = 0; j < kl; j += 1) {
          if (buf[g + j] !== key[j]) {
            same = false;
            break;
          }
        }
        if (same) k = g + kl;
      }
      if (k === -1) {
        const rel = buf.subarray(s, e).indexOf(key);
        if (rel > 0 && buf[s + rel - 1] !== BACKSLASH) {
          k = s + rel + kl;
          state.guess = rel;
        }
      }
      if (k !== -1) {
        const ms = timeAt(buf, k, e, zone);
        if (ms !== undefined && (ms < lo || ms > hi)) {
          ctx.stats.filtered += 1;
          return undefined;
        }
      }
    }
    if (minLevel !== undefined) {
      const level = rawLevel(buf, s, e);
      if (level !== undefined && level < minLevel) {
        ctx.stats.filtered += 1;
        return undefined;
      }
    }
    let obj: unknown;
    const line = buf.toString('utf8', s, e);
    try {
      obj = JSON.parse(line);
    } catch {
      ctx.skip(`${file}:${state.lineNo}`, 'not valid JSON');
      return undefined;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      ctx.skip(`${file}:${state.lineNo}`, 'not a JSON object');
      return undefined;
    }
    // Fields are read by name rather than through `pick`: this runs for every line in the window, and named
    // reads are what the engine makes fastest. Each chain keeps pick's order (a literal dotted key, then nested).
    const o = obj as Record<string, unknown>;
    let timeKey: string | undefined = 'time';
    let raw: unknown = o.time;
    if (raw === undefined || raw === null) {
      timeKey = undefined;
      raw = undefined;
      for (const k of TIME_KEYS) {
        const v = o[k];
        if (v !== undefined && v !== null) {
          timeKey = k;
          raw = v;
          break;
        }
      }
    }
    const ms = parseTimeValue(raw, zone);
    if (ms === undefined) {
      ctx.skip(
        `${file}:${state.lineNo}`,
        raw === undefined
          ? 'no time field'
          : `impossible or unreadable time ${JSON.stringify(raw).slice(0, 60)}`,
      );
      return undefined;
    }
    if (!key && timeKey) state.key = Buffer.from(`"${timeKey}":`);
    ctx.stats.records += 1;
    if (ms < lo || ms > hi) {
      ctx.stats.filtered += 1;
      return undefined;
    }
    const msg = str(
      o.msg ?? o.message ?? o['event.original'] ?? inner(o.event, 'original') ?? o.log ?? o.text,
    );
    const errMsg = str(
      o['err.message'] ?? inner(o.err, 'message') ?? o['error.message'] ?? inner(o.error, 'message'),
    );
    const text = msg && errMsg && errMsg !== msg ? `${msg}: ${errMsg}` : (msg ?? errMsg ?? '');
    const name =
      str(o['service.name'] ?? inner(o.service, 'name') ?? o.name ?? o.logger ?? o.logger_name ?? o.app) ??
      service;
    const host = str(o.hostname ?? o['host.name'] ?? inner(o.host, 'name') ?? o.host);
    const from = origin(name, host);
    return candidate({
      ms,
      format: 'json-log',
      source: from.source,
      channel: from.channel,
      clean: true,
      text: text || (e - s <= 2000 ? line : buf.toString('utf8', s, s + 2000)),
      actor: str(o['user.name'] ?? inner(o.user, 'name') ?? o.user),
      level: levelOf(
        o.level ?? o['log.level'] ?? inner(o.log, 'level') ?? o.severity ?? o.lvl ?? o.levelname,
      ),
      link: linkPrefix.length < 1000 ? `${linkPrefix}${state.lineNo}` : oneLine(`${file}:${state.lineNo}`),
      excerpt: e - s <= 4000 ? line : buf.toString('utf8', s, s + 4000),
    });
  };
  // Source and channel, cleaned once per service and host: a log has few of them and many lines.
  const linkPrefix = oneLine(`${file}:`);
  const origins = new Map<string, Map<string, { source: string; channel: string }>>();
  const origin = (name: string, host: string | undefined): { source: string; channel: string } => {
    let hosts = origins.get(name);
    const made = hosts?.get(host ?? '');
    if (made) return made;
    const o = { source: oneLine(`json-log ${name}${host ? `@${host}` : ''}`), channel: oneLine(name) };
    if (!hosts && origins.size < 256) origins.set(name, (hosts = new Map()));
    if (hosts && hosts.size < 256) hosts.set(host ?? '', o);
    return o;
  };

  // The scan's state, shared by the screens and `handle`: the line number, where the time key sat in the previous
  // line (most loggers write fields in a fixed order), and `"time":` once the first record told which key holds
  // the time.
  const state: ScanState = {
    lineNo: 0,
    guess: -1,
    filtered: 0,
    key: undefined,
    lo,
    hi,
    zone,
    windowed,
    gate: epochGate(lo, hi),
  };
  // With a window, the WebAssembly kernel screens whole chunks and lists the few lines that may be inside (or
  // that it cannot judge); the JavaScript screen below then judges only those. A file on disk is read straight
  // into the kernel's memory, so the bytes are copied once (from the page cache) and scanned once.
  const ranged =
    entry.blocking === true &&
    entry.path !== undefined &&
    entry.size !== undefined &&
    parallelWorth(entry.size, ctx.options.parallel);
  const kernel: LineScreen | null = windowed ? (lineScreen(ranged) ?? null) : null;
  let kernelKey: Buffer | undefined;
  let kernelOk = kernel !== null;
  /** The kernel, configured for the current key, or null when JavaScript screens alone. */
  const ready = (): LineScreen | null => {
    const key = state.key;
    if (!kernel || !kernelOk || !key) return null;
    if (kernelKey !== key) {
      kernelKey = key;
      kernelOk = kernel.configure(key, lo, hi, MAX_LINE_BYTES);
    }
    return kernelOk ? kernel : null;
  };
  let kernelNul = -1; // where the kernel met a NUL byte in the current chunk
  /**
   * Judge the lines the kernel listed (`listed` (start, end, line) triples from list[at]) out of the `counted`
   * it screened; the others were outside the window.
   */
  const judge = (
    buf: Buffer,
    list: Int32Array,
    at: number,
    listed: number,
    counted: number,
    shift: number,
    out: Candidate[],
  ) => {
    const base = state.lineNo;
    for (let i = 0; i < listed; i += 1) {
      const j = at + i * 3;
      const index = list[j + 2] as number;
      const s0 = (list[j] as number) + shift;
      const e0 = (list[j + 1] as number) + shift;
      if (index < 0) {
        // The kernel read the time and found it inside the window: straight to the parse.
        state.lineNo = base - index;
        const c = handle(buf, s0, e0);
        if (c) out.push(c);
      } else {
        state.lineNo = base + index - 1;
        screen(buf, s0, state, out, handle, e0 + 1);
      }
    }
    state.lineNo = base + counted;
    state.filtered += counted - listed;
  };
  /** Screen memory[at, end) with the kernel, judging what it lists; returns where the next line starts in buf. */
  const drain = (
    k: LineScreen,
    buf: Buffer,
    at: number,
    end: number,
    shift: number,
    out: Candidate[],
  ): number => {
    for (;;) {
      const listed = k.screen(at, end, state.guess);
      judge(buf, k.list, 0, listed, k.lines, shift, out);
      at = k.pos;
      if (k.nul !== -1) {
        kernelNul = k.nul + shift;
        break;
      }
      if (listed < LIST_CAP) break;
    }
    return at + shift;
  };
  const scan = (buf: Buffer, p: number, out: Candidate[]): number => {
    state.filtered = 0;
    let rest: number;
    const k = ready();
    const inPlace = k !== null && buf.buffer === k.memory;
    if (k && (inPlace || buf.length - p <= INPUT_CAP)) {
      // shift: a position in the kernel's memory plus shift is the same byte's position in buf.
      if (inPlace)
        rest = drain(k, buf, buf.byteOffset + p, buf.byteOffset + buf.length, -buf.byteOffset, out);
      else {
        k.input.set(buf.subarray(p), 0);
        rest = drain(k, buf, 0, buf.length - p, p, out);
      }
    } else {
      rest = screen(buf, p, state, out, handle);
    }
    ctx.stats.filtered += state.filtered;
    return rest;
  };

  // Where the two-thread screen takes over (a line start), once the first chunk told the key; -1: it does not.
  let handoff = -1;
  for await (const raw of entry.open(kernel ? kernel.input : undefined)) {
    const whole = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    // Lines before binary content are still read; the error comes where the binary content starts. When the
    // kernel screens this chunk where it lies, it finds NUL bytes itself; only a carried line's end is checked here.
    const k = ready();
    let nul: number;
    if (k && whole.buffer === k.memory) {
      const nl = carry || overflow ? whole.indexOf(10) : 0;
      nul = whole.subarray(0, nl === -1 ? whole.length : nl).indexOf(0);
    } else nul = whole.indexOf(0);
    const buf = nul === -1 ? whole : whole.subarray(0, nul);
    if (nul !== -1) binaryAt = consumed + nul;
    const chunkAt = consumed;
    consumed += whole.length;
    kernelNul = -1;
    let p = 0;
    if (carry || overflow) {
      const nl = buf.indexOf(10);
      if (nl === -1) {
        if (binaryAt !== -1) {
          // The carried line holds the NUL byte: reading stops in it (counted as too long if it is).
          if (overflow || (carry && carry.length + buf.length > MAX_LINE_BYTES)) {
            state.lineNo += 1;
            tooLong();
          }
          throw binaryContent(file, binaryAt);
        }
        if (!overflow && carry) {
          carry = Buffer.concat([carry, buf]);
          if (carry.length > MAX_LINE_BYTES) {
            overflow = true;
            carry = undefined;
          }
        }
        continue;
      }
      state.lineNo += 1;
      if (overflow) {
        tooLong();
        overflow = false;
      } else {
        const joined = Buffer.concat([carry as Buffer, buf.subarray(0, nl)]);
        const c = handle(joined, 0, joined.length);
        if (c) yield c;
      }
      carry = undefined;
      p = nl + 1;
    }
    const found: Candidate[] = [];
    p = scan(buf, p, found);
    if (kernelNul !== -1 && binaryAt === -1) binaryAt = chunkAt + kernelNul;
    if (found.length > 0) yield found;
    if (p < buf.length) {
      if (buf.length - p > MAX_LINE_BYTES) overflow = true;
      else carry = Buffer.from(buf.subarray(p));
    }
    if (binaryAt !== -1) throw binaryContent(file, binaryAt);
    if (
      ranged &&
      entry.size !== undefined &&
      !overflow &&
      state.guess > 0 &&
      ready() !== null &&
      parallelWorth(entry.size - (chunkAt + p), ctx.options.parallel)
    ) {
      handoff = chunkAt + p;
      break;
    }
  }
  if (handoff !== -1) {
    // The rest of the file in ranges, screened by this thread and a worker; taken here in file order.
    const k = kernel as LineScreen;
    carry = undefined;
    const ranges = new RangeScreen(
      k,
      entry.path as string,
      handoff,
      MAX_LINE_BYTES,
      state.key as Buffer,
      state.guess,
      ctx.options.parallel || {},
    );
    const mem = Buffer.from(k.memory);
    const mem32 = new Int32Array(k.memory);
    let reported = consumed;
    try {
      for (let r = 0; r < ranges.plan.ranges; r += 1) {
        const res = ranges.take(r, state.guess);
        const found: Candidate[] = [];
        state.filtered = 0;
        if (res.prefixNul !== -1) binaryAt = res.fileOffset(res.prefixNul);
        else {
          judge(mem, mem32, res.listIndex, res.listed, res.lines, 0, found);
          kernelNul = res.nul;
          // More listed lines than the slot's list holds: this thread screens the rest of the range.
          if (kernelNul === -1 && res.pos < res.kend) drain(k, mem, res.pos, res.kend, 0, found);
          if (kernelNul !== -1) binaryAt = res.fileOffset(kernelNul);
          else if (res.stopNul !== -1) binaryAt = res.fileOffset(res.stopNul);
          else if (res.overlong) {
            state.lineNo += 1;
            tooLong();
            if (res.lateNul !== -1) binaryAt = res.fileOffset(res.lateNul);
          } else if (res.unterminated) {
            state.lineNo += 1;
            const c = handle(mem, res.tailStart, res.tailEnd);
            if (c) found.push(c);
          }
        }
        ctx.stats.filtered += state.filtered;
        ranges.release(r);
        if (res.to > reported) {
          ctx.progress(res.to - reported);
          reported = res.to;
        }
        if (found.length > 0) yield found;
        if (binaryAt !== -1) throw binaryContent(file, binaryAt);
      }
    } finally {
      ranges.close();
    }
  }
  // After the ranges (which read to the end) nothing is carried.
  if (overflow) {
    state.lineNo += 1;
    tooLong();
  } else if (carry) {
    // The last line, without a newline: binary content stops the reading here too.
    const z = carry.indexOf(0);
    if (z !== -1) throw binaryContent(file, consumed - carry.length + z);
    state.lineNo += 1;
    const c = handle(carry, 0, carry.length);
    if (c) yield c;
  }
  ctx.stats.lines += state.lineNo;
};

/** A key of a nested object (`err` → `message`), or undefined when the value is not an object. */
function inner(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}

function binaryContent(file: string, at: number): AppError {
  return new AppError(
    'unsupported',
    `${file}: binary content (NUL byte at offset ${at}); reading stopped there`,
  );
}

/** Read the time value that starts at byte `k` (after the key's colon) without parsing the line. */
function timeAt(buf: Buffer, k: number, e: number, zone: string | undefined): number | undefined {
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

interface ScanState {
  lineNo: number;
  guess: number;
  filtered: number;
  key: Buffer | undefined;
  lo: number;
  hi: number;
  zone: string | undefined;
  windowed: boolean;
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
function screen(
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
