import { readFileSync, statSync } from 'node:fs';
import { AppError } from '../domain/index.js';
import { walkFiles } from '../fs/walk.js';

const SKIP_DIRS = new Set(['node_modules', '.git', 'dist', 'coverage']);

/** In a folder, only files that open with Postmortem Markdown's front matter (a `kind:` key) are reports. */
function looksLikeReport(path: string): boolean {
  let head: string;
  try {
    head = readFileSync(path, { encoding: 'utf8', flag: 'r' }).slice(0, 65_536);
  } catch {
    return false;
  }
  const m = /^\uFEFF?---\r?\n/u.exec(head);
  if (!m) return false;
  const end = head.indexOf('\n---', m[0].length - 1);
  return /^kind\s*:/mu.test(head.slice(m[0].length, end === -1 ? undefined : end));
}

/**
 * The report files of the commands that read many (`actions`, `insights`): files as given; folders walked for
 * *.md files that are Postmortem Markdown, in name order (a README beside the reports is passed over).
 */
export function reportFiles(paths: string[]): string[] {
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
        if (f.path.toLowerCase().endsWith('.md') && looksLikeReport(f.path)) out.push(f.path);
      }
  }
  return out;
}
