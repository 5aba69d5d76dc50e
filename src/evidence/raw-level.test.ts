import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEVELS } from './candidate.js';
import { bufferEntry } from './files.js';
import { type EvidenceOptions, extractEvidence as extractWith } from './pipeline.js';
import type { EvidenceInput } from './source.js';
import { rawLevel } from './raw-level.js';

// The JSON-lines tests run with the WebAssembly screen on and off: the results must not depend on it.
const KERNEL_MODES = [
  { name: 'on', on: true },
  { name: 'off', on: false },
];
let kernel = true;
const extractEvidence = (inputs: readonly EvidenceInput[], options: EvidenceOptions = {}) =>
  extractWith(inputs, { kernel, ...options });

const level = (line: string) => {
  const buf = Buffer.from(`xx${line}yy`);
  const i = rawLevel(buf, 2, buf.length - 2);
  return i === undefined ? undefined : LEVELS[i];
};

describe.each(KERNEL_MODES)('with the WebAssembly kernel $name', ({ on }) => {
  beforeAll(() => void (kernel = on));
  afterAll(() => void (kernel = true));

  describe('reading a level from the raw line', () => {
    it('reads numeric (pino) and word levels at the top of the object', () => {
      expect(level('{"level":30,"time":1,"msg":"a"}')).toBe('info');
      expect(level('{"time":1, "level" : 50 ,"msg":"a"}')).toBe('error');
      expect(level('{"level":60}')).toBe('fatal');
      expect(level('{"time":"2024-03-01T00:00:00Z","level":"WARN","message":"x"}')).toBe('warn');
      expect(level('{"level":"debug","a":{"b":[1,2]}}')).toBe('debug');
    });

    it('leaves to JSON.parse what it cannot tell for certain', () => {
      // Nested, inside a string, twice (JSON.parse keeps the last), or an unusual value.
      expect(level('{"req":{"level":10},"msg":"a"}')).toBeUndefined();
      expect(level('{"msg":"say \\"level\\":10","time":1}')).toBeUndefined();
      expect(level('{"msg":"a {\\"b\\": [","level":10}')).toBe('trace');
      expect(level('{"level":10,"level":50}')).toBeUndefined();
      expect(level('{"level":"lots of noise"}')).toBeUndefined();
      expect(level('{"level":3.5}')).toBeUndefined();
      expect(level('{"level":null}')).toBeUndefined();
      expect(level('{"level":"custom"}')).toBeUndefined();
      expect(level('{"time":1,"msg":"no level here"}')).toBeUndefined();
      expect(level('[{"level":50}]')).toBeUndefined();
    });

    it('gives the same candidates with --min-level as filtering after parsing, counting the lines it drops', async () => {
      const lines = [
        '{"level":30,"time":1709301600000,"msg":"started"}',
        '{"level":50,"time":1709301601000,"msg":"pool exhausted"}',
        '{"level":"error","time":1709301602000,"msg":"word error"}',
        '{"req":{"level":10},"time":1709301603000,"msg":"nested level only"}',
        '{"level":40,"time":1709301604000,"msg":"slow"}',
        '{"level":10,"time":1709301605000,"msg":"say \\"level\\":60"}',
        '{"level":60,"time":1709301606000,"msg":"down"}',
      ];
      const entry = () => bufferEntry('app.jsonl', Buffer.from(`${lines.join('\n')}\n`));
      for (const windowed of [false, true]) {
        const window = windowed ? { from: 1709301600000, to: 1709301700000 } : {};
        const r = await extractEvidence([{ type: 'file', entry: entry() }], { ...window, minLevel: 'error' });
        expect(r.candidates.map((c) => c.text)).toEqual([
          'pool exhausted',
          'word error',
          'nested level only',
          'down',
        ]);
        // Four lines below error: three dropped before parsing, one (nested level) kept as level-less.
        expect(r.stats.filtered).toBe(3);
        expect(r.stats.records).toBe(4);
      }
    });
  });
});
