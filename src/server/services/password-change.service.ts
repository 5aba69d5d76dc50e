import { AppError } from '../../domain/index.js';
import type { SessionRepository, TokenRepository, User, UserRepository } from '../../store/index.js';
import { requireRole, type Actor } from './access.js';
import type { AuditService } from './audit.service.js';
import { hashPassword, hashSecret, verifyPassword } from './password.js';

/**
 * What a password change did to the account's other ways in. Sessions (browser sign-ins) end; API tokens are
 * separate credentials with their own names and revocation, so they keep working and are counted here,
 * never revoked silently.
 */
export interface PasswordChangeResult {
  user: User;
  sessionsEnded: number;
  tokensStillActive: number;
}

/**
 * Passwords after the account exists: people change their own (the current one required), admins reset
 * someone's (who must then choose a new one at the next sign-in), and the command line sets one on the
 * server's database. Every change ends the account's other sessions.
 */
export class PasswordChangeService {
  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenRepository,
    private readonly audit: AuditService,
    /** Called after a change, so remembered token checks are dropped. */
    private readonly onAccountChange: () => void = () => {},
  ) {}

  /** Change one's own password; the session the request came with stays signed in. */
  async changeOwn(
    actor: Actor,
    input: { current: string; password: string },
    sessionToken: string | undefined,
  ): Promise<PasswordChangeResult> {
    const account = await this.users.credentials(actor.user.email);
    if (!account?.passwordHash || !(await verifyPassword(input.current, account.passwordHash))) {
      throw new AppError('bad_request', 'the current password is not right', [
        { path: ['current'], message: 'not your current password' },
      ]);
    }
    if (input.current === input.password) {
      throw new AppError('bad_request', 'the new password must differ from the current one', [
        { path: ['password'], message: 'same as the current password' },
      ]);
    }
    const keep = sessionToken !== undefined ? hashSecret(sessionToken) : undefined;
    return this.apply(actor, account.id, input.password, false, keep, 'user.password.change');
  }

  /** An admin sets a temporary password for someone else; every session of that account ends. */
  async resetByAdmin(actor: Actor, userId: string, password: string): Promise<PasswordChangeResult> {
    requireRole(actor, 'admin', 'resetting passwords');
    if (userId === actor.user.id) {
      throw new AppError('conflict', 'change your own password on your profile page, with your current one', [
        { path: ['id'], message: 'this is your own account' },
      ]);
    }
    if (!(await this.users.byId(userId))) throw new AppError('not_found', `user ${userId} does not exist`);
    return this.apply(actor, userId, password, true, undefined, 'user.password.reset');
  }

  /** The command line on the server's database: no actor, every session ends. */
  async setFromCommandLine(
    email: string,
    password: string,
    temporary: boolean,
  ): Promise<PasswordChangeResult> {
    const account = await this.users.credentials(email);
    if (!account) throw new AppError('not_found', `no account has the email ${email.trim().toLowerCase()}`);
    return this.apply(null, account.id, password, temporary, undefined, 'user.password.set');
  }

  private async apply(
    actor: Actor | null,
    userId: string,
    password: string,
    mustChange: boolean,
    keepSession: string | undefined,
    action: string,
  ): Promise<PasswordChangeResult> {
    const user = await this.users.update(userId, {
      passwordHash: await hashPassword(password),
      mustChangePassword: mustChange,
    });
    const sessionsEnded = await this.sessions.deleteForUser(userId, keepSession);
    this.onAccountChange();
    const tokensStillActive = (await this.tokens.listFor(userId)).filter((t) => !t.revokedAt).length;
    await this.audit.record(
      actor,
      action,
      { type: 'user', id: userId },
      { sessionsEnded, tokensStillActive, mustChangePassword: mustChange },
    );
    return { user, sessionsEnded, tokensStillActive };
  }
}
