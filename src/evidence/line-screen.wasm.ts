// A tiny WebAssembly kernel for the JSON-lines window screen: it finds line ends 16 bytes at a time (SIMD),
// reads a 13-digit epoch-ms time where the key sits, and lists only the lines that may fall in the window
// (or that it cannot judge), so JavaScript touches only those.
// Source: line-screen.wat beside this file; rebuild with `npx -p wabt@1.0.39 wat2wasm line-screen.wat` and
// paste the base64 of the output here.
const WASM =
  'AGFzbQEAAAABDwJgAn9/AX9gBH9/f38BfwMDAgABBQMBAFAGJAd/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfgFCAAt+AUIACwc8CQZtZW1vcnkCAARrbGVuAwADcG9zAwEFbGluZXMDAgJrMAMDAmsxAwQCbG8DBQJoaQMGBnNjcmVlbgABCocDAm0BAX8CQANAIABBEGogAUsNASAA/QAEAP0MCgoKCgoKCgoKCgoKCgoKCv0j/WQhAiACBEAgACACaGoPCyAAQRBqIQAMAAsLAkADQCAAIAFPDQEgAC0AAEEKRgRAIAAPCyAAQQFqIQAMAAsLIAELlgIDB38BfgJ/IAAhBAJAA0AgBCABEAAhBSAFIAFPDQEgB0EBaiEHQQEhCSMAQQBKIAJBAE4gBCACaiMAQQ5qaiAFTXFxBEAgBCACaiEIIAgoAgAjA0YgCCMAakEEaygCACMERnEEQCAIIwBqIQhCACELQQAhDAJAA0AgCCAMai0AAEEwayENIA1BCk8NASALQgp+IA2tfCELIAxBAWohDCAMQQ1JDQALIAhBDWotAABBMGtBCkkNACALIwVTIAsjBlVyBEBBACEJCwsLCyAJBEBBgIKAAiAGQQxsaiEKIAogBDYCACAKIAU2AgQgCiAHNgIIIAZBAWohBgsgBUEBaiEEIAYgA08NAQwACwsgBCQBIAckAiAGCw==';

/** Where the kernel reads its parameters and writes its list (see line-screen.wat). */
export const INPUT_CAP = 4 * 1024 * 1024;
const OUT_AT = 4194560;
/** Most lines listed per call; the caller calls again from `pos`. */
export const LIST_CAP = 65_536;

// The project's TypeScript libs carry no WebAssembly types: the few used here, declared.
interface WasmGlobal {
  value: number;
}
interface WasmGlobal64 {
  value: bigint;
}
interface Exports {
  memory: { buffer: ArrayBuffer };
  klen: WasmGlobal;
  k0: WasmGlobal;
  k1: WasmGlobal;
  lo: WasmGlobal64;
  hi: WasmGlobal64;
  pos: WasmGlobal;
  lines: WasmGlobal;
  screen(start: number, end: number, guess: number, cap: number): number;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: unknown };
}
const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

let compiled: object | undefined | null;

/** One kernel instance with its own memory, or undefined where WebAssembly SIMD is not available. */
export interface LineScreen {
  /** Bytes of the chunk being screened: copy the chunk here first. */
  input: Uint8Array;
  /**
   * Set the time key (4 to 8 bytes, e.g. `"time":`) and the window in epoch milliseconds (ends included).
   * False when the key does not fit, and the caller screens in JavaScript.
   */
  configure(key: Uint8Array, lo: number, hi: number): boolean;
  /**
   * Screen the complete lines of input[0, end): returns how many lines were listed; `list` holds
   * (start, end, line-index) triples, `lines` the lines counted and `pos` where the next line starts.
   */
  screen(start: number, end: number, guess: number): number;
  list: Int32Array;
  readonly lines: number;
  readonly pos: number;
}

/** Instantiate the kernel; undefined when the runtime cannot (then the JavaScript screen does all the work). */
export function lineScreen(): LineScreen | undefined {
  if (compiled === undefined) {
    try {
      if (!wasm) throw new Error('no WebAssembly');
      compiled = new wasm.Module(Buffer.from(WASM, 'base64'));
    } catch {
      compiled = null;
    }
  }
  if (!compiled || !wasm) return undefined;
  const ex = new wasm.Instance(compiled).exports as Exports;
  const buffer = ex.memory.buffer;
  return {
    input: new Uint8Array(buffer, 0, INPUT_CAP),
    list: new Int32Array(buffer, OUT_AT, LIST_CAP * 3),
    configure(key, lo, hi) {
      if (key.length < 4 || key.length > 8) return false;
      const word = (at: number) =>
        new DataView(key.buffer, key.byteOffset, key.byteLength).getInt32(at, true);
      ex.klen.value = key.length;
      ex.k0.value = word(0);
      ex.k1.value = word(key.length - 4);
      ex.lo.value = Number.isFinite(lo) ? BigInt(Math.ceil(lo)) : -(2n ** 63n);
      ex.hi.value = Number.isFinite(hi) ? BigInt(Math.floor(hi)) : 2n ** 63n - 1n;
      return true;
    },
    screen: (start, end, guess) => ex.screen(start, end, guess, LIST_CAP),
    get lines() {
      return ex.lines.value;
    },
    get pos() {
      return ex.pos.value;
    },
  };
}
