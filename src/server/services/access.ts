import { AppError } from '../../domain/index.js';
import { keyOf, membersOf, type Role, type StoredReport, type User, type Viewer } from '../../store/index.js';

/** Who is making a request, and how they proved it. */
export interface Actor {
  user: User;
  viewer: Viewer;
  via: 'session' | 'token' | 'cli';
  ip: string | null;
}

/**
 * The keys a user may be listed under among a report's members: e-mail and user id, case-insensitive. Not the
 * display name: anyone can make an account with a name already in use.
 */
export function actorOf(user: User, via: Actor['via'], ip: string | null = null): Actor {
  return {
    user,
    via,
    ip,
    viewer: { userId: user.id, principals: [...new Set([keyOf(user.email), keyOf(user.id)])] },
  };
}

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

/** True when the actor holds a role at least as strong as `role`. */
export function hasRole(actor: Actor, role: Role): boolean {
  return RANK[actor.user.role] >= RANK[role];
}

/** Refuse with 403 unless the actor holds `role`. */
export function requireRole(actor: Actor, role: Role, what: string): void {
  if (!hasRole(actor, role))
    throw new AppError('forbidden', `${what} needs the ${role} role; you are ${actor.user.role}`);
}

/** True when one of `names` is the actor's e-mail or user id. */
export function isNamedIn(actor: Actor, names: string[]): boolean {
  const mine = new Set(actor.viewer.principals);
  return names.some((n) => mine.has(keyOf(n)));
}

/**
 * True when the actor is among a report's reviewers, listed by e-mail, user id or display name. Only used on a
 * report the actor may already see; who may see it is decided by `canSee` alone.
 */
export function isReviewerIn(actor: Actor, reviewers: string[]): boolean {
  return isNamedIn(actor, reviewers) || reviewers.some((r) => keyOf(r) === keyOf(actor.user.name));
}

/** Restricted reports exist only for their creator and the people they name. */
export function canSee(actor: Actor, stored: StoredReport): boolean {
  if (!stored.restricted) return true;
  return stored.createdBy === actor.user.id || isNamedIn(actor, membersOf(stored.report));
}

/** The same answer for "does not exist" and "you may not know it exists". */
export function notFound(id: string): AppError {
  return new AppError('not_found', `report ${id} does not exist`);
}
