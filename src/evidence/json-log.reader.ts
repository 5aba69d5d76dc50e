import type { Candidate } from './candidate.js';
import { KernelDriver } from './json-log.kernel.js';
import { parallelWorth } from './json-log.ranges.js';
import { jsonRecordMapper } from './json-log.record.js';
import { type ScanState, binaryContent, epochGate } from './json-log.screen.js';
import { lineScreen } from './line-screen.wasm.js';
import { MAX_LINE_BYTES } from './lines.js';
import { type EntryReader, baseName } from './source.js';

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
  const tooLong = () =>
    ctx.skip(`${file}:${state.lineNo}`, `line is longer than ${MAX_LINE_BYTES / 1024} KB`);
  const handle = jsonRecordMapper(file, service, ctx, state, tooLong);
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
