import type { Candidate } from './candidate.js';
import { KernelDriver } from './json-log.kernel.js';
import { parallelWorth } from './json-log.ranges.js';
import { jsonLineTime, jsonRecordMapper, lineWhere } from './json-log.record.js';
import { type ScanState, binaryContent, epochGate } from './json-log.screen.js';
import { lineScreen } from './line-screen.wasm.js';
import { MAX_LINE_BYTES, rawLines } from './lines.js';
import { OrderCheck, planSeek, readRange } from './seek.js';
import { type EntryReader, seekFrom, baseName } from './source.js';

export { epochGate } from './json-log.screen.js';

/**
 * JSON-lines logs, the chunk loop: chunks are cut into lines (a line cut at a chunk's end is carried to the
 * next), screened by the kernel driver (json-log.kernel.ts: the WebAssembly kernel, then the JavaScript screen
 * of json-log.screen.ts) and mapped to candidates (json-log.record.ts). With a time window, lines are first
 * screened on their raw bytes (the time field is found and read without parsing the JSON), so only lines
 * inside the window pay for JSON.parse; that keeps a multi-gigabyte log close to the speed of reading it.
 */
export const readJsonLog: EntryReader = async function* (entry, ctx) {
  const { from, to } = ctx.options;
  const windowed = from !== undefined || to !== undefined;
  const lo = from ?? -Infinity;
  const hi = to ?? Infinity;
  let carry: Buffer | undefined;
  let overflow = false;
  let consumed = 0;
  let binaryAt = -1;
  const file = entry.name;
  const service = baseName(file).replace(/\.(jsonl|ndjson|json|log)$/i, '');

  const state: ScanState = {
    lineNo: 0,
    guess: -1,
    filtered: 0,
    key: undefined,
    lo,
    hi,
    zone: ctx.options.zone,
    windowed,
    gate: epochGate(lo, hi),
  };
  const tooLong = () => ctx.skip(lineWhere(file, state), `line is longer than ${MAX_LINE_BYTES / 1024} KB`);
  const handle = jsonRecordMapper(file, service, ctx, state, tooLong);

  // A big time-ordered file on disk: bisected to the window, and only that part read (seek.ts).
  const seek =
    windowed &&
    seekFrom(ctx.options) !== undefined &&
    entry.blocking === true &&
    entry.path !== undefined &&
    entry.size !== undefined
      ? planSeek(entry.path, entry.size, lo, hi, jsonLineTime(ctx.options.zone), seekFrom(ctx.options))
      : undefined;
  if (seek) {
    const path = entry.path as string;
    const order = new OrderCheck();
    state.byteAt = seek.start;
    yield* readPart(path, file, seek.start, seek.stop, state, handle, tooLong, order);
    ctx.progress(seek.stop - seek.start);
    if (order.broken) {
      // Not in time order after all: the rest of the file is read too.
      yield* readPart(path, file, 0, seek.start, state, handle, tooLong, undefined);
      yield* readPart(path, file, seek.stop, entry.size as number, state, handle, tooLong, undefined);
    }
    ctx.stats.lines += state.lineNo;
    return;
  }
  // A file on disk is read straight into the kernel's memory, so the bytes are copied once (from the page
  // cache) and scanned once; a big one is handed to two threads once the first chunk told the key.
  const ranged =
    entry.blocking === true &&
    entry.path !== undefined &&
    entry.size !== undefined &&
    parallelWorth(entry.size, ctx.options.parallel);
  const useKernel = windowed && ctx.options.kernel !== false;
  const driver = new KernelDriver(useKernel ? (lineScreen(ranged) ?? null) : null, state, handle, ctx);
  const kernel = driver.kernel;

  // Where the two-thread screen takes over (a line start), once the first chunk told the key; -1: it does not.
  let handoff = -1;
  for await (const raw of entry.open(kernel ? kernel.input : undefined)) {
    const whole = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    // Lines before binary content are still read; the error comes where the binary content starts. When the
    // kernel screens this chunk where it lies, it finds NUL bytes itself; only a carried line's end is checked here.
    const k = driver.ready();
    let nul: number;
    if (k && whole.buffer === k.memory) {
      const nl = carry || overflow ? whole.indexOf(10) : 0;
      nul = whole.subarray(0, nl === -1 ? whole.length : nl).indexOf(0);
    } else nul = whole.indexOf(0);
    const buf = nul === -1 ? whole : whole.subarray(0, nul);
    if (nul !== -1) binaryAt = consumed + nul;
    const chunkAt = consumed;
    consumed += whole.length;
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
    p = driver.scan(buf, p, found);
    if (driver.nul !== -1 && binaryAt === -1) binaryAt = chunkAt + driver.nul;
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
      driver.ready() !== null &&
      parallelWorth(entry.size - (chunkAt + p), ctx.options.parallel)
    ) {
      handoff = chunkAt + p;
      break;
    }
  }
  if (handoff !== -1) {
    // The rest of the file in ranges, screened by this thread and a worker; taken here in file order. After
    // them (they read to the end) nothing is carried.
    carry = undefined;
    yield* driver.ranges(entry.path as string, file, handoff, consumed, ctx.options.parallel || {}, tooLong);
  }
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

/**
 * The lines of the file's bytes [start, stop) after a seek, each named by its byte offset, mapped one by one
 * (a window's worth: no kernel). With `order`, the time of each line is checked against the order the seek
 * assumed.
 */
async function* readPart(
  path: string,
  file: string,
  start: number,
  stop: number,
  state: ScanState,
  handle: (buf: Buffer, s: number, e: number) => Candidate | undefined,
  tooLong: () => void,
  order: OrderCheck | undefined,
): AsyncGenerator<Candidate[]> {
  for await (const piece of rawLines(readRange(path, start, stop), file, start)) {
    const { buf, end, at } = piece;
    if (piece.tooLong) {
      state.lineNo += 1;
      state.byteAt = at + piece.p;
      tooLong();
      continue;
    }
    const found: Candidate[] = [];
    let p = piece.p;
    while (p < end) {
      let nl = buf.indexOf(10, p);
      if (nl === -1 || nl > end) nl = end;
      const s = p;
      p = nl + 1;
      state.lineNo += 1;
      state.byteAt = at + s;
      const c = handle(buf, s, nl);
      if (c) found.push(c);
      // The mapper read the line's time (from its bytes, or parsed): check the order the seek assumed.
      if (order && state.lineMs !== undefined) order.check(state.lineMs);
    }
    if (found.length > 0) yield found;
  }
}
