import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { reminderSettingsSchema } from '../../domain/api-contract.js';
import { AppError } from '../../domain/index.js';
import { actor } from '../auth.hook.js';
import { otherContent, replies } from '../contract.js';
import { escapeHtml } from '../../render/escape.js';
import type { Services } from '../services/index.js';

const badLink = () =>
  new AppError('bad_request', 'the unsubscribe link is not valid: copy the whole link from the e-mail', [
    { path: ['token'], message: 'not a link this server made' },
  ]);

const tokenQuery = z.object({ token: z.string().min(1).max(500) });

// The page may post its one form back to itself, and nothing else.
const PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>${escapeHtml(title)}</title><style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem}</style>` +
  `</head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;

/** A person's reminder e-mails: their choice (signed in), and the unsubscribe link from a mail (no sign-in). */
export function remindersRoutes(services: Services): FastifyPluginAsyncZod {
  const reminders = services.reminders;
  return async (app) => {
    // Mail clients send one-click unsubscribes (RFC 8058) as a form; only this plugin's routes read it.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 1024 },
      (_request, body, done) => done(null, body),
    );

    app.get(
      '/api/profile/reminders',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['profile'],
          summary: 'Your reminder e-mails: on or off, and your time zone',
          response: replies({ 200: reminderSettingsSchema }),
        },
      },
      async (request) => reminders.settings(actor(request)),
    );

    app.put(
      '/api/profile/reminders',
      {
        config: { role: 'viewer' },
        schema: {
          tags: ['profile'],
          summary: 'Turn your reminder e-mails on or off, or set the time zone their hour is in',
          body: z.strictObject({
            enabled: z.boolean().optional(),
            timeZone: z.string().min(1).max(100).nullable().optional(),
          }),
          response: replies({ 200: reminderSettingsSchema }),
        },
      },
      async (request) => reminders.update(actor(request), request.body),
    );

    app.get(
      '/api/reminders/unsubscribe',
      {
        config: { public: true, sessionless: true },
        schema: {
          tags: ['profile'],
          summary: 'The page an unsubscribe link opens: a button that stops reminder e-mails',
          querystring: tokenQuery,
          response: replies({ 200: otherContent('text/html', 'A page with one button') }),
        },
      },
      async (request, reply) => {
        if (!(await reminders.checkToken(request.query.token))) throw badLink();
        const body =
          `<p>Stop the reminder e-mails Hindsight sends you? You can turn them on again on your profile page.</p>` +
          `<form method="post"><button type="submit">Stop reminder e-mails</button></form>`;
        return reply
          .status(200)
          .header('content-type', 'text/html; charset=utf-8')
          .header('content-security-policy', PAGE_CSP)
          .send(page('Reminder e-mails', body));
      },
    );

    app.post(
      '/api/reminders/unsubscribe',
      {
        config: { public: true, sessionless: true },
        schema: {
          tags: ['profile'],
          summary: 'Stop reminder e-mails for the person a signed link names (also one-click, RFC 8058)',
          querystring: tokenQuery,
          response: replies({ 200: otherContent('text/html', 'A page that says it is done') }),
        },
      },
      async (request, reply) => {
        if (!(await reminders.unsubscribe(request.query.token))) throw badLink();
        return reply
          .status(200)
          .header('content-type', 'text/html; charset=utf-8')
          .header('content-security-policy', PAGE_CSP)
          .send(
            page('Reminder e-mails stopped', '<p>You will get no more reminder e-mails from Hindsight.</p>'),
          );
      },
    );
  };
}
