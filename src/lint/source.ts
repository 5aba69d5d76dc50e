import type { LintOptions } from './engine.js';
import { lintReport } from './engine.js';
import { valueAt } from './fields.js';
import { locateFindings, type LocatedFinding, type Locator } from './locate.js';
import { scoreReport, type QualityScore } from './score.js';
import { applySuppressions } from './suppress.js';
import type { Report } from './types.js';

/** The result of linting a report read from a file. */
export interface SourceLint {
  findings: LocatedFinding[];
  score: QualityScore;
}

/**
 * Lint a report that was read from Markdown: findings placed at line:column through the parser's locator,
 * inline `hindsight-disable-next-line` directives applied, and the quality score of what remains.
 */
export function lintSource(
  source: string,
  report: Report,
  locate: Locator,
  options: LintOptions = {},
): SourceLint {
  const located = locateFindings(lintReport(report, options), locate, source, (path) => {
    const v = valueAt(report, path);
    return typeof v === 'string' ? v : undefined;
  });
  const findings = applySuppressions(located, source).sort((a, b) => a.line - b.line || a.column - b.column);
  return { findings, score: scoreReport(report, findings) };
}
