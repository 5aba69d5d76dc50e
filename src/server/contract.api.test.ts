import SwaggerParser from '@apidevtools/swagger-parser';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { OpenAPIV3 } from 'openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestServer, type TestServer } from '../../test/server.js';
import {
  checkReplies,
  plainSerializerCompiler,
  replies,
  requireReplySchemas,
  type ReplyViolation,
} from './contract.js';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

describe('the API contract', () => {
  let s: TestServer;
  let doc: OpenAPIV3.Document;
  beforeAll(async () => {
    s = await startTestServer('sqlite');
    doc = (await s.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  });
  afterAll(() => s.close());

  it('is a valid OpenAPI document (swagger-parser, with every $ref resolved)', async () => {
    // validate() dereferences in place: give it a copy.
    const api = await SwaggerParser.validate(structuredClone(doc) as never);
    expect(api.info.title).toBe('Hindsight API');
  });

  it('says for every operation what it answers on success and the error body for 4xx and 5xx', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      METHODS.filter((m) => item?.[m]).map((m) => ({ name: `${m.toUpperCase()} ${path}`, op: item![m]! })),
    );
    expect(operations.length).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const { name, op } of operations) {
      const codes = Object.keys(op.responses);
      const success = codes.filter((c) => /^2/.test(c));
      if (success.length === 0) missing.push(`${name}: no 2xx reply`);
      for (const code of success) {
        const r = op.responses[code] as OpenAPIV3.ResponseObject;
        if (code !== '204' && !r.content) missing.push(`${name}: ${code} has no content schema`);
      }
      for (const range of ['4XX', '5XX']) {
        const r = op.responses[range] as OpenAPIV3.ResponseObject | undefined;
        const schema = r?.content?.['application/json']?.schema as OpenAPIV3.ReferenceObject | undefined;
        if (schema?.$ref !== '#/components/schemas/Error')
          missing.push(`${name}: ${range} is not the Error body`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('names the shared records as components, so the report model is written once', () => {
    const names = Object.keys(doc.components?.schemas ?? {});
    expect(names).toEqual(
      expect.arrayContaining(['Report', 'StoredReport', 'ReportSummary', 'Error', 'User']),
    );
    const read = doc.paths['/api/postmortems/{id}']!.get!.responses['200'] as OpenAPIV3.ResponseObject;
    expect(read.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/StoredReport' });
    expect(read.content?.['text/markdown']).toBeDefined();
  });
});

describe('reply schemas are required and checked', () => {
  async function tinyApp(check: boolean) {
    const app = Fastify().withTypeProvider<ZodTypeProvider>();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(plainSerializerCompiler);
    const violations: ReplyViolation[] = [];
    requireReplySchemas(app);
    if (check) checkReplies(app, violations);
    return { app, violations };
  }

  it('refuses to register an API route that declares no response schema', async () => {
    const { app } = await tinyApp(false);
    expect(() => app.get('/api/silent', async () => ({ ok: true }))).toThrow(/declares no response schema/);
    // Outside the API (the web app's files) a route needs none.
    expect(() => app.get('/assets/*', async () => 'x')).not.toThrow();
    await app.close();
  });

  it('turns a reply that does not match its schema into a 500 naming the problem, and records it', async () => {
    const { app, violations } = await tinyApp(true);
    app.get(
      '/api/wrong',
      { schema: { response: replies({ 200: z.object({ n: z.number() }) }) } },
      // A reply that breaks its own contract, as a bug would.
      async () => ({ n: 'one' }) as unknown as { n: number },
    );
    app.get(
      '/api/right',
      { schema: { response: replies({ 200: z.object({ n: z.number() }) }) } },
      async () => ({
        n: 1,
      }),
    );
    app.get(
      '/api/leaky',
      { schema: { response: replies({ 200: z.object({ users: z.array(z.object({ id: z.string() })) }) }) } },
      // An undeclared field, as a presenter that forgot to leave a column out would send.
      async () => ({ users: [{ id: 'u1', passwordHash: 'x' }] }),
    );
    const wrong = await app.inject({ method: 'GET', url: '/api/wrong' });
    expect(wrong.statusCode).toBe(500);
    expect(wrong.json().message).toMatch(/GET \/api\/wrong \(200\) does not match its schema/);
    expect(violations).toEqual([expect.objectContaining({ route: 'GET /api/wrong', status: 200 })]);
    violations.length = 0;
    const leaky = await app.inject({ method: 'GET', url: '/api/leaky' });
    expect(leaky.statusCode).toBe(500);
    expect(leaky.json().message).toMatch(/users\.0\.passwordHash is not in the schema/);
    violations.length = 0;
    const right = await app.inject({ method: 'GET', url: '/api/right' });
    expect(right.statusCode).toBe(200);
    expect(right.body).toBe('{"n":1}');
    expect(violations).toEqual([]);
    await app.close();
  });

  it('sends the same bytes as a route without a schema (plain JSON.stringify, no parse on the way out)', async () => {
    const { app } = await tinyApp(false);
    const body = { b: 2, a: [1, 'x'], extra: 'not in the schema' };
    app.get(
      '/api/declared',
      { schema: { response: replies({ 200: z.object({ b: z.number() }) }) } },
      async () => body,
    );
    const declared = await app.inject({ method: 'GET', url: '/api/declared' });
    expect(declared.body).toBe(JSON.stringify(body));
    await app.close();
    // Whereas the type provider's own serializer would have parsed the reply and dropped the extra key.
    const zodApp = Fastify().withTypeProvider<ZodTypeProvider>();
    zodApp.setSerializerCompiler(serializerCompiler);
    zodApp.get('/x', { schema: { response: { 200: z.object({ b: z.number() }) } } }, async () => body);
    expect((await zodApp.inject({ method: 'GET', url: '/x' })).body).toBe('{"b":2}');
    await zodApp.close();
  });
});
