import { randomBytes } from 'node:crypto';
import {
  marksFollowingRows,
  marksPastTheEnd,
  AppError,
  canTransition,
  followUp,
  reportSchema,
  SECTION_KEYS,
  TRANSITIONS,
  type LifecycleState,
  type Report,
  type SectionKey,
  labelOf,
  recurredAfterFix,
  type Verification,
  type ActionItem,
  isAppError,
} from '../../domain/index.js';
import type { RecurredActions, Recurrence } from '../../domain/api-contract.js';
import type {
  ActionItemFilters,
  Page,
  ReportFilters,
  ReportRepository,
  ReviewRepository,
  SaveInfo,
  StoredReport,
} from '../../store/index.js';
import { canSee, hasRole, notFound, requireRole, type Actor } from './access.js';
import { changedPaths, jsonDiff } from './json-diff.js';
import type { ReviewGate } from './review-gate.js';
import type { SettingsService } from './settings.service.js';
import { parseWith } from './validation.js';

/** Recurrence links read at most at once (each brings two reports' content). */
const RECURRENCE_LIMIT = 500;

const newId = () => `pm-${randomBytes(5).toString('hex')}`;

/** Reports: create, read, change, delete, move through their lifecycle, and their history. */
export class ReportService {
  constructor(
    private readonly reports: ReportRepository,
    private readonly reviews: ReviewRepository,
    private readonly settings: SettingsService,
    private readonly gate: ReviewGate,
  ) {}

  /** A report the actor may see, or 404 whether it is missing, deleted or hidden from them. */
  async visible(actor: Actor, id: string): Promise<StoredReport> {
    const stored = await this.reports.get(id);
    if (!stored || !canSee(actor, stored)) throw notFound(id);
    return stored;
  }

  /** The stamp of a live report (changes whenever its stored row does), without reading its content. */
  async stamp(id: string) {
    return this.reports.stamp(id);
  }

  /** A mark that changes with every commit to the database, where the database offers one (SQLite). */
  changeMark(): Buffer | undefined {
    return this.reports.changeMark();
  }

  /** Moves with every write to reports committed through this process. */
  changeCount(): number {
    return this.reports.changeCount();
  }

  /** Call `listener` with a report's id after each save of it by this server commits (the background scorer). */
  onSaved(listener: (id: string) => void): void {
    this.reports.onSaved(listener);
  }

  /** A visible report as its stored JSON text with its bookkeeping: the fast path for reads. */
  async visibleJson(actor: Actor, id: string) {
    const found = await this.reports.getJson(id);
    if (!found) throw notFound(id);
    // Only restricted reports need their content to decide who may see them.
    if (
      found.meta.restricted &&
      !canSee(actor, { ...found.meta, report: JSON.parse(found.json) as Report })
    ) {
      throw notFound(id);
    }
    return found;
  }

  async create(actor: Actor, input: unknown): Promise<StoredReport> {
    requireRole(actor, 'editor', 'creating a report');
    const report = parseWith(reportSchema, input, 'the report is not valid');
    if (report.state !== 'draft') {
      throw new AppError(
        'invalid_report',
        `a new report starts as a draft; it cannot be created ${report.state}`,
        [{ path: ['state'], message: 'must be draft; use a transition to move it on' }],
      );
    }
    refuseMarksPastTheEnd(report);
    // A restricted report never takes the id its creator asks for: answering "already exists" to a guessed
    // id would tell anyone that a report they may not see is there. A fresh id is random (40 bits).
    const id = report.visibility === 'restricted' ? newId() : (report.id ?? newId());
    const stored = await this.reports.create(id, report.id === undefined ? report : { ...report, id }, {
      userId: actor.user.id,
      summary: 'created',
      changes: [],
      audit: { action: 'report.create', ip: actor.ip },
    });
    return stored;
  }

  async list(actor: Actor, filters: ReportFilters, page: Page) {
    if (filters.deleted) requireRole(actor, 'admin', 'listing deleted reports');
    return this.reports.list(actor.viewer, filters, page);
  }

  /**
   * Replace the whole report at `version`; the lifecycle state changes only through transitions. The
   * summary is what the revision says was done.
   */
  async update(
    actor: Actor,
    id: string,
    version: number,
    input: unknown,
    summary = 'edited',
  ): Promise<StoredReport> {
    const current = await this.writable(actor, id);
    // A client may leave out the state; it then stays as it is.
    const withState =
      input && typeof input === 'object' && !('state' in input) ? { ...input, state: current.state } : input;
    const report = parseWith(reportSchema, withState, 'the report is not valid');
    if (report.id !== undefined && report.id !== id) {
      throw new AppError('invalid_report', `the report's id ${report.id} does not match the address ${id}`, [
        { path: ['id'], message: `must be ${id} or left out` },
      ]);
    }
    if (report.state !== current.state) {
      throw new AppError(
        'invalid_report',
        `the state changes only through a transition (it is ${current.state})`,
        [{ path: ['state'], message: `must stay ${current.state}` }],
      );
    }
    return this.save(actor, current, version, report, summary);
  }

  /** Replace one section at `version`. */
  async updateSection(
    actor: Actor,
    id: string,
    section: SectionKey,
    version: number,
    content: unknown,
  ): Promise<StoredReport> {
    const current = await this.writable(actor, id);
    const shape = reportSchema.shape[section];
    const value = parseWith(shape, content, `the ${section} section is not valid`);
    const report = { ...current.report, [section]: value } as Report;
    return this.save(actor, current, version, report, `edited ${section}`);
  }

  async remove(actor: Actor, id: string, version?: number): Promise<void> {
    await this.writable(actor, id);
    // The audit entry is written in the deletion's transaction: no deletion without it.
    await this.reports.softDelete(id, actor.user.id, version, { action: 'report.delete', ip: actor.ip });
  }

  /** Bring back a deleted report (admins only). */
  async undelete(actor: Actor, id: string): Promise<StoredReport> {
    const stored = await this.reports.get(id, { includeDeleted: true });
    if (!stored || !canSee(actor, stored)) throw notFound(id);
    requireRole(actor, 'admin', 'restoring a deleted report');
    if (!stored.deletedAt) throw new AppError('conflict', `report ${id} is not deleted`);
    await this.reports.undelete(id, actor.user.id, { action: 'report.undelete', ip: actor.ip });
    return (await this.reports.get(id)) as StoredReport;
  }

  /** Move a report along its lifecycle, enforcing the rules of each step. */
  async transition(
    actor: Actor,
    id: string,
    to: LifecycleState,
    version: number,
    options: {
      /** What the move queues (the e-mail of a publication), written in the same transaction as the move. */
      queue?: (report: Report) => Promise<SaveInfo['queued']>;
    } = {},
  ): Promise<StoredReport> {
    const current = await this.writable(actor, id);
    const from = current.report.state;
    if (!canTransition(from, to)) {
      const allowed = TRANSITIONS[from].join(', ');
      throw new AppError(
        'conflict',
        `a ${from} report cannot move to ${to}; from ${from} it may go to ${allowed}`,
        [{ path: ['to'], message: `must be one of ${allowed}` }],
      );
    }
    const settings = await this.settings.get();
    let reviewRound: number | undefined;
    if (to === 'in_review') {
      const blockers = await this.gate.blockers(current.report, settings);
      if (blockers.length > 0) {
        throw new AppError(
          'invalid_report',
          `the report has ${blockers.length} error(s) to fix before review: ${blockers[0]!.message}`,
          blockers.map((b) => ({ path: b.path, message: b.message })),
        );
      }
      reviewRound = current.reviewRound + 1;
    }
    if (to === 'published') {
      const status = await this.approvalStatus(current, settings.requiredApprovals);
      if (status.changesRequested.length > 0) {
        throw new AppError(
          'conflict',
          `changes were requested by ${status.changesRequested.length} reviewer(s); resolve them first`,
          [{ path: ['reviews'], message: 'changes requested' }],
        );
      }
      if (status.approvals < status.required) {
        throw new AppError(
          'conflict',
          `publishing needs ${status.required} approval(s); the report has ${status.approvals}`,
          [{ path: ['reviews'], message: `needs ${status.required} approvals` }],
        );
      }
    }
    const report = { ...current.report, state: to };
    const queued = await options.queue?.(report);
    const saved = await this.reports.update(
      id,
      version,
      report,
      {
        userId: actor.user.id,
        summary: `moved from ${from} to ${to}`,
        changes: ['state'],
        audit: { action: 'report.transition', details: { from, to }, ip: actor.ip },
        ...(queued ? { queued } : {}),
      },
      { reviewRound },
    );
    return saved;
  }

  /** How the current review round stands: each reviewer's latest decision counts. */
  async approvalStatus(stored: StoredReport, required: number) {
    const latest = new Map<string, string>();
    for (const r of await this.reviews.listFor(stored.id))
      if (r.round === stored.reviewRound) latest.set(r.userId, r.decision);
    const approvals = [...latest.values()].filter((d) => d === 'approve').length;
    const changesRequested = [...latest.entries()].filter(([, d]) => d === 'request_changes').map(([u]) => u);
    return { round: stored.reviewRound, required, approvals, changesRequested };
  }

  /**
   * The history of a report, limited to the versions the actor could have seen when they were current: a
   * report made internal does not open up what it held while restricted to others.
   */
  async revisions(actor: Actor, id: string) {
    const stored = await this.visible(actor, id);
    const open = await this.openVersions(actor, stored);
    return (await this.reports.revisions(id)).filter((r) => open.has(r.version));
  }

  async revision(actor: Actor, id: string, version: number) {
    const stored = await this.visible(actor, id);
    const r = await this.reports.revision(id, version);
    if (
      !r ||
      !canSee(actor, { ...stored, restricted: r.report.visibility === 'restricted', report: r.report })
    )
      throw new AppError('not_found', `report ${id} has no version ${version}`, [
        { path: ['version'], message: 'no such version' },
      ]);
    return r;
  }

  private async openVersions(actor: Actor, stored: StoredReport): Promise<Set<number>> {
    const all = await this.reports.revisionAccess(stored.id);
    return new Set(
      all
        .filter((r) =>
          canSee(actor, { ...stored, restricted: r.report.visibility === 'restricted', report: r.report }),
        )
        .map((r) => r.version),
    );
  }

  async diff(actor: Actor, id: string, from: number, to: number) {
    const [a, b] = [await this.revision(actor, id, from), await this.revision(actor, id, to)];
    return { from, to, changes: jsonDiff(a.report, b.report) };
  }

  /** Make an old version's content current again, as a new revision; the lifecycle state stays. */
  async restoreRevision(actor: Actor, id: string, revision: number, version: number): Promise<StoredReport> {
    const current = await this.writable(actor, id);
    const old = await this.revision(actor, id, revision);
    const report = { ...old.report, state: current.report.state };
    return this.save(actor, current, version, report, `restored version ${revision}`);
  }

  /** Full-text search, its hits' summaries as JSON text written by the database (see ReportRepository.searchText). */
  async searchText(actor: Actor, q: string, page: Page) {
    return this.reports.searchText(actor.viewer, q, page);
  }

  /**
   * Record what the check of a completed action found. Who checked is the signed-in account (its name), when
   * is the day given or today; a later verification replaces an earlier one (the history keeps both).
   */
  async verifyAction(
    actor: Actor,
    id: string,
    actionId: string,
    input: {
      version?: number;
      result: Verification['result'];
      notes?: string;
      evidence?: string[];
      on?: string;
    },
  ): Promise<StoredReport> {
    const current = await this.writable(actor, id);
    const index = current.report.actions.items.findIndex((a) => a.id === actionId);
    const action = current.report.actions.items[index];
    if (!action) throw new AppError('not_found', `report ${id} has no action ${actionId}`);
    if (action.status !== 'completed') {
      throw new AppError(
        'conflict',
        `action ${actionId} is ${labelOf(action.status)}: only a completed action can be verified`,
        [{ path: ['actions', 'items', index, 'status'], message: 'must be completed before it is verified' }],
      );
    }
    const verification = {
      result: input.result,
      on: input.on ?? new Date().toISOString().slice(0, 10),
      by: actor.user.name,
      ...(input.notes ? { notes: input.notes } : {}),
      ...(input.evidence?.length ? { evidence: input.evidence } : {}),
    };
    const items = current.report.actions.items.map((a, i) => (i === index ? { ...a, verification } : a));
    const report = parseWith(
      reportSchema,
      { ...current.report, actions: { ...current.report.actions, items } },
      'the verification is not valid',
    );
    return this.save(
      actor,
      current,
      input.version ?? current.version,
      report,
      `verified ${actionId}: ${labelOf(input.result)}`,
    );
  }

  /**
   * Change one action for something other than a person at the keyboard (an issue tracker's webhook or
   * poll): `change` gives the new action, or undefined when nothing is to change. Saved like any edit —
   * a revision with `summary`, an audit entry, the outgoing webhook events — by `userId` (null for the
   * server itself); a save that meets a newer version reads the report again and retries. The saved report,
   * or undefined when the report or action is gone or nothing changed.
   */
  async changeActionAs(
    by: { userId: string | null; ip: string | null },
    id: string,
    actionId: string,
    change: (action: ActionItem) => ActionItem | undefined,
    summary: string,
  ): Promise<StoredReport | undefined> {
    for (let attempt = 0; ; attempt += 1) {
      const current = await this.reports.get(id);
      const action = current?.report.actions.items.find((a) => a.id === actionId);
      if (!current || !action) return undefined;
      const next = change(action);
      if (!next) return undefined;
      const items = current.report.actions.items.map((a) => (a.id === actionId ? next : a));
      const report = parseWith(
        reportSchema,
        { ...current.report, actions: { ...current.report.actions, items } },
        'the changed action is not valid',
      );
      const changes = changedPaths(current.report, report);
      try {
        return await this.reports.update(current.id, current.version, report, {
          userId: by.userId,
          summary,
          changes,
          audit: { action: 'report.update', details: { changes, via: 'tracker' }, ip: by.ip },
        });
      } catch (e) {
        if (attempt >= 4 || !(isAppError(e) && e.code === 'conflict')) throw e;
      }
    }
  }

  /** The earlier reports this one recurs and the later ones recurring it, with the fixes that did not hold. */
  async recurrence(actor: Actor, id: string): Promise<Recurrence> {
    await this.visible(actor, id);
    const links = await this.reports.recurrenceLinks(actor.viewer, { reportId: id, limit: RECURRENCE_LIMIT });
    const titles = (r: Report, ids: string[]) =>
      r.actions.items.filter((a) => ids.includes(a.id)).map((a) => ({ id: a.id, title: a.title }));
    return {
      earlier: links
        .filter((l) => l.later.id === id)
        .map((l) => ({
          reportId: l.earlier.id,
          title: l.earlier.title,
          actions: titles(l.earlier.report, recurredAfterFix(l.earlier.report, l.later.report)),
        })),
      later: links
        .filter((l) => l.earlier.id === id)
        .map((l) => ({
          reportId: l.later.id,
          title: l.later.title,
          actions: titles(l.earlier.report, recurredAfterFix(l.earlier.report, l.later.report)),
        })),
    };
  }

  /** Every action the caller may see that was completed and whose cause came back in a later report. */
  async recurredActions(actor: Actor): Promise<RecurredActions> {
    const links = await this.reports.recurrenceLinks(actor.viewer, { limit: RECURRENCE_LIMIT });
    const byAction = new Map<string, RecurredActions['items'][number]>();
    for (const l of links) {
      for (const actionId of recurredAfterFix(l.earlier.report, l.later.report)) {
        const key = `${l.earlier.id}\u0000${actionId}`;
        let item = byAction.get(key);
        if (!item) {
          const action = l.earlier.report.actions.items.find((a) => a.id === actionId);
          item = {
            reportId: l.earlier.id,
            reportTitle: l.earlier.title,
            id: actionId,
            title: action?.title ?? actionId,
            recurredIn: [],
          };
          byAction.set(key, item);
        }
        item.recurredIn.push({ reportId: l.later.id, title: l.later.title });
      }
    }
    const items = [...byAction.values()];
    return { items, total: items.length };
  }

  async actionItems(actor: Actor, filters: ActionItemFilters, page: Page) {
    return this.reports.actionItems(actor.viewer, filters, page);
  }

  /** The same page with its items as JSON text where the database can write it (SQLite), else undefined. */
  async actionItemsJson(actor: Actor, filters: ActionItemFilters, page: Page) {
    return this.reports.actionItemsJson(actor.viewer, filters, page);
  }

  /** The report, visible and changeable by the actor (editors, or admins). */
  private async writable(actor: Actor, id: string): Promise<StoredReport> {
    const stored = await this.visible(actor, id);
    if (!hasRole(actor, 'editor')) requireRole(actor, 'editor', 'changing a report');
    return stored;
  }

  /**
   * Save an edit. A published report whose follow-up this edit makes complete (every action verified or
   * declined with a reason: `followUp`) is closed by the same save, and its history and audit entry say
   * so. The reverse is not automatic: the lifecycle leads from closed only back to draft, which is a
   * person's choice ("Reopen as draft"), so a closed report whose follow-up opens again stays closed.
   */
  private async save(actor: Actor, current: StoredReport, version: number, edited: Report, summary: string) {
    // Row marks follow their rows when rows are removed or moved without the marks being touched.
    const input: Report = { ...edited, internal: marksFollowingRows(current.report, edited) };
    refuseMarksPastTheEnd(input);
    const closes = input.state === 'published' && followUp(input).complete;
    const report: Report = closes ? { ...input, state: 'closed' } : input;
    const changes = changedPaths(current.report, report);
    return this.reports.update(current.id, version, report, {
      userId: actor.user.id,
      summary: closes ? `${summary}; follow-up complete: moved from published to closed` : summary,
      changes,
      audit: {
        action: 'report.update',
        details: closes
          ? { changes, from: 'published', to: 'closed', reason: 'follow-up complete' }
          : { changes },
        ip: actor.ip,
      },
    });
  }
}

export const SECTIONS = SECTION_KEYS;

/** A mark naming a row past the end of its list would hide nothing now and the wrong row later: refused. */
function refuseMarksPastTheEnd(report: Report): void {
  const pastEnd = marksPastTheEnd(report);
  if (pastEnd.length) {
    throw new AppError(
      'invalid_report',
      `${pastEnd.length} internal mark(s) name a row that is not there`,
      pastEnd.map(([k, message]) => ({ path: ['internal', k], message })),
    );
  }
}
