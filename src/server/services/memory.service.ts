import {
  AppError,
  insightsFromTallies,
  FACTOR_ACTION_STATES,
  reportsBehind,
  type Insights,
} from '../../domain/index.js';
import type { FigureReport, RecurringFactors, SystemPage } from '../../domain/api-contract.js';
import { keyOf, type InsightFilters, type MemoryRepository } from '../../store/index.js';
import type { Actor } from './access.js';
import { InsightsCache } from './insights-cache.js';
import type { ReportService } from './report.service.js';
import type { SettingsService } from './settings.service.js';

/** The filters of the insights as the API takes them: a team stands for the people the roster puts in it. */
export type InsightQuery = Omit<InsightFilters, 'people'> & { team?: string };

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Where "recurred after fix" comes from: a later report naming an earlier one as a recurrence (`recurrenceOf`;
 * createServices plugs in ReportService.recurredActions). Without one (NO_RECURRENCE) the set is empty, and the
 * factor lists say so (`recurrence` in their reply) instead of showing a state nobody computed.
 */
export interface RecurrenceSeam {
  /** Ids of reports that a later report names as having happened again after their fix. */
  recurred(actor: Actor): Promise<Set<string>>;
  readonly description: string;
}

export const NO_RECURRENCE: RecurrenceSeam = {
  recurred: () => Promise.resolve(new Set()),
  description: 'not tracked yet: recurrence links between reports are not kept by this version',
};

/** Related incidents, insights, recurring factors, system pages and the revisit list. */
export class MemoryService {
  constructor(
    private readonly repo: MemoryRepository,
    private readonly reports: ReportService,
    private readonly settings: SettingsService,
    private readonly recurrence: RecurrenceSeam = NO_RECURRENCE,
  ) {}

  /** Reports related to one the actor may see (404 otherwise), best first, with reasons. */
  async related(actor: Actor, id: string, limit: number) {
    await this.reports.visible(actor, id);
    return this.repo.related(actor.viewer, id, limit);
  }

  private async filters(query: InsightQuery): Promise<InsightFilters> {
    const { team, ...rest } = query;
    if (team === undefined) return rest;
    const roster = (await this.settings.get()).roster.filter(
      (p) => p.team !== undefined && keyOf(p.team) === keyOf(team),
    );
    // People are indexed by what the report says: a name or an e-mail.
    const people = roster.flatMap((p) => [keyOf(p.name), ...(p.email ? [keyOf(p.email)] : [])]);
    return { ...rest, people };
  }

  /** Insights kept per viewer and filters until the data changes (see InsightsCache). */
  private readonly kept = new InsightsCache<Insights>(() => this.repo.generation());

  async insights(actor: Actor, query: InsightQuery): Promise<Insights> {
    const filters = await this.filters(query);
    const day = today();
    // Who may see which restricted reports depends on the viewer's id and principals; the figures on the day.
    const key = JSON.stringify([actor.viewer.userId, [...actor.viewer.principals].sort(), filters, day]);
    return this.kept.get(key, async () =>
      insightsFromTallies(await this.repo.insightTallies(actor.viewer, filters, day)),
    );
  }

  /** The reports behind one group of a figure, newest incident first; kept as the insights are. */
  async figureReports(
    actor: Actor,
    query: InsightQuery,
    figure: string,
    group: string,
    limit: number,
  ): Promise<{ total: number; items: FigureReport[] }> {
    const filters = await this.filters(query);
    const day = today();
    const key = JSON.stringify([
      actor.viewer.userId,
      [...actor.viewer.principals].sort(),
      filters,
      day,
      figure,
      group,
      limit,
    ]);
    return this.keptBehind.get(key, async () => {
      const rows = await this.repo.insightRows(actor.viewer, narrowed(filters, figure, group));
      const behind = reportsBehind(rows, figure, group, day);
      return {
        total: behind.length,
        items: behind.slice(0, limit).map((r) => ({
          id: r.id,
          title: r.title,
          kind: r.kind,
          severity: r.severity,
          started: r.started,
        })),
      };
    });
  }

  private readonly keptBehind = new InsightsCache<{ total: number; items: FigureReport[] }>(() =>
    this.repo.generation(),
  );

  /** Contributing factors by taxonomy category and fishbone category: counts, trend and action states. */
  async recurringFactors(
    actor: Actor,
    options: { system?: string; limit?: number; category?: string; cursor?: string } = {},
  ): Promise<RecurringFactors> {
    const factors = await this.repo.factors(actor.viewer, options);
    const recurred = await this.recurrence.recurred(actor);
    const taxonomy = (await this.settings.get()).factorCategories;
    const named = new Map(taxonomy.map((c) => [keyOf(c.name), c.name]));
    const groups = new Map<string, RecurringFactors['categories'][number]>();
    for (const f of factors) {
      const name = f.category_key ? (named.get(f.category_key) ?? f.category!) : '(no category)';
      let g = groups.get(name);
      if (!g) groups.set(name, (g = { name, count: 0, trend: [], states: {}, factors: [], next: null }));
      g.count += 1;
      const state = recurred.has(f.report_id) ? 'recurred after fix' : f.action_state;
      g.states[state] = (g.states[state] ?? 0) + 1;
      if (f.quarter) {
        const t = g.trend.find((x) => x.quarter === f.quarter);
        if (t) t.count += 1;
        else g.trend.push({ quarter: f.quarter, count: 1 });
      }
      g.factors.push({
        reportId: f.report_id,
        reportTitle: f.title,
        factorId: f.factor_id,
        text: f.text,
        category: f.category,
        quarter: f.quarter,
        actionState: state,
      });
    }
    const fishbone = new Map<string, RecurringFactors['fishbone'][number]>();
    for (const c of options.system ? [] : await this.repo.fishbone(actor.viewer)) {
      let g = fishbone.get(c.category);
      if (!g) fishbone.set(c.category, (g = { name: c.category, count: 0, trend: [], states: {} }));
      g.count += 1;
      if (c.quarter) {
        const t = g.trend.find((x) => x.quarter === c.quarter);
        if (t) t.count += 1;
        else g.trend.push({ quarter: c.quarter, count: 1 });
      }
    }
    const order = <T extends { count: number; name: string; trend: { quarter: string }[] }>(list: T[]) => {
      for (const g of list) g.trend.sort((a, b) => (a.quarter < b.quarter ? -1 : 1));
      return list.sort((a, b) => b.count - a.count || (a.name < b.name ? -1 : 1));
    };
    for (const g of groups.values()) {
      g.states = Object.fromEntries(
        [...FACTOR_ACTION_STATES, 'recurred after fix']
          .filter((s) => g.states[s] !== undefined)
          .map((s) => [s, g.states[s]!]),
      );
    }
    // Each category lists a page of its factors (newest incident first, as read): a large archive has many.
    const limit = options.limit ?? 50;
    const from = options.cursor ? Number(options.cursor) : 0;
    let categories = order([...groups.values()]);
    if (options.category !== undefined) categories = categories.filter((g) => g.name === options.category);
    for (const g of categories) {
      const start = options.category !== undefined ? from : 0;
      g.next = start + limit < g.factors.length ? String(start + limit) : null;
      g.factors = g.factors.slice(start, start + limit);
    }
    return {
      categories,
      fishbone: order([...fishbone.values()]),
      recurrence: this.recurrence.description,
    };
  }

  /** One system's page: 404 when no report the actor may see names it. */
  async system(actor: Actor, name: string): Promise<SystemPage> {
    const label = await this.repo.systemLabel(actor.viewer, name);
    if (label === undefined) throw new AppError('not_found', `no report names the system ${name}`);
    const { reports, actions } = await this.repo.system(actor.viewer, name);
    const factors = await this.recurringFactors(actor, { system: name });
    return {
      system: label,
      reports,
      openActions: actions.map((a) => ({
        reportId: a.report_id,
        itemId: a.item_id,
        title: a.title,
        owner: a.owner,
        status: a.status,
        deadline: a.deadline,
      })),
      factors: factors.categories.map((c) => ({ name: c.name, count: c.count })),
    };
  }

  /**
   * Reports to look at again: their incident's anniversary falls between a week ago and `ahead` days from
   * `on`, and some completed action was never verified or was found not effective (or, once recurrence
   * links are kept, the problem came back).
   */
  async revisit(actor: Actor, on = today(), ahead = 30) {
    const rows = await this.repo.unverified(actor.viewer, on);
    const recurred = await this.recurrence.recurred(actor);
    const day = Date.parse(`${on}T00:00:00Z`);
    const items = [];
    for (const r of rows) {
      if (!r.started) continue;
      const start = r.started.slice(0, 10);
      const year = Number(on.slice(0, 4));
      for (const y of [year - 1, year, year + 1]) {
        const anniversary = `${y}${start.slice(4)}`;
        const at = Date.parse(`${anniversary}T00:00:00Z`);
        const years = y - Number(start.slice(0, 4));
        if (!Number.isFinite(at) || years < 1) continue;
        if (at < day - 7 * 86_400_000 || at > day + ahead * 86_400_000) continue;
        const unverified =
          Number(r.actions_completed) - Number(r.verified_effective) - Number(r.verified_ineffective);
        const reasons: string[] = [];
        if (unverified > 0)
          reasons.push(`${unverified} completed action${unverified === 1 ? '' : 's'} never verified`);
        if (Number(r.verified_ineffective) > 0)
          reasons.push(
            `${r.verified_ineffective} action${Number(r.verified_ineffective) === 1 ? '' : 's'} found not effective`,
          );
        if (recurred.has(r.report_id)) reasons.push('the problem came back after the fix');
        items.push({ id: r.report_id, title: r.title, started: r.started, anniversary, years, reasons });
      }
    }
    items.sort((a, b) => (a.anniversary < b.anniversary ? -1 : a.anniversary > b.anniversary ? 1 : 0));
    return items;
  }
}

/**
 * The filters with what a figure's group already implies (its kind, system, severity or quarter), so fewer rows
 * are read; reportsBehind still decides which rows belong, so a narrowing can only save work.
 */
export function narrowed(filters: InsightFilters, figure: string, group: string): InsightFilters {
  const [name, by] = figure.split('.');
  if (figure === 'byKind') return filters.kind ? filters : { ...filters, kind: group };
  if (figure === 'bySystem')
    return filters.system || group === '(none)' ? filters : { ...filters, system: group };
  if (by === 'severity')
    return filters.severity || group === 'none' ? filters : { ...filters, severity: group };
  const quarter = /^(\d{4})-Q([1-4])/.exec(group);
  if (
    quarter &&
    (by === 'quarter' ||
      name === 'detection' ||
      figure === 'health.daysToPublish' ||
      figure === 'health.quality')
  ) {
    const year = quarter[1]!;
    const q = Number(quarter[2]);
    const from = `${year}-${String(q * 3 - 2).padStart(2, '0')}-01`;
    const to = `${year}-${String(q * 3).padStart(2, '0')}-31`;
    return {
      ...filters,
      from: filters.from && filters.from > from ? filters.from : from,
      to: filters.to && filters.to < to ? filters.to : to,
    };
  }
  return filters;
}
