import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractEvidence } from './pipeline.js';
import type { EvidenceEntry } from './source.js';

/** An entry read a line at a time, so that the pipeline sees candidates while the reader goes on. */
const lineEntry = (lines: string[]): EvidenceEntry => ({
  name: 'app.jsonl',
  async *open() {
    for (const l of lines) yield Buffer.from(`${l}\n`);
  },
});

describe('JSON-lines logs past the candidate limit', () => {
  // The reference is the same extraction with a filter that needs each candidate and keeps them all (an
  // empty --grep): there every record is built, and the pipeline counts it.
  const record = fc.record({
    at: fc.integer({ min: 0, max: 40 }),
    level: fc.constantFrom(undefined, 30, 40, 50, 'error', 'WARN', 'nonsense'),
    msg: fc.constantFrom(undefined, 'GET /a', '', ' ', '\u0001', 'boom'),
    err: fc.constantFrom(undefined, 'boom', ' '),
    time: fc.constantFrom('ms', 'iso', 'none', 'bad'),
  });
  const render = (r: {
    at: number;
    level: number | string | undefined;
    msg: string | undefined;
    err: string | undefined;
    time: string;
  }) => {
    const ms = Date.UTC(2024, 2, 1, 0, r.at);
    const time =
      r.time === 'ms'
        ? ms
        : r.time === 'iso'
          ? new Date(ms).toISOString()
          : r.time === 'bad'
            ? 'soon'
            : undefined;
    return JSON.stringify({
      level: r.level,
      time,
      msg: r.msg,
      err: r.err === undefined ? undefined : { message: r.err },
    });
  };

  it('counts what it does not build exactly as the pipeline counts candidates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(record.map(render), fc.constantFrom('not json', '{"a":')), { maxLength: 60 }),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom(undefined, 'warn' as const, 'error' as const),
        fc.option(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }))),
        fc.boolean(),
        async (lines, max, minLevel, window, kernel) => {
          const options = {
            format: 'json-log' as const,
            maxCandidates: max,
            minLevel,
            kernel,
            lookbackMs: 0,
            ...(window
              ? {
                  from: Date.UTC(2024, 2, 1, 0, Math.min(...window)),
                  to: Date.UTC(2024, 2, 1, 0, Math.max(...window)),
                }
              : {}),
          };
          const run = (grep?: RegExp) =>
            extractEvidence([{ type: 'file', entry: lineEntry(lines) }], {
              ...options,
              grep,
            }).then(
              (r) => JSON.stringify(r),
              (e: Error) => `failed: ${e.message}`,
            );
          expect(await run()).toBe(await run(/(?:)/));
        },
      ),
      { numRuns: 400 },
    );
  });
});
