import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/index.js';
import { requireRole, type Actor } from './services/access.js';
import type { Role } from '../store/index.js';
import type { Services } from './services/index.js';
import { sameSecret } from './services/password.js';

export const SESSION_COOKIE = 'hindsight_session';
export const CSRF_COOKIE = 'hindsight_csrf';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
    sessionToken?: string;
  }
  interface FastifyContextConfig {
    /** Routes anyone may call without signing in. */
    public?: boolean;
    /**
     * A public route that never looks at who calls (a signed link, e.g. unsubscribe): a session cookie is
     * not read, so a browser that is signed in can post a plain form to it without the CSRF header.
     */
    sessionless?: boolean;
    /**
     * The least role a route needs, checked as soon as the caller is known and before the body is read or
     * parsed: a viewer's Markdown or zip never reaches a parser on a route only editors may use.
     */
    role?: Role;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** What a session whose password an admin reset may still do: learn that, choose a new one, or leave. */
const WHILE_PASSWORD_MUST_CHANGE = new Set(['/api/auth/me', '/api/auth/password', '/api/auth/logout']);

/** The signed-in actor of a request, or 401. */
export function actor(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('unauthorized', 'sign in or send an API token');
  return request.actor;
}

/**
 * Recognize the caller on every request: a bearer token, or a session cookie. Cookie-authenticated writes
 * must echo the session's CSRF token in a header, which another site cannot read or forge.
 */
export function installAuth(app: FastifyInstance, services: Services): void {
  app.decorateRequest('actor', undefined);
  app.decorateRequest('sessionToken', undefined);
  app.addHook('onRequest', (request, _reply, done) => {
    // Fastify builds request.routeOptions anew on each read: once is enough.
    const route = request.routeOptions;
    const header = request.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      // A token checked a moment ago is known without the database, and then without a promise.
      const known = m ? services.auth.rememberedToken(m[1]!, request.ip ?? null) : undefined;
      if (known) {
        request.actor = known;
        return done(admit(request, route));
      }
    }
    recognize(request, route, services).then(
      () => done(admit(request, route)),
      (e: unknown) => done(e as Error),
    );
  });
}

type Route = FastifyRequest['routeOptions'];

/** Find the caller of a request from its token or session cookie (request.actor stays unset for neither). */
async function recognize(request: FastifyRequest, route: Route, services: Services): Promise<void> {
  const ip = request.ip ?? null;
  const header = request.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const found = m ? await services.auth.fromToken(m[1]!, ip) : undefined;
    if (!found) throw new AppError('unauthorized', 'the API token is not valid');
    request.actor = found;
  } else if (!route.config?.sessionless) {
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const found = await services.auth.fromSession(token, ip);
      if (found) {
        if (!SAFE_METHODS.has(request.method)) {
          const sent = request.headers[CSRF_HEADER];
          if (typeof sent !== 'string' || !sameSecret(sent, found.csrfToken)) {
            throw new AppError(
              'forbidden',
              `a signed-in change must carry the ${CSRF_HEADER} header from sign-in`,
            );
          }
        }
        request.actor = found.actor;
        request.sessionToken = token;
        mustChangePasswordFirst(request, route);
      }
    }
  }
}

/** Whether the caller (known or not) may call the route: the error to answer with, or undefined. */
function admit(request: FastifyRequest, route: Route): Error | undefined {
  if (!request.actor && !route.config?.public && route.url !== undefined)
    return new AppError('unauthorized', 'sign in or send an API token');
  const need = route.config?.role;
  if (need && request.actor) {
    try {
      requireRole(request.actor, need, `${request.method} ${route.url}`);
    } catch (e) {
      return e as Error;
    }
  }
  return undefined;
}

/** A session of an account whose password was reset may do nothing else until it chooses a new one. */
function mustChangePasswordFirst(request: FastifyRequest, route: Route): void {
  const url = route.url;
  if (!request.actor?.user.mustChangePassword || !url?.startsWith('/api/')) return;
  if (WHILE_PASSWORD_MUST_CHANGE.has(url) || route.config?.public) return;
  throw new AppError('forbidden', 'choose a new password first: an admin reset this one');
}
