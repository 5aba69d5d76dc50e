import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../domain/index.js';
import { detectFormat } from './detect.js';
import { Readable } from 'node:stream';
import { bufferEntry, fileEntry, openZip, streamEntry } from './files.js';
import { epochGate } from './json-log.reader.js';
import { lineScreen } from './line-screen.wasm.js';
import { readLines } from './lines.js';
import { streamJsonArray } from './json-array.stream.js';
import { type EvidenceOptions, extractEvidence as extractWith } from './pipeline.js';
import type { EvidenceInput } from './source.js';
import { parseLeadingStamp, parseTimeValue } from './time.js';

// The JSON-lines tests run with the WebAssembly screen on and off: the results must not depend on it.
const KERNEL_MODES = [
  { name: 'on', on: true },
  { name: 'off', on: false },
];
let kernel = true;
const extractEvidence = (inputs: readonly EvidenceInput[], options: EvidenceOptions = {}) =>
  extractWith(inputs, { kernel, ...options });

const FIX = resolve(process.cwd(), 'src/evidence/fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'hindsight-evidence-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (path: string): EvidenceInput => ({ type: 'file', entry: fileEntry(path) });
const T = (iso: string) => parseTimeValue(iso) as number;

describe('time stamps', () => {
  it('reads zone-less stamps in an IANA zone across daylight saving', () => {
    expect(parseTimeValue('2024-03-31 01:30:00', 'Europe/Berlin')).toBe(T('2024-03-31T00:30:00Z'));
    expect(parseTimeValue('2024-03-31 03:30:00', 'Europe/Berlin')).toBe(T('2024-03-31T01:30:00Z'));
    expect(parseTimeValue('2024-07-01T12:00:00', 'America/New_York')).toBe(T('2024-07-01T16:00:00Z'));
    expect(parseTimeValue('2023-11-07T09:46:08.305+0100')).toBe(T('2023-11-07T08:46:08.305Z'));
    expect(parseTimeValue(1709301600)).toBe(T('2024-03-01T14:00:00Z'));
    expect(parseTimeValue('1709301600123456789')).toBe(T('2024-03-01T14:00:00.123Z'));
    expect(parseTimeValue('2024-02-30T10:00:00Z')).toBeUndefined();
    expect(parseTimeValue('2024-03-01 10:00:00')).toBeUndefined();
  });

  it('reads the leading stamp of text lines in common styles', () => {
    const at = (line: string) => {
      const r = parseLeadingStamp(line, { zone: 'UTC', year: 2024 });
      return r.ok ? [new Date(r.ms).toISOString(), r.rest] : [r.reason];
    };
    expect(at('2024-03-01T14:05:00.5Z app started')).toEqual(['2024-03-01T14:05:00.500Z', 'app started']);
    expect(at('[2024-03-01 14:05:00] x')).toEqual(['2024-03-01T14:05:00.000Z', 'x']);
    expect(at('2024/03/01 14:05:00 go log')).toEqual(['2024-03-01T14:05:00.000Z', 'go log']);
    expect(at('01-Mar-2024 14:05:00.120 tomcat')).toEqual(['2024-03-01T14:05:00.120Z', 'tomcat']);
    expect(at('Mar  1 14:05:00 host x: y')).toEqual(['2024-03-01T14:05:00.000Z', 'host x: y']);
    expect(at('1709301900.25 epoch')).toEqual(['2024-03-01T14:05:00.250Z', 'epoch']);
    expect(at('10/Oct/2000:13:55:36 -0700 clf')).toEqual(['2000-10-10T20:55:36.000Z', 'clf']);
    expect(at('no stamp here')).toEqual(['none']);
    expect(at('2024-13-01 00:00:00 bad month')).toEqual(['invalid']);
  });
});

describe('format detection', () => {
  it('names each fixture format from its content alone', async () => {
    const sniff = (name: string) => detectFormat(readFileSync(join(FIX, name))).format;
    expect(sniff('app-pino.jsonl')).toBe('json-log');
    expect(sniff('app-ecs.jsonl')).toBe('json-log');
    expect(sniff('alertmanager-webhooks.jsonl')).toBe('alertmanager');
    expect(sniff('opsgenie-webhooks.jsonl')).toBe('opsgenie');
    expect(sniff('pagerduty-log-entries.json')).toBe('pagerduty');
    expect(sniff('github-push.json')).toBe('github');
    expect(sniff('teams-export.json')).toBe('teams');
    expect(sniff('teams-graph.json')).toBe('teams');
    expect(sniff('syslog-5424.log')).toBe('syslog');
    expect(sniff('syslog-3164.log')).toBe('syslog');
    expect(sniff('app.log')).toBe('text');
  });

  it('detects and reads a one-shot stream (an upload) in a single pass', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) =>
      JSON.stringify({ level: 50, time: T('2024-03-01T14:00:00Z') + i, msg: `e${i}` }),
    );
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 16384) }, (_, i) =>
      bytes.subarray(i * 16384, (i + 1) * 16384),
    );
    const entry = streamEntry('upload.jsonl', Readable.from(chunks));
    const { candidates, inputs } = await extractEvidence([{ type: 'file', entry }], {
      to: T('2024-03-01T14:00:00.002Z'),
    });
    expect(inputs[0]?.format).toBe('json-log');
    expect(candidates.map((c) => c.text)).toEqual(['e0', 'e1', 'e2']);
    await expect(async () => {
      for await (const _ of entry.open()) void _;
    }).rejects.toThrow('upload.jsonl: this upload can be read only once past its first 64 KB');
  });

  it('lets --format override a wrong guess', async () => {
    // Lines that look like timestamped text but are syslog without PRI.
    const entry = bufferEntry('odd.log', 'Mar  1 14:05:00 db-1 app[1]: started\n');
    const { candidates } = await extractEvidence([{ type: 'file', entry }], {
      format: 'syslog',
      year: 2024,
      zone: 'UTC',
    });
    expect(candidates.map((c) => [c.at, c.source, c.text])).toEqual([
      ['2024-03-01T14:05:00Z', 'syslog app@db-1', 'started'],
    ]);
  });
});

describe.each(KERNEL_MODES)('with the WebAssembly kernel $name', ({ on }) => {
  beforeAll(() => void (kernel = on));
  afterAll(() => void (kernel = true));

  describe('filters, kinds and duplicates', () => {
    const inputs = () => [
      file(join(FIX, 'alertmanager-webhooks.jsonl')),
      file(join(FIX, 'pagerduty-log-entries.json')),
      file(join(FIX, 'app-pino.jsonl')),
    ];

    it('merges the same alert seen through Alertmanager and PagerDuty, keeping the earlier and both links', async () => {
      const { candidates, stats } = await extractEvidence(inputs());
      const detected = candidates.filter((c) => c.suggestion?.kind === 'detected');
      expect(detected).toHaveLength(1);
      expect(detected[0]).toMatchObject({ at: '2024-03-01T14:03:00Z', format: 'alertmanager' });
      expect(detected[0]!.alsoIn).toEqual([`${FIX}/pagerduty-log-entries.json:3#id=R1TRIGGER`]);
      const resolved = candidates.filter((c) => c.suggestion?.kind === 'resolved');
      expect(resolved.map((c) => [c.at, c.format, c.alsoIn?.length])).toEqual([
        ['2024-03-01T14:35:00Z', 'alertmanager', 1],
      ]);
      expect(stats.merged).toBe(2);
    });

    it('filters by window, level, actor, channel, pattern and kind', async () => {
      const window = await extractEvidence(inputs(), {
        from: T('2024-03-01T14:00:00Z'),
        to: T('2024-03-01T14:10:00Z'),
      });
      expect(window.candidates.map((c) => c.at)).toEqual([
        '2024-03-01T14:00:05Z',
        '2024-03-01T14:00:10Z',
        '2024-03-01T14:03:00Z',
        '2024-03-01T14:06:00Z',
      ]);
      const levels = await extractEvidence(inputs(), { minLevel: 'fatal' });
      // Records without a level (PagerDuty) pass; pino info and error lines do not.
      expect(levels.candidates.filter((c) => c.format === 'json-log').map((c) => c.text)).toEqual([
        'pool exhausted',
      ]);
      const actor = await extractEvidence(inputs(), { actor: 'dana' });
      expect(actor.candidates.map((c) => c.at)).toEqual([
        '2024-03-01T14:06:00Z',
        '2024-03-01T14:12:00Z',
        '2024-03-01T14:36:00Z',
      ]);
      const channel = await extractEvidence(inputs(), { channel: 'app-pino' });
      expect(channel.candidates.every((c) => c.format === 'json-log')).toBe(true);
      const grep = await extractEvidence(inputs(), { grep: /timeout|exhausted/i });
      expect(grep.candidates.map((c) => c.text)).toEqual([
        'upstream timeout: connect ETIMEDOUT 10.0.0.7:5432',
        'pool exhausted',
      ]);
      const kinds = await extractEvidence(inputs(), { kinds: ['responded', 'mitigated'] });
      expect(kinds.candidates.map((c) => [c.suggestion?.kind, c.at])).toEqual([
        ['responded', '2024-03-01T14:06:00Z'],
        ['mitigated', '2024-03-01T14:12:00Z'],
      ]);
    });

    it('screens JSON lines on raw bytes with a window and parses only lines inside it', async () => {
      const lines: string[] = [];
      for (let i = 0; i < 2000; i += 1)
        lines.push(
          JSON.stringify({ level: 30, time: T('2024-03-01T14:00:00Z') + i * 1000, msg: `tick ${i}` }),
        );
      lines[1500] = '{"level":30,"time":oops not json';
      lines[10] = '{"level":30,"time":1709301610000,"msg":"tick 10"'; // broken but inside the window
      const entry = bufferEntry('ticks.jsonl', `${lines.join('\n')}\n`);
      const { candidates, stats } = await extractEvidence([{ type: 'file', entry }], {
        from: T('2024-03-01T14:00:05Z'),
        to: T('2024-03-01T14:00:20Z'),
      });
      expect(candidates.map((c) => c.text)).toEqual(
        Array.from({ length: 16 }, (_, k) => `tick ${k + 5}`).filter((t) => t !== 'tick 10'),
      );
      expect(candidates[0]!.link).toBe('ticks.jsonl:6');
      // A line outside the window is not parsed, unless its time cannot be read from the raw bytes.
      expect(stats.warnings).toEqual(['ticks.jsonl:11: not valid JSON', 'ticks.jsonl:1501: not valid JSON']);
    });

    it('screens exactly like parsing every line would, for any window and any mix of time forms', async () => {
      expect(Buffer.from(epochGate(1709300000000, 1709300300000)!).toString()).toBe('1709300');
      const base = T('2024-03-01T14:00:00Z');
      const form = fc.constantFrom('ms', 'iso', 'seconds', 'ns', 'offset');
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.tuple(fc.integer({ min: -5e9, max: 5e9 }), form), { minLength: 1, maxLength: 60 }),
          fc.integer({ min: -6e9, max: 6e9 }),
          fc.integer({ min: 0, max: 4e9 }),
          async (rows, start, length) => {
            const lines = rows.map(([d, f], i) => {
              const ms = base + d;
              const time =
                f === 'ms'
                  ? ms
                  : f === 'seconds'
                    ? ms / 1000
                    : f === 'ns'
                      ? `"${BigInt(ms) * 1_000_000n}"`
                      : f === 'iso'
                        ? `"${new Date(ms).toISOString()}"`
                        : `"${new Date(ms + 3_600_000).toISOString().slice(0, 23)}+01:00"`;
              return `{"level":30,"time":${time},"msg":"m${i}"}`;
            });
            const from = base + start;
            const to = from + length;
            const { candidates } = await extractEvidence(
              [{ type: 'file', entry: bufferEntry('p.jsonl', lines.join('\n')) }],
              { from, to, maxCandidates: 1000 },
            );
            const expected = rows
              .map(([d, f], i) => ({ ms: f === 'seconds' ? Math.round(base + d) : base + d, i }))
              .filter((r) => r.ms >= from && r.ms <= to)
              .sort((a, b) => a.ms - b.ms || a.i - b.i)
              .map((r) => `m${r.i}`);
            expect(candidates.map((c) => c.text).sort()).toEqual([...expected].sort());
          },
        ),
        { numRuns: 200 },
      );
    });

    it('has a WebAssembly kernel that counts every line and lists only those that may be in the window', () => {
      const k = lineScreen();
      expect(k).toBeDefined();
      expect(k!.configure(Buffer.from('"time":'), 1709300000000, 1709300300000)).toBe(true);
      const text = [
        '{"level":30,"time":1709300000123,"msg":"inside"}',
        '{"level":30,"time":1709300300001,"msg":"just after"}',
        '{"level":30,"time":1709300300000,"msg":"the last instant"}',
        '{"level":30,"time":1709299999999,"msg":"just before"}',
        '{"level":30,"time":1709300000000,"msg":"the first instant"}',
        '{"level":30,"time":1709999999999,"msg":"outside"}',
        '{"level":30,"time":"2024-03-01T13:33:20Z","msg":"a string: JavaScript decides"}',
        '{"lvl":3,"time":1709999999999,"msg":"key elsewhere: JavaScript decides"}',
        '{"level":30,"time":170999999999,"msg":"12 digits: JavaScript decides"}',
        '{"level":30,"time":1709999999999,"msg":"outside"}',
        '{"level":30,"time":17',
      ].join('\n');
      const bytes = Buffer.from(text);
      k!.input.set(bytes, 0);
      const listed = k!.screen(0, bytes.length, 12);
      expect(k!.lines).toBe(10);
      expect(k!.pos).toBe(text.lastIndexOf('\n') + 1);
      // Lines whose time the kernel read and found inside come with their index negated: no second look needed.
      const lines = Array.from({ length: listed }, (_, i) => k!.list[i * 3 + 2]);
      expect(lines).toEqual([-1, -3, -5, 7, 8, 9]);
      expect(k!.nul).toBe(-1);
      // A NUL byte stops the screen at the start of its line and says where it is.
      const holed = Buffer.from('{"a":1}\n{"b":2}\n{"c":\u0000}\n{"d":4}\n');
      k!.input.set(holed, 0);
      k!.screen(0, holed.length, -1);
      expect(k!.nul).toBe(holed.indexOf(0));
      expect(k!.pos).toBe(16);
      expect(k!.lines).toBe(2);
    });

    it('reads a log on disk straight into the kernel and gets what copying and parsing every line would', async () => {
      // Several 256 KB chunks, lines cut at chunk ends, window edges on exact records, and time forms the
      // kernel must hand to JavaScript (strings, 12 and 14 digits, seconds with decimals, a moved key).
      const base = T('2024-03-01T14:00:00Z');
      const rnd = fc.sample(fc.integer({ min: 0, max: 9 }), { numRuns: 40_000, seed: 7 });
      const lines: string[] = [];
      for (let i = 0; i < 40_000; i += 1) {
        const ms = base + i * 37;
        const r = rnd[i] as number;
        const time =
          r === 0 ? `"${new Date(ms).toISOString()}"` : r === 1 ? (ms / 1000).toFixed(3) : String(ms);
        lines.push(
          r === 2
            ? `{"msg":"moved key m${i}","level":40,"time":${time}}`
            : `{"level":30,"time":${time},"pid":${i % 97},"msg":"m${i}${' pad'.repeat(i % 13)}"}`,
        );
      }
      lines.push('{"level":30,"time":170930160000,"msg":"twelve digits"}');
      lines.push('{"level":30,"time":17093016000000,"msg":"fourteen digits"}');
      const text = `${lines.join('\n')}\n`;
      const path = join(tmp, 'kernel.jsonl');
      writeFileSync(path, text);
      const from = base + 1000 * 37; // exactly record 1000
      const to = base + 30_000 * 37; // exactly record 30000
      const expected: string[] = [];
      text.split('\n').forEach((l, i) => {
        if (!l) return;
        const o = JSON.parse(l) as { time: number | string; msg: string };
        const ms =
          typeof o.time === 'string'
            ? Date.parse(o.time)
            : o.time < 1e11
              ? Math.round(o.time * 1000)
              : o.time;
        if (ms >= from && ms <= to) expected.push(`${o.msg}@${i + 1}`);
      });
      const run = async (entry: ReturnType<typeof bufferEntry>) => {
        const { candidates, stats } = await extractEvidence([{ type: 'file', entry }], {
          from,
          to,
          maxCandidates: 100_000,
        });
        return {
          got: candidates.map((c) => `${c.text}@${c.link.split(':').pop()}`).sort(),
          lines: stats.lines,
          records: stats.records,
        };
      };
      const copied = await run(bufferEntry(path, text));
      const blocking = await run(fileEntry(path, path, { blocking: true }));
      const async_ = await run(fileEntry(path, path));
      expect(copied.got).toEqual([...expected].sort());
      expect(copied.got.length).toBe(29_001);
      expect(blocking).toEqual(copied);
      expect(async_).toEqual(copied);
      expect(blocking.lines).toBe(40_002);
    });

    it('is not fooled by the time key inside another key, an escaped quote before it', async () => {
      // `{"lvl":3,"a\"time":…}` holds the bytes `"time":` where the real key sits in the other lines, but behind
      // a backslash: the key is `a"time`. A raw-byte screen that took it for the time would drop these lines.
      const base = T('2024-03-01T14:00:00Z');
      const lines: string[] = [];
      for (let i = 0; i < 20_000; i += 1) {
        const time = base + i * 1000;
        lines.push(
          i % 100 === 7
            ? `{"lvl":3,"a\\"time":${i % 200 === 7 ? 5 : 1609459200000},"time":${time},"msg":"escaped ${i}"}`
            : `{"level":30,"time":${time},"msg":"plain ${i}"}`,
        );
      }
      // The escaped one stands exactly where the other lines have their key: the screen's shortcut lands on it.
      expect(lines[7]!.indexOf('"time":')).toBe(12);
      expect(lines[0]!.indexOf('"time":')).toBe(12);
      const text = `${lines.join('\n')}\n`;
      const path = join(tmp, 'escaped.jsonl');
      writeFileSync(path, text);
      const from = base + 10_000 * 1000;
      const to = base + 12_000 * 1000;
      const expected = lines
        .map((l) => JSON.parse(l) as { time: number; msg: string })
        .filter((o) => o.time >= from && o.time <= to)
        .map((o) => o.msg);
      for (const entry of [
        bufferEntry(path, text),
        fileEntry(path, path, { blocking: true }),
        fileEntry(path),
      ]) {
        const { candidates } = await extractEvidence([{ type: 'file', entry }], {
          from,
          to,
          maxCandidates: 10_000,
        });
        expect(candidates.map((c) => c.text)).toEqual(expected);
      }
      expect(expected.filter((m) => m.startsWith('escaped'))).toHaveLength(20);
    });

    it('stops at binary content deep inside a windowed log on disk, at its exact offset', async () => {
      const base = T('2024-03-01T14:00:00Z');
      const lines = Array.from(
        { length: 30_000 },
        (_, i) => `{"level":30,"time":${base + i * 1000},"msg":"tick ${i}"}`,
      );
      const head = `${lines.slice(0, 20_000).join('\n')}\n{"level":30,"time":${base},"msg":"cut`;
      const path = join(tmp, 'holed.jsonl');
      writeFileSync(
        path,
        Buffer.concat([
          Buffer.from(head),
          Buffer.from([0, 0, 0]),
          Buffer.from(`\n${lines.slice(20_000).join('\n')}\n`),
        ]),
      );
      const { candidates, stats } = await extractEvidence([file(path)], {
        from: base + 19_990 * 1000,
        to: base + 25_000 * 1000,
      });
      expect(Buffer.byteLength(head)).toBeGreaterThan(4 * 256 * 1024);
      expect(candidates.map((c) => c.text)).toEqual(
        Array.from({ length: 10 }, (_, k) => `tick ${19_990 + k}`),
      );
      expect(stats.warnings).toEqual([
        `${path}: binary content (NUL byte at offset ${Buffer.byteLength(head)}); reading stopped there`,
      ]);
    });

    it('keeps at most the limit and says how many were left out', async () => {
      const { candidates, stats } = await extractEvidence([file(join(FIX, 'app-pino.jsonl'))], {
        maxCandidates: 2,
      });
      expect(candidates).toHaveLength(2);
      expect(stats.dropped).toBe(1);
      expect(stats.warnings.some((w) => w.includes('more than 2 candidates'))).toBe(true);
    });
  });
});

describe('git log of a local clone', () => {
  it('reads the commits of the change window before the start, with author and subject', async () => {
    const repo = join(tmp, 'repo');
    execFileSync('git', ['init', '-q', repo]);
    const commit = (date: string, subject: string) => {
      writeFileSync(join(repo, 'f.txt'), subject);
      execFileSync('git', ['-C', repo, 'add', 'f.txt']);
      execFileSync(
        'git',
        [
          '-C',
          repo,
          '-c',
          'user.name=Casey Dev',
          '-c',
          'user.email=casey@example.com',
          'commit',
          '-q',
          '-m',
          subject,
        ],
        {
          env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
        },
      );
    };
    commit('2024-02-20T10:00:00Z', 'Old change, outside the window');
    commit('2024-03-01T13:50:00+01:00', 'Tune the cache TTL');
    commit('2024-03-01T14:10:00Z', 'Revert the cache TTL change');
    commit('2024-03-02T09:00:00Z', 'After the window');
    const { candidates, inputs } = await extractEvidence([{ type: 'git', dir: repo }], {
      from: T('2024-03-01T14:00:00Z'),
      to: T('2024-03-01T15:00:00Z'),
    });
    expect(inputs[0]?.format).toBe('git');
    expect(
      candidates.map((c) => [c.at, c.actor, c.text.replace(/[0-9a-f]{7}/, 'SHA'), c.suggestion?.kind]),
    ).toEqual([
      ['2024-03-01T12:50:00Z', 'Casey Dev', 'Commit SHA: Tune the cache TTL', 'other'],
      ['2024-03-01T14:10:00Z', 'Casey Dev', 'Commit SHA: Revert the cache TTL change', 'mitigated'],
    ]);
    expect(candidates[0]!.change?.id).toMatch(/^[0-9a-f]{40}$/);
    expect(candidates[0]!.link).toBe(`${repo}@${candidates[0]!.change?.id}`);
  });

  it('says clearly when the folder is not a clone', async () => {
    await expect(extractEvidence([{ type: 'git', dir: tmp }])).rejects.toThrow(
      /nothing could be read: .*git log failed/,
    );
  });
});

describe.each(KERNEL_MODES)('with the WebAssembly kernel $name', ({ on }) => {
  beforeAll(() => void (kernel = on));
  afterAll(() => void (kernel = true));

  describe('bad input', () => {
    it('refuses a truncated zip with a clear message', async () => {
      const whole = readFileSync(join(FIX, 'slack-export.zip'));
      const cut = join(tmp, 'cut.zip');
      writeFileSync(cut, whole.subarray(0, whole.length - 40));
      await expect(openZip(cut)).rejects.toThrow(
        /cut\.zip: is not a readable zip archive \(.+\); is the file complete\?/,
      );
    });

    it('names an unknown format and suggests --format; other inputs still count', async () => {
      const prose = join(tmp, 'notes.txt');
      writeFileSync(prose, 'We met on Tuesday.\nThe checkout was slow.\n');
      const err = await extractEvidence([file(prose)]).catch((e: unknown) => e);
      expect(isAppError(err)).toBe(true);
      expect((err as Error).message).toBe(
        `nothing could be read: ${prose}: unknown format: no known structure, and the lines do not start with a timestamp; name it with --format (one of slack, mattermost, teams, pagerduty, opsgenie, alertmanager, github, json-log, syslog, text)`,
      );
      const mixed = await extractEvidence([file(prose), file(join(FIX, 'app-ecs.jsonl'))]);
      expect(mixed.candidates).toHaveLength(2);
      expect(mixed.stats.warnings[0]).toMatch(/notes\.txt: unknown format/);
    });

    it('fails when nothing could be read, naming the first bad line', async () => {
      const bad = join(tmp, 'bad.jsonl');
      writeFileSync(
        bad,
        '{"level":30,"time":"2024-02-30T00:00:00Z","msg":"x"}\n{"level":30,"time":1,"msg":"y"\n',
      );
      await expect(extractEvidence([file(bad)], { format: 'json-log' })).rejects.toThrow(
        `nothing could be read: ${bad}:1: impossible or unreadable time "2024-02-30T00:00:00Z"`,
      );
    });

    it('refuses a 5 GB sparse file after its first bytes, in bounded time', async () => {
      const big = join(tmp, 'huge.log');
      execFileSync('truncate', ['-s', '5G', big]);
      const t0 = Date.now();
      await expect(extractEvidence([file(big)])).rejects.toThrow(
        /huge\.log: unknown format: binary content \(NUL byte at offset 0\)/,
      );
      expect(Date.now() - t0).toBeLessThan(5000);
    });

    it('stops at binary content inside a 5 GB file that starts like a log, keeping what came before', async () => {
      const big = join(tmp, 'huge.jsonl');
      writeFileSync(big, '{"level":50,"time":1709301600000,"msg":"before the hole"}\n');
      execFileSync('truncate', ['-s', '5G', big]);
      const t0 = Date.now();
      const { candidates, stats } = await extractEvidence([file(big)]);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(candidates.map((c) => c.text)).toEqual(['before the hole']);
      expect(stats.warnings).toEqual([
        `${big}: binary content (NUL byte at offset 58); reading stopped there`,
      ]);
    });

    it('skips and counts overlong lines instead of holding them', async () => {
      const long = `${'x'.repeat(300 * 1024)}\n2024-03-01T14:00:00Z after\n`;
      const lines: string[] = [];
      for await (const l of readLines(bufferEntry('long.log', long).open()))
        lines.push(`${l.n}:${l.tooLong}:${l.text.slice(0, 10)}`);
      expect(lines).toEqual(['1:true:xxxxxxxxxx', '2:false:2024-03-01']);
    });

    it('streams JSON array elements with their line numbers and notices truncation', async () => {
      const result = { root: 'empty' as const, truncated: false } as {
        root: 'empty' | 'array' | 'object' | 'other';
        truncated: boolean;
      };
      const els: string[] = [];
      const text = '{"log_entries": [\n {"a": "x]"},\n {"b": {"c": [1,2]}},\n {"d": ';
      for await (const e of streamJsonArray(bufferEntry('p.json', text).open(), {
        arrayKeys: ['log_entries'],
        result,
      }))
        els.push(`${e.line}:${e.text}`);
      expect(els).toEqual(['2:{"a": "x]"}', '3:{"b": {"c": [1,2]}}']);
      expect(result).toEqual({ root: 'object', truncated: true });
    });
  });
});
