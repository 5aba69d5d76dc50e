import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { AppError, isAppError } from '../../domain/index.js';
import { loadConfigFile, type LoadedConfig } from '../../lint/config.loader.js';
import { isRuleId, ruleDoc } from '../../lint/docs.js';
import { formatJson, RULES, formatSarif, formatText, type FileResult } from '../../lint/index.js';
import { markdownFiles } from '../report-files.js';
import { findWordsFile, lintFileIn, readWords, WORDS_FILE } from './lint.file.js';
import {
  defaultJobs,
  lintInWorkers,
  LintWorkerMissing,
  PARALLEL_FROM,
  type Outcome,
} from './lint.parallel.js';
import type { RegisterCommand } from './register.js';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
const WORD = /^[\p{L}\p{N}][\p{L}\p{N}'’.-]{0,59}$/u;

/** Add a word to the nearest project dictionary, or create `.hindsight/words` in the working folder. */
function addWord(word: string, cwd: string): string {
  if (!WORD.test(word))
    throw new AppError(
      'bad_request',
      `--add-word takes one word (letters, digits, ' . -; at most 60 characters), not "${word}"`,
    );
  const file = findWordsFile(cwd) ?? join(cwd, WORDS_FILE);
  const words = existsSync(file) ? readWords(file) : [];
  if (words.some((w) => w.toLowerCase() === word.toLowerCase())) return `${word} is already in ${file}`;
  mkdirSync(dirname(file), { recursive: true });
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  appendFileSync(file, `${text === '' || text.endsWith('\n') ? '' : '\n'}${word}\n`);
  return `added ${word} to ${file}`;
}

export const registerLint: RegisterCommand = (program, ctx) => {
  program
    .command('lint')
    .description('check post-mortems for blame, vague impact and missing parts, and score their quality')
    .argument('[paths...]', 'Markdown files, or folders to search for *.md files')
    .option('--format <format>', `output format: ${FORMATS.join(', ')}`, 'text')
    .option('--max-warnings <n>', 'fail when there are more warnings than this')
    .option(
      '--config <file>',
      'configuration file (default: nearest .hindsightrc.json or package.json "hindsight" key)',
    )
    .option(
      '--explain <rule>',
      "print a rule's documentation: what it finds, why, examples, how to silence it",
    )
    .option(
      '--jobs <n>',
      `threads to lint in (default: one per core, up to 4, for ${PARALLEL_FROM} files or more; the output is the same)`,
    )
    .option('--add-word <word>', 'add a word to the project dictionary (.hindsight/words) and exit')
    .option(
      '--docs-url <url>',
      "base URL of the rule pages for SARIF's helpUri (default: the installed docs)",
    )
    .action(
      async (
        paths: string[],
        opts: {
          format: string;
          maxWarnings?: string;
          config?: string;
          explain?: string;
          addWord?: string;
          docsUrl?: string;
          jobs?: string;
        },
      ) => {
        if (opts.explain !== undefined) {
          const page = isRuleId(opts.explain) ? ruleDoc(opts.explain) : undefined;
          if (!page)
            throw new AppError(
              'bad_request',
              `--explain: no rule "${opts.explain}" (rules: ${RULES.map((r) => r.id).join(', ')})`,
            );
          ctx.io.out(page.endsWith('\n') ? page : `${page}\n`);
          return;
        }
        if (opts.addWord !== undefined) {
          ctx.io.out(`${addWord(opts.addWord, process.cwd())}\n`);
          return;
        }
        if (paths.length === 0)
          throw new AppError('bad_request', 'name at least one Markdown file or folder');
        if (opts.docsUrl !== undefined && !/^https?:\/\/[^\s]{1,2000}$/u.test(opts.docsUrl))
          throw new AppError('bad_request', `--docs-url must be an http(s) URL, not "${opts.docsUrl}"`);
        if (!(FORMATS as readonly string[]).includes(opts.format)) {
          throw new AppError(
            'bad_request',
            `--format must be one of ${FORMATS.join(', ')}, not "${opts.format}"`,
          );
        }
        let maxWarnings = Number.POSITIVE_INFINITY;
        if (opts.maxWarnings !== undefined) {
          if (!/^\d{1,9}$/u.test(opts.maxWarnings)) {
            throw new AppError(
              'bad_request',
              `--max-warnings must be a whole number of 0 or more, not "${opts.maxWarnings}"`,
            );
          }
          maxWarnings = Number(opts.maxWarnings);
        }
        if (opts.jobs !== undefined && !/^(?:[1-9]|1[0-6])$/u.test(opts.jobs))
          throw new AppError('bad_request', `--jobs must be a whole number from 1 to 16, not "${opts.jobs}"`);
        const fixed = opts.config ? loadConfigFile(opts.config) : undefined;
        const files = markdownFiles(paths);
        if (files.length === 0)
          throw new AppError('bad_request', `no Markdown files found in ${paths.join(', ')}`);
        const jobs =
          opts.jobs === undefined ? defaultJobs(files.length, availableParallelism()) : Number(opts.jobs);
        let outcomes: Outcome[] | undefined;
        if (jobs > 1 && files.length > 1) {
          try {
            outcomes = await lintInWorkers(files, opts.config ? { configFile: opts.config } : {}, jobs);
          } catch (e) {
            // A dist/ without the worker's program still lints, in this thread.
            if (!(e instanceof LintWorkerMissing)) throw e;
            ctx.io.err(`hindsight: warning: ${e.message}; linting in one thread\n`);
          }
        }
        if (outcomes === undefined) {
          const cache = new Map<string, LoadedConfig>();
          outcomes = files.map((file) => {
            try {
              return { result: lintFileIn(file, fixed, cache) };
            } catch (e) {
              if (!isAppError(e)) throw e;
              return { error: { message: e.message, exitCode: e.exitCode } };
            }
          });
        }
        const results: FileResult[] = [];
        for (const outcome of outcomes) {
          if ('result' in outcome) results.push(outcome.result);
          else {
            // One unreadable file (binary, too large, hostile YAML) is reported and the rest are still linted.
            ctx.io.err(`hindsight: ${outcome.error.message}\n`);
            ctx.setExit(outcome.error.exitCode);
          }
        }
        const format = opts.format as Format;
        ctx.io.out(
          format === 'json'
            ? formatJson(results)
            : format === 'sarif'
              ? formatSarif(results, program.version() ?? '0.0.0', opts.docsUrl)
              : formatText(results),
        );
        const all = results.flatMap((r) => r.findings);
        const errors = all.filter((f) => f.severity === 'error').length;
        const warnings = all.filter((f) => f.severity === 'warning').length;
        if (errors > 0 || warnings > maxWarnings) ctx.setExit(1);
        if (warnings > maxWarnings && format === 'text') {
          ctx.io.err(`hindsight: ${warnings} warnings, more than the ${maxWarnings} allowed\n`);
        }
      },
    );
};
