// The real app on a real database for API tests, with accounts of each role and their API tokens.
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppOptions } from '../src/server/app.js';
import { actorOf } from '../src/server/services/access.js';
import type { Role, User } from '../src/store/index.js';
import { openTestStore, type TestStore } from './databases.js';
import type { Dialect } from '../src/store/index.js';

export type TestApp = Awaited<ReturnType<typeof buildApp>>;

export interface TestClient {
  user: User;
  token: string;
  /** Send a request with this user's bearer token. */
  call(options: InjectOptions): Promise<LightMyRequestResponse>;
}

export interface TestServer {
  app: TestApp;
  db: TestStore;
  /** Create an account with a role (and optional password) and a token to call as it. */
  client(role: Role, name: string, password?: string): Promise<TestClient>;
  close(): Promise<void>;
}

/** Start the app on a fresh database of a dialect. */
export async function startTestServer(
  dialect: Dialect,
  options: Partial<AppOptions> = {},
): Promise<TestServer> {
  const db = await openTestStore(dialect);
  // Every reply is checked against its route's response schema (src/server/contract.ts).
  const app = await buildApp({ db: db.store, validateResponses: true, ...options });
  await app.ready();
  return {
    app,
    db,
    async client(role, name, password) {
      const user = await app.services.users.create(null, {
        email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.test`,
        name,
        role,
        password,
      });
      const { token } = await app.services.auth.createToken(actorOf(user, 'cli'), 'test');
      return {
        user,
        token,
        call: (o) =>
          app.inject({ ...o, headers: { ...(o.headers ?? {}), authorization: `Bearer ${token}` } }),
      };
    },
    async close() {
      await app.close();
      await db.dispose();
      assertRepliesMatched(app);
    },
  };
}

/** Fail the test file when any reply did not match its route's declared schema. */
export function assertRepliesMatched(app: TestApp): void {
  if (app.replyViolations.length === 0) return;
  const lines = app.replyViolations.map((v) => `${v.route} → ${v.status}: ${v.problem}`);
  throw new Error(`replies that do not match their response schemas:\n${lines.join('\n')}`);
}

/** One part of a multipart form: a plain field, or a file with its bytes. */
export type FormPart =
  { name: string; value: string } | { name: string; filename: string; data: Buffer | string; type?: string };

/** The headers and body of a multipart/form-data request with `parts` in order, as a browser sends a form. */
export function multipartForm(
  parts: FormPart[],
  boundary = 'hindsight-test-form',
): { headers: { 'content-type': string }; payload: Buffer } {
  const chunks = parts.flatMap((p) =>
    'filename' in p
      ? [
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\n` +
              `Content-Type: ${p.type ?? 'application/octet-stream'}\r\n\r\n`,
          ),
          Buffer.isBuffer(p.data) ? p.data : Buffer.from(p.data),
          Buffer.from('\r\n'),
        ]
      : [
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`,
          ),
        ],
  );
  return {
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat([...chunks, Buffer.from(`--${boundary}--\r\n`)]),
  };
}
