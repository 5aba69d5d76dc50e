// What both threads of the two-thread screen run (json-log.ranges.ts on the main thread, json-log.worker.ts in
// the worker): the control array's layout, screening one range into a slot, and the slot and header handshake.
// It imports nothing but types, so the worker loads only this and its own few lines.
import type { readSync } from 'node:fs';

/** Where each field of the control array is: the shared counters, the slots' owners, then one header per range. */
export const LAYOUT = {
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
export interface RangeIo {
  fd: number;
  mem: Buffer;
  ctl: Int32Array;
  read: typeof readSync;
  screen(start: number, end: number, guess: number, cap: number, out: number): number;
  lines(): number;
  pos(): number;
  nul(): number;
}

/**
 * Read range `r` into slot `slot` and screen its lines with the kernel: a range owns the lines that start in
 * it, so it reads one byte before its start (to see whether a line starts there) and goes on past its end until
 * its last line ends (or proves longer than the limit). Writes the range's header and gives the slot back when
 * nothing in it is left to judge; `publish` then marks the range done.
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

/** Range `r`'s header is complete: the main thread may read it. */
export function publish(ctl: Int32Array, plan: RangePlan, r: number): void {
  const at = plan.head + (r % plan.layout.headers) * plan.layout.fields + plan.layout.state;
  Atomics.store(ctl, at, r + 1);
  Atomics.notify(ctl, at);
}

/** Take a free slot (marking it held), or -1 when all are held. */
export function takeSlot(ctl: Int32Array, plan: RangePlan): number {
  for (let s = 0; s < plan.slots; s += 1)
    if (Atomics.compareExchange(ctl, plan.layout.owners + s, 0, 1) === 0) return s;
  return -1;
}

/** Give a slot back and wake a thread waiting for one. */
export function giveSlot(ctl: Int32Array, plan: RangePlan, slot: number): void {
  Atomics.store(ctl, plan.layout.owners + slot, 0);
  Atomics.add(ctl, plan.layout.freed, 1);
  Atomics.notify(ctl, plan.layout.freed);
}
