import type { SearchHit } from '../domain/api-contract.js';
import { escapeHtml } from '../render/escape.js';
import type { StoredReport, StoredReportMeta, User } from '../store/index.js';
import type { SearchTextPage } from '../store/report-search.query.js';

/** A report as the API returns it: bookkeeping around the model. */
export function presentReport(s: StoredReport) {
  return { ...presentMeta(s), report: s.report };
}

/** The same body as `presentReport`, built around the report's stored JSON text without parsing it. */
export function presentReportJson(meta: StoredReportMeta, json: string): string {
  const head = JSON.stringify(presentMeta(meta));
  return `${head.slice(0, -1)},"report":${json}}`;
}

function presentMeta(s: StoredReportMeta) {
  return {
    id: s.id,
    number: s.seq,
    version: s.version,
    state: s.state,
    restricted: s.restricted,
    reviewRound: s.reviewRound,
    createdBy: s.createdBy,
    createdAt: s.createdAt,
    updatedBy: s.updatedBy,
    updatedAt: s.updatedAt,
  };
}

/** An account as others may see it. */
export function presentUser(u: User) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt,
    mustChangePassword: u.mustChangePassword ?? false,
  };
}

/**
 * A search hit's snippet, whose matched words the store marks with \u0001…\u0002: as plain text, and as
 * HTML safe to put in a page (the text escaped, the matched words in <mark>).
 */
export function presentSnippet(marked: string) {
  return {
    snippet: marked.replaceAll('\u0001', '').replaceAll('\u0002', ''),
    snippetHtml: escapeHtml(marked).replaceAll('\u0001', '<mark>').replaceAll('\u0002', '</mark>'),
  };
}

/** A character JSON or HTML escapes in a snippet (a surrogate too, paired or not), other than the marks. */
// eslint-disable-next-line no-control-regex -- JSON escapes control characters; the marks are \u0001 and \u0002
const ESCAPED_IN_SNIPPET = /[\u0000\u0003-\u001f"\\&<>'\ud800-\udfff]/;
/** ESCAPED_IN_SNIPPET but a line break. */
// eslint-disable-next-line no-control-regex -- as ESCAPED_IN_SNIPPET
const ESCAPED_BESIDE_NEWLINE = /[\u0000\u0003-\u0009\u000b-\u001f"\\&<>'\ud800-\udfff]/;
// eslint-disable-next-line no-control-regex -- the marks snippetOf puts around a matched word
const MARKS = /[\u0001\u0002]/g;

/**
 * A marked snippet's `"snippet":…,"snippetHtml":…` members, as JSON.stringify writes presentSnippet's strings. Most
 * snippets have nothing to escape in either: their text is written with the marks taken out or made tags, three
 * passes over it rather than eight (measured on the snippets of the HTTP bench's varied queries, a page of 45 hits:
 * 0.113 -> 0.093 ms).
 */
function snippetJson(marked: string): string {
  let text = marked;
  if (ESCAPED_IN_SNIPPET.test(marked)) {
    if (ESCAPED_BESIDE_NEWLINE.test(marked)) {
      const { snippet, snippetHtml } = presentSnippet(marked);
      return `"snippet":${JSON.stringify(snippet)},"snippetHtml":${JSON.stringify(snippetHtml)}`;
    }
    // Only line breaks, as in over half of the HTTP bench's varied queries' snippets: HTML keeps them as they are
    // and JSON writes each `\n`, so they are written so and the rest as any other.
    text = marked.replaceAll('\n', '\\n');
  }
  const html = text.replaceAll('\u0001', '<mark>').replaceAll('\u0002', '</mark>');
  return `"snippet":"${text.replace(MARKS, '')}","snippetHtml":"${html}"`;
}

/**
 * The reply of GET /api/search: the store's page with each snippet presented. The route and the search
 * workers (search/search.worker.ts) both build it here, so the JSON text is the same either way.
 */
export function presentSearchPage(
  page: { items: SearchHit[]; total: number; totalExact: boolean },
  limit: number,
  offset: number,
) {
  return {
    total: page.total,
    totalExact: page.totalExact,
    limit,
    offset,
    // The hit copied whole (an object spread V8 clones fast; leaving `snippet` out with a rest pattern cost more),
    // its snippet replaced in place: the keys keep their order.
    items: page.items.map((hit) => {
      const { snippet, snippetHtml } = presentSnippet(hit.snippet);
      return { ...hit, snippet, snippetHtml };
    }),
  };
}

/**
 * presentSearchPage's JSON text for a page of a search (the search workers' on SQLite, the route's on
 * PostgreSQL), written from its hits' summaries as the database wrote them (searchHits): the same text as
 * JSON.stringify(presentSearchPage(…)) of the page as searchReports gives it, without making each summary an
 * object and writing it out again.
 */
export function searchPageJson(page: SearchTextPage, limit: number, offset: number): string {
  const items = page.hits.map((hit) => {
    // The summary's object with the hit's fields added: its closing brace replaced by them.
    return `${hit.summary.slice(0, -1)},"score":${JSON.stringify(hit.score)},${snippetJson(hit.snippet)}}`;
  });
  return `{"total":${page.total},"totalExact":${page.totalExact},"limit":${limit},"offset":${offset},"items":[${items.join(',')}]}`;
}
