import { AppError } from '../../domain/index.js';
import type {
  LoginFailureRepository,
  SessionRepository,
  TokenRepository,
  User,
  UserRepository,
} from '../../store/index.js';
import { actorOf, type Actor } from './access.js';
import type { AuditService } from './audit.service.js';
import { decoyHash, hashSecret, newSecret, verifyPassword } from './password.js';

export interface AuthOptions {
  /** How long a session lasts, in milliseconds. */
  sessionTtlMs: number;
  /**
   * Failed sign-ins of an account tried without a wait. After them, each further attempt waits
   * `backoffMs` after the latest failure, twice as long after each further failure, at most
   * `backoffCapMs`; a success starts over, and failures older than `failureMemoryMs` are forgotten.
   */
  maxFailuresPerAccount: number;
  backoffMs: number;
  backoffCapMs: number;
  failureMemoryMs: number;
  /** Failed sign-ins allowed per client address within `failureWindowMs` (a sliding window). */
  maxFailuresPerAddress: number;
  failureWindowMs: number;
  /**
   * How long a successful sign-in from an address vouches for that account there: while it does, the
   * address's limit (tripped by failures on other accounts) does not refuse this account's password.
   */
  knownAddressMs: number;
  /**
   * How long a checked API token is trusted without asking the database again, in milliseconds (0: ask on
   * every call). This instance forgets at once when a token is revoked or an account changes here; another
   * instance on the same database notices within this time.
   */
  tokenCacheMs: number;
  /** The time in ms, for the sign-in limits (tests move it on instead of sleeping through a backoff). */
  clock: () => number;
}

export const DEFAULT_AUTH_OPTIONS: AuthOptions = {
  sessionTtlMs: 14 * 24 * 3600_000,
  maxFailuresPerAccount: 5,
  backoffMs: 60_000,
  backoffCapMs: 3600_000,
  failureMemoryMs: 24 * 3600_000,
  maxFailuresPerAddress: 50,
  failureWindowMs: 15 * 60_000,
  knownAddressMs: 30 * 24 * 3600_000,
  tokenCacheMs: 1000,
  clock: Date.now,
};

/**
 * How often an instance deletes the failed sign-ins too old to count (on a sign-in, at most this often): the
 * table then holds the failures of the longest memory (`knownAddressMs`, `failureMemoryMs`, `failureWindowMs`)
 * plus at most this long, and each deletion finds its rows by the index on `at`.
 */
const FAILURE_PRUNE_INTERVAL_MS = 10 * 60_000;

/** Most token checks remembered at once; beyond it the oldest is forgotten. */
const TOKEN_CACHE_SIZE = 10_000;

/** Signs people in and out and recognizes them again by session cookie or API token. */
export class AuthService {
  /**
   * Token → the account it belonged to and until when that answer is trusted (see tokenCacheMs). Keyed by the
   * token itself, which every request carries anyway: hashing it on each call cost a fifth of a cached read.
   * Entries expire after tokenCacheMs and are dropped as new ones are made.
   */
  private readonly checked = new Map<string, { user: User; until: number; actor?: Actor }>();
  /** Moves on whenever remembered checks are forgotten, so an answer read before that is not kept. */
  private checkGeneration = 0;
  /** When this instance last deleted old failed sign-ins (the limits' clock, ms). */
  private prunedAt = -Infinity;

  constructor(
    private readonly users: UserRepository,
    private readonly sessions: SessionRepository,
    private readonly tokens: TokenRepository,
    private readonly failures: LoginFailureRepository,
    private readonly audit: AuditService,
    private readonly options: AuthOptions = DEFAULT_AUTH_OPTIONS,
  ) {}

  /**
   * Check a password and open a session; the same error for an unknown email and a wrong password.
   *
   * Each attempt is first written down as a failure, and its password is checked only if what is counted
   * after that (its own row included) allows it; so of any number of guesses sent at once, at most what the
   * policy allows is checked, on any number of instances. Per account: `maxFailuresPerAccount` failures
   * without a wait, then a growing backoff from the latest failure (see AuthOptions); a reserved attempt
   * of someone else counts as a failure just made, so a burst gets one check at most per wait. Per address:
   * a sliding window. A refused attempt takes its row back, so refusals never lengthen a wait. An address
   * over its limit still has passwords checked for accounts that signed in from it recently (a shared
   * proxy address or office network is not locked out by someone else's guessing); their own per-account
   * backoff still applies.
   */
  async login(email: string, password: string, ip: string | null) {
    const emailKey = email.trim().toLowerCase();
    const accountKey = `email:${emailKey}`;
    const addressKey = ip ? `ip:${ip}` : undefined;
    const keys = [accountKey, ...(addressKey ? [addressKey] : [])];
    const now = this.options.clock();
    await this.pruneFailures(now);
    const attempt = newSecret();
    await this.failures.record(keys, new Date(now).toISOString(), attempt);
    const [byAccount, byAddress] = await Promise.all([
      this.failures.historySince(
        accountKey,
        new Date(now - this.options.failureMemoryMs).toISOString(),
        attempt,
      ),
      addressKey
        ? this.failures.countSince(addressKey, new Date(now - this.options.failureWindowMs).toISOString())
        : 0,
    ]);
    const knownKey = addressKey ? `known:${emailKey}|${addressKey}` : undefined;
    const addressOver =
      byAddress > this.options.maxFailuresPerAddress &&
      !(
        knownKey &&
        (await this.failures.countSince(
          knownKey,
          new Date(now - this.options.knownAddressMs).toISOString(),
        )) > 0
      );
    const wait = this.accountWait(byAccount.count, byAccount.lastOther, now);
    if (wait > 0 || addressOver) {
      await this.failures.release(attempt);
      await this.audit.record(null, 'auth.login.blocked', { type: 'user', id: email }, {}, ip);
      const ms = wait > 0 ? wait : this.options.failureWindowMs;
      throw new AppError(
        'rate_limited',
        `too many failed sign-ins; try again in ${wait > 0 ? '' : 'up to '}${waitText(ms)}`,
      );
    }
    const account = await this.users.credentials(email);
    const ok = await verifyPassword(password, account?.passwordHash ?? (await decoyHash()));
    if (!account || !account.passwordHash || !ok || account.disabled) {
      await this.audit.record(null, 'auth.login.failed', { type: 'user', id: account?.id ?? email }, {}, ip);
      throw new AppError('unauthorized', 'the email or password is wrong');
    }
    await this.failures.release(attempt);
    await this.failures.clear(accountKey);
    if (knownKey) {
      await this.failures.clear(knownKey);
      await this.failures.record([knownKey], new Date(now).toISOString());
    }
    const token = newSecret();
    const csrfToken = newSecret();
    const expiresAt = new Date(Date.now() + this.options.sessionTtlMs).toISOString();
    await this.sessions.create({ idHash: hashSecret(token), userId: account.id, csrfToken, expiresAt });
    const actor = actorOf(account, 'session', ip);
    await this.audit.record(actor, 'auth.login', { type: 'user', id: account.id });
    return { actor, token, csrfToken, expiresAt };
  }

  /** Delete the failures no limit looks at any more, at most once per FAILURE_PRUNE_INTERVAL_MS here. */
  private async pruneFailures(now: number): Promise<void> {
    if (now - this.prunedAt < FAILURE_PRUNE_INTERVAL_MS) return;
    this.prunedAt = now;
    const { failureMemoryMs, failureWindowMs, knownAddressMs } = this.options;
    const longest = Math.max(failureMemoryMs, failureWindowMs, knownAddressMs);
    await this.failures.prune(new Date(now - longest).toISOString());
  }

  /**
   * How long an account must still wait before its next password check, in ms (0: none). `count` is its
   * failures including this attempt, `lastOther` when the latest other one was written down.
   */
  private accountWait(count: number, lastOther: string | null, now: number): number {
    const beyond = count - this.options.maxFailuresPerAccount;
    if (beyond <= 0 || lastOther === null) return 0;
    const { backoffMs, backoffCapMs } = this.options;
    const delay = Math.min(backoffCapMs, backoffMs * 2 ** Math.min(beyond - 1, 40));
    return Math.max(0, Date.parse(lastOther) + delay - now);
  }

  async logout(actor: Actor, token: string): Promise<void> {
    await this.sessions.delete(hashSecret(token));
    await this.audit.record(actor, 'auth.logout', { type: 'user', id: actor.user.id });
  }

  /** The actor a session cookie belongs to, with the CSRF token bound to that session. */
  async fromSession(
    token: string,
    ip: string | null,
  ): Promise<{ actor: Actor; csrfToken: string } | undefined> {
    const found = await this.sessions.find(hashSecret(token), new Date().toISOString());
    return found ? { actor: actorOf(found.user, 'session', ip), csrfToken: found.csrfToken } : undefined;
  }

  /**
   * The actor of a bearer token checked within tokenCacheMs, without asking the database (and without a
   * promise: the request hook answers at once); undefined when it must be asked (fromToken). The actor is
   * made once per token and address and shared by its requests, which only read it.
   */
  rememberedToken(token: string, ip: string | null): Actor | undefined {
    if (this.options.tokenCacheMs <= 0) return undefined;
    const hit = this.checked.get(token);
    if (!hit || hit.until <= Date.now()) return undefined;
    if (hit.actor?.ip !== ip) hit.actor = actorOf(hit.user, 'token', ip);
    return hit.actor;
  }

  /** The actor a bearer token belongs to. */
  async fromToken(token: string, ip: string | null): Promise<Actor | undefined> {
    const ttl = this.options.tokenCacheMs;
    const remembered = this.rememberedToken(token, ip);
    if (remembered) return remembered;
    // A revocation or account change while the database is asked makes this answer unfit to keep.
    const generation = this.checkGeneration;
    const found = await this.tokens.findUser(hashSecret(token));
    this.checked.delete(token);
    if (!found) return undefined;
    if (ttl > 0 && generation === this.checkGeneration) {
      // Entries are in the order they were made, so the expired ones are at the front: drop them, and the
      // oldest beyond the size limit, so no token stays in memory long after its last use.
      const now = Date.now();
      for (const [t, e] of this.checked) {
        if (e.until > now && this.checked.size < TOKEN_CACHE_SIZE) break;
        this.checked.delete(t);
      }
      this.checked.set(token, { user: found.user, until: now + ttl });
    }
    return actorOf(found.user, 'token', ip);
  }

  /** Forget every remembered token check: after a revocation, or when an account's role or status changes. */
  forgetTokenChecks(): void {
    this.checkGeneration += 1;
    this.checked.clear();
  }

  /** Issue a personal API token; the secret is returned once and only its hash is kept. */
  async createToken(actor: Actor, name: string) {
    const token = newSecret('hst_');
    const info = await this.tokens.create({ userId: actor.user.id, name, tokenHash: hashSecret(token) });
    await this.audit.record(actor, 'token.create', { type: 'token', id: info.id }, { name });
    return { token, info };
  }

  async listTokens(actor: Actor) {
    return this.tokens.listFor(actor.user.id);
  }

  async revokeToken(actor: Actor, id: string) {
    if (!(await this.tokens.revoke(actor.user.id, id)))
      throw new AppError('not_found', `token ${id} does not exist`);
    this.forgetTokenChecks();
    await this.audit.record(actor, 'token.revoke', { type: 'token', id });
  }
}

/** A wait in words: seconds under two minutes, else whole minutes (rounded up). */
function waitText(ms: number): string {
  if (ms < 120_000) {
    const s = Math.max(1, Math.ceil(ms / 1000));
    return `${s} second${s === 1 ? '' : 's'}`;
  }
  return `${Math.ceil(ms / 60_000)} minutes`;
}
