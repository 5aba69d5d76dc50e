import { AppError, type Audience, type Report } from '../../domain/index.js';
import type { Distribution } from '../../domain/api-contract.js';
import { Mailer, type MailMessage, type MailOptions } from '../../mail/mailer.js';
import { exportText, reportFor } from '../../render/export.js';
import {
  outboxRow,
  type OutboxRepository,
  type OutboxRow,
  type SaveInfo,
  type StoredReport,
} from '../../store/index.js';
import type { Actor } from '../services/access.js';
import type { ReportService } from '../services/report.service.js';
import type { SettingsService } from '../services/settings.service.js';
import type { Attempt } from './webhook.sender.js';

const AUDIENCE_LABEL: Record<Audience, string> = {
  internal: 'internal version',
  executive: 'executive summary',
  public: 'public version',
};

/**
 * Sending a report by e-mail to a distribution list (on request, or when a report is published and its kind
 * has a list): one version for an audience, rendered once as HTML with the Markdown text as the plain part,
 * queued as one outbox row per recipient in the same transaction as the history entry that records it, and
 * sent by the outbox worker through SMTP.
 */
export class DistributionService {
  private mailer: Mailer | undefined;

  constructor(
    private readonly reports: ReportService,
    private readonly settings: SettingsService,
    private readonly outbox: OutboxRepository,
  ) {}

  /** Turn sending on (the server does when SMTP_URL is set); the handler for the outbox worker. */
  enable(options: MailOptions): (row: OutboxRow) => Promise<Attempt> {
    this.mailer = new Mailer(options);
    return (row) => this.deliver(row);
  }

  close(): void {
    this.mailer?.close();
  }

  /** Queue a version of a report the actor may see, to `to` or else to the list of the report's kind. */
  async distribute(who: Actor, id: string, audience: Audience, to?: string[]): Promise<Distribution> {
    const stored = await this.reports.visible(who, id);
    if (!this.mailer)
      throw new AppError(
        'conflict',
        'e-mail is not configured on this server: set SMTP_URL (and MAIL_FROM) to send reports by e-mail',
      );
    let recipients = to;
    const source = to ? 'request' : 'settings';
    if (!recipients) {
      const list = (await this.settings.get()).distribution[stored.report.kind];
      if (!list)
        throw new AppError(
          'conflict',
          `no distribution list for ${stored.report.kind} reports: name the recipients in "to", or have an admin set settings.distribution.${stored.report.kind}`,
          [{ path: ['to'], message: 'required when the report kind has no distribution list' }],
        );
      recipients = list.to;
    }
    return this.queue(who, stored, audience, recipients, source);
  }

  /**
   * What publishing a report queues, for the save that publishes it to write in its own transaction: the
   * version its kind's list asks for, one outbox row per recipient, and the history entry recording them.
   * Nothing when e-mail is off or the kind has no list. `report` is the content being saved (state published).
   */
  async onPublication(who: Actor, id: string, report: Report): Promise<SaveInfo['queued']> {
    if (!this.mailer) return undefined;
    const list = (await this.settings.get()).distribution[report.kind];
    if (!list) return undefined;
    const { rows, details } = await this.prepare(id, report, list.audience, list.to, 'publication');
    return { outbox: rows, audit: { action: 'report.distribute', details, ip: who.ip } };
  }

  private async queue(
    who: Actor,
    stored: StoredReport,
    audience: Audience,
    recipients: string[],
    source: Distribution['source'],
  ): Promise<Distribution> {
    const { rows, details } = await this.prepare(stored.id, stored.report, audience, recipients, 'request');
    await this.outbox.enqueueRecorded(rows, {
      userId: who.user.id,
      action: 'report.distribute',
      targetType: 'report',
      targetId: stored.id,
      details: { ...details, version: stored.version },
      ip: who.ip,
    });
    return { audience, recipients, deliveries: details.deliveries, source };
  }

  /** The outbox rows of one sending (one per recipient) and the details its history entry records. */
  private async prepare(
    id: string,
    report: Report,
    audience: Audience,
    recipients: string[],
    trigger: 'request' | 'publication',
  ) {
    const message = await this.render(report, audience);
    const at = new Date().toISOString();
    const rows = recipients.map((to) =>
      outboxRow('distribution', id, 'report.distributed', { ...message, to }, at),
    );
    const deliveries = rows.map((r) => r.id);
    return { rows, details: { audience, recipients, deliveries, trigger } };
  }

  /** The message for an audience: the HTML export, and the Markdown export as its plain-text part. */
  private async render(report: Report, audience: Audience): Promise<Omit<MailMessage, 'to'>> {
    const { severityScale: scale, internalNetwork: network } = await this.settings.get();
    const opts = { audience, today: new Date().toISOString().slice(0, 10), scale, network };
    const html = await exportText(report, 'html', opts);
    const text = await exportText(report, 'md', opts);
    // The title of the version sent (the public version's title is the public one).
    const { title } = reportFor(report, { audience, network });
    return {
      subject: `Post-mortem: ${title} (${AUDIENCE_LABEL[audience]})`,
      text: text.text,
      html: html.text,
    };
  }

  private async deliver(row: OutboxRow): Promise<Attempt> {
    if (!this.mailer) return { ok: false, status: null, error: 'mail is not configured', final: true };
    try {
      await this.mailer.send(JSON.parse(row.payload) as MailMessage);
      return { ok: true, status: null };
    } catch (e) {
      const err = e as Error & { responseCode?: number };
      return { ok: false, status: err.responseCode ?? null, error: err.message };
    }
  }
}
