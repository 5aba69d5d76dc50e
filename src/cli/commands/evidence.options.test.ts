import { resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cli } from '../../../test/cli-harness.js';
import type { Candidate } from '../../evidence/index.js';
import { writeJson } from './evidence.command.js';

const FIX = resolve(process.cwd(), 'src/evidence/fixtures');

interface Row {
  at: string;
  text: string;
  level?: string;
}
const rows = (out: string) => (JSON.parse(out) as { candidates: Row[] }).candidates;

describe('hindsight evidence options', () => {
  it('keeps records at --min-level and above', async () => {
    const all = await cli('evidence', resolve(FIX, 'app-pino.jsonl'), '--json');
    const errors = await cli('evidence', resolve(FIX, 'app-pino.jsonl'), '--min-level', 'error', '--json');
    expect(all.code, all.err).toBe(0);
    expect(errors.code, errors.err).toBe(0);
    const kept = rows(errors.out);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(rows(all.out).length);
    expect(kept.map((c) => c.text)).toEqual(
      rows(all.out)
        .filter((c) => c.level === 'error' || c.level === 'fatal')
        .map((c) => c.text),
    );
  });

  it('reads zone-less stamps in the --tz zone, and stamps with an offset as they say', async () => {
    const berlin = await cli('evidence', resolve(FIX, 'app.log'), '--tz', 'Europe/Berlin', '--json');
    expect(berlin.code, berlin.err).toBe(0);
    const at = (text: string) => rows(berlin.out).find((c) => c.text.includes(text))?.at;
    expect(at('job failed: payment timeout')).toBe('2024-03-01T14:00:02.120Z'); // 15:00:02,120 in Berlin
    expect(at('queue drained')).toBe('2024-03-01T14:05:00Z'); // +01:00 given
    expect(at('slow request /checkout')).toBe('2024-03-01T14:10:00Z'); // -0800 given
  });
});

describe('the JSON output written in parts', () => {
  it('is the same text as one JSON.stringify of the whole, with and without candidates', () => {
    const candidate = (i: number) =>
      ({
        ms: i,
        at: `2024-03-01T00:00:0${i % 10}Z`,
        format: 'json-log',
        source: 'json-log app',
        text: `line "${i}"\nwith a break`,
        link: `app.jsonl:${i}`,
        suggestion: { kind: 'other', reason: 'no words of a kind' },
        level: i % 2 ? 'error' : undefined,
      }) as unknown as Candidate;
    const rest = {
      stats: { records: 3, warnings: ['a', 'b'] },
      inputs: [{ name: 'app.jsonl', reason: 'given' }],
    };
    for (const n of [0, 1, 2, 499, 500, 501, 1203]) {
      const candidates = Array.from({ length: n }, (_, i) => candidate(i));
      let written = '';
      writeJson((s) => (written += s), candidates, rest);
      const whole = `${JSON.stringify({ candidates: candidates.map(({ ms: _ms, ...c }) => c), ...rest }, null, 2)}\n`;
      expect(written).toBe(whole);
    }
  });

  it('is the same text as JSON.stringify for any JSON-like value in a candidate or the rest', () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(fc.string(), fc.oneof(fc.jsonValue(), fc.constant(undefined))), {
          maxLength: 4,
        }),
        fc.jsonValue(),
        (extras, more) => {
          const candidates = extras.map(
            (extra, i) => ({ ms: i, at: 'x', extra, alsoIn: [], change: {} }) as unknown as Candidate,
          );
          const rest = { stats: more, inputs: [undefined, 1, -0, [[]]] };
          let written = '';
          writeJson((s) => (written += s), candidates, rest);
          const whole = `${JSON.stringify({ candidates: candidates.map(({ ms: _ms, ...c }) => c), ...rest }, null, 2)}\n`;
          expect(written).toBe(whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});
