import { createContext, useContext, useId, useState, type FormEvent } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { parseInstant } from '../../../src/domain/primitives.schema.js';
import { EVENT_KINDS, type EventKind, type TimelineEvent } from '../../../src/domain/report.schema.js';
import { api, ApiError, errorText } from '../api.js';
import type { StoredReport } from '../types.js';
import { CodeOptions, Status } from '../ui.js';
import { SetContext } from './fields.js';

interface Candidate {
  /** Its position in the file's extraction: how the server is told which ones were accepted. */
  index?: number;
  at: string;
  kind: EventKind;
  reason: string;
  text: string;
  actor?: string;
  source: string;
  link: string;
}

interface Extraction {
  candidates: Candidate[];
  inputs: { name: string; format?: string; reason: string }[];
  stats: { records: number; skipped: number; dropped: number; warnings: string[] };
}

/** The answer to an upload to a saved report: the file is kept as an attachment of the report. */
interface Upload extends Extraction {
  attachment: { id: string; filename: string };
  zone?: string;
  digest: string;
  candidates: (Candidate & { index: number })[];
}

interface Accepted extends StoredReport {
  added: { events: number; materials: number; changes: number; appendix?: string; candidates: number[] };
}

/**
 * The editor's link to the saved report, for changes the server makes (evidence added there): save what is
 * typed first, then show the report the server returns as the new saved state.
 */
export interface SavedReport {
  id: string;
  /** Save what is typed now; the stored report afterwards, or undefined when it cannot be saved. */
  flush(): Promise<StoredReport | undefined>;
  /** Read the report again and show it, when nothing typed would be lost; else undefined. */
  reload(): Promise<StoredReport | undefined>;
  /** Show a report the server changed as the editor's saved state. */
  adopt(next: StoredReport): void;
}

export const SavedReportContext = createContext<SavedReport | undefined>(undefined);

const SHOWN = 500;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const shortTime = (at: string) => at.replace('T', ' ').replace('Z', '');

/**
 * Read a chat export, alert history or log on the server and pick which of its records join the timeline.
 * In a saved report the file is kept with the report and the chosen records are added on the server, with
 * the file as supporting material and their source lines in an appendix; without one (no report to keep the
 * file with) the records are added to the timeline here and saved like any other edit.
 */
export function EvidenceImport({ timeline, zone }: { timeline: TimelineEvent[]; zone: string }) {
  const saved = useContext(SavedReportContext);
  return (
    <details className="evidence">
      <summary>Add events from evidence (chat export, alerts, logs)</summary>
      {saved ? (
        <ReportEvidence saved={saved} zone={zone} />
      ) : (
        <LocalEvidence timeline={timeline} zone={zone} />
      )}
    </details>
  );
}

/** The file and zone fields; the zone goes first, since the server reads the fields sent before the file. */
function EvidenceForm({
  zone,
  busy,
  onRead,
  onMissing,
}: {
  zone: string;
  busy: boolean;
  onRead: (file: File, form: FormData) => void;
  onMissing: () => void;
}) {
  const read = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const file = data.get('file');
    if (!(file instanceof File) || file.size === 0) return onMissing();
    const form = new FormData();
    const z = String(data.get('zone') ?? '').trim();
    if (z) form.append('zone', z);
    form.append('file', file);
    onRead(file, form);
  };
  return (
    <form onSubmit={read} className="row">
      <div className="field">
        <label htmlFor="evidence-file">Evidence file</label>
        <input id="evidence-file" name="file" type="file" />
      </div>
      <div className="field">
        <label htmlFor="evidence-zone">Time zone of stamps without one</label>
        <input id="evidence-zone" name="zone" defaultValue={zone} />
      </div>
      <button type="submit" disabled={busy}>
        Read the file
      </button>
    </form>
  );
}

function ExtractionSummary({ result, kept }: { result: Extraction; kept?: boolean }) {
  return (
    <>
      <p role="status">
        {plural(result.candidates.length, 'record')} from{' '}
        {result.inputs.map((i) => `${i.name}${i.format ? ` (${i.format})` : ''}`).join(', ')}
        {result.stats.skipped > 0 && `; ${result.stats.skipped} could not be read`}
        {result.candidates.length > SHOWN && `; the first ${SHOWN} are shown`}.
        {kept && ' The file is kept with the report.'}
      </p>
      {result.stats.warnings.length > 0 && (
        <ul className="muted">
          {result.stats.warnings.slice(0, 5).map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
    </>
  );
}

/** Evidence for a saved report: uploaded to it, reviewed here, added on the server as one revision. */
function ReportEvidence({ saved, zone }: { saved: SavedReport; zone: string }) {
  const ids = useId();
  const [upload, setUpload] = useState<Upload>();
  const [kinds, setKinds] = useState<EventKind[]>([]);
  const [accepted, setAccepted] = useState<Set<number>>(new Set());
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const base = `/api/postmortems/${encodeURIComponent(saved.id)}/evidence`;

  const read = async (file: File, form: FormData) => {
    setBusy(true);
    setError('');
    setStatus('');
    try {
      const r = await api<Upload>(base, { raw: { type: '', data: form } });
      setUpload(r);
      setKinds(r.candidates.map((c) => c.kind));
      // Proposed: the records whose words give them a part in the response; the rest wait to be chosen.
      setAccepted(
        new Set(
          r.candidates
            .slice(0, SHOWN)
            .filter((c) => c.kind !== 'other')
            .map((c) => c.index),
        ),
      );
    } catch (err) {
      setUpload(undefined);
      setError(`${file.name}: ${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const add = async () => {
    if (!upload) return;
    setBusy(true);
    setError('');
    setStatus('');
    try {
      const current = await saved.flush();
      if (!current) {
        setError(
          'Nothing was added: your latest changes could not be saved first. Fix what the save status names, then try again.',
        );
        return;
      }
      const body = {
        digest: upload.digest,
        ...(upload.zone ? { zone: upload.zone } : {}),
        choices: [...accepted].sort((a, b) => a - b).map((index) => ({ index, kind: kinds[index] })),
      };
      const send = (version: number) =>
        api<Accepted>(`${base}/${encodeURIComponent(upload.attachment.id)}/accept`, {
          body: { version, ...body },
        });
      let next: Accepted;
      let theirs = false;
      try {
        next = await send(current.version);
      } catch (e) {
        // Someone else saved in the meantime: nothing of ours is unsaved, so take theirs and add to it.
        const stale = e instanceof ApiError && e.status === 409 && e.details[0]?.path?.[0] === 'version';
        const fresh = stale ? await saved.reload() : undefined;
        if (!fresh) throw e;
        theirs = true;
        next = await send(fresh.version);
      }
      saved.adopt(next);
      const material = next.report.materials.items.find(
        (m) => m.link === `attachment:${upload.attachment.id}`,
      );
      setStatus(
        (next.added.events === 0
          ? 'Those records are in the timeline already; nothing was added.'
          : `${plural(next.added.events, 'event')} added to the timeline` +
            (material ? `; ${upload.attachment.filename} is supporting material ${material.id}` : '') +
            (next.added.appendix ? `, with the source lines in appendix ${next.added.appendix}.` : '.')) +
          (theirs ? ' Someone else had changed the report too; their changes are shown.' : ''),
      );
      setUpload(undefined);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const discard = async () => {
    if (!upload) return;
    setBusy(true);
    try {
      await api(`/api/attachments/${encodeURIComponent(upload.attachment.id)}`, { method: 'DELETE' });
      setStatus(`${upload.attachment.filename} was removed from the report.`);
      setUpload(undefined);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const shown = upload?.candidates.slice(0, SHOWN) ?? [];
  const toggle = (index: number, on: boolean) => {
    const next = new Set(accepted);
    if (on) next.add(index);
    else next.delete(index);
    setAccepted(next);
  };
  return (
    <>
      <p className="muted">
        The file is kept with the report as supporting material. Review what it holds, set the kind of each
        record, and add the ones that belong in the timeline.
      </p>
      <EvidenceForm
        zone={zone}
        busy={busy}
        onRead={(f, form) => void read(f, form)}
        onMissing={() => setError('Choose a file first.')}
      />
      <Status tone="error">{error}</Status>
      <Status tone="ok">{status}</Status>
      {upload && (
        <div>
          <ExtractionSummary result={upload} kept />
          <div className="buttons">
            <button
              type="button"
              className="small"
              onClick={() => setAccepted(new Set(shown.map((c) => c.index)))}
            >
              Accept all
            </button>
            <button type="button" className="small" onClick={() => setAccepted(new Set())}>
              Reject all
            </button>
          </div>
          <ul className="plain candidates" aria-label="Records in the file">
            {shown.map((c) => {
              const n = c.index + 1;
              const id = `${ids}-${c.index}`;
              return (
                <li key={c.index} className="candidate">
                  <input
                    id={`${id}-take`}
                    type="checkbox"
                    checked={accepted.has(c.index)}
                    onChange={(e) => toggle(c.index, e.target.checked)}
                  />
                  <label htmlFor={`${id}-take`}>
                    <span className="sr-only">Accept record {n}: </span>
                    <code>{shortTime(c.at)}</code> {c.text}{' '}
                    <span className="muted">
                      ({c.source}
                      {c.actor ? `, ${c.actor}` : ''})
                    </span>
                  </label>
                  <label htmlFor={`${id}-kind`} className="sr-only">
                    Kind of record {n}
                  </label>
                  <select
                    id={`${id}-kind`}
                    value={kinds[c.index] ?? c.kind}
                    onChange={(e) => {
                      const next = [...kinds];
                      next[c.index] = e.target.value as EventKind;
                      setKinds(next);
                    }}
                  >
                    <CodeOptions codes={EVENT_KINDS} />
                  </select>
                  <small className="muted reason">
                    Suggested: {labelOf(c.kind)}
                    {c.reason && ` — ${c.reason}`}
                  </small>
                </li>
              );
            })}
          </ul>
          <div className="buttons">
            <button
              type="button"
              className="primary"
              disabled={accepted.size === 0 || busy}
              onClick={() => void add()}
            >
              Add {plural(accepted.size, 'event')} to the report
            </button>
            <button type="button" disabled={busy} onClick={() => void discard()}>
              Remove the file
            </button>
          </div>
        </div>
      )}
    </>
  );
}

/** Evidence read on the server but added here, where there is no saved report to keep the file with. */
function LocalEvidence({ timeline, zone }: { timeline: TimelineEvent[]; zone: string }) {
  const set = useContext(SetContext);
  const [result, setResult] = useState<Extraction>();
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const read = async (file: File, form: FormData) => {
    setBusy(true);
    setError('');
    setStatus('');
    try {
      const r = await api<Extraction>('/api/evidence', { raw: { type: '', data: form } });
      setResult(r);
      setChosen(new Set(r.candidates.slice(0, SHOWN).map((_, i) => i)));
    } catch (err) {
      setResult(undefined);
      setError(`${file.name}: ${errorText(err)}`);
    } finally {
      setBusy(false);
    }
  };

  const add = () => {
    if (!result) return;
    const seen = new Set(timeline.map((t) => `${t.at}\u0000${t.text}`));
    const picked = result.candidates
      .filter((_, i) => chosen.has(i))
      .map((c): TimelineEvent => ({
        at: c.at,
        kind: c.kind,
        text: c.text,
        ...(c.actor ? { actor: c.actor } : {}),
        source: c.source,
        evidence: c.link,
      }))
      .filter((t) => !seen.has(`${t.at}\u0000${t.text}`));
    const ms = (t: TimelineEvent) => (t.at ? (parseInstant(t.at) ?? 0) : Number.POSITIVE_INFINITY);
    set(
      ['details', 'timeline'],
      [...timeline, ...picked].sort((a, b) => ms(a) - ms(b)),
    );
    setStatus(`${plural(picked.length, 'event')} added to the timeline.`);
    setResult(undefined);
  };

  const shown = result?.candidates.slice(0, SHOWN) ?? [];
  return (
    <>
      <EvidenceForm
        zone={zone}
        busy={busy}
        onRead={(f, form) => void read(f, form)}
        onMissing={() => setError('Choose a file first.')}
      />
      <Status tone="error">{error}</Status>
      <Status tone="ok">{status}</Status>
      {result && (
        <div>
          <ExtractionSummary result={result} />
          <div className="buttons">
            <button
              type="button"
              className="small"
              onClick={() => setChosen(new Set(shown.map((_, i) => i)))}
            >
              Select all
            </button>
            <button type="button" className="small" onClick={() => setChosen(new Set())}>
              Select none
            </button>
          </div>
          <ul className="plain candidates">
            {shown.map((c, i) => (
              <li key={`${c.link}-${i}`}>
                <label title={c.reason}>
                  <input
                    type="checkbox"
                    checked={chosen.has(i)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.target.checked) next.add(i);
                      else next.delete(i);
                      setChosen(next);
                    }}
                  />{' '}
                  <code>{shortTime(c.at)}</code> <strong>{labelOf(c.kind)}</strong> {c.text}{' '}
                  <span className="muted">({c.source})</span>
                </label>
              </li>
            ))}
          </ul>
          <button type="button" className="primary" disabled={chosen.size === 0} onClick={add}>
            Add {plural(chosen.size, 'event')} to the timeline
          </button>
        </div>
      )}
    </>
  );
}
