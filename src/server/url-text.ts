import type { FastifySchemaCompiler } from 'fastify';
import { parse } from 'fast-querystring';
import { AppError } from '../domain/index.js';

// Text in a URL that no field can hold. A NUL (%00) reached PostgreSQL from a list filter, a search term or a path
// id and failed there (a 500; SQLite took it and searched for it), so it is refused with a 400 naming the parameter
// on both databases: no filter, term or id has a use for one. Invalid percent-encoding (a % without two hex digits
// after it, or escapes that are not UTF-8 text: %FF, the overlong %C0%AF, the surrogate %ED%A0%80) was kept as its
// raw text by the query-string parser and searched for as such: refused too, rather than answering for something
// other than was sent. Paths with invalid encoding are already refused by the router.

const BAD = Symbol('bad query text');

interface BadText {
  name: string;
  nul: boolean;
}

/**
 * Fastify's own query-string parser (fast-querystring), which on a query string holding a % also marks the first
 * parameter whose name or value is not valid percent-encoded UTF-8 or holds a NUL, for the validator to refuse.
 * A query string without a % is parsed as before, with nothing more looked at.
 */
export function parseQuery(raw: string): Record<string, unknown> {
  const query = raw.length === 0 ? {} : (parse(raw) as Record<string, unknown>);
  if (raw.includes('%') && suspect(query)) {
    const bad = badQueryText(raw);
    if (bad) Object.defineProperty(query, BAD, { value: bad });
  }
  return query;
}

/**
 * Whether a parsed name or value holds a NUL or a % (fast-querystring keeps text it cannot decode as it was, so a
 * bad escape leaves its %); only then is the raw text decoded again, pair by pair, to find which and why.
 */
function suspect(query: Record<string, unknown>): boolean {
  for (const name in query) {
    if (odd(name)) return true;
    const value = query[name];
    if (Array.isArray(value) ? value.some((v) => odd(v)) : odd(value)) return true;
  }
  return false;
}

const odd = (text: unknown) => typeof text === 'string' && (text.includes('%') || text.includes('\u0000'));

function badQueryText(raw: string): BadText | undefined {
  for (const pair of raw.split('&')) {
    if (!pair.includes('%')) continue;
    const eq = pair.indexOf('=');
    const rawName = eq < 0 ? pair : pair.slice(0, eq);
    const name = decoded(rawName);
    if (name === undefined || name.includes('\u0000')) {
      return {
        name: name === undefined ? rawName.slice(0, 60) : name.replaceAll('\u0000', '%00'),
        nul: !!name,
      };
    }
    const value = eq < 0 ? '' : decoded(pair.slice(eq + 1));
    if (value === undefined || value.includes('\u0000')) return { name, nul: value !== undefined };
  }
  return undefined;
}

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return undefined;
  }
}

function refusal(part: 'querystring' | 'params', { name, nul }: BadText): { error: AppError } {
  const where = part === 'params' ? `the path parameter ${name}` : `the query parameter ${name}`;
  return {
    error: new AppError(
      'bad_request',
      nul
        ? `${where} holds a NUL character (%00): text cannot hold one`
        : `${where} is not valid percent-encoded UTF-8 (a % must be followed by two hex digits, and the bytes must be UTF-8 text)`,
      [{ path: [part, name], message: nul ? 'a NUL character' : 'invalid percent-encoding' }],
    ),
  };
}

/**
 * The validator compiler `compile`, refusing first what parseQuery marked in a query string, and a NUL in a path
 * parameter (the router has decoded those, refusing invalid encoding itself; a NUL it lets through).
 */
export function refusingBadUrlText<S>(compile: FastifySchemaCompiler<S>): FastifySchemaCompiler<S> {
  return (route) => {
    const validate = compile(route);
    if (route.httpPart === 'querystring') {
      return (data) => {
        const bad = (data as { [BAD]?: BadText } | null)?.[BAD];
        return bad ? refusal('querystring', bad) : validate(data);
      };
    }
    if (route.httpPart === 'params') {
      return (data) => {
        for (const [name, value] of Object.entries((data ?? {}) as Record<string, unknown>)) {
          if (typeof value === 'string' && value.includes('\u0000'))
            return refusal('params', { name, nul: true });
        }
        return validate(data);
      };
    }
    return validate;
  };
}
