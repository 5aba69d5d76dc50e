import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { RULES } from './rules.js';

// Each rule has a page in docs/rules/<id>.md (what, why, examples, how to silence). The folder ships with the
// package and sits two levels above this module both in src/lint and in dist/lint.
const DOCS = new URL('../../docs/rules/', import.meta.url);
const IDS = new Set(RULES.map((r) => r.id));

/** True when `id` names a rule (and so a documentation page). */
export function isRuleId(id: string): boolean {
  return IDS.has(id);
}

/** The file of a rule's documentation page, or undefined for an unknown id. */
export function ruleDocPath(id: string): string | undefined {
  return isRuleId(id) ? fileURLToPath(new URL(`${id}.md`, DOCS)) : undefined;
}

/** A rule's documentation page as Markdown, or undefined for an unknown id or a missing page. */
export function ruleDoc(id: string): string | undefined {
  const file = ruleDocPath(id);
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Where a rule's page is: `base` + `<id>.md` when a base URL is given, else the installed file as a file: URL. */
export function ruleHelpUri(id: string, base?: string): string {
  if (base) return `${base.replace(/\/?$/u, '/')}${encodeURIComponent(id)}.md`;
  return pathToFileURL(fileURLToPath(new URL(`${encodeURIComponent(id)}.md`, DOCS))).href;
}
