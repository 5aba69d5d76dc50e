import { AppError, type Report } from '../../domain/index.js';
import { parsePostmortem } from '../../markdown/postmortem.parse.js';
import { serializePostmortem } from '../../markdown/postmortem.serialize.js';

const FRONT_MATTER = /^\uFEFF?---[ \t]*\r?\n/;

/** Foreign Markdown (no front matter) is converted by the importer when it is installed. */
export type ForeignImporter = (text: string) => {
  report?: Report;
  problems: { line?: number; column?: number; message: string }[];
};

/** Read a report from Postmortem Markdown, or from foreign Markdown through the importer. */
export function reportFromMarkdown(text: string, importForeign?: ForeignImporter): Report {
  if (!FRONT_MATTER.test(text)) {
    if (!importForeign) {
      throw new AppError(
        'invalid_report',
        'the Markdown has no front matter, and no importer for other Markdown is installed',
        [{ line: 1, column: 1, message: 'expected a line with three dashes starting the front matter' }],
      );
    }
    const imported = importForeign(text);
    if (!imported.report) {
      throw new AppError(
        'invalid_report',
        'the Markdown could not be imported',
        imported.problems.slice(0, 100).map((p) => ({ line: p.line, column: p.column, message: p.message })),
      );
    }
    return imported.report;
  }
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
