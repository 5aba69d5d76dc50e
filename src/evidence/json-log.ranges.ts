import type * as Fs from 'node:fs';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type * as WorkerThreads from 'node:worker_threads';
import { Worker } from 'node:worker_threads';
import { AppError } from '../domain/index.js';
import { type KernelConfig, type LineScreen, SLOTS_AT } from './line-screen.wasm.js';

// A large log on disk, screened by two threads: the file is cut into ranges of two megabytes, and the main
// thread and one worker each claim the next unclaimed range, read it into a free slot of the kernel's shared
// memory and screen it there. A range whose lines were all screened out gives its slot back at once; one with
// lines left to judge keeps it until the main thread, which takes the ranges in file order, has judged them.
// So line numbers, messages and candidates come out exactly as a single pass makes them, and the worker runs
// ahead through screened-out ranges while the main thread builds candidates. The worker shares no JavaScript
// with the module: its code is `rangeWorker`, `screenRange`, `publish`, `takeSlot` and `giveSlot` below, sent
// as source, so they use nothing from outside their bodies.

/** Where each field of the control array is: the shared counters, the slots' owners, then one header per range. */
const LAYOUT = {
  /** The next range nobody has claimed yet. */
  next: 0,
  /** Ranges the main thread has finished with, in order. */
  consumed: 1,
  /** Set by the worker when it stops (finished, failed or told to stop); it touches no slot after. */
  done: 2,
  failed: 3,
  /** Set by the main thread when it stops early. */
  abort: 4,
  /** Counts slots given back, so that a thread waiting for one wakes up. */
  freed: 5,
  /** Ranges the worker has screened. */
  byWorker: 6,
  /** From here, per slot: 1 while a range holds it, 0 when it is free. */
  owners: 8,
  /** Results of range r at head + (r % headers) * fields; head is owners + the number of slots. */
  headers: 1024,
  fields: 13,
  /** The range whose results the header holds, plus one (0: none yet). */
  state: 0,
  /** Lines the kernel counted, and how many of them it listed (left for JavaScript to judge). */
  lines: 1,
  listed: 2,
  /** Where the kernel stopped, and where its screen was to end. */
  pos: 3,
  kend: 4,
  /** A NUL byte the kernel met inside the range's lines, or before the range's first line; else -1. */
  nul: 5,
  prefixNul: 6,
  /** 1: the last line is longer than the line limit; 2: the file ends in a line without a newline. */
  flags: 7,
  tailStart: 8,
  tailEnd: 9,
  /** The slot the range's bytes are in, or -1 when it gave the slot back (nothing left to judge). */
  slot: 10,
  /** A NUL byte inside the last line, beyond the line limit (so after it is counted as too long); else -1. */
  lateNul: 11,
  /** A NUL byte in the last line within the limit (the line the kernel did not screen); else -1. */
  stopNul: 12,
} as const;

/** What screenRange needs besides the range's number: plain data, sent to the worker as it is. */
export interface RangePlan {
  /** File offset where the first range starts; it is a line start. */
  start: number;
  size: number;
  /** Bytes per range, and how many ranges there are. */
  range: number;
  ranges: number;
  slots: number;
  /** Where the first slot is in the shared memory. */
  slotsAt: number;
  /** Bytes between two slots; a slot holds its range's bytes (dataCap) and then its list of lines. */
  stride: number;
  dataCap: number;
  listCap: number;
  maxLine: number;
  /** Where the first range header is in the control array. */
  head: number;
  layout: typeof LAYOUT;
}

/** A thread's means: its file descriptor, the shared memory as bytes, the control array and its kernel. */
interface RangeIo {
  fd: number;
  mem: Buffer;
  ctl: Int32Array;
  read: typeof readSync;
  screen(start: number, end: number, guess: number, cap: number, out: number): number;
  lines(): number;
  pos(): number;
  nul(): number;
}

/** One range's results, as the main thread reads them from its slot. Addresses are in the shared memory. */
export interface RangeResult {
  lines: number;
  listed: number;
  /** Where the listed (start, end, line) triples are, as an index into an Int32Array over the memory. */
  listIndex: number;
  pos: number;
  kend: number;
  nul: number;
  prefixNul: number;
  overlong: boolean;
  lateNul: number;
  stopNul: number;
  /** The file's last line, without a newline: [tailStart, tailEnd) when `unterminated`. */
  unterminated: boolean;
  tailStart: number;
  tailEnd: number;
  /** The file offset of a byte of this range's slot. */
  fileOffset(address: number): number;
  /** Where in the file the bytes this range stands for end, for the progress bar. */
  to: number;
}

/**
 * Read range `r` into slot `slot` and screen its lines with the kernel: a range owns the lines that start in
 * it, so it reads one byte before its start (to see whether a line starts there) and goes on past its end until
 * its last line ends (or proves longer than the limit). Writes the range's header and gives the slot back when
 * nothing in it is left to judge; `publish` then marks the range done. Runs in both threads, so it stays
 * self-contained.
 */
export function screenRange(r: number, slot: number, plan: RangePlan, io: RangeIo, guess: number): void {
  const L = plan.layout;
  const h = plan.head + (r % L.headers) * L.fields;
  const base = plan.slotsAt + slot * plan.stride;
  const a = plan.start + r * plan.range;
  const b = Math.min(a + plan.range, plan.size);
  const front = r === 0 ? 0 : 1;
  const mem = io.mem;
  const want = b - a + front;
  let n = 0;
  while (n < want) {
    const got = io.read(io.fd, mem, base + n, want - n, a - front + n);
    if (got === 0) break;
    n += got;
  }
  let end = base + n;
  let l0 = base + front;
  let prefixNul = -1;
  let flags = 0;
  let tailStart = 0;
  let tailEnd = 0;
  let lines = 0;
  let listed = 0;
  let pos = l0;
  let kend = l0;
  let nul = -1;
  let stopNul = -1;
  let lateNul = -1;
  owns: {
    if (front === 1) {
      // The line that runs into this range belongs to the range before; this one starts after its end.
      const nl = mem.subarray(base, end).indexOf(10);
      const z = mem.subarray(base, nl === -1 ? end : base + nl).indexOf(0);
      if (z !== -1) {
        prefixNul = base + z;
        break owns;
      }
      if (nl === -1) break owns;
      l0 = base + nl + 1;
      pos = l0;
      kend = l0;
    }
    if (l0 >= base + front + (b - a)) break owns;
    kend = end;
    if (mem[end - 1] !== 10) {
      // The last line goes on past the range: read on until it ends, the file ends, or it is too long.
      const lastNl = mem.subarray(l0, end).lastIndexOf(10);
      const lineStart = lastNl === -1 ? l0 : l0 + lastNl + 1;
      let at = b;
      let found = -1;
      while (found === -1 && at < plan.size && end - lineStart <= plan.maxLine) {
        const step = Math.min(
          base + plan.dataCap - end,
          plan.size - at,
          lineStart + plan.maxLine + 1 - end,
          Math.max(16_384, end - lineStart),
        );
        if (step <= 0) break;
        const got = io.read(io.fd, mem, end, step, at);
        if (got === 0) break;
        const i = mem.subarray(end, end + got).indexOf(10);
        if (i !== -1) found = end + i;
        end += got;
        at += got;
      }
      if (found !== -1) kend = found + 1;
      else {
        // The kernel screens up to this line; a NUL byte in it stops the reading there, as the kernel would
        // stop at its line, unless it lies beyond the limit: then it comes after the line is counted as too long.
        kend = lineStart;
        const z = mem.subarray(lineStart, end).indexOf(0);
        if (end - lineStart > plan.maxLine) {
          if (z !== -1 && z <= plan.maxLine) stopNul = lineStart + z;
          else {
            flags = 1;
            if (z !== -1) lateNul = lineStart + z;
          }
        } else if (z !== -1) stopNul = lineStart + z;
        else {
          flags = 2;
          tailStart = lineStart;
          tailEnd = end;
        }
      }
    }
    listed = io.screen(l0, kend, guess, plan.listCap, base + plan.dataCap);
    lines = io.lines();
    pos = io.pos();
    nul = io.nul();
  }
  const ctl = io.ctl;
  ctl[h + L.lines] = lines;
  ctl[h + L.listed] = listed;
  ctl[h + L.pos] = pos;
  ctl[h + L.kend] = kend;
  ctl[h + L.nul] = nul;
  ctl[h + L.prefixNul] = prefixNul;
  ctl[h + L.flags] = flags;
  ctl[h + L.tailStart] = tailStart;
  ctl[h + L.tailEnd] = tailEnd;
  ctl[h + L.lateNul] = lateNul;
  ctl[h + L.stopNul] = stopNul;
  // Screened out from start to end: the slot's bytes are not needed any more.
  const keep =
    listed > 0 ||
    pos < kend ||
    nul !== -1 ||
    prefixNul !== -1 ||
    lateNul !== -1 ||
    stopNul !== -1 ||
    flags === 2;
  ctl[h + L.slot] = keep ? slot : -1;
  if (!keep) {
    Atomics.store(ctl, L.owners + slot, 0);
    Atomics.add(ctl, L.freed, 1);
    Atomics.notify(ctl, L.freed);
  }
}

/** Range `r`'s header is complete: the main thread may read it. Self-contained: the worker runs it too. */
export function publish(ctl: Int32Array, plan: RangePlan, r: number): void {
  const at = plan.head + (r % plan.layout.headers) * plan.layout.fields + plan.layout.state;
  Atomics.store(ctl, at, r + 1);
  Atomics.notify(ctl, at);
}

/** Take a free slot (marking it held), or -1 when all are held. Self-contained: the worker runs it too. */
export function takeSlot(ctl: Int32Array, plan: RangePlan): number {
  for (let s = 0; s < plan.slots; s += 1)
    if (Atomics.compareExchange(ctl, plan.layout.owners + s, 0, 1) === 0) return s;
  return -1;
}

/** Give a slot back and wake a thread waiting for one. Self-contained: the worker runs it too. */
export function giveSlot(ctl: Int32Array, plan: RangePlan, slot: number): void {
  Atomics.store(ctl, plan.layout.owners + slot, 0);
  Atomics.add(ctl, plan.layout.freed, 1);
  Atomics.notify(ctl, plan.layout.freed);
}

/**
 * The worker's whole program (sent as source): take a slot, claim the next range, screen it; until no range is
 * left or the main thread stops. A slot is taken before a range is claimed, so every claimed range can finish
 * and the range the main thread waits for never lacks one.
 */
function rangeWorker(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const threads = require('node:worker_threads') as typeof WorkerThreads;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fs = require('node:fs') as typeof Fs;
  const d = threads.workerData as {
    plan: RangePlan;
    ctl: SharedArrayBuffer;
    memory: { buffer: SharedArrayBuffer };
    module: object;
    config: KernelConfig;
    path: string;
    guess: number;
    key: Uint8Array;
  };
  const plan = d.plan;
  const L = plan.layout;
  const ctl = new Int32Array(d.ctl);
  let guess = d.guess;
  let fd = -1;
  // The slot taken for the range being screened: given back if the screen fails.
  let held = -1;
  try {
    const wasm = (
      globalThis as unknown as {
        WebAssembly: { Instance: new (m: object, i: object) => { exports: unknown } };
      }
    ).WebAssembly;
    const ex = new wasm.Instance(d.module, { env: { memory: d.memory } }).exports as Record<
      string,
      { value: number | bigint }
    > & { screen(a: number, b: number, c: number, e: number, f: number): number };
    for (const key of ['maxline', 'klen', 'k0', 'k1', 'lo1', 'lo0', 'hi1', 'hi0'] as const)
      (ex[key] as { value: number | bigint }).value = d.config[key];
    fd = fs.openSync(d.path, 'r');
    const io: RangeIo = {
      fd,
      mem: Buffer.from(d.memory.buffer),
      ctl,
      read: fs.readSync,
      screen: (a, b, c, e, f) => ex.screen(a, b, c, e, f),
      lines: () => ex.lines?.value as number,
      pos: () => ex.pos?.value as number,
      nul: () => ex.nul?.value as number,
    };
    const stopped = () => Atomics.load(ctl, L.abort) !== 0;
    while (!stopped()) {
      const freed = Atomics.load(ctl, L.freed);
      const slot = takeSlot(ctl, plan);
      if (slot === -1) {
        Atomics.wait(ctl, L.freed, freed, 1000);
        continue;
      }
      held = slot;
      const r = Atomics.add(ctl, L.next, 1);
      if (r >= plan.ranges) break;
      // The range's header is free once the range that used it before is consumed.
      for (;;) {
        const c = Atomics.load(ctl, L.consumed);
        if (c > r - L.headers || stopped()) break;
        Atomics.wait(ctl, L.consumed, c, 1000);
      }
      if (stopped()) break;
      screenRange(r, slot, plan, io, guess);
      // From here the slot is the range's (given back by the main thread once it is consumed) or free again.
      held = -1;
      const h = plan.head + (r % L.headers) * L.fields;
      const listed = ctl[h + L.listed] as number;
      if (listed > 0 && listed * 2 > (ctl[h + L.lines] as number)) {
        // Most lines listed: the time key may have moved. Where it is in the first listed line is the new guess.
        const list = new Int32Array(d.memory.buffer, plan.slotsAt + slot * plan.stride + plan.dataCap, 2);
        const i = io.mem.subarray(list[0] as number, list[1] as number).indexOf(d.key);
        if (i > 0) guess = i;
      }
      publish(ctl, plan, r);
      Atomics.add(ctl, L.byWorker, 1);
    }
  } catch {
    Atomics.store(ctl, L.failed, 1);
  } finally {
    if (held !== -1) giveSlot(ctl, plan, held);
    if (fd !== -1) fs.closeSync(fd);
    Atomics.store(ctl, L.done, 1);
    // Wake the main thread wherever it waits: it then screens what the worker left.
    for (let i = 0; i < L.headers; i += 1) Atomics.notify(ctl, plan.head + i * L.fields + L.state);
  }
}

// Source text of the worker. `__name` covers compilers that wrap functions to keep their names.
const WORKER_SOURCE = [
  'var __name = (f) => f;',
  takeSlot.toString(),
  giveSlot.toString(),
  publish.toString(),
  screenRange.toString(),
  `(${rangeWorker.toString()})();`,
].join('\n');

/** How long the main thread waits for a range the worker claimed before it gives up (a hung disk, say). */
const STALL_MS = 60_000;

/** Settings for the two-thread screen; tests use small ranges to cross many range boundaries. */
export interface ParallelOptions {
  /** Files with fewer bytes left than this are screened by one thread (starting a worker costs ~30 ms). */
  minBytes?: number;
  rangeBytes?: number;
  slots?: number;
  /** False: the main thread screens every range itself (the same code path without the second thread). */
  worker?: boolean;
}

const DEFAULTS = { minBytes: 64 * 1024 * 1024, rangeBytes: 2 * 1024 * 1024, slots: 8 };

/** Whether a file with `bytes` left is worth two threads. */
export function parallelWorth(bytes: number, options: ParallelOptions | false | undefined): boolean {
  if (options === false) return false;
  if (bytes < (options?.minBytes ?? DEFAULTS.minBytes)) return false;
  return options?.worker === false || availableParallelism() >= 2;
}

/**
 * The ranges of a file from `start` (a line start) to its end, screened by this thread and a worker, handed
 * out in file order by `take`. The kernel must be configured for `key`, which sits `guess` bytes into the
 * lines so far; `close` stops the worker.
 */
export class RangeScreen {
  readonly plan: RangePlan;
  private readonly ctl: Int32Array;
  private readonly io: RangeIo;
  private worker: Worker | undefined;
  /** Ranges this thread screened (the rest were the worker's). */
  screenedHere = 0;

  constructor(
    kernel: LineScreen,
    path: string,
    start: number,
    maxLine: number,
    key: Uint8Array,
    guess: number,
    options: ParallelOptions = {},
  ) {
    let fd: number;
    let size: number;
    try {
      fd = openSync(path, 'r');
      size = fstatSync(fd).size;
    } catch (e) {
      throw new AppError('io', `${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
    const range = Math.max(4096, options.rangeBytes ?? DEFAULTS.rangeBytes);
    const slots = Math.max(2, options.slots ?? DEFAULTS.slots);
    const dataCap = Math.ceil((range + maxLine + 256) / 64) * 64;
    const listCap = Math.min(16_384, Math.ceil(range / 2) + 1);
    const stride = dataCap + listCap * 12;
    if (SLOTS_AT + slots * stride > kernel.memory.byteLength) {
      closeSync(fd);
      throw new Error(`ranges of ${range} bytes in ${slots} slots do not fit the kernel's memory`);
    }
    this.plan = {
      start,
      size,
      range,
      ranges: Math.max(0, Math.ceil((size - start) / range)),
      slots,
      slotsAt: SLOTS_AT,
      stride,
      dataCap,
      listCap,
      maxLine,
      head: LAYOUT.owners + slots,
      layout: LAYOUT,
    };
    this.ctl = new Int32Array(
      new SharedArrayBuffer(4 * (LAYOUT.owners + slots + LAYOUT.headers * LAYOUT.fields)),
    );
    this.io = {
      fd,
      mem: Buffer.from(kernel.memory),
      ctl: this.ctl,
      read: readSync,
      screen: (a, b, c, e, f) => kernel.screen(a, b, c, e, f),
      lines: () => kernel.lines,
      pos: () => kernel.pos,
      nul: () => kernel.nul,
    };
    if (options.worker !== false && this.plan.ranges > 1) {
      try {
        this.worker = this.startWorker(path, kernel, key, guess);
      } catch {
        // No second thread to be had: this one screens every range.
        Atomics.store(this.ctl, LAYOUT.done, 1);
      }
    } else Atomics.store(this.ctl, LAYOUT.done, 1);
  }

  private startWorker(path: string, kernel: LineScreen, key: Uint8Array, guess: number): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        plan: this.plan,
        ctl: this.ctl.buffer,
        memory: kernel.shared,
        module: kernel.module,
        config: kernel.config(),
        path,
        guess,
        key: Uint8Array.from(key),
      },
      // A bare worker: none of the parent's flags or loaders (`--import tsx`, say) to slow its start.
      execArgv: [],
      stdout: true,
      stderr: true,
    });
    // Failures are reported through the control array; the main thread then screens the rest itself.
    worker.on('error', () => undefined);
    worker.unref();
    return worker;
  }

  /**
   * The results of range `r`, screened here or by the worker; ranges are taken in order. While the worker is
   * on range r, this thread screens the next unclaimed one instead of waiting.
   */
  take(r: number, guess: number): RangeResult {
    const L = LAYOUT;
    const { ctl, plan, io } = this;
    const h = plan.head + (r % L.headers) * L.fields;
    const since = Date.now();
    for (;;) {
      const state = Atomics.load(ctl, h + L.state);
      if (state === r + 1) break;
      const next = Atomics.load(ctl, L.next);
      // Nobody has range r: screen it here. The worker stopped without finishing it: the same. The worker is on
      // it: screen the next unclaimed range meanwhile.
      const gone = next > r && Atomics.load(ctl, L.done) !== 0 && Atomics.load(ctl, h + L.state) !== r + 1;
      const target = next <= r || gone ? r : next;
      if (gone || (target < plan.ranges && target - r < L.headers)) {
        const slot = takeSlot(ctl, plan);
        if (slot !== -1) {
          if (gone || Atomics.compareExchange(ctl, L.next, target, target + 1) === target) {
            screenRange(target, slot, plan, io, guess);
            publish(ctl, plan, target);
            this.screenedHere += 1;
            continue;
          }
          giveSlot(ctl, plan, slot);
        }
      }
      if (Date.now() - since > STALL_MS)
        throw new AppError('io', 'reading the file stalled: the second reading thread stopped answering');
      Atomics.wait(ctl, h + L.state, state, 20);
    }
    const a = plan.start + r * plan.range;
    const slot = ctl[h + L.slot] as number;
    const base = plan.slotsAt + Math.max(0, slot) * plan.stride;
    const fileAt = a - (r === 0 ? 0 : 1) - base;
    const flags = ctl[h + L.flags] as number;
    return {
      lines: ctl[h + L.lines] as number,
      listed: ctl[h + L.listed] as number,
      listIndex: (base + plan.dataCap) >> 2,
      pos: ctl[h + L.pos] as number,
      kend: ctl[h + L.kend] as number,
      nul: ctl[h + L.nul] as number,
      prefixNul: ctl[h + L.prefixNul] as number,
      overlong: flags === 1,
      lateNul: ctl[h + L.lateNul] as number,
      stopNul: ctl[h + L.stopNul] as number,
      unterminated: flags === 2,
      tailStart: ctl[h + L.tailStart] as number,
      tailEnd: ctl[h + L.tailEnd] as number,
      fileOffset: (address) => fileAt + address,
      to: Math.min(a + plan.range, plan.size),
    };
  }

  /** Range `r` is consumed: its header, and its slot if it kept one, may be reused. */
  release(r: number): void {
    const L = LAYOUT;
    const h = this.plan.head + (r % L.headers) * L.fields;
    const slot = this.ctl[h + L.slot] as number;
    this.ctl[h + L.slot] = -1;
    if (slot >= 0) giveSlot(this.ctl, this.plan, slot);
    Atomics.store(this.ctl, L.consumed, r + 1);
    Atomics.notify(this.ctl, L.consumed);
  }

  /** Ranges the worker screened. */
  get screenedByWorker(): number {
    return Atomics.load(this.ctl, LAYOUT.byWorker);
  }

  /** Whether the worker stopped on a failure (its ranges were then screened here). */
  get workerFailed(): boolean {
    return Atomics.load(this.ctl, LAYOUT.failed) !== 0;
  }

  close(): void {
    Atomics.store(this.ctl, LAYOUT.abort, 1);
    Atomics.notify(this.ctl, LAYOUT.consumed);
    Atomics.notify(this.ctl, LAYOUT.freed);
    if (this.worker) void this.worker.terminate();
    this.worker = undefined;
    closeSync(this.io.fd);
  }
}
