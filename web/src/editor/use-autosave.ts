import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { reportSchema, type Report } from '../../../src/domain/report.schema.js';
import { api, ApiError, errorText } from '../api.js';
import type { StoredReport } from '../types.js';
import type { SavedReport } from './evidence.js';
import { clean, setAt, type Path } from './model.js';
import { clearLocalDraft, readLocalDraft, useLocalDraft } from './use-local-draft.js';

const SAVE_DELAY = 800;
const RETRY_DELAY = 5000;

/** Where the draft stands against the server. */
export type SaveState =
  | { kind: 'saved'; at: string }
  | { kind: 'dirty' }
  | { kind: 'saving' }
  | { kind: 'invalid'; message: string; path: Path }
  | { kind: 'error'; message: string }
  | { kind: 'conflict' };

/** Both sides of an edit conflict: the version the draft was made on, the draft, and the server's. */
export interface EditConflict {
  base: Report;
  mine: Report;
  theirs: StoredReport;
}

export interface Autosave {
  stored: StoredReport | undefined;
  draft: Report | undefined;
  loadError: string;
  save: SaveState;
  /** The draft without empty rows, and its JSON: what is saved and linted. */
  cleaned: Report | undefined;
  cleanedJson: string;
  /** The draft differs from what the server holds. */
  dirty: boolean;
  conflict: EditConflict | undefined;
  /** Said once when unsaved changes from before were restored from the browser. */
  restored: string;
  /** Change the draft at a model path. */
  set: (path: Path, value: unknown) => void;
  /** Save at once; true when the server holds the draft. */
  saveNow: () => Promise<boolean>;
  storedRef: RefObject<StoredReport | undefined>;
  /** Evidence is added on the server: what is typed is saved first, and the report it returns is shown. */
  savedReport: SavedReport;
  /** The merged draft of a conflict, saved on top of their version. */
  resolveConflict: (merged: Report) => void;
}

/**
 * One report being edited: loaded (with unsaved work from the browser restored, or a conflict with it
 * raised), saved a moment after the typing stops and retried after a failure, saved at once on Ctrl+S, kept
 * in the browser until saved, and guarded against closing the tab with changes unsaved.
 */
export function useAutosave(id: string): Autosave {
  const [stored, setStored] = useState<StoredReport>();
  const [draft, setDraft] = useState<Report>();
  const [loadError, setLoadError] = useState('');
  const [save, setSave] = useState<SaveState>({ kind: 'saved', at: '' });
  const [conflict, setConflict] = useState<EditConflict>();
  const [restored, setRestored] = useState('');

  // What the server holds, as JSON of the cleaned report: the editor is dirty when the draft differs.
  const savedJson = useRef('');
  const storedRef = useRef<StoredReport>(undefined);
  const draftRef = useRef<Report>(undefined);
  draftRef.current = draft;
  storedRef.current = stored;

  useEffect(() => {
    api<StoredReport>(`/api/postmortems/${encodeURIComponent(id)}`)
      .then((s) => {
        savedJson.current = JSON.stringify(clean(s.report));
        setStored(s);
        setSave({ kind: 'saved', at: s.updatedAt });
        // Changes that never reached the server (a closed tab, an expired session) come back here.
        const local = readLocalDraft(id);
        if (local && JSON.stringify(local.draft) !== savedJson.current) {
          if (local.version === s.version) {
            setDraft(local.draft);
            setRestored('Your unsaved changes from before were restored; they are being saved now.');
          } else {
            setDraft(s.report);
            setConflict({ base: local.base, mine: local.draft, theirs: s });
            setSave({ kind: 'conflict' });
          }
        } else {
          clearLocalDraft(id);
          setDraft(s.report);
        }
      })
      .catch((e) => setLoadError(errorText(e)));
  }, [id]);

  const set = useCallback((path: Path, value: unknown) => {
    setDraft((d) => (d ? setAt(d, path, value) : d));
  }, []);

  const cleaned = useMemo(() => (draft ? clean(draft) : undefined), [draft]);
  const cleanedJson = useMemo(() => (cleaned ? JSON.stringify(cleaned) : ''), [cleaned]);
  const dirty = cleaned !== undefined && cleanedJson !== savedJson.current;

  const saving = useRef(false);
  const saveNow = useCallback(async (): Promise<boolean> => {
    const current = storedRef.current;
    const d = draftRef.current;
    if (!current || !d || saving.current) return false;
    const body = clean(d);
    const json = JSON.stringify(body);
    if (json === savedJson.current) return true;
    const parsed = reportSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
      setSave({ kind: 'invalid', message: `${path.join('.')}: ${issue.message}`, path });
      return false;
    }
    saving.current = true;
    setSave({ kind: 'saving' });
    try {
      const next = await api<StoredReport>(`/api/postmortems/${encodeURIComponent(current.id)}`, {
        method: 'PUT',
        body: { version: current.version, report: { ...body, state: current.state } },
      });
      savedJson.current = json;
      storedRef.current = next;
      setStored(next);
      setSave({ kind: 'saved', at: next.updatedAt });
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        const theirs = await api<StoredReport>(`/api/postmortems/${encodeURIComponent(current.id)}`);
        setConflict({ base: current.report, mine: body, theirs });
        setSave({ kind: 'conflict' });
      } else {
        setSave({ kind: 'error', message: errorText(e) });
      }
      return false;
    } finally {
      saving.current = false;
    }
  }, []);

  const savedReport = useMemo<SavedReport>(() => {
    const adopt = (next: StoredReport) => {
      savedJson.current = JSON.stringify(clean(next.report));
      storedRef.current = next;
      draftRef.current = next.report;
      setStored(next);
      setDraft(next.report);
      setSave({ kind: 'saved', at: next.updatedAt });
      clearLocalDraft(next.id);
    };
    return {
      id,
      async flush() {
        for (let i = 0; i < 20; i++) {
          if (await saveNow()) return storedRef.current;
          await new Promise((r) => setTimeout(r, 150));
        }
        return undefined;
      },
      async reload() {
        const d = draftRef.current;
        if (d && JSON.stringify(clean(d)) !== savedJson.current) return undefined;
        const next = await api<StoredReport>(`/api/postmortems/${encodeURIComponent(id)}`);
        adopt(next);
        return next;
      },
      adopt,
    };
  }, [id, saveNow]);

  useLocalDraft(stored, cleaned, cleanedJson, dirty);

  // Autosave a moment after the typing stops; never while a conflict is being resolved.
  useEffect(() => {
    if (!dirty || conflict) return;
    setSave((s) => (s.kind === 'saving' || s.kind === 'dirty' ? s : { kind: 'dirty' }));
    const t = setTimeout(() => void saveNow(), SAVE_DELAY);
    return () => clearTimeout(t);
  }, [cleanedJson, dirty, conflict, saveNow]);

  // A save that finished while more was typed leaves the draft dirty: go again. A failed one (network,
  // server restart) is retried every few seconds.
  useEffect(() => {
    if (!dirty || conflict) return;
    if (save.kind === 'saved' || save.kind === 'error') {
      const t = setTimeout(() => void saveNow(), save.kind === 'error' ? RETRY_DELAY : SAVE_DELAY);
      return () => clearTimeout(t);
    }
  }, [save, dirty, conflict, saveNow]);

  // Ctrl+S (Cmd+S) saves at once instead of opening the browser's "save page" dialog.
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        void saveNow();
      }
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [saveNow]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (dirty) e.preventDefault();
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const resolveConflict = useCallback(
    (merged: Report) => {
      if (!conflict) return;
      // Their version becomes the base; the merged draft is saved on top of it.
      savedJson.current = JSON.stringify(clean(conflict.theirs.report));
      setStored(conflict.theirs);
      setDraft(merged);
      setConflict(undefined);
      setSave({ kind: 'dirty' });
    },
    [conflict],
  );

  return {
    stored,
    draft,
    loadError,
    save,
    dirty,
    conflict,
    restored,
    set,
    saveNow,
    storedRef,
    savedReport,
    resolveConflict,
    cleaned,
    cleanedJson,
  };
}
