import { readFileSync, statSync } from 'node:fs';
import { AppError } from '../domain/index.js';
import { walkFiles } from '../fs/walk.js';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'coverage']);
const FRONT_MATTER = /^\uFEFF?---\r?\n/u;

/** Postmortem Markdown starts with front matter that names the report's kind; other front matter (a static
 * site generator's, say) belongs to a foreign document. */
export function isPostmortemMarkdown(text: string): boolean {
  const m = FRONT_MATTER.exec(text);
  if (!m) return false;
  const end = text.indexOf('\n---', m[0].length - 1);
  const block = text.slice(m[0].length, end === -1 ? Math.min(text.length, 65_536) : end);
  return /^kind\s*:/mu.test(block);
}

/** Whether the file at `path` opens as Postmortem Markdown (only its first 64 KB are read). */
function looksLikeReport(path: string): boolean {
  let head: string;
  try {
    head = readFileSync(path, { encoding: 'utf8', flag: 'r' }).slice(0, 65_536);
  } catch {
    return false;
  }
  return isPostmortemMarkdown(head);
}

/**
 * Expand command-line arguments into Markdown files: files as given, folders walked for *.md files in name
 * order. With `reportsOnly` (the commands that read many reports: `actions`, `insights`), a folder's files
 * count only when they are Postmortem Markdown, so a README beside the reports is passed over; `lint` takes
 * every *.md file and treats the foreign ones as imports.
 */
export function markdownFiles(paths: string[], opts: { reportsOnly?: boolean } = {}): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new AppError('io', `${p}: no such file or folder`);
    }
    if (!st.isDirectory()) out.push(p);
    else
      for (const f of walkFiles(p, { skipDirs: SKIP_DIRS })) {
        if (!f.path.toLowerCase().endsWith('.md')) continue;
        if (opts.reportsOnly && !looksLikeReport(f.path)) continue;
        out.push(f.path);
      }
  }
  return out;
}

/** The report files of `actions` and `insights` (see {@link markdownFiles}). */
export function reportFiles(paths: string[]): string[] {
  return markdownFiles(paths, { reportsOnly: true });
}
