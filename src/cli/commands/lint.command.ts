import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { isPostmortemMarkdown, markdownFiles } from '../report-files.js';
import { dirname, join, relative, resolve } from 'node:path';
import { AppError, isAppError } from '../../domain/index.js';
import { findConfig, loadConfigFile, type LoadedConfig } from '../../lint/config.loader.js';
import { withWords } from '../../lint/config.js';
import { isRuleId, ruleDoc } from '../../lint/docs.js';
import {
  formatJson,
  RULES,
  formatSarif,
  formatText,
  lintSource,
  textLocator,
  valueAt,
  type FileResult,
} from '../../lint/index.js';
import { importForeignMarkdown } from '../../markdown/import/foreign.import.js';
import { parsePostmortem } from '../../markdown/postmortem.parse.js';
import { readTextFile } from '../io.js';
import { loadReportFile } from '../report-file.js';
import type { RegisterCommand } from './register.js';

const FORMATS = ['text', 'json', 'sarif'] as const;
type Format = (typeof FORMATS)[number];
/** The project dictionary: `.hindsight/words`, one word a line, in the nearest folder upwards that has one. */
export const WORDS_FILE = join('.hindsight', 'words');
const WORD = /^[\p{L}\p{N}][\p{L}\p{N}'’.-]{0,59}$/u;

function findWordsFile(dir: string): string | undefined {
  let current = resolve(dir);
  for (;;) {
    const file = join(current, WORDS_FILE);
    if (existsSync(file)) return file;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

function readWords(file: string): string[] {
  const text = readTextFile(file);
  return text
    .split(/\r?\n/u)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

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

function lintFile(file: string, loaded: LoadedConfig): FileResult {
  const shown = relative(process.cwd(), file) || file;
  const text = readTextFile(file);
  if (!isPostmortemMarkdown(text)) {
    // A post-mortem written without Hindsight: import it as best we can and lint what came out.
    const { report, recognition } = importForeignMarkdown(text, { file });
    const locate = textLocator(text, (path) => valueAt(report, path), recognition.headings);
    const { findings, score } = lintSource(text, report, locate, { config: loaded.config });
    return { file: shown, findings, score };
  }
  try {
    const { report, parsed } = loadReportFile(file);
    const { findings, score } = lintSource(text, report, parsed.locate, { config: loaded.config });
    return { file: shown, findings, score };
  } catch (e) {
    if (!isAppError(e) || e.code !== 'invalid_report') throw e;
    // A report the parser rejects cannot be linted; its problems are the findings.
    const problems = parsePostmortem(text, { file }).problems;
    return {
      file: shown,
      findings: problems.map((p) => ({
        ruleId: 'invalid-report',
        severity: 'error' as const,
        message: p.message,
        path: p.path ?? [],
        section: 'summary' as const,
        line: p.line,
        column: p.column,
      })),
    };
  }
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
    .option('--add-word <word>', 'add a word to the project dictionary (.hindsight/words) and exit')
    .option(
      '--docs-url <url>',
      "base URL of the rule pages for SARIF's helpUri (default: the installed docs)",
    )
    .action(
      (
        paths: string[],
        opts: {
          format: string;
          maxWarnings?: string;
          config?: string;
          explain?: string;
          addWord?: string;
          docsUrl?: string;
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
        const fixed = opts.config ? loadConfigFile(opts.config) : undefined;
        const files = markdownFiles(paths);
        if (files.length === 0)
          throw new AppError('bad_request', `no Markdown files found in ${paths.join(', ')}`);
        const cache = new Map<string, LoadedConfig>();
        const results: FileResult[] = [];
        for (const file of files) {
          try {
            const loaded = fixed ?? findConfig(dirname(file), cache);
            const wordsFile = findWordsFile(dirname(file));
            results.push(
              lintFile(
                file,
                wordsFile ? { ...loaded, config: withWords(loaded.config, readWords(wordsFile)) } : loaded,
              ),
            );
          } catch (e) {
            if (!isAppError(e)) throw e;
            // One unreadable file (binary, too large, hostile YAML) is reported and the rest are still linted.
            ctx.io.err(`hindsight: ${e.message}\n`);
            ctx.setExit(e.exitCode);
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
