import { parseInstant } from './primitives.schema.js';
import {
  ACTION_CATEGORIES,
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  type ActionItem,
  type EventKind,
  type Report,
} from './report.schema.js';

/** Durations derived from the period and the timeline, in milliseconds; absent when the data is missing. */
export interface ResponseTimes {
  start?: string;
  detected?: string;
  responded?: string;
  mitigated?: string;
  resolved?: string;
  end?: string;
  /** From the start of the problem to its detection. */
  timeToDetect?: number;
  /** From detection to the first response. */
  timeToRespond?: number;
  /** From the start of the problem to the first mitigation. */
  timeToMitigate?: number;
  /** From the start of the problem to its resolution. */
  timeToResolve?: number;
  /** From the start to the end of the period (or the resolution when no end is given). */
  duration?: number;
  /** The durations above that rest on an instant the timeline gives only roughly (`~` in its Time column). */
  approximate?: ('timeToDetect' | 'timeToRespond' | 'timeToMitigate' | 'timeToResolve' | 'duration')[];
}

const firstEvent = (report: Report, kind: EventKind): { at: string; approximate: boolean } | undefined => {
  let best: { ms: number; at: string; approximate: boolean } | undefined;
  for (const e of report.details.timeline) {
    if (e.kind !== kind || e.at === null) continue;
    const ms = parseInstant(e.at) as number;
    if (!best || ms < best.ms) best = { ms, at: e.at, approximate: e.approximate === true };
  }
  return best;
};

const diff = (from?: string, to?: string): number | undefined =>
  from && to ? (parseInstant(to) as number) - (parseInstant(from) as number) : undefined;

/** Compute time to detect, respond, mitigate and resolve from the report's period and timeline. */
export function responseTimes(report: Report): ResponseTimes {
  const known = report.details.timeline
    .filter((e) => e.at !== null)
    .sort((a, b) => (parseInstant(a.at as string) as number) - (parseInstant(b.at as string) as number));
  const first = known[0];
  const start = report.period.start ?? (first?.at as string | undefined);
  const startRough = !report.period.start && first?.approximate === true;
  const ev = {
    detected: firstEvent(report, 'detected'),
    responded: firstEvent(report, 'responded'),
    mitigated: firstEvent(report, 'mitigated'),
    resolved: firstEvent(report, 'resolved'),
  };
  const { detected, responded, mitigated, resolved } = {
    detected: ev.detected?.at,
    responded: ev.responded?.at,
    mitigated: ev.mitigated?.at,
    resolved: ev.resolved?.at,
  };
  const end = report.period.end ?? resolved;
  const endRough = !report.period.end && ev.resolved?.approximate === true;
  const out: ResponseTimes = { start, detected, responded, mitigated, resolved, end };
  out.timeToDetect = diff(start, detected);
  out.timeToRespond = diff(detected, responded);
  out.timeToMitigate = diff(start, mitigated);
  out.timeToResolve = diff(start, resolved);
  out.duration = diff(start, end);
  const rough: NonNullable<ResponseTimes['approximate']> = [];
  const mark = (key: (typeof rough)[number], ...parts: (boolean | undefined)[]) => {
    if (out[key] !== undefined && parts.some(Boolean)) rough.push(key);
  };
  mark('timeToDetect', startRough, ev.detected?.approximate);
  mark('timeToRespond', ev.detected?.approximate, ev.responded?.approximate);
  mark('timeToMitigate', startRough, ev.mitigated?.approximate);
  mark('timeToResolve', startRough, ev.resolved?.approximate);
  mark('duration', startRough, endRough);
  if (rough.length) out.approximate = rough;
  for (const k of Object.keys(out) as (keyof ResponseTimes)[]) if (out[k] === undefined) delete out[k];
  return out;
}

/** A sum of money in one currency; `estimated` is true when any line in it is an estimate. */
export interface MoneyTotal {
  currency: string;
  total: number;
  estimated: boolean;
  lines: number;
}

export interface ImpactTotals {
  /** Per currency, all financial lines together. */
  byCurrency: MoneyTotal[];
  /** Per financial kind and currency. */
  byKind: (MoneyTotal & { kind: string })[];
  /** Figures of the non-financial categories added up per category, measure and unit. */
  figures: { category: string; measure: string; unit?: string; total: number; estimated: boolean }[];
}

// Sums in minor units avoid 0.1 + 0.2 style drift for money written with up to 4 decimals.
const addMoney = (a: number, b: number) => Math.round((a + b) * 10_000) / 10_000;

/** Add up the impact per currency, per kind and currency, and per figure, marking estimates. */
export function impactTotals(report: Report): ImpactTotals {
  const byCurrency = new Map<string, MoneyTotal>();
  const byKind = new Map<string, MoneyTotal & { kind: string }>();
  for (const line of report.impact.financial) {
    const c = byCurrency.get(line.currency) ?? {
      currency: line.currency,
      total: 0,
      estimated: false,
      lines: 0,
    };
    c.total = addMoney(c.total, line.amount);
    c.estimated ||= line.basis === 'estimate';
    c.lines += 1;
    byCurrency.set(line.currency, c);
    const key = `${line.kind}\u0000${line.currency}`;
    const k = byKind.get(key) ?? {
      kind: line.kind,
      currency: line.currency,
      total: 0,
      estimated: false,
      lines: 0,
    };
    k.total = addMoney(k.total, line.amount);
    k.estimated ||= line.basis === 'estimate';
    k.lines += 1;
    byKind.set(key, k);
  }
  const figures = new Map<string, ImpactTotals['figures'][number]>();
  for (const f of report.impact.figures) {
    const key = [f.category, f.measure.toLowerCase(), (f.unit ?? '').toLowerCase()].join('\u0000');
    const t = figures.get(key) ?? {
      category: f.category,
      measure: f.measure,
      ...(f.unit ? { unit: f.unit } : {}),
      total: 0,
      estimated: false,
    };
    t.total = addMoney(t.total, f.value);
    t.estimated ||= f.basis === 'estimate';
    figures.set(key, t);
  }
  return {
    byCurrency: [...byCurrency.values()],
    byKind: [...byKind.values()],
    figures: [...figures.values()],
  };
}

export interface ActionStatistics {
  total: number;
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  byPriority: Record<string, number>;
  /** Open work whose deadline has passed on the given day. */
  overdue: number;
  withoutOwner: number;
  withoutDeadline: number;
  withoutSuccessCriterion: number;
  completed: number;
  /** Share of actions that are completed or dropped, 0–1; 0 for a report with no actions. */
  doneRatio: number;
  verifiedEffective: number;
  verifiedIneffective: number;
  verifiedInconclusive: number;
  /** Completed actions whose verification result is not recorded yet. */
  awaitingVerification: number;
}

const isDone = (a: ActionItem) => a.status === 'completed' || a.status === 'wont_do';

/** True when an action is still to be done and its deadline lies before `today` (YYYY-MM-DD). */
export function isOverdue(action: ActionItem, today: string): boolean {
  return !isDone(action) && action.deadline !== undefined && action.deadline < today;
}

/** A completed action whose check has not been recorded (and that nobody declined to check). */
export function isAwaitingVerification(action: ActionItem): boolean {
  return action.status === 'completed' && !action.verification && !action.declinedReason;
}

/** Where one action stands in the follow-up of its report. */
export type FollowUpState =
  'verified' | 'declined' | 'awaiting_verification' | 'declined_without_reason' | 'open';

export interface FollowUp {
  /** True when every action is verified, or declined with a reason; false for a report with no actions. */
  complete: boolean;
  items: { id: string; state: FollowUpState }[];
  /** The ids still in the way, in report order. */
  pending: string[];
}

/**
 * A report's follow-up is complete when each completed action was verified (any result), or declined with a reason:
 * a won't-do action keeps its reason, and a completed action may carry one to say why it will not be checked.
 */
export function followUp(report: Report): FollowUp {
  const items = report.actions.items.map((a) => {
    let state: FollowUpState;
    // A result counts for a completed action only: one reopened since (by a person, or by its issue in a
    // tracker) keeps its old result in the record, but is open again until it is completed and checked anew.
    if (a.verification && a.status === 'completed') state = 'verified';
    else if (a.declinedReason && (a.status === 'wont_do' || a.status === 'completed')) state = 'declined';
    else if (a.status === 'wont_do') state = 'declined_without_reason';
    else if (a.status === 'completed') state = 'awaiting_verification';
    else state = 'open';
    return { id: a.id, state };
  });
  const pending = items.filter((i) => i.state !== 'verified' && i.state !== 'declined').map((i) => i.id);
  return { complete: items.length > 0 && pending.length === 0, items, pending };
}

const zeroes = (keys: readonly string[]) =>
  Object.fromEntries(keys.map((k) => [k, 0])) as Record<string, number>;

/** Count the report's action items by status, category and priority, and the ones that need attention. */
export function actionStatistics(report: Report, today: string): ActionStatistics {
  const items = report.actions.items;
  const stats: ActionStatistics = {
    total: items.length,
    byStatus: zeroes(ACTION_STATUSES),
    byCategory: { ...zeroes(ACTION_CATEGORIES), uncategorized: 0 },
    byPriority: { ...zeroes(ACTION_PRIORITIES), unset: 0 },
    overdue: 0,
    withoutOwner: 0,
    withoutDeadline: 0,
    withoutSuccessCriterion: 0,
    completed: 0,
    doneRatio: 0,
    verifiedEffective: 0,
    verifiedIneffective: 0,
    verifiedInconclusive: 0,
    awaitingVerification: 0,
  };
  for (const a of items) {
    stats.byStatus[a.status] = (stats.byStatus[a.status] ?? 0) + 1;
    const cat = a.category ?? 'uncategorized';
    stats.byCategory[cat] = (stats.byCategory[cat] ?? 0) + 1;
    const pri = a.priority ?? 'unset';
    stats.byPriority[pri] = (stats.byPriority[pri] ?? 0) + 1;
    if (isOverdue(a, today)) stats.overdue += 1;
    if (!a.owner) stats.withoutOwner += 1;
    if (!a.deadline) stats.withoutDeadline += 1;
    if (!a.successCriterion) stats.withoutSuccessCriterion += 1;
    if (a.status === 'completed') stats.completed += 1;
    if (a.verification?.result === 'effective') stats.verifiedEffective += 1;
    if (a.verification?.result === 'ineffective') stats.verifiedIneffective += 1;
    if (a.verification?.result === 'inconclusive') stats.verifiedInconclusive += 1;
    if (isAwaitingVerification(a)) stats.awaitingVerification += 1;
  }
  stats.doneRatio = items.length === 0 ? 0 : items.filter(isDone).length / items.length;
  return stats;
}

export interface ReportMetrics {
  times: ResponseTimes;
  impact: ImpactTotals;
  actions: ActionStatistics;
  timeline: { events: number; unknownTimes: number };
}

/** All derived figures of a report, as of `today` (YYYY-MM-DD) for deadlines. */
export function reportMetrics(report: Report, today: string): ReportMetrics {
  return {
    times: responseTimes(report),
    impact: impactTotals(report),
    actions: actionStatistics(report, today),
    timeline: {
      events: report.details.timeline.length,
      unknownTimes: report.details.timeline.filter((e) => e.at === null).length,
    },
  };
}

/** Write a duration the way people say it: 1h 05m, 3d 4h, 45s. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let s = Math.round(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d > 0) return `${sign}${d}d ${h}h${m ? ` ${String(m).padStart(2, '0')}m` : ''}`;
  if (h > 0) return `${sign}${h}h ${String(m).padStart(2, '0')}m`;
  if (m > 0) return `${sign}${m}m${s ? ` ${String(s).padStart(2, '0')}s` : ''}`;
  return `${sign}${s}s`;
}
