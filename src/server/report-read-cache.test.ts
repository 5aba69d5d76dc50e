import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { StoredReportMeta } from '../store/index.js';
import { actorOf } from './services/access.js';
import type { ReportService } from './services/report.service.js';
import { ReportReadCache } from './report-read-cache.js';

// The cache's own bookkeeping, with a report service that answers after a delay as PostgreSQL would (on
// SQLite reads never overlap). The API tests cover the cache against real databases.
const meta = (id: string, version: number): StoredReportMeta => ({
  id,
  seq: 1,
  version,
  state: 'draft',
  restricted: false,
  reviewRound: 0,
  createdBy: null,
  createdAt: '2026-11-27T00:00:00.000Z',
  updatedBy: null,
  updatedAt: `2026-11-27T00:00:0${version}.000Z`,
  deletedAt: null,
});

function slowReports(bodySize: number) {
  const versions = new Map<string, number>();
  const later = () => new Promise((r) => setTimeout(r, 1 + Math.random() * 3));
  const service = {
    changeMark: () => undefined,
    async stamp(id: string) {
      await later();
      const m = meta(id, versions.get(id) ?? 1);
      return { stamp: `${m.version}|${m.updatedAt}|`, restricted: false };
    },
    async visibleJson(_actor: unknown, id: string) {
      await later();
      return { meta: meta(id, versions.get(id) ?? 1), json: JSON.stringify({ pad: 'x'.repeat(bodySize) }) };
    },
  };
  return { service: service as unknown as ReportService, versions };
}

describe('the read cache', () => {
  const actor = actorOf(
    { id: 'u', email: 'u@example.test', name: 'U', role: 'viewer', disabled: false, createdAt: '' },
    'token',
  );

  it('counts each kept answer once however many first reads of a report overlap, and stays within budget', async () => {
    const { service, versions } = slowReports(1000);
    const cache = new ReportReadCache(service, (m, json) => `{"id":"${m.id}","report":${json}}`, 20_000);
    const answerSize = Buffer.byteLength(
      `{"id":"r00","report":${JSON.stringify({ pad: 'x'.repeat(1000) })}}`,
    );
    for (let round = 0; round < 30; round += 1) {
      const ids = Array.from({ length: 4 }, (_, i) => `r${String((round * 4 + i) % 25).padStart(2, '0')}`);
      for (const id of ids) versions.set(id, (versions.get(id) ?? 1) + (round % 3 === 0 ? 1 : 0));
      await Promise.all(
        ids.flatMap((id) => [cache.read(actor, id), cache.read(actor, id), cache.read(actor, id)]),
      );
      const { entries, bytes } = cache.stats;
      expect(bytes).toBeLessThanOrEqual(20_000);
      // Every answer has the same size here: the count must be exactly the kept answers' bytes.
      expect(bytes).toBe(entries * answerSize);
    }
    // Still caching at the end: a repeated read of a kept report is answered from the cache.
    expect(cache.stats.entries).toBeGreaterThan(0);
  });

  it('keeps a kept answer’s compressed copies with it, counted in its bytes, and drops them when the report changes', async () => {
    const { service, versions } = slowReports(4000);
    const present = (m: StoredReportMeta, json: string) =>
      `{"id":"${m.id}","version":${m.version},"report":${json}}`;
    const cache = new ReportReadCache(service, present, 1_000_000);
    const plain = await cache.read(actor, 'r1');
    expect(plain.encoding).toBeUndefined();
    const br = await cache.read(actor, 'r1', 'br');
    expect(br.encoding).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    // Compressed once: the next read sends the same bytes.
    expect((await cache.read(actor, 'r1', 'br')).body).toBe(br.body);
    const gz = await cache.read(actor, 'r1', 'gzip');
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);
    expect(cache.stats).toEqual({ entries: 1, bytes: plain.body.length + br.body.length + gz.body.length });
    versions.set('r1', 2);
    const changed = await cache.read(actor, 'r1', 'br');
    expect(JSON.parse(brotliDecompressSync(changed.body).toString()).version).toBe(2);
    const fresh = await cache.read(actor, 'r1');
    expect(cache.stats).toEqual({ entries: 1, bytes: fresh.body.length + changed.body.length });
  });

  it('leaves small answers plain, for the reply’s hook to send as they are', async () => {
    const { service } = slowReports(10);
    const cache = new ReportReadCache(service, (m, json) => `{"id":"${m.id}","report":${json}}`);
    await cache.read(actor, 'r1');
    const small = await cache.read(actor, 'r1', 'br');
    expect(small.encoding).toBeUndefined();
    expect(JSON.parse(small.body.toString()).id).toBe('r1');
  });
});
