import { AppError, checkReport, type ErrorDetail, type Report, type SeverityScale } from '../domain/index.js';
import { parsePostmortem, type ParsedPostmortem } from '../markdown/postmortem.parse.js';
import { readTextFile } from './io.js';

export interface LoadedReport {
  report: Report;
  text: string;
  parsed: ParsedPostmortem;
}

/** Format a located problem the way compilers do, so editors can jump to it. */
export function formatLocated(file: string, line: number, column: number, message: string): string {
  return `${file}:${line}:${column}: ${message}`;
}

/** Read and parse a Postmortem Markdown file; any problem makes it an invalid report (exit 1). */
export function loadReportFile(path: string): LoadedReport {
  return loadReportText(path, readTextFile(path));
}

/** Parse the text of the Postmortem Markdown file `path`, already read, as loadReportFile does. */
export function loadReportText(path: string, text: string): LoadedReport {
  const parsed = parsePostmortem(text, { file: path });
  const fatal = parsed.problems.find((p) => p.fatal);
  if (fatal) throw new AppError('bad_request', formatLocated(path, fatal.line, fatal.column, fatal.message));
  if (!parsed.report) {
    const details: ErrorDetail[] = parsed.problems.map((p) => ({
      file: path,
      line: p.line,
      column: p.column,
      message: p.message,
    }));
    throw new AppError(
      'invalid_report',
      `${path}: not a valid Postmortem Markdown file (${details.length} problem${details.length === 1 ? '' : 's'})`,
      details,
    );
  }
  return { report: parsed.report, text, parsed };
}

/** Semantic problems of a parsed report, located in its file; `severity: 'warning'` for what a draft may lack. */
export function locatedChecks(
  loaded: LoadedReport,
  file: string,
  scale?: SeverityScale,
): (ErrorDetail & { severity?: 'warning' })[] {
  return checkReport(loaded.report, scale ? { scale } : {}).map((p) => {
    const pos = loaded.parsed.locate(p.path) ?? { line: 1, column: 1 };
    return {
      file,
      line: pos.line,
      column: pos.column,
      path: p.path,
      message: p.message,
      ...(p.severity ? { severity: p.severity } : {}),
    };
  });
}
