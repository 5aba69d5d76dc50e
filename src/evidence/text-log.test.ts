import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oneLine, redactTokens } from './candidate.js';
import { formatInstant } from '../domain/instant.js';
import { bufferEntry, fileEntry } from './files.js';
import { extractEvidence } from './pipeline.js';
import type { EvidenceEntry } from './source.js';
import {
  canonicalStampAt,
  isoSecond,
  isoSecondAt,
  isoStampAt,
  plainLine,
  quickRead,
  textAt,
} from './text-log.reader.js';
import { baseName, candidate, levelOf } from './source.js';
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

  it('reads the stamp, level and text on the bytes exactly as parseLeadingStamp and the level pattern do', () => {
    const two = (n: number) => String(n).padStart(2, '0');
    const LEVEL_WORD =
      /^[[(]?(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|CRIT(?:ICAL)?|FATAL|ALERT|EMERG|PANIC)[\])]?:?\s+/i;
    let quick = 0;
    fc.assert(
      fc.property(
        fc.record({
          y: fc.constantFrom(1969, 1970, 2000, 2023, 2024, 2100, 9999),
          mo: fc.integer({ min: 0, max: 13 }),
          d: fc.integer({ min: 0, max: 32 }),
          h: fc.integer({ min: 0, max: 24 }),
          mi: fc.integer({ min: 0, max: 60 }),
          s: fc.integer({ min: 0, max: 60 }),
          sep: fc.constantFrom('T', ' ', 't'),
          frac: fc.constantFrom('', '.5', '.12', '.123', ',123456789', '.1234567890', '.'),
          zone: fc.constantFrom(
            'Z',
            '+02:00',
            '-05:30',
            '+18:00',
            '+18:01',
            '-09:60',
            '+0200',
            '',
            ' UTC',
            'z',
          ),
          after: fc.constantFrom(' ', '  ', '\t', '', ']', ' \u00a0'),
          level: fc.constantFrom(
            '',
            'INFO ',
            'info: ',
            '[WARN] ',
            '(error) ',
            'WARNING\t',
            'WARNINGS ',
            'ERR ',
            'INFO',
            'crit:x ',
          ),
          text: fc.constantFrom('GET /a', '', '   ', '\u0001x', 'é ok', 'x  ', 'y\u00a0'),
        }),
        (r) => {
          const line = `${r.y}-${two(r.mo)}-${two(r.d)}${r.sep}${two(r.h)}:${two(r.mi)}:${two(r.s)}${r.frac}${r.zone}${r.after}${r.level}${r.text}`;
          const bytes = Buffer.from(`x${line}\nnext`);
          const e = 1 + Buffer.byteLength(line);
          const ms = isoStampAt(bytes, 1, e);
          if (ms === undefined) return;
          quick += 1;
          const full = parseLeadingStamp(line, {});
          expect(full.ok && full.ms).toBe(ms);
          if (!full.ok) return;
          let rest = full.rest;
          let level: string | undefined;
          const lv = LEVEL_WORD.exec(rest);
          if (lv) {
            level = levelOf(lv[1]);
            rest = rest.slice(lv[0].length);
          }
          const k = textAt(bytes, quickRead.end, e);
          if (k === -1) return;
          const text = k < e ? line.slice(k - 1).trimEnd() : '';
          expect(text || line).toBe(rest || line);
          expect(quickRead.level).toBe(level);
        },
      ),
      { numRuns: 5000 },
    );
    expect(quick).toBeGreaterThan(200);
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

describe('text logs past the candidate limit', () => {
  // The reference is the same extraction with a filter that needs each candidate and keeps them all (an
  // empty --grep): there every record is built, and the pipeline counts it.
  const line = fc.record({
    at: fc.integer({ min: 0, max: 40 }),
    stamp: fc.constantFrom('iso', 'iso-space', 'zoneless', 'none', 'bad'),
    level: fc.constantFrom('', 'INFO ', 'ERROR ', 'debug: ', '[WARN] ', 'FATAL '),
    text: fc.constantFrom('GET /a', '', ' ', '\u0001\u0002', 'x\ty', 'crash in foo', 'token xoxb-1 ok'),
  });
  const render = (l: { at: number; stamp: string; level: string; text: string }) => {
    const iso = new Date(Date.UTC(2024, 2, 1, 0, l.at)).toISOString();
    const stamp =
      l.stamp === 'iso'
        ? iso
        : l.stamp === 'iso-space'
          ? iso.replace('T', ' ').replace('Z', '+00:00')
          : l.stamp === 'zoneless'
            ? iso.slice(0, 19)
            : l.stamp === 'bad'
              ? '2024-02-30T00:00:00Z'
              : '   at frame';
    return `${stamp} ${l.level}${l.text}`;
  };

  it('counts what it does not build exactly as the pipeline counts candidates', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 60 }),
        fc.integer({ min: 0, max: 12 }),
        fc.constantFrom(undefined, 'warn', 'error'),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        async (lines, max, minLevel, a, b) => {
          const text = lines.map(render);
          // Read a line at a time, so that the pipeline sees candidates while the reader goes on.
          const entry = (): EvidenceEntry => ({
            name: 'app.log',
            async *open() {
              for (const l of text) yield Buffer.from(`${l}\n`);
            },
          });
          const options = {
            format: 'text' as const,
            maxCandidates: max,
            minLevel: minLevel as 'warn' | 'error' | undefined,
            from: Date.UTC(2024, 2, 1, 0, Math.min(a, b)),
            to: Date.UTC(2024, 2, 1, 0, Math.max(a, b)),
            lookbackMs: 0,
          };
          const run = (grep?: RegExp) =>
            extractEvidence([{ type: 'file', entry: entry() }], {
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

  it('keeps the limit message in file order among other messages', async () => {
    const long = `2024-03-01T00:00:03Z INFO ${'x'.repeat(300 * 1024)}`;
    const lines = [
      '2024-03-01T00:00:01Z INFO a',
      '2024-03-01T00:00:02Z INFO b',
      long,
      '2024-03-01T00:00:04Z INFO c',
    ];
    const read = async (ls: string[]) =>
      (
        await extractEvidence([{ type: 'file', entry: bufferEntry('app.log', `${ls.join('\n')}\n`) }], {
          format: 'text',
          maxCandidates: 1,
        })
      ).stats;
    const first = await read(lines);
    expect(first.warnings).toEqual([
      'more than 1 candidates: the rest are left out; narrow the window, --grep or --min-level',
      'app.log:3: line is too long',
    ]);
    expect(first).toMatchObject({ records: 3, dropped: 2, skipped: 1 });
    const second = await read([lines[0] as string, long, lines[1] as string]);
    expect(second.warnings).toEqual([
      'app.log:2: line is too long',
      'more than 1 candidates: the rest are left out; narrow the window, --grep or --min-level',
    ]);
  });
});

describe('the source, channel and links of text-log candidates', () => {
  // What candidate() makes of them when it cleans each one: the reader cleans them once per file instead.
  const expected = (name: string, link: string) => {
    const service = baseName(name).replace(/\.(log|txt)$/i, '');
    return {
      source: oneLine(`log ${service}`),
      ...(service ? { channel: oneLine(service) } : {}),
      link: oneLine(link),
    };
  };
  const lines = Array.from(
    { length: 40 },
    (_, i) => `2024-03-01T00:${String(i).padStart(2, '0')}:00Z INFO request ${i} answered`,
  );
  const names = [
    'app.log',
    'my  app.log',
    'logs/tab\tapp.txt',
    ' .log',
    '\u0001.log',
    `${'x'.repeat(1200)}.log`,
    'a !b.log',
  ];

  it('are what cleaning each candidate gives, by line number', async () => {
    for (const name of names) {
      const r = await extractEvidence([{ type: 'file', entry: bufferEntry(name, `${lines.join('\n')}\n`) }], {
        format: 'text',
      });
      expect(r.candidates).toHaveLength(lines.length);
      r.candidates.forEach((c, i) => {
        expect({ source: c.source, channel: c.channel, link: c.link }).toEqual({
          channel: undefined,
          ...expected(name, `${name}:${i + 1}`),
        });
      });
    }
  });

  it('are what cleaning each candidate gives, by byte offset after a seek', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hindsight-text-'));
    try {
      // A line a second for 100 minutes (a few hundred KB: enough to bisect), a window of one minute.
      const many = Array.from(
        { length: 6000 },
        (_, i) => `${new Date(Date.UTC(2024, 2, 1, 0, 0, i)).toISOString()} INFO request ${i} answered`,
      );
      const path = join(dir, 'app.log');
      writeFileSync(path, `${many.join('\n')}\n`);
      const offsets: number[] = [];
      many.reduce((at, l) => (offsets.push(at), at + l.length + 1), 0);
      for (const name of names) {
        const r = await extractEvidence(
          [{ type: 'file', entry: fileEntry(path, name, { blocking: true }) }],
          {
            format: 'text',
            from: Date.UTC(2024, 2, 1, 0, 50),
            to: Date.UTC(2024, 2, 1, 0, 51),
            lookbackMs: 0,
            seek: { minBytes: 0 },
          },
        );
        expect(r.candidates.map((c) => c.text)).toEqual(
          Array.from({ length: 61 }, (_, i) => `request ${3000 + i} answered`),
        );
        r.candidates.forEach((c, i) => {
          // Read from a seek, the links name byte offsets.
          expect({ source: c.source, channel: c.channel, link: c.link }).toEqual({
            channel: undefined,
            ...expected(name, `${name}#byte=${offsets[3000 + i]}`),
          });
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('text-log candidates of plain lines, built in place', () => {
  const LEVEL_WORD =
    /^[[(]?(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERROR|ERR|CRIT(?:ICAL)?|FATAL|ALERT|EMERG|PANIC)[\])]?:?\s+/i;
  const stamp = fc.record({
    at: fc.integer({ min: 0, max: 3 * 86_400_000 }),
    form: fc.constantFrom(
      'ms',
      'ms',
      'ms',
      'whole',
      'nanos',
      'tenths',
      'offset',
      'space',
      'zoneless',
      'none',
    ),
  });
  const write = (s: { at: number; form: string }) => {
    const iso = new Date(Date.UTC(2024, 1, 28) + s.at).toISOString();
    switch (s.form) {
      case 'whole':
        return iso.replace(/\.\d{3}Z/, '.000Z');
      case 'nanos':
        return iso.replace('Z', '456789Z');
      case 'tenths':
        return iso.replace(/\.(\d)\d\dZ/, '.$1Z');
      case 'offset':
        return iso.replace('Z', '+02:00');
      case 'space':
        return iso.replace('T', ' ');
      case 'zoneless':
        return iso.slice(0, 19);
      case 'none':
        return '    at frame';
      default:
        return iso;
    }
  };
  const lines = fc.array(
    fc.record({
      stamp,
      level: fc.constantFrom('', 'INFO ', 'error: ', '[WARN] ', 'DEBUG  ', 'INFO'),
      text: fc.constantFrom(
        'GET /a answered 200',
        'two  spaces',
        'tab\there',
        'trailing ',
        'no\u00a0break',
        'caf\u00e9 \u{1f600}',
        '\u00f1and\u00fa first',
        'token xoxb-123 ok',
        'see https://ex.com/a?token=xoxb-1 now',
        'see https://files.slack.com/files-pri/T1/x?t=xoxe-1 now',
        '\u0001control',
        'x'.repeat(2100),
        '',
        ' ',
      ),
      end: fc.constantFrom('\n', '\n', '\r\n'),
    }),
    { maxLength: 40 },
  );

  it('are the candidates candidate() builds from the line read the usual way', async () => {
    await fc.assert(
      fc.asyncProperty(lines, fc.option(stamp), fc.nat({ max: 86_400_000 }), async (ls, from, width) => {
        const text = ls.map((l) => `${write(l.stamp)} ${l.level}${l.text}${l.end}`).join('');
        // With a window or without: lines outside it are counted apart from the others (linesOutside).
        const window =
          from === null
            ? {}
            : {
                from: Date.UTC(2024, 1, 28) + from.at,
                to: Date.UTC(2024, 1, 28) + from.at + width,
                lookbackMs: 0,
              };
        const r = await extractEvidence([{ type: 'file', entry: bufferEntry('app.log', text) }], {
          format: 'text',
          zone: 'UTC',
          ...window,
        });
        // The reference: each line's stamp, level and text by parseLeadingStamp and the level pattern, its
        // candidate by candidate(), sorted as the pipeline sorts them.
        const expected = text
          .split('\n')
          .slice(0, -1)
          .flatMap((raw, i) => {
            const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
            const stamped = parseLeadingStamp(line, { zone: 'UTC' });
            if (!line.trim() || !stamped.ok) return [];
            let rest = stamped.rest;
            let level;
            const lv = LEVEL_WORD.exec(rest);
            if (lv) {
              level = levelOf(lv[1]);
              rest = rest.slice(lv[0].length);
            }
            const c = candidate({
              ms: stamped.ms,
              format: 'text',
              source: 'log app',
              channel: 'app',
              text: rest || line,
              level,
              link: `app.log:${i + 1}`,
              excerpt: line,
            });
            return c ? [c] : [];
          })
          .filter((c) => window.from === undefined || (c.ms >= window.from && c.ms <= window.to))
          .sort((a, b) => a.ms - b.ms || a.link.localeCompare(b.link));
        // Compared as JSON text: the same keys in the same order, as --json writes them.
        expect(JSON.stringify(r.candidates.map(({ suggestion: _s, ...c }) => c))).toBe(
          JSON.stringify(expected),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('take the stamp as their instant only where it is written as formatInstant writes it', () => {
    fc.assert(
      fc.property(stamp, fc.constantFrom(' INFO x', ''), (s, rest) => {
        const line = `${write(s)}${rest}`;
        const bytes = Buffer.from(`${line}\n`);
        const ms = isoStampAt(bytes, 0, bytes.length - 1);
        if (ms === undefined || !canonicalStampAt(bytes, 0)) return;
        expect(line.slice(0, 24)).toBe(formatInstant(ms));
      }),
      { numRuns: 2000 },
    );
    const whole = Buffer.from('2024-03-01T10:00:00.000Z INFO x');
    expect(isoStampAt(whole, 0, whole.length)).toBeDefined();
    expect(canonicalStampAt(whole, 0)).toBe(false);
  });

  it('are plain only when cleaning leaves the line and any trimmed part of it as they are', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom(
            'a',
            'Z',
            ' ',
            '  ',
            '\t',
            '\u00a0',
            '\u2028',
            '\u0085',
            'é',
            '\ud800',
            'xox',
            'files.slack.com/',
            '\u{1f600}',
          ),
          { maxLength: 12 },
        ),
        fc.nat(),
        (parts, cut) => {
          const line = `2024-03-01T00:00:00.001Z ${parts.join('')}`;
          if (!plainLine(line)) return;
          expect(oneLine(redactTokens(line))).toBe(line);
          const from = cut % line.length;
          const part = line.slice(from).trimEnd();
          if (part && part.charCodeAt(0) > 0x20 && part.charCodeAt(0) < 0x7f)
            expect(oneLine(redactTokens(part))).toBe(part);
        },
      ),
      { numRuns: 3000 },
    );
    expect(plainLine(`2024-03-01T00:00:00Z ${'x'.repeat(2000)}`)).toBe(false);
    expect(plainLine('2024-03-01T00:00:00Z a  b')).toBe(false);
    expect(plainLine('2024-03-01T00:00:00Z token xoxb-1')).toBe(false);
    expect(plainLine('2024-03-01T00:00:00Z GET /a answered')).toBe(true);
  });
});
