import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { AppError } from '../domain/errors.js';

/** Where a command writes: real streams in use, buffers in tests. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Read all of standard input (used by --password-stdin and `-` file arguments). */
  readStdin(): Promise<string>;
  /**
   * True for the process's own streams (processIO). Commands ask this rather than compare with processIO: a
   * bundled command (scripts/bundle-cli.js) has its own copy of this module.
   */
  readonly isProcess?: boolean;
}

/** Whether standard output is a file or /dev/null (decided at the first write). */
let stdoutToFile: boolean | undefined;

/**
 * Write to standard output. Where it is a file or a character device other than a terminal (/dev/null),
 * process.stdout is a SyncWriteStream that makes a Buffer of each string and writes it with fs.writeSync: the
 * same write is made here straight away, without the stream's steps and the Buffer (evidence --json writes
 * some 500 parts of 60 KB: about 20 ms of CPU). Pipes and terminals go through process.stdout.
 */
function writeStdout(text: string): void {
  if (stdoutToFile === undefined) {
    try {
      const st = fstatSync(1);
      stdoutToFile = st.isFile() || (st.isCharacterDevice() && !isatty(1));
    } catch {
      stdoutToFile = false;
    }
  }
  if (stdoutToFile) writeSync(1, text);
  else process.stdout.write(text);
}

export const processIO: CliIO = {
  isProcess: true,
  out: writeStdout,
  err: (t) => process.stderr.write(t),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

/** Largest report file the CLI reads whole; anything larger is refused before reading. */
export const MAX_INPUT_BYTES = 10 * 1024 * 1024;

/** Read a text file for a command, refusing directories, binaries, bad UTF-8 and oversized files with a clear message. */
export function readTextFile(path: string, maxBytes: number = MAX_INPUT_BYTES): string {
  let fd: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new AppError('io', `${path}: is a directory, not a file`);
    if (!st.isFile()) throw new AppError('io', `${path}: is not a regular file`);
    fd = openSync(path, 'r');
  } catch (e) {
    if (e instanceof AppError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('io', `${path}: no such file`);
    if (code === 'EACCES') throw new AppError('io', `${path}: permission denied`);
    throw new AppError('io', `${path}: cannot be read (${code ?? 'unknown error'})`);
  }
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) {
      throw new AppError(
        'too_large',
        `${path}: is ${(size / 1024 / 1024).toFixed(1)} MB; the limit is ${(maxBytes / 1024 / 1024).toFixed(0)} MB`,
      );
    }
    const buf = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = readSync(fd, buf, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    return decodeText(buf.subarray(0, read), path);
  } finally {
    closeSync(fd);
  }
}

/** Offset of the first byte that breaks UTF-8, scanning by the encoding's rules (RFC 3629). */
function firstBadUtf8Byte(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i] as number;
    const need =
      b < 0x80
        ? 0
        : b >= 0xc2 && b <= 0xdf
          ? 1
          : b >= 0xe0 && b <= 0xef
            ? 2
            : b >= 0xf0 && b <= 0xf4
              ? 3
              : -1;
    if (need < 0) return i;
    // Some lead bytes narrow the range of the byte after them: no overlong forms (E0, F0), no surrogates (ED),
    // nothing past U+10FFFF (F4). Without this, such text was found bad but no byte was named (offset 0).
    const low = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const high = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    for (let k = 1; k <= need; k += 1) {
      const c = buf[i + k];
      if (c === undefined || c < (k === 1 ? low : 0x80) || c > (k === 1 ? high : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** Decode bytes as UTF-8 text, naming the byte offset of the first problem for binaries and bad encodings. */
export function decodeText(buf: Uint8Array, path: string): string {
  const nul = buf.indexOf(0);
  if (nul !== -1)
    throw new AppError('io', `${path}: looks like a binary file (NUL byte at offset ${nul}), not text`);
  if (!isUtf8(buf)) {
    const offset = Math.max(0, firstBadUtf8Byte(buf));
    throw new AppError('io', `${path}: is not valid UTF-8 text (bad byte at offset ${offset})`);
  }
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

/** Write a command's output file, turning file-system failures into a clear message. */
export function writeTextFile(path: string, text: string | Uint8Array): void {
  try {
    if (typeof text === 'string') writeFileSync(path, text, 'utf8');
    else writeFileSync(path, text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AppError('io', `${path}: cannot be written (${code ?? 'unknown error'})`);
  }
}
