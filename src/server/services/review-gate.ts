import { checkReport, type Report, type ReportProblem } from '../../domain/index.js';
import { lintReport } from '../../lint/index.js';
import type { Settings } from './settings.service.js';

/** Decides what keeps a report out of review. */
export interface ReviewGate {
  blockers(report: Report, settings: Settings): Promise<ReportProblem[]>;
}

/** The semantic checks plus every linter finding of error severity (warnings do not block review). */
export const lintGate: ReviewGate = {
  async blockers(report, settings) {
    const problems = checkReport(report, { scale: settings.severityScale });
    const seen = new Set(problems.map((p) => `${p.path.join('.')}\u0000${p.code}`));
    for (const f of lintReport(report, {
      scale: settings.severityScale,
      network: settings.internalNetwork,
    })) {
      if (f.severity !== 'error') continue;
      const key = `${f.path.join('.')}\u0000${f.ruleId}`;
      if (seen.has(key)) continue;
      seen.add(key);
      problems.push({ path: f.path, code: f.ruleId, message: f.message });
    }
    return problems;
  },
};
