// A tiny WebAssembly kernel for the JSON-lines window screen: it finds line ends 32 bytes at a time (SIMD),
// checks a 13-digit epoch-ms time where the key sits with one vector compare (no digit loop), and lists only
// the lines that may fall in the window (or that it cannot judge), so JavaScript touches only those. It also
// stops at a NUL byte, so the reader needs no separate pass to find binary content.
// Source: line-screen.wat beside this file. `npm run build` (scripts/build-wasm.js, with wabt) rewrites the
// base64 below when the source changes; a test checks that it is the build of the committed source.
const WASM =
  'AGFzbQEAAAABEAJgAn9/AX9gBX9/f39/AX8CEQEDZW52Bm1lbW9yeQIDUKADAwMCAAEGPAt/AUEAC38BQQALfwFBAAt/AUF/C38BQf////8HC38BQQALfwFBAAt+AUIAC34BQgALfgFCfwt+AUJ/CwdRDARrbGVuAwADcG9zAwEFbGluZXMDAgNudWwDAwdtYXhsaW5lAwQCazADBQJrMQMGA2xvMQMHA2xvMAMIA2hpMQMJA2hpMAMKBnNjcmVlbgABCtcEAs0BAgJ7A38CQANAIABBIGogAUsNASAA/QAEAP0MCwsLCwsLCwsLCwsLCwsLC/0mIQIgAP0ABBD9DAsLCwsLCwsLCwsLCwsLCwv9JiEDIAIgA/1Q/VMEQCAC/WQgA/1kQRB0ciEEA0AgACAEaGohBSAFLQAAIQYgBkEKRiAGRXIEQCAFDwsgBCAEQQFrcSEEIAQNAAsLIABBIGohAAwACwsCQANAIAAgAU8NASAALQAAIQYgBkEKRiAGRXIEQCAADwsgAEEBaiEADAALCyABC4UDAwd/AnsCfiAAIQVBfyQDAkADQCAFIAEQACEGIAYgAU8NASAGLQAARQRAIAYkAwwCCyAIQQFqIQhBASEKIwBBAEogBiAFayMETXEgAkEASiAFIAJqIwBBDmpqIAZNcXEEQCAFIAJqIQkgCSgCACMFRiAJIwBqQQRrKAIAIwZGcSAJQQFrLQAAQdwAR3EEQCAJIwBqIQkgCf0ABAAhDCAM/QwwMDAwMDAwMDAwMDAwMDAw/XH9DAoKCgoKCgoKCgoKCgoKCgr9Jv1kQf//AHFB/z9GBEAgDP0MDw4NDAsKCQgHBgUEAwIBAP0OIQ0gDf0dASEOIA39HQBCgICAeIMhDyAOIwdUIA4jB1EgDyMIVHFyIA4jCVYgDiMJUSAPIwpWcXJyBEBBACEKBUECIQoLCwsLIAoEQCAEIAdBDGxqIQsgCyAFNgIAIAsgBjYCBCALQQAgCGsgCCAKQQJGGzYCCCAHQQFqIQcLIAZBAWohBSAHIANPDQEMAAsLIAUkASAIJAIgBws=';

/** The memory's layout: the sequential reader's chunk at 0, its list at OUT_AT, the ranges' slots from SLOTS_AT. */
export const INPUT_CAP = 4 * 1024 * 1024;
export const OUT_AT = 4194560;
/** Most lines listed per call; the caller calls again from `pos`. */
export const LIST_CAP = 65_536;
export const SLOTS_AT = 5 * 1024 * 1024;
/** The memory's size in 64 KB pages, as line-screen.wat allows it: enough for one reader, or with the slots. */
const PAGES = 80;
const PAGES_WITH_SLOTS = 416;

// The project's TypeScript libs carry no WebAssembly types: the few used here, declared.
interface WasmGlobal {
  value: number;
}
interface WasmGlobal64 {
  value: bigint;
}
interface Exports {
  klen: WasmGlobal;
  k0: WasmGlobal;
  k1: WasmGlobal;
  lo1: WasmGlobal64;
  lo0: WasmGlobal64;
  hi1: WasmGlobal64;
  hi0: WasmGlobal64;
  pos: WasmGlobal;
  nul: WasmGlobal;
  maxline: WasmGlobal;
  lines: WasmGlobal;
  screen(start: number, end: number, guess: number, cap: number, out: number): number;
}
/** A shared WebAssembly.Memory. */
export interface SharedMemory {
  buffer: SharedArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => SharedMemory;
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | undefined | null;

/** The kernel's configuration, as numbers another thread can set on its own instance. */
export interface KernelConfig {
  maxline: number;
  klen: number;
  k0: number;
  k1: number;
  lo1: bigint;
  lo0: bigint;
  hi1: bigint;
  hi0: bigint;
}

/** One kernel instance with its own shared memory, or undefined where WebAssembly SIMD is not available. */
export interface LineScreen {
  /** Bytes of the chunk being screened: copy the chunk here first. */
  input: Uint8Array;
  /**
   * Set the time key (4 to 8 bytes, e.g. `"time":`) and the window in epoch milliseconds (ends included);
   * lines longer than `maxLine` bytes are always listed. False when the key does not fit, and the caller
   * screens in JavaScript.
   */
  configure(key: Uint8Array, lo: number, hi: number, maxLine?: number): boolean;
  /** The configuration set last, for a second instance on the same memory (another thread). */
  config(): KernelConfig;
  /**
   * Screen the complete lines of memory[start, end): returns how many lines were listed; the list (at `out`,
   * OUT_AT unless given) holds (start, end, line-index) triples, the index negated for a line whose time was
   * read and found inside the window, `lines` the lines counted and `pos` where
   * the next line starts. A NUL byte stops the screen at the start of its line, and `nul` says where it is
   * (else -1).
   */
  screen(start: number, end: number, guess: number, cap?: number, out?: number): number;
  list: Int32Array;
  /** The kernel's memory: a chunk read straight into `input` needs no copy. */
  readonly memory: SharedArrayBuffer;
  /** The same memory as a WebAssembly.Memory, and the compiled module: what a second thread instantiates. */
  readonly shared: SharedMemory;
  readonly module: object;
  readonly lines: number;
  readonly pos: number;
  readonly nul: number;
}

const MAX = (1n << 64n) - 1n;

/**
 * A 13-digit instant as the kernel's two words: digits 0-7 big-endian, then digits 8-12 big-endian in the top
 * five bytes of the second word (see line-screen.wat).
 */
export function instantWords(digits: string): [bigint, bigint] {
  let w1 = 0n;
  let w0 = 0n;
  for (let i = 0; i < 8; i += 1) w1 = (w1 << 8n) | BigInt(digits.charCodeAt(i));
  for (let i = 8; i < 16; i += 1) w0 = (w0 << 8n) | BigInt(i < 13 ? digits.charCodeAt(i) : 0);
  return [w1, w0];
}

/** The window's low end as kernel words: below every 13-digit number, or above all of them. */
function lowWords(lo: number): [bigint, bigint] {
  if (!Number.isFinite(lo) || lo < 1e12) return [0n, 0n];
  if (lo > 9_999_999_999_999) return [MAX, MAX];
  return instantWords(String(Math.ceil(lo)));
}

function highWords(hi: number): [bigint, bigint] {
  if (!Number.isFinite(hi) || hi >= 1e13) return [MAX, MAX];
  if (hi < 1e12) return [0n, 0n];
  return instantWords(String(Math.floor(hi)));
}

/**
 * Instantiate the kernel; undefined when the runtime cannot (then the JavaScript screen does all the work).
 * `slots`: with the memory for the ranges a second thread screens (json-log.ranges.ts), 26 MB instead of 5.
 */
export function lineScreen(slots = false): LineScreen | undefined {
  if (compiled === undefined) {
    try {
      if (!wasm) throw new Error('no WebAssembly');
      compiled = new wasm.Module(Buffer.from(WASM, 'base64'));
    } catch {
      compiled = null;
    }
  }
  if (!compiled || !wasm) return undefined;
  let shared: SharedMemory;
  let ex: Exports;
  try {
    const pages = slots ? PAGES_WITH_SLOTS : PAGES;
    shared = new wasm.Memory({ initial: pages, maximum: pages, shared: true });
    ex = new wasm.Instance(compiled, { env: { memory: shared } }).exports as Exports;
  } catch {
    return undefined;
  }
  const module = compiled;
  const buffer = shared.buffer;
  return {
    input: new Uint8Array(buffer, 0, INPUT_CAP),
    list: new Int32Array(buffer, OUT_AT, LIST_CAP * 3),
    configure(key, lo, hi, maxLine = 0x7fffffff) {
      if (key.length < 4 || key.length > 8) return false;
      ex.maxline.value = maxLine;
      const word = (at: number) =>
        new DataView(key.buffer, key.byteOffset, key.byteLength).getInt32(at, true);
      ex.klen.value = key.length;
      ex.k0.value = word(0);
      ex.k1.value = word(key.length - 4);
      if (Number.isNaN(lo) || Number.isNaN(hi)) return false;
      const [l1, l0] = lowWords(lo);
      const [h1, h0] = highWords(hi);
      ex.lo1.value = BigInt.asIntN(64, l1);
      ex.lo0.value = BigInt.asIntN(64, l0);
      ex.hi1.value = BigInt.asIntN(64, h1);
      ex.hi0.value = BigInt.asIntN(64, h0);
      return true;
    },
    config: () => ({
      maxline: ex.maxline.value,
      klen: ex.klen.value,
      k0: ex.k0.value,
      k1: ex.k1.value,
      lo1: ex.lo1.value,
      lo0: ex.lo0.value,
      hi1: ex.hi1.value,
      hi0: ex.hi0.value,
    }),
    screen: (start, end, guess, cap = LIST_CAP, out = OUT_AT) => ex.screen(start, end, guess, cap, out),
    get lines() {
      return ex.lines.value;
    },
    get pos() {
      return ex.pos.value;
    },
    get nul() {
      return ex.nul.value;
    },
    memory: buffer,
    shared,
    module,
  };
}
