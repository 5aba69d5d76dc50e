import { AppError, reportSchema } from '../../domain/index.js';
import type { CommentRepository, ReviewDecision, ReviewRepository } from '../../store/index.js';
import { hasRole, isReviewerIn, type Actor } from './access.js';
import type { AuditService } from './audit.service.js';
import type { ReportService } from './report.service.js';
import type { SettingsService } from './settings.service.js';

const TOP_LEVEL = new Set(Object.keys(reportSchema.shape));

/** Review comments anchored to a section or field, and reviewers' approvals and change requests. */
export class ReviewService {
  constructor(
    private readonly reports: ReportService,
    private readonly comments: CommentRepository,
    private readonly reviews: ReviewRepository,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
  ) {}

  async listComments(actor: Actor, reportId: string) {
    await this.reports.visible(actor, reportId);
    return this.comments.listFor(reportId);
  }

  /** Comment on a section (`analysis`) or a field (`analysis.primaryCause`); editors and named reviewers may. */
  async comment(actor: Actor, reportId: string, anchor: string, body: string) {
    const stored = await this.reports.visible(actor, reportId);
    this.requireParticipant(actor, stored.report.reviewers, 'commenting');
    const root = anchor.split('.')[0] ?? '';
    if (!TOP_LEVEL.has(root)) {
      throw new AppError('bad_request', `the anchor ${anchor} does not name a part of a report`, [
        { path: ['anchor'], message: `must start with one of ${[...TOP_LEVEL].join(', ')}` },
      ]);
    }
    const c = await this.comments.create({ reportId, anchor, body, authorId: actor.user.id });
    await this.audit.record(
      actor,
      'comment.create',
      { type: 'report', id: reportId },
      { comment: c.id, anchor },
    );
    return c;
  }

  async resolve(actor: Actor, reportId: string, commentId: string, resolved: boolean) {
    const stored = await this.reports.visible(actor, reportId);
    this.requireParticipant(actor, stored.report.reviewers, 'resolving comments');
    const existing = await this.comments.get(reportId, commentId);
    if (!existing)
      throw new AppError('not_found', `comment ${commentId} does not exist on report ${reportId}`);
    const c = await this.comments.setResolved(reportId, commentId, resolved ? actor.user.id : null);
    await this.audit.record(
      actor,
      resolved ? 'comment.resolve' : 'comment.reopen',
      { type: 'report', id: reportId },
      { comment: commentId },
    );
    return c!;
  }

  async listReviews(actor: Actor, reportId: string) {
    const stored = await this.reports.visible(actor, reportId);
    const { requiredApprovals } = await this.settings.get();
    return {
      status: await this.reports.approvalStatus(stored, requiredApprovals),
      reviews: await this.reviews.listFor(reportId),
    };
  }

  /** Approve or request changes; only reviewers the report names, and only while it is in review. */
  async review(actor: Actor, reportId: string, decision: ReviewDecision, note: string | undefined) {
    const stored = await this.reports.visible(actor, reportId);
    if (!isReviewerIn(actor, stored.report.reviewers)) {
      throw new AppError(
        'forbidden',
        'only the reviewers named in the report may approve it or request changes',
      );
    }
    if (stored.state !== 'in_review') {
      throw new AppError('conflict', `the report is ${stored.state}, not in review`, [
        { path: ['decision'], message: 'report is not in review' },
      ]);
    }
    const r = await this.reviews.create({
      reportId,
      userId: actor.user.id,
      round: stored.reviewRound,
      decision,
      note: note ?? null,
      reportVersion: stored.version,
    });
    await this.audit.record(
      actor,
      `review.${decision}`,
      { type: 'report', id: reportId },
      { round: r.round, version: r.reportVersion },
    );
    return r;
  }

  private requireParticipant(actor: Actor, reviewers: string[], what: string) {
    if (!hasRole(actor, 'editor') && !isReviewerIn(actor, reviewers)) {
      throw new AppError('forbidden', `${what} needs the editor role or being a named reviewer`);
    }
  }
}
