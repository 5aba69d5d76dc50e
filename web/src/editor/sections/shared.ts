import { guidanceFor, type GuidanceKey } from '../../../../src/domain/templates.js';
import type { Report } from '../../../../src/domain/report.schema.js';
import type { Settings } from '../../types.js';

/** What every section of the editor is given. */
export interface SectionProps {
  report: Report;
  settings: Settings;
  reportId: string;
}

/** Guidance for a block: the organization's template text if it has one, else Hindsight's own. */
export function useGuide(report: Report, settings: Settings) {
  return (key: GuidanceKey) => {
    const extra = settings.templates.find((t) => t.kind === report.kind && t.guidance[key])?.guidance[key];
    return extra ?? guidanceFor(report.kind, key);
  };
}
