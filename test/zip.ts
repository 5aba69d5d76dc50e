// Zip archives made byte by byte for attack tests: many entries, or many entries sharing one packed body
// (a "zip bomb" of overlapping files). yauzl does not check CRC-32, so it is left at zero.
import { deflateRawSync } from 'node:zlib';

export interface ZipFile {
  name: string;
  data: Buffer;
}

interface Packed {
  name: Buffer;
  method: number;
  body: Buffer;
  size: number;
}

function localHeader(p: Packed): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(p.method, 8);
  h.writeUInt32LE(p.body.length, 18);
  h.writeUInt32LE(p.size, 22);
  h.writeUInt16LE(p.name.length, 26);
  return Buffer.concat([h, p.name]);
}

function centralHeader(p: Packed, name: Buffer, offset: number): Buffer {
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(p.method, 10);
  h.writeUInt32LE(p.body.length, 20);
  h.writeUInt32LE(p.size, 24);
  h.writeUInt16LE(name.length, 28);
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, name]);
}

function end(count: number, dirSize: number, dirOffset: number): Buffer {
  const e = Buffer.alloc(22);
  e.writeUInt32LE(0x06054b50, 0);
  e.writeUInt16LE(count, 8);
  e.writeUInt16LE(count, 10);
  e.writeUInt32LE(dirSize, 12);
  e.writeUInt32LE(dirOffset, 16);
  return e;
}

const pack = (f: ZipFile, deflate: boolean): Packed => ({
  name: Buffer.from(f.name),
  method: deflate ? 8 : 0,
  body: deflate ? deflateRawSync(f.data) : f.data,
  size: f.data.length,
});

/** An ordinary archive of the files (deflated, or stored when `deflate` is false). */
export function makeZip(files: ZipFile[], deflate = true): Buffer {
  const parts: Buffer[] = [];
  const dir: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const p = pack(f, deflate);
    dir.push(centralHeader(p, p.name, offset));
    const local = Buffer.concat([localHeader(p), p.body]);
    parts.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(dir);
  return Buffer.concat([...parts, directory, end(files.length, directory.length, offset)]);
}

/** `copies` directory entries that all point at one deflated body: a small archive that unpacks huge. */
export function overlappingZip(data: Buffer, copies: number): Buffer {
  const p = pack({ name: 'log-0.jsonl', data }, true);
  const local = Buffer.concat([localHeader(p), p.body]);
  const directory = Buffer.concat(
    Array.from({ length: copies }, (_, i) => centralHeader(p, Buffer.from(`log-${i}.jsonl`), 0)),
  );
  return Buffer.concat([local, directory, end(copies, directory.length, local.length)]);
}
