import { spawn } from 'node:child_process';
import { AppError } from '../domain/errors.js';
import { formatInstant } from '../domain/instant.js';
import type { Candidate } from './candidate.js';
import { readLines } from './lines.js';
import { type ReaderContext, candidate } from './source.js';
import { parseTimeValue } from './time.js';

/** Fields separated by the ASCII unit separator, which never occurs in a one-line subject. */
export const GIT_FORMAT = '%H%x1f%cI%x1f%aI%x1f%an%x1f%s';

/** Most commits read from one clone. */
export const MAX_COMMITS = 20_000;

/**
 * The commits of a local clone in the change window (`from - lookback` to `to`), read by running
 * `git log` with a fixed format and streaming its output. Each commit is a change candidate.
 */
export async function* readGitLog(dir: string, ctx: ReaderContext): AsyncGenerator<Candidate> {
  const { from, to, lookbackMs } = ctx.options;
  const args = [
    '-C',
    dir,
    'log',
    '--no-color',
    '--no-show-signature',
    `--max-count=${MAX_COMMITS}`,
    `--format=${GIT_FORMAT}`,
  ];
  if (from !== undefined) args.push(`--since=${formatInstant(from - lookbackMs)}`);
  if (to !== undefined) args.push(`--until=${formatInstant(to)}`);
  const child = spawn('git', args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The environment passed through to git, with two changes: no prompts, messages in one language. Not
    // configuration of ours, so the one exception to reading process.env only in src/cli/config.ts.
    // eslint-disable-next-line no-restricted-properties
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => {
    if (stderr.length < 2000) stderr += d;
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? 1));
  });
  ctx.stats.files += 1;
  try {
    for await (const line of readLines(child.stdout)) {
      const [sha, committed, authored, author, subject] = line.text.split('\x1f');
      const ms = parseTimeValue(committed) ?? parseTimeValue(authored);
      if (!sha || ms === undefined) {
        ctx.skip(`${dir}: git log line ${line.n}`, 'unexpected git log output');
        continue;
      }
      ctx.stats.records += 1;
      const c = candidate({
        ms,
        format: 'git',
        source: 'git',
        actor: author,
        text: `Commit ${sha.slice(0, 7)}: ${subject || '(no message)'}`,
        link: `${dir}@${sha}`,
        change: { type: 'commit', id: sha, summary: subject || '(no message)' },
      });
      if (c) yield c;
    }
  } finally {
    if (child.exitCode === null) child.kill();
  }
  let code: number;
  try {
    code = await exited;
  } catch (e) {
    throw new AppError(
      'io',
      `${dir}: cannot run git (${(e as NodeJS.ErrnoException).code ?? 'error'}); is git installed?`,
    );
  }
  if (code !== 0)
    throw new AppError('io', `${dir}: git log failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`);
}
