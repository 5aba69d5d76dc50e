// Zip archives that unpack to far more than they weigh, or hold a huge number of files, are refused from
// their directory before anything is inflated; reading stops when the caller's signal is aborted.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { makeZip, overlappingZip } from '../../test/zip.js';
import { openZipBuffer } from './files.js';
import { extractEvidence } from './pipeline.js';

const logLines = (n: number, start = Date.UTC(2024, 2, 1)) =>
  Buffer.from(
    Array.from(
      { length: n },
      (_, i) =>
        `{"level":50,"time":${start + i * 1000},"msg":"upstream timeout ${randomBytes(6).toString('hex')}"}\n`,
    ).join(''),
  );

describe('zip limits', () => {
  it('refuses a small archive whose files unpack to more than the limit, before inflating any', async () => {
    const body = logLines(30_000); // about 2.5 MB that packs about 2 times
    const bomb = overlappingZip(body, 500); // over 1 GiB unpacked in about 1.3 MB
    expect(bomb.length).toBeLessThan(3 * 1024 * 1024);
    const started = Date.now();
    const err = await openZipBuffer(bomb, 'bomb.zip').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(err).toMatchObject({
      code: 'too_large',
      message: expect.stringMatching(/unpacks to more than 1024 MB/),
    });
  });

  it('refuses a file that unpacks hundreds of times its packed size', async () => {
    const dull = Buffer.from('{"level":30,"time":1709301600000,"msg":"ok"}\n'.repeat(200_000));
    const err = await openZipBuffer(makeZip([{ name: 'dull.jsonl', data: dull }]), 'dull.zip').catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({
      code: 'too_large',
      message: expect.stringMatching(/dull\.jsonl unpacks \d+ times/),
    });
  });

  it('refuses 60,000 entries at once', async () => {
    const many = makeZip(
      Array.from({ length: 60_000 }, (_, i) => ({ name: `f${i}.txt`, data: Buffer.from('x') })),
      false,
    );
    const started = Date.now();
    const err = await openZipBuffer(many, 'many.zip').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(err).toMatchObject({ code: 'too_large', message: expect.stringMatching(/more than 10000 files/) });
  });

  it('reads an ordinary archive within the limits', async () => {
    const zip = makeZip([{ name: 'app.jsonl', data: logLines(50) }]);
    const r = await extractEvidence([await openZipBuffer(zip, 'ok.zip')]);
    expect(r.candidates.length).toBe(50);
  });

  it('stops reading when the signal is aborted', async () => {
    const zip = makeZip([
      { name: 'a.jsonl', data: logLines(20_000) },
      { name: 'b.jsonl', data: logLines(20_000) },
    ]);
    const ac = new AbortController();
    const bundle = await openZipBuffer(zip, 'gone.zip', { signal: ac.signal });
    const first = bundle.entries[0]!.open()[Symbol.asyncIterator]();
    expect((await first.next()).done).toBe(false);
    ac.abort();
    await expect(first.next()).rejects.toThrow(/reading stopped/);
    await expect(bundle.entries[1]!.open()[Symbol.asyncIterator]().next()).rejects.toThrow(/reading stopped/);
    await bundle.close?.();
  });
});
