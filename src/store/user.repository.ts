import { randomUUID } from 'node:crypto';
import type { Kysely, Updateable } from 'kysely';
import { AppError } from '../domain/index.js';
import type { Store } from './database.js';
import type { Database, UsersTable } from './database.types.js';
import type { Role, User } from '../domain/api-contract.js';

export type { Role, User };

export const toUser = (
  r: Pick<UsersTable, 'id' | 'email' | 'name' | 'role' | 'disabled' | 'created_at'> & {
    must_change_password?: number | null;
  },
): User => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role as Role,
  disabled: Number(r.disabled) === 1,
  createdAt: r.created_at,
  ...(Number(r.must_change_password ?? 0) === 1 ? { mustChangePassword: true } : {}),
});

/** Local accounts; emails are stored lower-cased so sign-in ignores case. */
export class UserRepository {
  private readonly db: Kysely<Database>;

  constructor(store: Store) {
    this.db = store.db;
  }

  async create(input: {
    email: string;
    name: string;
    role: Role;
    passwordHash: string | null;
  }): Promise<User> {
    const email = input.email.trim().toLowerCase();
    const taken = await this.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', email)
      .executeTakeFirst();
    if (taken)
      throw new AppError('conflict', `a user with email ${email} already exists`, [
        { path: ['email'], message: 'already in use' },
      ]);
    const row = {
      id: randomUUID(),
      email,
      name: input.name,
      role: input.role,
      password_hash: input.passwordHash,
      disabled: 0,
      created_at: new Date().toISOString(),
    };
    await this.db.insertInto('users').values(row).execute();
    return toUser(row);
  }

  async byId(id: string): Promise<User | undefined> {
    const r = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return r ? toUser(r) : undefined;
  }

  /** The account and its password hash, for sign-in only. */
  async credentials(email: string): Promise<(User & { passwordHash: string | null }) | undefined> {
    const r = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', email.trim().toLowerCase())
      .executeTakeFirst();
    return r ? { ...toUser(r), passwordHash: r.password_hash } : undefined;
  }

  async list(): Promise<User[]> {
    const rows = await this.db.selectFrom('users').selectAll().orderBy('email').execute();
    return rows.map(toUser);
  }

  async count(): Promise<number> {
    const r = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async update(
    id: string,
    patch: {
      name?: string;
      role?: Role;
      disabled?: boolean;
      passwordHash?: string;
      mustChangePassword?: boolean;
    },
  ): Promise<User> {
    const set: Updateable<UsersTable> = {};
    if (patch.name !== undefined) set.name = patch.name;
    if (patch.role !== undefined) set.role = patch.role;
    if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
    if (patch.passwordHash !== undefined) set.password_hash = patch.passwordHash;
    if (patch.mustChangePassword !== undefined) set.must_change_password = patch.mustChangePassword ? 1 : 0;
    if (Object.keys(set).length > 0)
      await this.db.updateTable('users').set(set).where('id', '=', id).execute();
    const user = await this.byId(id);
    if (!user) throw new AppError('not_found', `user ${id} does not exist`);
    return user;
  }
}
