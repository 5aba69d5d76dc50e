import { useEffect } from 'react';
import { reportSchema, type Report } from '../../../src/domain/report.schema.js';
import type { StoredReport } from '../types.js';

/** Unsaved work kept in the browser: the draft, and the version and report it was made on. */
export interface LocalDraft {
  version: number;
  base: Report;
  draft: Report;
}
const localKey = (id: string) => `hindsight:draft:${id}`;

/** The draft kept for a report, when there is one and it is still a valid report. */
export function readLocalDraft(id: string): LocalDraft | undefined {
  try {
    const raw = localStorage.getItem(localKey(id));
    if (!raw) return undefined;
    const v = JSON.parse(raw) as LocalDraft;
    const ok =
      typeof v.version === 'number' &&
      reportSchema.safeParse(v.draft).success &&
      reportSchema.safeParse(v.base).success;
    return ok ? v : undefined;
  } catch {
    return undefined;
  }
}

function writeLocalDraft(id: string, value: LocalDraft): void {
  try {
    localStorage.setItem(localKey(id), JSON.stringify(value));
  } catch {
    // Storage full or disabled: the server copy and autosave still work.
  }
}

/** Forget the draft kept for a report (the server has it all). */
export function clearLocalDraft(id: string): void {
  try {
    localStorage.removeItem(localKey(id));
  } catch {
    // nothing to clear
  }
}

/**
 * Keep unsaved work in the browser until the server has it: written a moment after each change while the
 * draft differs from what was saved, cleared once it does not.
 */
export function useLocalDraft(
  stored: StoredReport | undefined,
  cleaned: Report | undefined,
  cleanedJson: string,
  dirty: boolean,
): void {
  useEffect(() => {
    if (!stored || !cleaned) return;
    if (!dirty) return clearLocalDraft(stored.id);
    const t = setTimeout(
      () => writeLocalDraft(stored.id, { version: stored.version, base: stored.report, draft: cleaned }),
      300,
    );
    return () => clearTimeout(t);
  }, [cleanedJson, dirty, stored, cleaned]);
}
