import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { AppError } from '../domain/errors.js';
import {
  LAYOUT,
  type RangeIo,
  type RangePlan,
  giveSlot,
  publish,
  screenRange,
  takeSlot,
} from './json-log.range-work.js';
import type { WorkerInput } from './json-log.worker.js';
import { type LineScreen, SLOTS_AT } from './line-screen.wasm.js';

// A large log on disk, screened by two threads: the file is cut into ranges of two megabytes, and the main
// thread and one worker each claim the next unclaimed range, read it into a free slot of the kernel's shared
// memory and screen it there. A range whose lines were all screened out gives its slot back at once; one with
// lines left to judge keeps it until the main thread, which takes the ranges in file order, has judged them.
// So line numbers, messages and candidates come out exactly as a single pass makes them, and the worker runs
// ahead through screened-out ranges while the main thread builds candidates. What both threads run is in
// json-log.range-work.ts; the worker's program is json-log.worker.ts, a module compiled beside this one.

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

/** The worker's program bundled from source, once per process (see workerEntry). */
let bundled: string | undefined;

/**
 * The worker: its module, compiled beside this one. Run from the TypeScript source (the tests), the .ts module
 * and what it imports are bundled once by esbuild (tsx's, a development dependency) and run as that text: Node
 * 20 applies no `--import` loader in a worker, and tsx's require hook costs most of a second per worker.
 */
function workerEntry(): { script: string | URL; eval: boolean } {
  if (!import.meta.url.endsWith('.ts'))
    return { script: new URL('./json-log.worker.js', import.meta.url), eval: false };
  if (bundled === undefined) {
    const fromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
    const esbuild = fromTsx('esbuild') as {
      buildSync(o: object): { outputFiles: { text: string }[] };
    };
    bundled = esbuild.buildSync({
      entryPoints: [fileURLToPath(new URL('./json-log.worker.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      write: false,
    }).outputFiles[0]!.text;
  }
  return { script: bundled, eval: true };
}

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
    const workerData: WorkerInput = {
      plan: this.plan,
      ctl: this.ctl.buffer as SharedArrayBuffer,
      memory: kernel.shared,
      module: kernel.module,
      config: kernel.config(),
      path,
      guess,
      key: Uint8Array.from(key),
    };
    const entry = workerEntry();
    const worker = new Worker(entry.script, {
      eval: entry.eval,
      workerData,
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
