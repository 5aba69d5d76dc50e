import { AppError, type ActionItem } from '../../domain/index.js';
import type { ActionItemRow } from '../../domain/api-contract.js';
import { actionsCalendar } from '../../render/calendar.ics.js';
import type { CalendarRepository, UserRepository } from '../../store/index.js';
import { actorOf, type Actor } from './access.js';
import { hashSecret, newSecret } from './password.js';
import type { ReportService } from './report.service.js';

/** The most action items one feed lists (per owner name or e-mail). */
const FEED_LIMIT = 1000;
/** A feed secret: what newSecret makes (32 random bytes, base64url). */
const SECRET = /^[A-Za-z0-9_-]{43}$/;

const path = (secret: string) => `/api/calendar/feeds/${secret}.ics`;

/**
 * A secret iCalendar address per person: their action deadlines and verification dates. The address is the
 * only credential of the feed (calendar apps send no cookies), so the database keeps only its hash; making a
 * new one or revoking ends the old at once. The feed lists what the person could see signed in, no more.
 */
export class CalendarService {
  constructor(
    private readonly calendars: CalendarRepository,
    private readonly users: UserRepository,
    private readonly reports: ReportService,
  ) {}

  async status(actor: Actor): Promise<{ active: boolean; createdAt: string | null }> {
    const createdAt = await this.calendars.createdAt(actor.user.id);
    return { active: createdAt !== undefined, createdAt: createdAt ?? null };
  }

  /** Make (or remake) the person's address; the secret is shown this once. */
  async regenerate(actor: Actor): Promise<{ path: string; createdAt: string }> {
    const secret = newSecret();
    const createdAt = new Date().toISOString();
    await this.calendars.replace(actor.user.id, hashSecret(secret), createdAt);
    return { path: path(secret), createdAt };
  }

  async revoke(actor: Actor): Promise<void> {
    await this.calendars.remove(actor.user.id);
  }

  /** The feed behind an address, or 404 for any address that is not a live one (the same for every kind). */
  async feed(file: string): Promise<string> {
    const gone = () => new AppError('not_found', 'no calendar at this address (it may have been revoked)');
    const secret = file.endsWith('.ics') ? file.slice(0, -4) : '';
    if (!SECRET.test(secret)) throw gone();
    const userId = await this.calendars.userIdByHash(hashSecret(secret));
    const user = userId ? await this.users.byId(userId) : undefined;
    if (!user || user.disabled) throw gone();
    const actor = actorOf(user, 'token');
    const rows = new Map<string, ActionItemRow>();
    for (const owner of new Set([user.name, user.email])) {
      const page = await this.reports.actionItems(actor, { owner }, { limit: FEED_LIMIT, offset: 0 });
      for (const r of page.items) rows.set(`${r.reportId}/${r.id}`, r);
    }
    return actionsCalendar(
      [...rows.values()].map((r) => ({
        reportId: r.reportId,
        reportTitle: r.reportTitle,
        action: {
          id: r.id,
          title: r.title,
          owner: r.owner ?? undefined,
          deadline: r.deadline ?? undefined,
          status: r.status as ActionItem['status'],
          ...(r.verifyBy ? { verificationPlan: { by: r.verifyBy } } : {}),
          ...(r.verification ? { verification: { result: r.verification } } : {}),
        },
        url: `/reports/${encodeURIComponent(r.reportId)}`,
      })),
      { name: `Hindsight actions of ${user.name}`, stamp: new Date() },
    );
  }
}
