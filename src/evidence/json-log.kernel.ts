// The kernel driver of the JSON-lines reader: with a window, the WebAssembly kernel screens whole chunks and
// lists the few lines that may be inside (or that it cannot judge); the JavaScript screen then judges only
// those, and the record mapper parses what is left. Without the kernel (turned off, no key yet, or no
// WebAssembly) the JavaScript screen does all of it. For a big file on disk, the ranges the kernel screens in
// two threads (json-log.ranges.ts) are judged here too, in file order.
import type { Candidate } from './candidate.js';
import { RangeScreen, type ParallelOptions } from './json-log.ranges.js';
import type { RecordMapper } from './json-log.record.js';
import { type ScanState, binaryContent, screen } from './json-log.screen.js';
import { INPUT_CAP, LIST_CAP, type LineScreen } from './line-screen.wasm.js';
import { MAX_LINE_BYTES } from './lines.js';
import type { ReaderContext } from './source.js';

export class KernelDriver {
  /** Where the kernel met a NUL byte in the chunk screened last (a position in that chunk), else -1. */
  nul = -1;
  private key: Buffer | undefined;
  private ok: boolean;

  constructor(
    readonly kernel: LineScreen | null,
    private readonly state: ScanState,
    private readonly parse: RecordMapper,
    private readonly ctx: ReaderContext,
  ) {
    this.ok = kernel !== null;
  }

  /** The kernel, configured for the current key, or null when JavaScript screens alone. */
  ready(): LineScreen | null {
    const key = this.state.key;
    if (!this.kernel || !this.ok || !key) return null;
    if (this.key !== key) {
      this.key = key;
      this.ok = this.kernel.configure(key, this.state.lo, this.state.hi, MAX_LINE_BYTES);
    }
    return this.ok ? this.kernel : null;
  }

  /**
   * Judge the lines the kernel listed (`listed` (start, end, line) triples from list[at]) out of the `counted`
   * it screened; the others were outside the window.
   */
  judge(
    buf: Buffer,
    list: Int32Array,
    at: number,
    listed: number,
    counted: number,
    shift: number,
    out: Candidate[],
  ): void {
    const state = this.state;
    const base = state.lineNo;
    for (let i = 0; i < listed; i += 1) {
      const j = at + i * 3;
      const index = list[j + 2] as number;
      const s0 = (list[j] as number) + shift;
      const e0 = (list[j + 1] as number) + shift;
      if (index < 0) {
        // The kernel read the time and found it inside the window: straight to the parse.
        state.lineNo = base - index;
        const c = this.parse(buf, s0, e0);
        if (c) out.push(c);
      } else {
        state.lineNo = base + index - 1;
        screen(buf, s0, state, out, this.parse, e0 + 1);
      }
    }
    state.lineNo = base + counted;
    state.filtered += counted - listed;
  }

  /** Screen memory[at, end) with the kernel, judging what it lists; returns where the next line starts in buf. */
  drain(k: LineScreen, buf: Buffer, at: number, end: number, shift: number, out: Candidate[]): number {
    for (;;) {
      const listed = k.screen(at, end, this.state.guess);
      this.judge(buf, k.list, 0, listed, k.lines, shift, out);
      at = k.pos;
      if (k.nul !== -1) {
        this.nul = k.nul + shift;
        break;
      }
      if (listed < LIST_CAP) break;
    }
    return at + shift;
  }

  /** Screen the complete lines of buf from p; returns where the unfinished last line starts. */
  scan(buf: Buffer, p: number, out: Candidate[]): number {
    const state = this.state;
    state.filtered = 0;
    this.nul = -1;
    let rest: number;
    const k = this.ready();
    const inPlace = k !== null && buf.buffer === k.memory;
    if (k && (inPlace || buf.length - p <= INPUT_CAP)) {
      // shift: a position in the kernel's memory plus shift is the same byte's position in buf.
      if (inPlace)
        rest = this.drain(k, buf, buf.byteOffset + p, buf.byteOffset + buf.length, -buf.byteOffset, out);
      else {
        k.input.set(buf.subarray(p), 0);
        rest = this.drain(k, buf, 0, buf.length - p, p, out);
      }
    } else {
      rest = screen(buf, p, state, out, this.parse);
    }
    this.ctx.stats.filtered += state.filtered;
    return rest;
  }

  /**
   * The rest of the file from `handoff` (a line start) in ranges, screened by this thread and a worker, judged
   * here in file order: a chunk of candidates per range. `reported` is how many bytes progress has counted.
   */
  *ranges(
    path: string,
    file: string,
    handoff: number,
    reported: number,
    parallel: ParallelOptions,
    tooLong: () => void,
  ): Generator<Candidate[]> {
    const k = this.kernel as LineScreen;
    const state = this.state;
    const ranges = new RangeScreen(
      k,
      path,
      handoff,
      MAX_LINE_BYTES,
      state.key as Buffer,
      state.guess,
      parallel,
    );
    const mem = Buffer.from(k.memory);
    const mem32 = new Int32Array(k.memory);
    let binaryAt = -1;
    try {
      for (let r = 0; r < ranges.plan.ranges; r += 1) {
        const res = ranges.take(r, state.guess);
        const found: Candidate[] = [];
        state.filtered = 0;
        this.nul = -1;
        if (res.prefixNul !== -1) binaryAt = res.fileOffset(res.prefixNul);
        else {
          this.judge(mem, mem32, res.listIndex, res.listed, res.lines, 0, found);
          this.nul = res.nul;
          // More listed lines than the slot's list holds: this thread screens the rest of the range.
          if (this.nul === -1 && res.pos < res.kend) this.drain(k, mem, res.pos, res.kend, 0, found);
          if (this.nul !== -1) binaryAt = res.fileOffset(this.nul);
          else if (res.stopNul !== -1) binaryAt = res.fileOffset(res.stopNul);
          else if (res.overlong) {
            state.lineNo += 1;
            tooLong();
            if (res.lateNul !== -1) binaryAt = res.fileOffset(res.lateNul);
          } else if (res.unterminated) {
            state.lineNo += 1;
            const c = this.parse(mem, res.tailStart, res.tailEnd);
            if (c) found.push(c);
          }
        }
        this.ctx.stats.filtered += state.filtered;
        ranges.release(r);
        if (res.to > reported) {
          this.ctx.progress(res.to - reported);
          reported = res.to;
        }
        if (found.length > 0) yield found;
        if (binaryAt !== -1) throw binaryContent(file, binaryAt);
      }
    } finally {
      ranges.close();
    }
  }
}
