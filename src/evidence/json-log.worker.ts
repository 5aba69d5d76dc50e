// The worker of the two-thread screen (started by RangeScreen in json-log.ranges.ts): take a slot, claim the
// next range, screen it with its own instance of the kernel on the shared memory; until no range is left or
// the main thread stops. A slot is taken before a range is claimed, so every claimed range can finish and the
// range the main thread waits for never lacks one. It loads only json-log.range-work.ts besides Node's own.
import { closeSync, openSync, readSync } from 'node:fs';
import { isMainThread, workerData } from 'node:worker_threads';
import {
  type RangeIo,
  type RangePlan,
  giveSlot,
  publish,
  screenRange,
  takeSlot,
} from './json-log.range-work.js';
import type { KernelConfig, SharedMemory } from './line-screen.wasm.js';

/** What the main thread hands the worker. */
export interface WorkerInput {
  plan: RangePlan;
  ctl: SharedArrayBuffer;
  memory: SharedMemory;
  module: object;
  config: KernelConfig;
  path: string;
  guess: number;
  key: Uint8Array;
}

interface KernelExports {
  screen(start: number, end: number, guess: number, cap: number, out: number): number;
  lines: { value: number };
  pos: { value: number };
  nul: { value: number };
}

// The project's TypeScript libs carry no WebAssembly types: the one constructor used here, declared.
const wasm = (
  globalThis as unknown as {
    WebAssembly: { Instance: new (m: object, i: object) => { exports: unknown } };
  }
).WebAssembly;

function rangeWorker(d: WorkerInput): void {
  const plan = d.plan;
  const L = plan.layout;
  const ctl = new Int32Array(d.ctl);
  let guess = d.guess;
  let fd = -1;
  // The slot taken for the range being screened: given back if the screen fails.
  let held = -1;
  try {
    const ex = new wasm.Instance(d.module, { env: { memory: d.memory } }).exports as KernelExports &
      Record<keyof KernelConfig, { value: number | bigint }>;
    for (const key of ['maxline', 'klen', 'k0', 'k1', 'lo1', 'lo0', 'hi1', 'hi0'] as const)
      ex[key].value = d.config[key];
    fd = openSync(d.path, 'r');
    const io: RangeIo = {
      fd,
      mem: Buffer.from(d.memory.buffer),
      ctl,
      read: readSync,
      screen: (a, b, c, e, f) => ex.screen(a, b, c, e, f),
      lines: () => ex.lines.value,
      pos: () => ex.pos.value,
      nul: () => ex.nul.value,
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
    if (fd !== -1) closeSync(fd);
    Atomics.store(ctl, L.done, 1);
    // Wake the main thread wherever it waits: it then screens what the worker left.
    for (let i = 0; i < L.headers; i += 1) Atomics.notify(ctl, plan.head + i * L.fields + L.state);
  }
}

if (!isMainThread && workerData) rangeWorker(workerData as WorkerInput);
