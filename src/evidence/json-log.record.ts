// The record mapper of JSON-lines logs: one line's bytes → a candidate, after the last raw-byte checks (the
// time, the level) that spare a JSON.parse. pino (`time` epoch ms, numeric `level`), bunyan (`time` ISO), ECS
// (`@timestamp`, `log.level`, `message`, dotted or nested keys).
import type { Candidate } from './candidate.js';
import { isBlank, oneLine } from './candidate.js';
import { BACKSLASH, type ScanState, timeAt } from './json-log.screen.js';
import { MAX_LINE_BYTES } from './lines.js';
import { rawLevel } from './raw-level.js';
import { type LineTime, byteLink, fileLinks } from './seek.js';
import { type ReaderContext, candidate, levelOf, str } from './source.js';
import { parseTimeValue } from './time.js';

const TIME_KEYS = ['time', '@timestamp', 'timestamp', 'ts', 'datetime', 'date', 't'] as const;

/** Turns the line buf[s, e) (line number `state.lineNo`) into a candidate, or counts why it is none. */
export type RecordMapper = (buf: Buffer, s: number, e: number) => Candidate | undefined;

/**
 * The mapper for one file: `service` names records that carry no service of their own; `tooLong` counts a
 * line over the limit. The first record that has a time sets `state.key`, which the screens then look for.
 */
export function jsonRecordMapper(
  file: string,
  service: string,
  ctx: ReaderContext,
  state: ScanState,
  tooLong: () => void,
): RecordMapper {
  const { zone, minLevelIndex: minLevel } = ctx.options;
  const { windowed, lo, hi } = state;
  // Source and channel, cleaned once per service and host: a log has few of them and many lines.
  const links = fileLinks(file);
  const where = () => lineWhere(file, state);
  const origins = new Map<string, Map<string, { source: string; channel: string }>>();
  const origin = (name: string, host: string | undefined): { source: string; channel: string } => {
    let hosts = origins.get(name);
    const made = hosts?.get(host ?? '');
    if (made) return made;
    const o = { source: oneLine(`json-log ${name}${host ? `@${host}` : ''}`), channel: oneLine(name) };
    if (!hosts && origins.size < 256) origins.set(name, (hosts = new Map()));
    if (hosts && hosts.size < 256) hosts.set(host ?? '', o);
    return o;
  };

  return (buf, s, e) => {
    state.lineMs = undefined;
    if (e > s && buf[e - 1] === 13) e -= 1;
    if (e <= s) return undefined;
    if (e - s > MAX_LINE_BYTES) {
      tooLong();
      return undefined;
    }
    const key = state.key;
    if (windowed && key) {
      const kl = key.length;
      let k = -1;
      const guess = state.guess;
      const g = s + guess;
      if (guess > 0 && g + kl <= e && buf[g - 1] !== BACKSLASH) {
        let same = true;
        for (let j = 0; j < kl; j += 1) {
          if (buf[g + j] !== key[j]) {
            same = false;
            break;
          }
        }
        if (same) k = g + kl;
      }
      if (k === -1) {
        const rel = buf.subarray(s, e).indexOf(key);
        if (rel > 0 && buf[s + rel - 1] !== BACKSLASH) {
          k = s + rel + kl;
          state.guess = rel;
        }
      }
      if (k !== -1) {
        const ms = timeAt(buf, k, e, zone);
        state.lineMs = ms;
        if (ms !== undefined && (ms < lo || ms > hi)) {
          ctx.stats.filtered += 1;
          return undefined;
        }
      }
    }
    if (minLevel !== undefined) {
      const level = rawLevel(buf, s, e);
      if (level !== undefined && level < minLevel) {
        ctx.stats.filtered += 1;
        return undefined;
      }
    }
    let obj: unknown;
    const line = buf.toString('utf8', s, e);
    try {
      obj = JSON.parse(line);
    } catch {
      ctx.skip(where(), 'not valid JSON');
      return undefined;
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      ctx.skip(where(), 'not a JSON object');
      return undefined;
    }
    // Fields are read by name rather than through `pick`: this runs for every line in the window, and named
    // reads are what the engine makes fastest. Each chain keeps pick's order (a literal dotted key, then nested).
    const o = obj as Record<string, unknown>;
    let timeKey: string | undefined = 'time';
    let raw: unknown = o.time;
    if (raw === undefined || raw === null) {
      timeKey = undefined;
      raw = undefined;
      for (const k of TIME_KEYS) {
        const v = o[k];
        if (v !== undefined && v !== null) {
          timeKey = k;
          raw = v;
          break;
        }
      }
    }
    const ms = parseTimeValue(raw, zone);
    state.lineMs = ms;
    if (ms === undefined) {
      ctx.skip(
        where(),
        raw === undefined
          ? 'no time field'
          : `impossible or unreadable time ${JSON.stringify(raw).slice(0, 60)}`,
      );
      return undefined;
    }
    if (!key && timeKey) state.key = Buffer.from(`"${timeKey}":`);
    ctx.stats.records += 1;
    if (ms < lo || ms > hi) {
      ctx.stats.filtered += 1;
      return undefined;
    }
    const msg = str(
      o.msg ?? o.message ?? o['event.original'] ?? inner(o.event, 'original') ?? o.log ?? o.text,
    );
    const errMsg = str(
      o['err.message'] ?? inner(o.err, 'message') ?? o['error.message'] ?? inner(o.error, 'message'),
    );
    const text = msg && errMsg && errMsg !== msg ? `${msg}: ${errMsg}` : (msg ?? errMsg ?? '');
    const level = levelOf(
      o.level ?? o['log.level'] ?? inner(o.log, 'level') ?? o.severity ?? o.lvl ?? o.levelname,
    );
    // Past the limit the pipeline only counts: it is told the instant and level, and nothing more is read.
    // (A blank text gives no candidate at all; an empty one falls back to the line, which is never blank.)
    if (ctx.tally && !(text && isBlank(text)) && ctx.tally(ms, level)) return undefined;
    const name =
      str(o['service.name'] ?? inner(o.service, 'name') ?? o.name ?? o.logger ?? o.logger_name ?? o.app) ??
      service;
    const host = str(o.hostname ?? o['host.name'] ?? inner(o.host, 'name') ?? o.host);
    const from = origin(name, host);
    return candidate({
      ms,
      format: 'json-log',
      source: from.source,
      channel: from.channel,
      clean: true,
      text: text || (e - s <= 2000 ? line : buf.toString('utf8', s, s + 2000)),
      actor: str(o['user.name'] ?? inner(o.user, 'name') ?? o.user),
      level,
      link: state.byteAt !== undefined ? links.byte(state.byteAt) : links.line(state.lineNo),
      excerpt: e - s <= 4000 ? line : buf.toString('utf8', s, s + 4000),
    });
  };
}

/** Where the line being read is: `file:line`, or `file#byte=offset` when the reader seeked (seek.ts). */
export function lineWhere(file: string, state: ScanState): string {
  return state.byteAt !== undefined ? byteLink(file, state.byteAt) : `${file}:${state.lineNo}`;
}

/** The time of a JSON line for the seek's probes, as the mapper reads it (a few lines per file: parsed). */
export function jsonLineTime(zone: string | undefined): LineTime {
  return (buf, s, e) => {
    let o: unknown;
    try {
      o = JSON.parse(buf.toString('utf8', s, e));
    } catch {
      return undefined;
    }
    if (o === null || typeof o !== 'object' || Array.isArray(o)) return undefined;
    const r = o as Record<string, unknown>;
    for (const k of TIME_KEYS) {
      const v = r[k];
      if (v !== undefined && v !== null) return parseTimeValue(v, zone);
    }
    return undefined;
  };
}

/** A key of a nested object (`err` → `message`), or undefined when the value is not an object. */
function inner(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
}
