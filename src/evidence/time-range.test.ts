// A number far outside any real time ("time": 1e30) once crashed the readers that met it (a 500 from the
// server, "internal error" from the CLI). Every reader now reports the line and reads the rest.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileEntry } from './files.js';
import { extractEvidence } from './pipeline.js';
import { epochToMs, instantFromMs } from './time.js';

const FIX = resolve(process.cwd(), 'src/evidence/fixtures');
const CORPUS = resolve(process.cwd(), 'test/fixtures/corpus/evidence');
const dir = mkdtempSync(join(tmpdir(), 'hindsight-time-range-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of a real file whose first time value (a number) is replaced by `value`. */
function withTime(source: string, field: RegExp, value: string, name: string): string {
  const text = readFileSync(source, 'utf8');
  const m = field.exec(text);
  if (!m) throw new Error(`no ${field} in ${source}`);
  const out = join(dir, name);
  const key = m[0].slice(0, m[0].indexOf(':'));
  writeFileSync(out, `${text.slice(0, m.index)}${key}:${value}${text.slice(m.index + m[0].length)}`);
  return out;
}

const CASES = [
  { name: 'JSON lines (pino)', file: `${FIX}/app-pino.jsonl`, field: /"time":\d+/, out: 'pino.jsonl' },
  {
    name: 'JSON lines (bunyan)',
    file: `${FIX}/app-bunyan.jsonl`,
    field: /"time":"[^"]*"/,
    out: 'bunyan.jsonl',
  },
  {
    name: 'Opsgenie',
    file: `${FIX}/opsgenie-webhooks.jsonl`,
    field: /"createdAt":\d+/,
    out: 'opsgenie.jsonl',
  },
  {
    name: 'Mattermost',
    file: `${CORPUS}/mattermost/zulip_fixture_mattermost_export.EXCERPT.jsonl`,
    field: /"create_at":\d+/,
    out: 'mattermost.jsonl',
  },
];

describe('numeric times out of range', () => {
  it('become no instant at the one place that turns numbers into instants', () => {
    for (const v of [1e30, -1, Number.MAX_VALUE, Infinity, NaN, 1e20 * 1e6])
      expect(epochToMs(v), String(v)).toBeUndefined();
    expect(instantFromMs(Date.UTC(9999, 11, 31))).toBeDefined();
    expect(instantFromMs(Date.UTC(10000, 0, 1))).toBeUndefined();
    expect(epochToMs(1709301600)).toBe(1709301600000);
  });

  for (const c of CASES) {
    for (const value of ['1e30', '99999999999999999999999', '-5']) {
      it(`${c.name}: ${value} is reported with its line, the rest is read`, async () => {
        const path = withTime(c.file, c.field, value, `${value}-${c.out}`);
        const r = await extractEvidence([{ type: 'file', entry: fileEntry(path) }], {});
        expect(r.candidates.length).toBeGreaterThan(0);
        expect(r.stats.skipped + r.stats.ignored).toBeGreaterThan(0);
        for (const cand of r.candidates) expect(Number.isFinite(Date.parse(cand.at))).toBe(true);
        if (value !== '-5') expect(r.stats.warnings.join('\n')).toMatch(/:\d+/);
      });
    }
  }

  it('a window over a log with an exponent time does not read 1e30 as 1 second', async () => {
    const path = join(dir, 'exp.jsonl');
    writeFileSync(
      path,
      '{"level":50,"time":1e30,"msg":"far future"}\n{"level":50,"time":1709301605000,"msg":"real"}\n',
    );
    const r = await extractEvidence([{ type: 'file', entry: fileEntry(path) }], { from: 0, to: 60_000 });
    expect(r.candidates.map((c) => c.text)).not.toContain('far future');
    const wide = await extractEvidence([{ type: 'file', entry: fileEntry(path) }], {
      from: 0,
      to: Date.UTC(2030, 0, 1),
    });
    expect(wide.candidates.map((c) => c.text)).toEqual(['real']);
  });
});
