import { z } from 'zod';
import { AppError, lineSchema } from '../../domain/index.js';
import type { Role, User, UserRepository } from '../../store/index.js';
import { requireRole, type Actor } from './access.js';
import type { AuditService } from './audit.service.js';
import type { SettingsService } from './settings.service.js';
import { hashPassword } from './password.js';

export const ROLES = ['admin', 'editor', 'viewer'] as const satisfies readonly Role[];

export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(1024, 'must be at most 1024 characters');

export const newUserSchema = z.strictObject({
  email: z.email('must be an email address').max(320),
  name: lineSchema,
  role: z.enum(ROLES),
  password: passwordSchema.optional(),
});

export const userPatchSchema = z.strictObject({
  name: lineSchema.optional(),
  role: z.enum(ROLES).optional(),
  disabled: z.boolean().optional(),
  password: passwordSchema.optional(),
});

/** Accounts: admins manage them; the CLI bootstraps the first admin without an actor. */
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    /** Called when an account's role, status or password changes (remembered token checks are dropped). */
    private readonly onAccountChange: () => void = () => {},
  ) {}

  /** Whether the server still needs its first admin. */
  async needsSetup(): Promise<boolean> {
    return (await this.users.count()) === 0;
  }

  /**
   * First-run setup: create the first admin while no account exists. The step is claimed in the database, so
   * two requests racing on two instances cannot both create one.
   */
  async createFirstAdmin(input: { email: string; name: string; password: string }): Promise<User> {
    const alreadySetUp = () => new AppError('conflict', 'this server is already set up; sign in instead');
    if (!(await this.needsSetup())) throw alreadySetUp();
    const user = await this.settings.once('first-admin', () =>
      this.create(null, { ...input, role: 'admin' }),
    );
    if (!user) throw alreadySetUp();
    return user;
  }

  /** Create an account; `actor` is null only for bootstrap from the command line. */
  async create(actor: Actor | null, input: z.output<typeof newUserSchema>): Promise<User> {
    if (actor) requireRole(actor, 'admin', 'creating accounts');
    const user = await this.users.create({
      email: input.email,
      name: input.name,
      role: input.role,
      passwordHash: input.password ? await hashPassword(input.password) : null,
    });
    await this.audit.record(
      actor,
      'user.create',
      { type: 'user', id: user.id },
      { email: user.email, role: user.role },
    );
    return user;
  }

  /** Every account, for admins; `actor` is null only for the command line, which holds the database itself. */
  async list(actor: Actor | null): Promise<User[]> {
    if (actor) requireRole(actor, 'admin', 'listing accounts');
    return this.users.list();
  }

  /**
   * The active accounts by name and e-mail, for any signed-in person: restricted reports name their members
   * by e-mail, chosen from this list. Roles and account state stay for admins.
   */
  async directory(): Promise<{ id: string; name: string; email: string }[]> {
    return (await this.users.list())
      .filter((u) => !u.disabled)
      .map((u) => ({ id: u.id, name: u.name, email: u.email }));
  }

  /** How many accounts exist (zero on a fresh install). */
  async count(): Promise<number> {
    return this.users.count();
  }

  async byEmail(email: string): Promise<User | undefined> {
    const u = await this.users.credentials(email);
    if (!u) return undefined;
    const { passwordHash: _hidden, ...user } = u;
    return user;
  }

  async update(actor: Actor, id: string, patch: z.output<typeof userPatchSchema>): Promise<User> {
    requireRole(actor, 'admin', 'changing accounts');
    if (!(await this.users.byId(id))) throw new AppError('not_found', `user ${id} does not exist`);
    if (patch.password !== undefined) {
      // A reset must end the account's sessions and ask for a new password at the next sign-in.
      throw new AppError('bad_request', `reset a password with POST /api/users/${id}/password`, [
        { path: ['password'], message: 'not changed here' },
      ]);
    }
    if (id === actor.user.id && ((patch.role && patch.role !== 'admin') || patch.disabled)) {
      throw new AppError('conflict', 'you cannot remove your own admin role or disable yourself', [
        { path: ['role'], message: 'ask another admin' },
      ]);
    }
    const user = await this.users.update(id, {
      name: patch.name,
      role: patch.role,
      disabled: patch.disabled,
      passwordHash: patch.password ? await hashPassword(patch.password) : undefined,
    });
    this.onAccountChange();
    const { password: _p, ...logged } = patch;
    await this.audit.record(
      actor,
      'user.update',
      { type: 'user', id },
      { ...logged, passwordChanged: patch.password !== undefined },
    );
    return user;
  }
}
