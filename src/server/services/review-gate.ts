import { checkReport, type Report, type ReportProblem } from '../../domain/index.js';
import type { Settings } from './settings.service.js';

/** Decides what keeps a report out of review: errors found by the checks (and the linter, when wired in). */
export interface ReviewGate {
  blockers(report: Report, settings: Settings): Promise<ReportProblem[]>;
}

/** The semantic checks of the model, against the organization's severity scale. */
export const checksGate: ReviewGate = {
  async blockers(report, settings) {
    return checkReport(report, { scale: settings.severityScale });
  },
};
