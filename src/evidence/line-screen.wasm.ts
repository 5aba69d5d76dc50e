// A tiny WebAssembly kernel for the JSON-lines window screen: it finds line ends 16 bytes at a time (SIMD) and
// lists only the lines whose time may fall in the window, so JavaScript touches a few lines per thousand.
// Source: line-screen.wat beside this file; rebuild with `npx -p wabt@1.0.39 wat2wasm line-screen.wat` and
// paste the base64 of the output here.
const WASM =
  'AGFzbQEAAAABDwJgAn9/AX9gBH9/f38BfwMDAgABBQMBAFAGKQh/AUEAC38BQQALfwFBAAt/AUEAC38BQQALfwFBAAt/AUEAC38BQQALB0MKBm1lbW9yeQIABGtsZW4DAARnbGVuAwEDcG9zAwIFbGluZXMDAwJrMAMEAmsxAwUCZzADBgJnMQMHBnNjcmVlbgABCvkCAm0BAX8CQANAIABBEGogAUsNASAA/QAEAP0MCgoKCgoKCgoKCgoKCgoKCv0j/WQhAiACBEAgACACaGoPCyAAQRBqIQAMAAsLAkADQCAAIAFPDQEgAC0AAEEKRgRAIAAPCyAAQQFqIQAMAAsLIAELiAIBB38gACEEAkADQCAEIAEQACEFIAUgAU8NASAHQQFqIQdBASEJIwBBAEojAUEASnEgAkEATiAEIAJqIwBBDmpqIAVNcXEEQCAEIAJqIQggCCgCACMERiAIIwBqQQRrKAIAIwVGcQRAIAgjAGohCCAILQAAQTBrQQpJBEAgCCgCACMGRiAIIwFqQQRrKAIAIwdGcUUEQCAIQQxqLQAAQTBrQQpJIAhBDWotAABBMGtBCk9xBEBBACEJCwsLCwsgCQRAQYCCgAIgBkEMbGohCiAKIAQ2AgAgCiAFNgIEIAogBzYCCCAGQQFqIQYLIAVBAWohBCAGIANPDQEMAAsLIAQkAiAHJAMgBgs=';

/** Where the kernel reads its parameters and writes its list (see line-screen.wat). */
export const INPUT_CAP = 4 * 1024 * 1024;
const OUT_AT = 4194560;
/** Most lines listed per call; the caller calls again from `pos`. */
export const LIST_CAP = 65_536;

// The project's TypeScript libs carry no WebAssembly types: the few used here, declared.
interface WasmGlobal {
  value: number;
}
interface Exports {
  memory: { buffer: ArrayBuffer };
  klen: WasmGlobal;
  glen: WasmGlobal;
  k0: WasmGlobal;
  k1: WasmGlobal;
  g0: WasmGlobal;
  g1: WasmGlobal;
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
   * Set the time key (4 to 8 bytes, e.g. `"time":`) and the window's leading digits (the first 8 of them are
   * used; at least 4). False when they do not fit, and the caller screens in JavaScript.
   */
  configure(key: Uint8Array, gate: Uint8Array): boolean;
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
    configure(key, gate) {
      const g = gate.subarray(0, 8);
      if (key.length < 4 || key.length > 8 || g.length < 4) return false;
      const word = (b: Uint8Array, at: number) =>
        new DataView(b.buffer, b.byteOffset, b.byteLength).getInt32(at, true);
      ex.klen.value = key.length;
      ex.k0.value = word(key, 0);
      ex.k1.value = word(key, key.length - 4);
      ex.glen.value = g.length;
      ex.g0.value = word(g, 0);
      ex.g1.value = word(g, g.length - 4);
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
