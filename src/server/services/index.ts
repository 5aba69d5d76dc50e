import {
  AttachmentRepository,
  AuditRepository,
  CalendarRepository,
  CommentRepository,
  LoginFailureRepository,
  MemoryRepository,
  OutboxRepository,
  ReminderRepository,
  ReportRepository,
  ReviewRepository,
  SessionRepository,
  SettingsRepository,
  TokenRepository,
  TrackerRepository,
  UserRepository,
  type Store,
} from '../../store/index.js';
import { OutboxService } from '../outbox/outbox.service.js';
import { ReminderService } from '../outbox/reminders.service.js';
import { DistributionService } from '../outbox/distribution.service.js';
import { SecretBox } from '../tracker/secret-box.js';
import { TrackerService, type TrackerOptions } from '../tracker/tracker.service.js';
import { AttachmentService } from './attachment.service.js';
import { AuditService } from './audit.service.js';
import { CalendarService } from './calendar.service.js';
import { AuthService, DEFAULT_AUTH_OPTIONS, type AuthOptions } from './auth.service.js';
import { EvidenceService } from './evidence.service.js';
import { MemoryService } from './memory.service.js';
import { PasswordChangeService } from './password-change.service.js';
import { ReportService } from './report.service.js';
import { lintGate, type ReviewGate } from './review-gate.js';
import { ReviewService } from './review.service.js';
import { SettingsService } from './settings.service.js';
import { UserService } from './user.service.js';

/** Every service, wired to repositories on one store. */
export interface Services {
  store: Store;
  audit: AuditService;
  auth: AuthService;
  passwords: PasswordChangeService;
  users: UserService;
  settings: SettingsService;
  reports: ReportService;
  reviews: ReviewService;
  attachments: AttachmentService;
  evidence: EvidenceService;
  memory: MemoryService;
  calendar: CalendarService;
  auditLog: AuditRepository;
  /** Webhook subscriptions and the durable outbox's worker. */
  outbox: OutboxService;
  /** E-mail digests and each person's choice about them. */
  reminders: ReminderService;
  /** Reports sent by e-mail to distribution lists. */
  distribution: DistributionService;
  /** Issue-tracker connections, issues for actions, their state coming back. */
  tracker: TrackerService;
}

/** Wire the services to one store. */
export function createServices(
  store: Store,
  options: {
    auth?: Partial<AuthOptions>;
    gate?: ReviewGate;
    webhookTimeoutMs?: number;
    /** The 32-byte key that seals tracker credentials (HINDSIGHT_SECRET_KEY); none: they cannot be saved. */
    secretKey?: Buffer;
    tracker?: TrackerOptions;
  } = {},
): Services {
  const auditLog = new AuditRepository(store);
  const audit = new AuditService(auditLog);
  const settings = new SettingsService(new SettingsRepository(store), audit, store);
  const reviewRepo = new ReviewRepository(store);
  const reports = new ReportService(
    new ReportRepository(store),
    reviewRepo,
    settings,
    options.gate ?? lintGate,
  );
  const auth = new AuthService(
    new UserRepository(store),
    new SessionRepository(store),
    new TokenRepository(store),
    new LoginFailureRepository(store),
    audit,
    { ...DEFAULT_AUTH_OPTIONS, ...options.auth },
  );
  const outboxRepo = new OutboxRepository(store);
  const attachments = new AttachmentService(reports, new AttachmentRepository(store), audit);
  return {
    store,
    audit,
    auditLog,
    settings,
    reports,
    auth,
    users: new UserService(new UserRepository(store), audit, settings, () => auth.forgetTokenChecks()),
    passwords: new PasswordChangeService(
      new UserRepository(store),
      new SessionRepository(store),
      new TokenRepository(store),
      audit,
      () => auth.forgetTokenChecks(),
    ),
    reviews: new ReviewService(reports, new CommentRepository(store), reviewRepo, settings, audit),
    attachments,
    evidence: new EvidenceService(reports, attachments),
    memory: new MemoryService(new MemoryRepository(store), reports, settings, {
      // Reports a later report names as a recurrence, with a completed action that addressed the same cause.
      recurred: async (actor) => new Set((await reports.recurredActions(actor)).items.map((i) => i.reportId)),
      description:
        'a later report names this one as a recurrence, and a completed action of it addressed the same cause (docs/follow-up.md)',
    }),
    outbox: new OutboxService(outboxRepo, audit, options.webhookTimeoutMs),
    reminders: new ReminderService(new ReminderRepository(store), outboxRepo),
    distribution: new DistributionService(reports, settings, outboxRepo),
    calendar: new CalendarService(new CalendarRepository(store), new UserRepository(store), reports),
    tracker: new TrackerService(
      new TrackerRepository(store),
      reports,
      audit,
      new SecretBox(options.secretKey),
      options.tracker,
    ),
  };
}
