// Linting one file for `hindsight lint`, in the main thread or in a worker (lint.parallel.ts).
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { isAppError } from '../../domain/index.js';
import { findConfig, type LoadedConfig } from '../../lint/config.loader.js';
import { withWords } from '../../lint/config.js';
import { lintSource, textLocator, valueAt, type FileResult, type LintOptions } from '../../lint/index.js';
import { importForeignMarkdown } from '../../markdown/import/foreign.import.js';
import { parsePostmortem } from '../../markdown/postmortem.parse.js';
import { readTextFile } from '../io.js';
import { isPostmortemMarkdown } from '../report-files.js';
import { loadReportText } from '../report-file.js';

/** The project dictionary: `.hindsight/words`, one word a line, in the nearest folder upwards that has one. */
export const WORDS_FILE = join('.hindsight', 'words');

export function findWordsFile(dir: string): string | undefined {
  let current = resolve(dir);
  for (;;) {
    const file = join(current, WORDS_FILE);
    if (existsSync(file)) return file;
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

export function readWords(file: string): string[] {
  const text = readTextFile(file);
  return text
    .split(/\r?\n/u)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

export function lintFile(file: string, loaded: LoadedConfig, options: FileLintOptions = {}): FileResult {
  const shown = relative(process.cwd(), file) || file;
  const text = readTextFile(file);
  const lintOptions = { config: loaded.config, ...(options.suggest ? { suggest: options.suggest } : {}) };
  if (!isPostmortemMarkdown(text)) {
    // A post-mortem written without Hindsight: import it as best we can and lint what came out.
    const { report, recognition } = importForeignMarkdown(text, { file });
    const locate = textLocator(text, (path) => valueAt(report, path), recognition.headings);
    const { findings, score } = lintSource(text, report, locate, lintOptions);
    return { file: shown, findings, score };
  }
  try {
    const { report, parsed } = loadReportText(file, text);
    const { findings, score } = lintSource(text, report, parsed.locate, lintOptions);
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

/** How a file is linted besides its configuration. */
export interface FileLintOptions {
  suggest?: LintOptions['suggest'];
}

/**
 * Lint `file` with the configuration that applies to it: `fixed` (--config), else the nearest one upwards
 * (looked up through `cache`), with the words of the nearest `.hindsight/words` added.
 */
export function lintFileIn(
  file: string,
  fixed: LoadedConfig | undefined,
  cache: Map<string, LoadedConfig>,
  options: FileLintOptions = {},
): FileResult {
  const loaded = fixed ?? findConfig(dirname(file), cache);
  const wordsFile = findWordsFile(dirname(file));
  return lintFile(
    file,
    wordsFile ? { ...loaded, config: withWords(loaded.config, readWords(wordsFile)) } : loaded,
    options,
  );
}
