import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  apiTokenSchema,
  createdTokenSchema,
  directoryEntrySchema,
  itemsOf,
  loginReplySchema,
  meReplySchema,
  presentedUserSchema,
} from '../../domain/api-contract.js';
import { lineSchema } from '../../domain/index.js';
import { noContent, replies } from '../contract.js';
import { CSRF_COOKIE, SESSION_COOKIE, actor } from '../auth.hook.js';
import { presentUser } from '../presenters.js';
import type { Services } from '../services/index.js';
import { newUserSchema, userPatchSchema } from '../services/user.service.js';
import { uuidSchema } from './schemas.js';

export interface CookiePolicy {
  /** 'auto' marks cookies Secure when the request came over TLS (directly or, with trustProxy, via a proxy). */
  secure: boolean | 'auto';
}

/** Sign-in, sign-out, the current user, personal API tokens and account management. */
export function authRoutes(services: Services, cookies: CookiePolicy): FastifyPluginAsyncZod {
  const secure = (request: FastifyRequest) =>
    cookies.secure === 'auto' ? request.protocol === 'https' : cookies.secure;
  const setCookies = (
    request: FastifyRequest,
    reply: FastifyReply,
    token: string,
    csrf: string,
    expires: Date,
  ) => {
    const base = { path: '/', sameSite: 'lax' as const, secure: secure(request), expires };
    reply.setCookie(SESSION_COOKIE, token, { ...base, httpOnly: true });
    // Readable by the page's script, which echoes it in the CSRF header; useless to another site.
    reply.setCookie(CSRF_COOKIE, csrf, { ...base, httpOnly: false });
  };

  return async (app) => {
    const tags = ['accounts'];
    app.post(
      '/api/auth/login',
      {
        config: { public: true },
        schema: {
          tags,
          summary: 'Sign in with email and password; sets the session cookie and returns the CSRF token',
          body: z.strictObject({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) }),
          response: replies({ 200: loginReplySchema }),
        },
      },
      async (request, reply) => {
        const { email, password } = request.body;
        const r = await services.auth.login(email, password, request.ip ?? null);
        setCookies(request, reply, r.token, r.csrfToken, new Date(r.expiresAt));
        return { user: presentUser(r.actor.user), csrfToken: r.csrfToken, expiresAt: r.expiresAt };
      },
    );

    app.post(
      '/api/auth/logout',
      { schema: { tags, summary: 'Sign out', response: replies({ 204: noContent }) } },
      async (request, reply) => {
        const who = actor(request);
        if (request.sessionToken) await services.auth.logout(who, request.sessionToken);
        reply.clearCookie(SESSION_COOKIE, { path: '/' }).clearCookie(CSRF_COOKIE, { path: '/' });
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/auth/me',
      { schema: { tags, summary: 'Who you are signed in as', response: replies({ 200: meReplySchema }) } },
      async (request) => {
        const who = actor(request);
        return { user: presentUser(who.user), via: who.via };
      },
    );

    app.get(
      '/api/tokens',
      {
        schema: {
          tags,
          summary: 'Your API tokens (never their secrets)',
          response: replies({ 200: itemsOf(apiTokenSchema) }),
        },
      },
      async (request) => ({
        items: await services.auth.listTokens(actor(request)),
      }),
    );

    app.post(
      '/api/tokens',
      {
        schema: {
          tags,
          summary: 'Create an API token; the secret is shown only in this answer',
          body: z.strictObject({ name: lineSchema }),
          response: replies({ 201: createdTokenSchema }),
        },
      },
      async (request, reply) => {
        const { token, info } = await services.auth.createToken(actor(request), request.body.name);
        return reply.status(201).send({ token, ...info });
      },
    );

    app.delete(
      '/api/tokens/:id',
      {
        schema: {
          tags,
          summary: 'Revoke one of your API tokens',
          params: z.strictObject({ id: uuidSchema }),
          response: replies({ 204: noContent }),
        },
      },
      async (request, reply) => {
        await services.auth.revokeToken(actor(request), request.params.id);
        return reply.status(204).send();
      },
    );

    app.get(
      '/api/users',
      {
        config: { role: 'admin' },
        schema: {
          tags,
          summary: 'All accounts (admins)',
          response: replies({ 200: itemsOf(presentedUserSchema) }),
        },
      },
      async (request) => ({
        items: (await services.users.list(actor(request))).map(presentUser),
      }),
    );

    app.get(
      '/api/accounts',
      {
        schema: {
          tags,
          summary: 'Active accounts by name and e-mail, to choose the members of a restricted report',
          response: replies({ 200: itemsOf(directoryEntrySchema) }),
        },
      },
      async (request) => {
        actor(request);
        return { items: await services.users.directory() };
      },
    );

    app.post(
      '/api/users',
      {
        config: { role: 'admin' },
        schema: {
          tags,
          summary: 'Create an account (admins)',
          body: newUserSchema,
          response: replies({ 201: presentedUserSchema }),
        },
      },
      async (request, reply) => {
        const user = await services.users.create(actor(request), request.body);
        return reply.status(201).send(presentUser(user));
      },
    );

    app.patch(
      '/api/users/:id',
      {
        config: { role: 'admin' },
        schema: {
          tags,
          summary: 'Change an account (admins)',
          params: z.strictObject({ id: uuidSchema }),
          body: userPatchSchema,
          response: replies({ 200: presentedUserSchema }),
        },
      },
      async (request) =>
        presentUser(await services.users.update(actor(request), request.params.id, request.body)),
    );
  };
}
