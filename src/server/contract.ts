import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  actionItemRowSchema,
  attachmentInfoSchema,
  auditEntrySchema,
  commentSchema,
  errorBodySchema,
  evidenceCandidateSchema,
  findingSchema,
  presentedReportSchema,
  presentedSearchHitSchema,
  presentedUserSchema,
  qualityScoreSchema,
  reportSummarySchema,
  reviewSchema,
  revisionSummarySchema,
  settingsSchema,
} from '../domain/api-contract.js';
import { reportSchema } from '../domain/index.js';

/**
 * The API's reply schemas (src/domain/api-contract.ts) are declared on each route; here they become
 * named components of /api/openapi.json, so the report model is written out once, not once per route.
 */
const components = z.registry<{ id: string }>();
for (const [schema, id] of [
  [reportSchema, 'Report'],
  [presentedReportSchema, 'StoredReport'],
  [reportSummarySchema, 'ReportSummary'],
  [presentedSearchHitSchema, 'SearchHit'],
  [actionItemRowSchema, 'ActionItem'],
  [revisionSummarySchema, 'RevisionSummary'],
  [commentSchema, 'Comment'],
  [reviewSchema, 'Review'],
  [auditEntrySchema, 'AuditEntry'],
  [presentedUserSchema, 'User'],
  [findingSchema, 'Finding'],
  [qualityScoreSchema, 'QualityScore'],
  [attachmentInfoSchema, 'Attachment'],
  [evidenceCandidateSchema, 'EvidenceCandidate'],
  [settingsSchema, 'Settings'],
  [errorBodySchema, 'Error'],
] as const) {
  components.add(schema, { id });
}

export const jsonSchemaTransform = createJsonSchemaTransform({ schemaRegistry: components });
const withAllComponents = createJsonSchemaTransformObject({ schemaRegistry: components });

/** The document with its components, less the request-side copies (`…Input`) no request refers to. */
export const jsonSchemaTransformObject: typeof withAllComponents = (document) => {
  const doc = withAllComponents(document) as ReturnType<typeof withAllComponents> & {
    components?: { schemas?: Record<string, unknown> };
  };
  const schemas = doc.components?.schemas;
  if (!schemas) return doc;
  const referenced = JSON.stringify({ ...doc, components: { ...doc.components, schemas: {} } });
  for (const name of Object.keys(schemas)) {
    if (name.endsWith('Input') && !referenced.includes(`"#/components/schemas/${name}"`))
      delete schemas[name];
  }
  return doc;
};

/** A reply in another content type than JSON (Markdown, a file's bytes), described for the document. */
export const otherContent = (contentType: string, description: string) => ({
  description,
  content: { [contentType]: { schema: z.string() } },
});

/** No body (204). */
export const noContent = z.undefined().describe('No content');

/**
 * A route's replies: its successes, and the error body every route answers with for 4xx and 5xx
 * (error-handler.ts).
 */
export function replies<T extends Record<number, unknown>>(success: T) {
  return { ...success, '4xx': errorBodySchema, '5xx': errorBodySchema };
}

/**
 * Replies are serialized by plain JSON.stringify, as Fastify does for a route without a response schema:
 * the schemas describe the API, and checking every reply against them in production would cost the read
 * paths much of their throughput. The API tests check every reply instead (`checkReplies`).
 */
export const plainSerializerCompiler = () => (data: unknown) => JSON.stringify(data);

/**
 * Refuse to register an API route that does not say what it answers: the OpenAPI document would be silent
 * about it and the reply check in the tests would have nothing to check against.
 */
export function requireReplySchemas(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    const isApi =
      route.url === '/healthz' || (route.url.startsWith('/api/') && !route.url.startsWith('/api/docs'));
    if (isApi && route.method !== 'HEAD' && !route.schema?.response) {
      throw new Error(
        `${String(route.method)} ${route.url} declares no response schema (see src/server/contract.ts)`,
      );
    }
  });
}

/** One reply that did not match its route's declared schema. */
export interface ReplyViolation {
  route: string;
  status: number;
  problem: string;
}

type ResponseSchemas = Record<string, unknown>;

const isZod = (s: unknown): s is z.ZodType => s instanceof z.ZodType;

function schemaFor(
  schemas: ResponseSchemas,
  status: number,
  contentType: string,
): { json?: z.ZodType; other?: boolean } | undefined {
  const entry = schemas[status] ?? schemas[`${String(status)[0]}xx`] ?? schemas.default;
  if (entry === undefined) return undefined;
  if (isZod(entry)) return { json: entry };
  const content = (entry as { content?: Record<string, { schema: unknown }> }).content ?? {};
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  const match = content[type] ?? content['*/*'];
  if (!match) return undefined;
  return type === 'application/json' && isZod(match.schema) ? { json: match.schema } : { other: true };
}

/** The path of the first key of a reply that parsing it dropped, because its schema does not declare it. */
function undeclaredKey(
  sent: unknown,
  parsed: unknown,
  path: (string | number)[],
): (string | number)[] | undefined {
  if (Array.isArray(sent) && Array.isArray(parsed)) {
    for (let i = 0; i < sent.length; i++) {
      const found = undeclaredKey(sent[i], parsed[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof sent !== 'object' || sent === null || typeof parsed !== 'object' || parsed === null)
    return undefined;
  for (const [key, value] of Object.entries(sent)) {
    if (!Object.hasOwn(parsed, key)) return [...path, key];
    const found = undeclaredKey(value, (parsed as Record<string, unknown>)[key], [...path, key]);
    if (found) return found;
  }
  return undefined;
}

/**
 * Check every reply of an API route against the schema its route declares for that status and content
 * type, and turn a mismatch into a loud 500 naming the problem (also kept in `violations`). For tests:
 * it parses every JSON reply.
 */
export function checkReplies(app: FastifyInstance, violations: ReplyViolation[]): void {
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const url = request.routeOptions.url;
    const path = request.url.split('?')[0] ?? '';
    if (!path.startsWith('/api/') && path !== '/healthz') return payload;
    if (path.startsWith('/api/docs')) return payload;
    const route = `${request.method} ${url && url !== '/*' ? url : path}`;
    const status = reply.statusCode;
    const contentType = String(reply.getHeader('content-type') ?? '');
    const declared = request.routeOptions.schema?.response as ResponseSchemas | undefined;
    // No API route matched (the not-found handler, the web app's catch-all): the error body all the same.
    const schemas: ResponseSchemas = declared ?? { '4xx': errorBodySchema, '5xx': errorBodySchema };
    const fail = (problem: string) => {
      violations.push({ route, status, problem });
      reply.code(500).type('application/json; charset=utf-8');
      return JSON.stringify({
        code: 'internal',
        message: `reply of ${route} (${status}) does not match its schema: ${problem}`,
        details: [],
      });
    };
    const schema = schemaFor(schemas, status, contentType);
    if (!schema) return fail(`no schema for status ${status} and content type "${contentType}"`);
    if (status === 204) return payload === undefined || payload === '' ? payload : fail('a 204 with a body');
    if (schema.other) return payload;
    // A route may send bytes it keeps compressed (the report read cache): read what they say.
    const encoding = reply.getHeader('content-encoding');
    const bytes =
      Buffer.isBuffer(payload) && encoding === 'br'
        ? brotliDecompressSync(payload)
        : Buffer.isBuffer(payload) && encoding === 'gzip'
          ? gunzipSync(payload)
          : payload;
    const text = Buffer.isBuffer(bytes) ? bytes.toString('utf8') : bytes;
    if (typeof text !== 'string') return fail('a JSON reply that is not text');
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      return fail('not JSON');
    }
    const result = schema.json!.safeParse(data);
    if (!result.success) return fail(z.prettifyError(result.error));
    // Objects drop keys they do not declare when parsed; a reply must not carry any (a leaked column, say).
    const extra = undeclaredKey(data, result.data, []);
    if (extra) return fail(`${extra.join('.')} is not in the schema`);
    return payload;
  });
}
