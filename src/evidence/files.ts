import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AppError, isAppError } from '../domain/errors.js';
import { walkFiles } from '../fs/walk.js';
import type { EvidenceEntry, EvidenceInput } from './source.js';

/**
 * Bytes per read: small enough to stay in the CPU cache between the copy from the page cache and the scan
 * (256 KB measured faster than 1 and 4 MB on a 1 GB log), large enough that system calls do not dominate.
 */
const CHUNK = 256 * 1024;

/** Most files taken from one directory that is not a Slack export; more is almost surely a wrong path. */
export const MAX_DIR_FILES = 10_000;

/**
 * A file on disk as an evidence entry, read in large chunks. `blocking` reads with readSync: faster on a
 * busy machine (no round trip through the thread pool per chunk) and right for the CLI, and it lets a large
 * log be screened by two threads; a server keeps the default, which never blocks its event loop.
 */
export function fileEntry(
  path: string,
  name: string = path,
  options: { blocking?: boolean } = {},
): EvidenceEntry {
  let size: number | undefined;
  try {
    size = statSync(path).size;
  } catch {
    size = undefined;
  }
  return {
    name,
    size,
    path,
    blocking: options.blocking === true,
    open: options.blocking ? (into) => readBlocking(path, into) : (into) => readAsync(path, into),
  };
}

// Two buffers, refilled in turn: the consumer is done with a chunk when it asks for the next (see
// EvidenceEntry). Fresh buffers per chunk would cost a page fault per 4 KB and keep RSS high on big files.
async function* readAsync(path: string, into?: Uint8Array): AsyncGenerator<Buffer> {
  const fh = await openFile(path, 'r');
  const bufs =
    into && into.length >= 2 * CHUNK
      ? [lent(into, 0), lent(into, CHUNK)]
      : [Buffer.allocUnsafe(CHUNK), Buffer.allocUnsafe(CHUNK)];
  let pos = 0;
  let turn = 0;
  const readInto = (buf: Buffer, at: number) => fh.read(buf, 0, CHUNK, at);
  // The next read runs while the consumer works on the current chunk.
  let pending = readInto(bufs[0] as Buffer, pos);
  try {
    for (;;) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) break;
      pos += bytesRead;
      turn ^= 1;
      pending =
        bytesRead === CHUNK ? readInto(bufs[turn] as Buffer, pos) : Promise.resolve({ bytesRead: 0, buffer });
      yield bytesRead === CHUNK ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    // A consumer that stops early may leave a read in flight: let it land before closing the file.
    await pending.catch(() => undefined);
    await fh.close();
  }
}

/** A chunk-sized Buffer over memory the consumer lent (see EvidenceEntry.open). */
function lent(into: Uint8Array, at: number): Buffer {
  return Buffer.from(into.buffer, into.byteOffset + at, CHUNK);
}

async function* readBlocking(path: string, into?: Uint8Array): AsyncGenerator<Buffer> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new AppError('io', `${path}: cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const buf = into && into.length >= CHUNK ? lent(into, 0) : Buffer.allocUnsafe(CHUNK);
  try {
    let pos = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, pos);
      if (n === 0) break;
      pos += n;
      yield n === CHUNK ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
  }
}

/** Bytes in memory as an entry (tests, small uploads). */
export function bufferEntry(name: string, data: Uint8Array | string): EvidenceEntry {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  return {
    name,
    size: buf.length,
    async *open() {
      for (let i = 0; i < buf.length; i += 64 * 1024) yield buf.subarray(i, i + 64 * 1024);
    },
  };
}

/**
 * A one-shot stream as an entry (an HTTP upload). Its first 64 KB are kept, so format detection can read
 * them and the reader can open the entry again; a second pass over more than that fails with a clear
 * message (the webhook and API formats read a file twice: give those as a bufferEntry or a stored file).
 */
export function streamEntry(name: string, stream: AsyncIterable<Uint8Array>, size?: number): EvidenceEntry {
  const source = stream[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let beyondHead = false;
  let finished = false;
  return {
    name,
    size,
    async *open() {
      if (beyondHead)
        throw new AppError('io', `${name}: this upload can be read only once past its first 64 KB`);
      for (const h of head) yield h;
      while (!finished) {
        const r = await source.next();
        if (r.done) {
          finished = true;
          return;
        }
        const b = Buffer.from(r.value);
        // Keep chunks until 64 KB are kept, never more than 1 MB in all.
        if (headBytes < 64 * 1024 && headBytes + b.length <= 1024 * 1024) {
          head.push(b);
          headBytes += b.length;
        } else beyondHead = true;
        yield b;
      }
    },
  };
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const ZIP_EMPTY = [0x50, 0x4b, 0x05, 0x06];

/** True when the bytes start like a zip archive. */
export function looksLikeZip(head: Uint8Array): boolean {
  return ZIP_MAGIC.every((b, i) => head[i] === b) || ZIP_EMPTY.every((b, i) => head[i] === b);
}

/**
 * Limits on what a zip archive may unpack to, checked against its directory before anything is inflated (the
 * sizes there are then enforced while inflating): a few MB can otherwise hold gigabytes or a million files.
 */
export interface ZipLimits {
  /** Most files (default 10,000). */
  maxEntries: number;
  /** Most bytes all files unpack to together (default 1 GiB). */
  maxUnpackedBytes: number;
  /** Largest unpacked/packed ratio of a file over 1 MB (default 200; text logs pack 5-20 times). */
  maxRatio: number;
  /** Stops reading (the next chunk fails) once aborted: the client that asked went away. */
  signal?: AbortSignal;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 10_000,
  maxUnpackedBytes: 1024 ** 3,
  maxRatio: 200,
};

/** Open a zip archive on disk as a bundle; every entry is streamed (inflated on the fly), never read whole. */
export async function openZip(
  path: string,
  name: string = path,
  limits: Partial<ZipLimits> = {},
): Promise<EvidenceInput & { type: 'bundle' }> {
  return zipBundle(
    await openArchive(name, (done) =>
      yauzl.open(
        path,
        { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true },
        done,
      ),
    ),
    name,
    { ...DEFAULT_ZIP_LIMITS, ...limits },
  );
}

/** A zip archive held in memory (an upload) as a bundle. */
export async function openZipBuffer(
  data: Buffer,
  name: string,
  limits: Partial<ZipLimits> = {},
): Promise<EvidenceInput & { type: 'bundle' }> {
  return zipBundle(
    await openArchive(name, (done) =>
      yauzl.fromBuffer(data, { lazyEntries: true, strictFileNames: false, validateEntrySizes: true }, done),
    ),
    name,
    { ...DEFAULT_ZIP_LIMITS, ...limits },
  );
}

/** Open a zip archive through yauzl's callback; a failure names the file and says why. */
async function openArchive(
  name: string,
  open: (done: (err: Error | null, zip: yauzl.ZipFile) => void) => void,
): Promise<yauzl.ZipFile> {
  try {
    return await new Promise<yauzl.ZipFile>((resolve, reject) =>
      open((err, z) => (err ? reject(err) : resolve(z))),
    );
  } catch (e) {
    throw new AppError(
      'io',
      `${name}: is not a readable zip archive (${zipReason(e)}); is the file complete?`,
    );
  }
}

function zipReason(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 160 ? `${m.slice(0, 160)}…` : m;
}

const MB = 1024 * 1024;

/** Refuse an archive over a limit, naming the limit, before any of it is inflated. */
class ZipLimitError extends AppError {}

function checkEntry(name: string, e: yauzl.Entry, count: number, total: number, limits: ZipLimits): void {
  const over = (what: string) => {
    throw new ZipLimitError('too_large', `${name}: ${what}; unpack it and give the files you need`);
  };
  if (count > limits.maxEntries) over(`holds more than ${limits.maxEntries} files`);
  if (total > limits.maxUnpackedBytes)
    over(`unpacks to more than ${Math.round(limits.maxUnpackedBytes / MB)} MB`);
  if (e.uncompressedSize > MB && e.uncompressedSize > limits.maxRatio * Math.max(1, e.compressedSize))
    over(
      `${e.fileName} unpacks ${Math.round(e.uncompressedSize / Math.max(1, e.compressedSize))} times its packed size (at most ${limits.maxRatio})`,
    );
}

async function zipBundle(
  zip: yauzl.ZipFile,
  name: string,
  limits: ZipLimits,
): Promise<EvidenceInput & { type: 'bundle' }> {
  const list: yauzl.Entry[] = await new Promise<yauzl.Entry[]>((resolve, reject) => {
    const out: yauzl.Entry[] = [];
    let total = 0;
    zip.on('entry', (e: yauzl.Entry) => {
      if (!e.fileName.endsWith('/')) {
        out.push(e);
        total += e.uncompressedSize;
        try {
          checkEntry(name, e, out.length, total, limits);
        } catch (err) {
          reject(err);
          return;
        }
      }
      zip.readEntry();
    });
    zip.on('end', () => resolve(out));
    zip.on('error', reject);
    zip.readEntry();
  }).catch((e: unknown) => {
    zip.close();
    if (e instanceof ZipLimitError) throw e;
    throw new AppError('io', `${name}: the zip archive's directory is damaged (${zipReason(e)})`);
  });
  const stopped = () => new AppError('io', `${name}: reading stopped: the request was cancelled`);
  const entries: EvidenceEntry[] = list.map((e) => ({
    name: `${name}!${e.fileName}`,
    size: e.uncompressedSize,
    async *open() {
      if (limits.signal?.aborted) throw stopped();
      let stream: Readable;
      try {
        stream = await new Promise<Readable>((resolve, reject) =>
          zip.openReadStream(e, (err, s) => (err ? reject(err) : resolve(s))),
        );
      } catch (err) {
        throw new AppError(
          'io',
          `${name}!${e.fileName}: cannot be read from the archive (${zipReason(err)})`,
        );
      }
      try {
        for await (const chunk of stream) {
          if (limits.signal?.aborted) {
            stream.destroy();
            throw stopped();
          }
          yield chunk as Buffer;
        }
      } catch (err) {
        if (isAppError(err)) throw err;
        throw new AppError('io', `${name}!${e.fileName}: the archive entry is damaged (${zipReason(err)})`);
      }
    },
  }));
  return { type: 'bundle', name, entries, close: async () => zip.close() };
}

/** The regular files under a directory, depth first, sorted, skipping dot-folders, at most MAX_DIR_FILES. */
export function listFiles(dir: string): string[] {
  return [...walkFiles(dir, { skipDotFiles: true, maxEntries: MAX_DIR_FILES })].map((f) => f.path);
}

/** A directory as a bundle of file entries named relative to it (a Slack export folder). */
/** `dir` without the slashes it ends with (a loop: `/\/+$/` is quadratic on a long run of slashes). */
function withoutTrailingSlashes(dir: string): string {
  let end = dir.length;
  while (end > 0 && dir.charCodeAt(end - 1) === 47) end -= 1;
  return dir.slice(0, end);
}

export function folderBundle(
  dir: string,
  options: { blocking?: boolean } = {},
): EvidenceInput & { type: 'bundle' } {
  const entries = listFiles(dir).map((f) =>
    fileEntry(f, `${withoutTrailingSlashes(dir)}/${relative(dir, f)}`, options),
  );
  return { type: 'bundle', name: dir, entries };
}

/** True when the directory is the top of a git work tree. */
export function isGitDir(dir: string): boolean {
  return existsSync(join(dir, '.git'));
}
