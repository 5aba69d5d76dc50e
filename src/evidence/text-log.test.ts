import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferEntry } from './files.js';
import { extractEvidence } from './pipeline.js';
import { isoSecond, isoSecondAt } from './text-log.reader.js';
import { parseLeadingStamp } from './time.js';

describe('the quick ISO stamp of text-log lines', () => {
  it('agrees with parseLeadingStamp to the second wherever it gives an answer', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    fc.assert(
      fc.property(
        fc.record({
          y: fc.integer({ min: 1960, max: 2100 }),
          mo: fc.integer({ min: 0, max: 13 }),
          d: fc.integer({ min: 0, max: 31 }),
          h: fc.integer({ min: 0, max: 25 }),
          mi: fc.integer({ min: 0, max: 61 }),
          s: fc.integer({ min: 0, max: 61 }),
          sep: fc.constantFrom('T', ' ', 't', '_'),
          frac: fc.constantFrom('', '.5', '.123', ',123456789', '.'),
          zone: fc.constantFrom('Z', '+02:00', '-05:30', '+0200', '', ' UTC', 'z', '+02:', '+02:3', '-1'),
          rest: fc.constantFrom(' INFO hello', '', 'x'),
        }),
        (r) => {
          const line = `${r.y}-${two(r.mo)}-${two(r.d)}${r.sep}${two(r.h)}:${two(r.mi)}:${two(r.s)}${r.frac}${r.zone}${r.rest}`;
          const quick = isoSecond(line);
          // The same read on the undecoded bytes, inside a buffer that goes on with another line.
          const bytes = Buffer.from(`x${line}\n2024-03-01T00:00:00Z`);
          expect(isoSecondAt(bytes, 1, 1 + Buffer.byteLength(line))).toBe(quick);
          if (quick === undefined) return;
          const full = parseLeadingStamp(line, {});
          expect(full.ok).toBe(true);
          if (full.ok) expect(Math.floor(full.ms / 1000) * 1000).toBe(quick);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('gives the same candidates and counts with a window as without the quick screen', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 400; i++) {
      const at = new Date(Date.UTC(2024, 2, 1, 0, 0, 0) + i * 7_000).toISOString();
      lines.push(
        i % 3 === 0 ? `${at} ERROR payment failed ${i}` : `${at.replace('Z', '+00:00')} INFO ok ${i}`,
      );
      if (i % 50 === 0) lines.push('    at stack.frame (continuation)');
      if (i % 70 === 0) lines.push(`[${at}] WARN bracketed ${i}`);
    }
    const entry = () => bufferEntry('app.log', `${lines.join('\n')}\n`);
    const from = Date.UTC(2024, 2, 1, 0, 10, 0);
    const to = Date.UTC(2024, 2, 1, 0, 20, 0);
    const windowed = await extractEvidence([{ type: 'file', entry: entry() }], { format: 'text', from, to });
    const all = await extractEvidence([{ type: 'file', entry: entry() }], { format: 'text' });
    const inWindow = all.candidates.filter((c) => c.ms >= from && c.ms <= to);
    expect(windowed.candidates.map((c) => c.link)).toEqual(inWindow.map((c) => c.link));
    expect(windowed.candidates.length).toBeGreaterThan(50);
    expect(windowed.stats.records).toBe(all.stats.records);
    expect(windowed.stats.ignored).toBe(all.stats.ignored);
    expect(windowed.stats.filtered).toBe(
      all.stats.records - windowed.candidates.length - windowed.stats.merged,
    );
  });
});
