import { parseInstant } from './primitives.schema.js';
import type { Report } from './report.schema.js';
import { DEFAULT_SEVERITY_SCALE, findSeverityLevel, type SeverityScale } from './severity.js';

/** A path into the report model, e.g. ["details", "timeline", 3, "at"]. */
export type ModelPath = (string | number)[];

/** A problem found in a report: where it is in the model, a stable code and a message in plain words. */
export interface ReportProblem {
  path: ModelPath;
  code: string;
  message: string;
  /** `warning` for what a draft may still lack (owners, deadlines); absent for an error. */
  severity?: 'warning';
}

export interface CheckOptions {
  scale?: SeverityScale;
}

/** The set of ids an action item may address: the root cause, the contributing factors, the lessons. */
export function addressableIds(report: Report): Set<string> {
  const ids = new Set<string>();
  if (report.analysis.primaryCause) ids.add('RC');
  for (const f of report.analysis.factors) ids.add(f.id);
  const l = report.lessons;
  for (const lesson of [...l.wentWell, ...l.wentWrong, ...l.couldImprove, ...l.lucky]) ids.add(lesson.id);
  return ids;
}

function duplicates<T>(items: T[], id: (t: T) => string, path: (i: number) => ModelPath, what: string) {
  const seen = new Set<string>();
  const out: ReportProblem[] = [];
  items.forEach((item, i) => {
    const key = id(item);
    if (seen.has(key))
      out.push({ path: path(i), code: 'duplicate-id', message: `${what} id ${key} is used twice` });
    seen.add(key);
  });
  return out;
}

/** Checks that a schema cannot express: order in time, references between parts, the severity scale. */
export function checkReport(report: Report, options: CheckOptions = {}): ReportProblem[] {
  const problems: ReportProblem[] = [];
  const scale = options.scale ?? DEFAULT_SEVERITY_SCALE;
  const { start, end } = report.period;

  if (start && end && (parseInstant(end) as number) < (parseInstant(start) as number)) {
    problems.push({
      path: ['period', 'end'],
      code: 'end-before-start',
      message: `the period ends (${end}) before it starts (${start})`,
    });
  }

  if (report.severity !== undefined && !findSeverityLevel(scale, report.severity)) {
    const known = scale.levels.map((l) => l.id).join(', ');
    problems.push({
      path: ['severity'],
      code: 'unknown-severity',
      message: `severity ${report.severity} is not on the organization's scale (${known})`,
    });
  }

  if (report.visibility === 'restricted' && report.members.length === 0) {
    problems.push({
      path: ['members'],
      code: 'restricted-without-members',
      message: 'a restricted report needs at least one named member',
    });
  }

  let previous: { ms: number; at: string; index: number } | undefined;
  report.details.timeline.forEach((event, i) => {
    if (event.at === null) return;
    const ms = parseInstant(event.at) as number;
    if (previous && ms < previous.ms) {
      problems.push({
        path: ['details', 'timeline', i, 'at'],
        code: 'timeline-order',
        message: `event ${i + 1} (${event.at}) comes before event ${previous.index + 1} (${previous.at}) listed above it`,
      });
    }
    if (!previous || ms >= previous.ms) previous = { ms, at: event.at, index: i };
  });

  const materialIds = new Set(report.materials.items.map((m) => m.id));
  report.details.timeline.forEach((event, i) => {
    if (event.evidence && /^M\d+$/.test(event.evidence) && !materialIds.has(event.evidence)) {
      problems.push({
        path: ['details', 'timeline', i, 'evidence'],
        code: 'missing-reference',
        message: `event ${i + 1} points at supporting material ${event.evidence}, which does not exist`,
      });
    }
  });

  const targets = addressableIds(report);
  // A draft (an imported archive, a report being written) may leave owners and deadlines open; they are
  // warnings until the report is put up for review, and errors from then on.
  const draft = report.state === 'draft';
  const soft = (p: ReportProblem): ReportProblem => (draft ? { ...p, severity: 'warning' } : p);
  report.actions.items.forEach((action, i) => {
    const where = ['actions', 'items', i];
    if (!action.owner) {
      problems.push(
        soft({
          path: [...where, 'owner'],
          code: 'action-owner',
          message: `action ${action.id} has no owner`,
        }),
      );
    }
    if (!action.deadline) {
      problems.push(
        soft({
          path: [...where, 'deadline'],
          code: 'action-deadline',
          message: `action ${action.id} has no deadline`,
        }),
      );
    }
    action.addresses.forEach((ref, j) => {
      if (!targets.has(ref)) {
        problems.push({
          path: [...where, 'addresses', j],
          code: 'missing-reference',
          message: `action ${action.id} addresses ${ref}, which is not a root cause, contributing factor or lesson of this report`,
        });
      }
    });
  });

  const l = report.lessons;
  const lessonLists = [
    ['wentWell', l.wentWell],
    ['wentWrong', l.wentWrong],
    ['couldImprove', l.couldImprove],
    ['lucky', l.lucky],
  ] as const;
  const lessonIds = new Set<string>();
  for (const [key, list] of lessonLists) {
    list.forEach((lesson, i) => {
      if (lessonIds.has(lesson.id)) {
        problems.push({
          path: ['lessons', key, i, 'id'],
          code: 'duplicate-id',
          message: `lesson id ${lesson.id} is used twice`,
        });
      }
      lessonIds.add(lesson.id);
    });
  }
  problems.push(
    ...duplicates(
      report.analysis.factors,
      (f) => f.id,
      (i) => ['analysis', 'factors', i, 'id'],
      'contributing factor',
    ),
    ...duplicates(
      report.actions.items,
      (a) => a.id,
      (i) => ['actions', 'items', i, 'id'],
      'action',
    ),
    ...duplicates(
      report.materials.items,
      (m) => m.id,
      (i) => ['materials', 'items', i, 'id'],
      'material',
    ),
    ...duplicates(
      report.materials.appendices,
      (a) => a.id,
      (i) => ['materials', 'appendices', i, 'id'],
      'appendix',
    ),
  );
  return problems;
}
