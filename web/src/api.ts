// The one way the app talks to the server: JSON in and out, the CSRF header on every change, and
// errors turned into ApiError with the server's message and the fields it names.

import type { ErrorBody } from './types.js';

/** Where a failure is (a model path, or a line and column of an uploaded file) and what is wrong there. */
export type ErrorDetail = ErrorBody['details'][number];

/** A failed request: the HTTP status, the server's error code and message, and the fields it names. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }
}

const CSRF_COOKIE = 'hindsight_csrf';

function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** Listeners told when the server says the session is gone, so the app can ask to sign in again. */
const signedOut = new Set<() => void>();
export function onSignedOut(listener: () => void): () => void {
  signedOut.add(listener);
  return () => signedOut.delete(listener);
}

interface RequestOptions {
  method?: string;
  body?: unknown;
  /** Send this string as it is with this content type instead of JSON. */
  raw?: { type: string; data: BodyInit };
  accept?: string;
  signal?: AbortSignal;
}

async function request(path: string, o: RequestOptions = {}): Promise<Response> {
  const method = o.method ?? (o.body !== undefined || o.raw ? 'POST' : 'GET');
  const headers: Record<string, string> = { accept: o.accept ?? 'application/json' };
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
  }
  let body: BodyInit | undefined;
  if (o.raw) {
    if (o.raw.type) headers['content-type'] = o.raw.type;
    body = o.raw.data;
  } else if (o.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.body);
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body, credentials: 'same-origin', signal: o.signal });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(0, 'network', 'the server cannot be reached; check your connection');
  }
  if (!res.ok) {
    let code = 'error';
    let message = `the server answered ${res.status}`;
    let details: ErrorDetail[] = [];
    try {
      const j = (await res.json()) as { code?: string; message?: string; details?: ErrorDetail[] };
      code = j.code ?? code;
      message = j.message ?? message;
      details = j.details ?? [];
    } catch {
      // not JSON: keep the status line
    }
    if (res.status === 401 && !path.startsWith('/api/auth/login')) signedOut.forEach((l) => l());
    throw new ApiError(res.status, code, message, details);
  }
  return res;
}

/** Call the API and read JSON back (undefined for 204). */
export async function api<T>(path: string, o: RequestOptions = {}): Promise<T> {
  const res = await request(path, o);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Call the API and read text back (Markdown exports). */
export async function apiText(path: string, o: RequestOptions = {}): Promise<string> {
  return (await request(path, o)).text();
}

/** Build a query string from the values that are set. */
export function query(params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** Words for an error, for people: the server's message, plus the first field it names. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return (e as Error)?.message ?? String(e);
}
