import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type cliProgress from 'cli-progress';
import type { EventKind, Report } from '../../domain/index.js';
import { AppError } from '../../domain/errors.js';
import { EVENT_KINDS } from '../../domain/event-kinds.js';
import { walkFiles } from '../../fs/walk.js';
// The evidence modules one by one rather than through evidence/index.js, and the domain's modules without
// zod: reading evidence loads neither the report's schemas nor the report writer (to-report.js, with --into
// only). In the CLI bundle the report schemas are then not built at every start.
import {
  type Candidate,
  EVIDENCE_FORMATS,
  type EvidenceFormat,
  LEVELS,
  type Level,
} from '../../evidence/candidate.js';
import {
  fileEntry,
  folderBundle,
  isGitDir,
  looksLikeZip,
  MAX_DIR_FILES,
  openZip,
} from '../../evidence/files.js';
import { extractEvidence } from '../../evidence/pipeline.js';
import type { EvidenceInput } from '../../evidence/source.js';
import { checkZone, parseTimeValue } from '../../evidence/time.js';
import { writeTextFile } from '../io.js';
import type { loadReportFile } from '../report-file.js';
import type { RegisterCommand } from './register.js';

interface EvidenceOpts {
  from?: string;
  to?: string;
  tz?: string;
  year?: string;
  format?: string;
  grep?: string;
  kinds?: string;
  minLevel?: string;
  actor?: string;
  channel?: string;
  lookback: string;
  limit: string;
  json?: boolean;
  into?: string;
  seek: boolean;
}

/** Kinds added with --into when --kinds is not given: everything with a role in the response. */
const DEFAULT_INTO_KINDS: EventKind[] = [
  'detected',
  'responded',
  'investigating',
  'mitigated',
  'communicated',
  'resolved',
];

export const registerEvidence: RegisterCommand = (program, ctx) => {
  program
    .command('evidence')
    .description(
      'turn chat exports, alerts, deploys, commits and logs into timeline candidates, or add them to a report',
    )
    .argument('<paths...>', 'evidence files, Slack export folders or zips, or git clones')
    .option('--from <time>', 'start of the window (ISO 8601; zone-less values use --tz)')
    .option('--to <time>', 'end of the window')
    .option(
      '--tz <zone>',
      "IANA zone of timestamps that carry none (text logs, RFC 3164 syslog); with --into, the report's zone by default",
    )
    .option(
      '--year <year>',
      'year of timestamps that carry none (RFC 3164 syslog); default: the year of --from',
    )
    .option(
      '--format <format>',
      `read every file as this format: ${EVIDENCE_FORMATS.filter((f) => f !== 'git').join(', ')}`,
    )
    .option('--grep <regex>', 'keep records whose text matches (case-insensitive)')
    .option(
      '--kinds <kinds>',
      `keep these suggested kinds, comma-separated (${EVENT_KINDS.join(', ')}), or "all"`,
    )
    .option('--min-level <level>', `keep log records at this level or above: ${LEVELS.join(', ')}`)
    .option('--actor <name>', 'keep records by this person or bot (substring)')
    .option('--channel <name>', 'keep records from this channel or service (substring)')
    .option(
      '--lookback <duration>',
      'how far before --from commits and deploys are read (e.g. 72h, 7d)',
      '72h',
    )
    .option('--limit <n>', 'most candidates kept', '50000')
    .option(
      '--no-seek',
      'read every line of a big log; by default a window in a time-ordered log is found by bisection (its lines are then named by byte offset, file#byte=N)',
    )
    .option('--json', 'print the candidates and counters as JSON')
    .option('--into <report>', 'add the chosen candidates to this Postmortem Markdown report and rewrite it')
    .action(async (paths: string[], opts: EvidenceOpts) => {
      if (opts.json && opts.into)
        throw new AppError('bad_request', 'choose either --json or --into, not both');
      // The report's parser and writer are loaded only with --into: reading evidence starts without them.
      let loaded: ReturnType<typeof loadReportFile> | undefined;
      if (opts.into) loaded = (await import('../report-file.js')).loadReportFile(opts.into);
      const zone = opts.tz ?? (loaded ? loaded.report.period.timezone : undefined);
      if (zone !== undefined && !checkZone(zone)) {
        throw new AppError(
          'bad_request',
          `unknown time zone "${zone}"; use an IANA name such as Europe/Paris or UTC`,
        );
      }
      const from = instantOption('--from', opts.from, zone);
      const to = instantOption('--to', opts.to, zone);
      if (from !== undefined && to !== undefined && from > to)
        throw new AppError('bad_request', '--from is after --to');
      const year =
        opts.year !== undefined
          ? intOption('--year', opts.year, 1970, 9999)
          : from !== undefined
            ? new Date(from).getUTCFullYear()
            : undefined;
      const format = opts.format as EvidenceFormat | undefined;
      if (format !== undefined && (!EVIDENCE_FORMATS.includes(format) || format === 'git')) {
        throw new AppError(
          'bad_request',
          `unknown --format "${opts.format}"; one of ${EVIDENCE_FORMATS.filter((f) => f !== 'git').join(', ')}`,
        );
      }
      const minLevel = opts.minLevel?.toLowerCase() as Level | undefined;
      if (minLevel !== undefined && !LEVELS.includes(minLevel)) {
        throw new AppError(
          'bad_request',
          `unknown --min-level "${opts.minLevel}"; one of ${LEVELS.join(', ')}`,
        );
      }
      const kinds = kindsOption(opts.kinds);
      let grep: RegExp | undefined;
      if (opts.grep !== undefined) {
        try {
          grep = new RegExp(opts.grep, 'iu');
        } catch (e) {
          throw new AppError(
            'bad_request',
            `--grep is not a valid regular expression: ${(e as Error).message}`,
          );
        }
      }
      const lookbackMs = durationOption('--lookback', opts.lookback);
      const limit = intOption('--limit', opts.limit, 1, 1_000_000);

      const inputs: EvidenceInput[] = [];
      for (const p of paths) inputs.push(...(await resolvePath(p)));

      const bar = await progressBar(ctx.io.isProcess === true);
      let extraction;
      try {
        extraction = await extractEvidence(inputs, {
          from,
          to,
          zone,
          year,
          format,
          grep,
          minLevel,
          actor: opts.actor,
          channel: opts.channel,
          kinds: opts.into ? undefined : kinds,
          lookbackMs,
          maxCandidates: limit,
          seek: opts.seek,
          onProgress: bar?.update,
        });
      } finally {
        bar?.stop();
      }
      const { candidates, stats } = extraction;
      if (opts.json) {
        writeJson(ctx.io.out, candidates, { stats, inputs: extraction.inputs });
        return;
      }
      const summary =
        `${candidates.length} candidate${candidates.length === 1 ? '' : 's'} from ${stats.records} records in ${stats.files} file${stats.files === 1 ? '' : 's'}` +
        ` (${stats.skipped} malformed skipped, ${stats.ignored} not events, ${stats.filtered} filtered out, ${stats.merged} duplicates merged${stats.dropped ? `, ${stats.dropped} over the limit` : ''})`;
      for (const w of stats.warnings.slice(0, 20)) ctx.io.err(`hindsight: warning: ${w}\n`);
      if (stats.warnings.length > 20)
        ctx.io.err(`hindsight: … ${stats.warnings.length - 20} more warnings\n`);
      if (opts.into && loaded) {
        const wanted = kinds ?? DEFAULT_INTO_KINDS;
        const chosen = candidates.filter(
          (c) => wanted.includes(c.suggestion?.kind ?? 'other') || (c.change && !opts.kinds),
        );
        const { addEvidenceToReport } = await import('../../evidence/to-report.js');
        const { report, added } = addEvidenceToReport(loaded.report as Report, chosen);
        const { serializePostmortem } = await import('../../markdown/postmortem.serialize.js');
        writeTextFile(opts.into, serializePostmortem(report));
        ctx.io.err(`${summary}\n`);
        ctx.io.out(
          `${opts.into}: added ${added.events} timeline event${added.events === 1 ? '' : 's'}, ${added.materials} supporting material${added.materials === 1 ? '' : 's'}, ` +
            `${added.changes} change${added.changes === 1 ? '' : 's'}${added.appendix ? `, excerpts in appendix ${added.appendix}` : ''}\n`,
        );
        return;
      }
      writeTable(ctx.io.out, candidates);
      ctx.io.err(`${summary}\n`);
    });
};

function instantOption(
  name: string,
  value: string | undefined,
  zone: string | undefined,
): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseTimeValue(value, zone);
  if (ms === undefined) {
    throw new AppError(
      'bad_request',
      `${name} must be a real date and time, e.g. 2024-03-01T14:00:00Z${zone ? '' : ' (a value without a zone needs --tz)'}, not "${value}"`,
    );
  }
  return ms;
}

function intOption(name: string, value: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max)
    throw new AppError('bad_request', `${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return n;
}

function durationOption(name: string, value: string): number {
  const m = /^(\d{1,6})\s*(m|min|h|d)$/.exec(value.trim());
  if (!m)
    throw new AppError('bad_request', `${name} must be a duration such as 90m, 72h or 7d, not "${value}"`);
  const unit = m[2] === 'd' ? 86_400_000 : m[2] === 'h' ? 3_600_000 : 60_000;
  return Number(m[1]) * unit;
}

function kindsOption(value: string | undefined): EventKind[] | undefined {
  if (value === undefined || value.trim() === 'all') return undefined;
  const kinds = value
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  for (const k of kinds) {
    if (!EVENT_KINDS.includes(k as EventKind))
      throw new AppError(
        'bad_request',
        `unknown kind "${k}" in --kinds; use ${EVENT_KINDS.join(', ')} or all`,
      );
  }
  return kinds as EventKind[];
}

/** A path on the command line as inputs: a zip, a Slack export folder, a git clone, a folder of files, or a file. */
async function resolvePath(path: string): Promise<EvidenceInput[]> {
  let st;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AppError(
      'io',
      code === 'ENOENT'
        ? `${path}: no such file or directory`
        : `${path}: cannot be read (${code ?? 'error'})`,
    );
  }
  if (st.isDirectory()) return resolveDir(path);
  if (!st.isFile()) throw new AppError('io', `${path}: is not a regular file`);
  const head = Buffer.alloc(4);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  if (looksLikeZip(head)) return [await openZip(path)];
  return [{ type: 'file', entry: fileEntry(path, path, { blocking: true }) }];
}

/** A folder: a git clone, a Slack export, or a folder of evidence (whose sub-folders may be either). */
async function resolveDir(dir: string): Promise<EvidenceInput[]> {
  const isSlackExport = (d: string) =>
    existsSync(join(d, 'users.json')) || existsSync(join(d, 'channels.json'));
  const out: EvidenceInput[] = [];
  const found = walkFiles(dir, {
    claim: (d) => isGitDir(d) || isSlackExport(d),
    skipDotFiles: true,
    maxDepth: 20,
    maxEntries: MAX_DIR_FILES,
  });
  for (const f of found) {
    if (!f.dir) out.push(...(await resolvePath(f.path)));
    else if (isGitDir(f.path)) out.push({ type: 'git', dir: f.path });
    else out.push(folderBundle(f.path, { blocking: true }));
    if (out.length > MAX_DIR_FILES)
      throw new AppError(
        'too_large',
        `${dir}: holds more than ${MAX_DIR_FILES} files; name the files to read`,
      );
  }
  return out;
}

/** A progress bar on stderr for long reads, only when a person is watching a terminal. */
async function progressBar(
  real: boolean,
): Promise<{ update: (done: number, total: number | undefined) => void; stop: () => void } | undefined> {
  if (!real || !process.stderr.isTTY) return undefined;
  const { default: cliProgress } = await import('cli-progress');
  let bar: cliProgress.SingleBar | undefined;
  return {
    update: (done, total) => {
      if (!total || total < 32 * 1024 * 1024) return;
      if (!bar) {
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: 'reading evidence [{bar}] {percentage}% | {value}/{total} MB',
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(Math.ceil(total / 1048576), 0);
      }
      bar.update(Math.floor(done / 1048576));
    },
    stop: () => bar?.stop(),
  };
}

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));

/**
 * Candidates per part of --json output: a part's text stays under the size V8 puts in its large-object space
 * (freed only by a full collection), so the parts written are reclaimed as fast as they are made.
 */
const PART = 100;

/**
 * The candidates and the rest as one JSON document, the same text JSON.stringify(…, null, 2) gives, written a
 * hundred candidates at a time: tens of thousands of candidates never become one string in memory.
 */
export function writeJson(
  out: (s: string) => void,
  candidates: readonly Candidate[],
  rest: Record<string, unknown>,
): void {
  if (candidates.length === 0) out('{\n  "candidates": [],');
  else {
    // Each part by the engine's own JSON.stringify (several times faster than building the text here), inside
    // an object like the document, so that it comes indented as the document indents it.
    const head = '{\n  "candidates": ['.length;
    const tail = '\n  ]\n}'.length;
    for (let i = 0; i < candidates.length; i += PART) {
      const part = candidates.slice(i, i + PART).map(({ ms: _ms, ...c }) => c);
      const text = JSON.stringify({ candidates: part }, null, 2);
      out(`${i === 0 ? '{\n  "candidates": [' : ','}${text.slice(head, -tail)}`);
    }
    out('\n  ],');
  }
  const keys = Object.entries(rest).map(
    ([k, v]) => `\n  ${JSON.stringify(k)}: ${JSON.stringify(v, null, 2)?.replaceAll('\n', '\n  ')}`,
  );
  out(`${keys.join(',')}\n}\n`);
}

/** The candidates as a table, written a few hundred at a time. */
function writeTable(write: (s: string) => void, candidates: readonly Candidate[]): void {
  if (candidates.length === 0) return write('no candidates\n');
  let out: string[] = [];
  for (const c of candidates) {
    out.push(
      `${pad(c.at, 24)} ${pad(c.suggestion?.kind ?? 'other', 12)} ${pad(c.source, 24)} ${pad(c.actor ?? '-', 16)} ${c.text.length > 120 ? `${c.text.slice(0, 119)}…` : c.text}`,
    );
    out.push(
      `${' '.repeat(25)}└ ${c.suggestion?.reason ?? ''} · ${c.link}${c.alsoIn?.length ? ` (also ${c.alsoIn.join(', ')})` : ''}`,
    );
    if (out.length >= 1000) {
      write(`${out.join('\n')}\n`);
      out = [];
    }
  }
  if (out.length > 0) write(`${out.join('\n')}\n`);
}
