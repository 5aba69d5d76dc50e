// A tiny WebAssembly kernel for the JSON-lines window screen: it finds line ends 16 bytes at a time (SIMD) and
// lists only the lines whose time may fall in the window, so JavaScript touches a few lines per thousand.
// Source: line-screen.wat beside this file; rebuild with `npx -p wabt@1.0.39 wat2wasm line-screen.wat` and
// paste the base64 of the output here.
const WASM =
  'AGFzbQEAAAABGwRgAn9/AX9gA39/fwF/YAF/AX9gBH9/f38BfwMFBAABAgMFAwEAUAYVBH8BQQALfwFBAAt/AUEAC38BQQALBy8GBm1lbW9yeQIABGtsZW4DAARnbGVuAwEDcG9zAwIFbGluZXMDAwZzY3JlZW4AAwqUAwRtAQF/AkADQCAAQRBqIAFLDQEgAP0ABAD9DAoKCgoKCgoKCgoKCgoKCgr9I/1kIQIgAgRAIAAgAmhqDwsgAEEQaiEADAALCwJAA0AgACABTw0BIAAtAABBCkYEQCAADwsgAEEBaiEADAALCyABCzMBAX8CQANAIAMgAk8EQEEBDwsgACADai0AACABIANqLQAARw0BIANBAWohAwwACwtBAAsKACAAQTBrQQpJC+QBAQd/IAAhBAJAA0AgBCABEAAhBSAFIAFPDQEgB0EBaiEHQQEhCSMAQQBKIwFBAEpxIAJBAE4gBCACaiMAQQ5qaiAFTXFxBEAgBCACakGAgYACIwAQAQRAIAQgAmojAGohCCAILQAAEAIEQCAIQcCBgAIjARABRQRAIAhBDGotAAAQAiAIQQ1qLQAAEAJFcQRAQQAhCQsLCwsLIAkEQEGAgoACIAZBDGxqIQogCiAENgIAIAogBTYCBCAKIAc2AgggBkEBaiEGCyAFQQFqIQQgBiADTw0BDAALCyAEJAIgByQDIAYL';

/** Where the kernel reads its parameters and writes its list (see line-screen.wat). */
export const INPUT_CAP = 4 * 1024 * 1024;
const KEY_AT = 4194432;
const GATE_AT = 4194496;
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
  /** Set the time key and the window's leading digits (both short). */
  configure(key: Uint8Array, gate: Uint8Array): void;
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
      const mem = new Uint8Array(buffer);
      mem.set(key.subarray(0, 64), KEY_AT);
      mem.set(gate.subarray(0, 16), GATE_AT);
      ex.klen.value = Math.min(key.length, 64);
      ex.glen.value = Math.min(gate.length, 16);
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
