import { AppError, type Report } from '../../domain/index.js';
import { importForeignMarkdown } from '../../markdown/import/foreign.import.js';
import { parsePostmortem } from '../../markdown/postmortem.parse.js';
import { serializePostmortem } from '../../markdown/postmortem.serialize.js';

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n/;

/** Read a report from Postmortem Markdown, or from any other Markdown post-mortem through the importer. */
export function reportFromMarkdown(text: string): Report {
  // The importer makes a draft of almost any text; of no text at all it would make an empty one.
  if (text.trim() === '') {
    throw new AppError('bad_request', 'the Markdown body is empty: send a report', [
      { path: ['body'], message: 'empty' },
    ]);
  }
  if (!FRONT_MATTER.test(text)) return importForeignMarkdown(text).report;
  const parsed = parsePostmortem(text);
  if (!parsed.report || parsed.problems.length > 0) {
    const first = parsed.problems[0];
    throw new AppError(
      'invalid_report',
      first
        ? `the Markdown is not a valid report: line ${first.line}: ${first.message}`
        : 'the Markdown is not a valid report',
      parsed.problems
        .slice(0, 100)
        .map((p) => ({ line: p.line, column: p.column, path: p.path, message: p.message })),
    );
  }
  return parsed.report;
}

/** The canonical Postmortem Markdown of a report. */
export function reportToMarkdown(report: Report): string {
  return serializePostmortem(report);
}
