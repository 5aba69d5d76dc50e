import { createContext, useContext, useEffect, useId, useState, type FormEvent } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { parseInstant } from '../../../src/domain/primitives.schema.js';
import { EVENT_KINDS, type EventKind, type TimelineEvent } from '../../../src/domain/report.schema.js';
import { api, ApiError, errorText } from '../api.js';
import type { EvidenceAccepted, EvidenceUpload, Extraction, StoredReport } from '../types.js';
import { CodeOptions, Status } from '../ui.js';
import { SetContext } from './fields.js';
import { fromLocalInput, toLocalInput } from './model.js';

/**
 * The answer to an upload to a saved report: the file is kept as an attachment of the report, and each
 * candidate's `index` is how the server is told which ones were accepted.
 */
type Upload = EvidenceUpload;
type Accepted = EvidenceAccepted;

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

/** The formats the server reads from an upload (src/evidence's readers), in words. */
const FORMATS: [string, string][] = [
  ['slack', 'Slack export'],
  ['mattermost', 'Mattermost export'],
  ['teams', 'Microsoft Teams export'],
  ['pagerduty', 'PagerDuty incident log'],
  ['opsgenie', 'Opsgenie alert log'],
  ['alertmanager', 'Alertmanager alerts'],
  ['github', 'GitHub events'],
  ['json-log', 'JSON lines log'],
  ['syslog', 'Syslog'],
  ['text', 'Text log, one record per line'],
];

/** The words for a failed read: a file whose format was not recognized asks for one, with no CLI flags. */
function readError(file: File, err: unknown): { message: string; askFormat: boolean } {
  if (err instanceof ApiError && err.details.some((d) => d.path?.[0] === 'format')) {
    return {
      message: `${file.name}: Hindsight could not tell what kind of file this is. Choose its format, then read it again.`,
      askFormat: true,
    };
  }
  return { message: `${file.name}: ${errorText(err)}`, askFormat: false };
}

/** A review of an uploaded file not yet added, kept in this browser so a reload does not lose it. */
interface Pending {
  upload: Upload;
  kinds: EventKind[];
  accepted: number[];
  from: string;
  to: string;
}
const pendingKey = (reportId: string) => `hindsight.evidence.${reportId}`;
function readPending(reportId: string): Pending | undefined {
  try {
    const raw = localStorage.getItem(pendingKey(reportId));
    const p = raw ? (JSON.parse(raw) as Pending) : undefined;
    return p && Array.isArray(p.upload?.candidates) && Array.isArray(p.accepted) ? p : undefined;
  } catch {
    return undefined;
  }
}
function writePending(reportId: string, p: Pending | undefined): void {
  try {
    if (p) localStorage.setItem(pendingKey(reportId), JSON.stringify(p));
    else localStorage.removeItem(pendingKey(reportId));
  } catch {
    // A full or disabled storage only means a reload loses the review, as before.
  }
}

/** Whether an instant lies in the window; an open end does not bound. */
const inWindow = (at: string, from: string, to: string) => {
  const ms = parseInstant(at);
  if (ms === undefined) return true;
  const a = from ? parseInstant(from) : undefined;
  const b = to ? parseInstant(to) : undefined;
  return (a === undefined || ms >= a) && (b === undefined || ms <= b);
};
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const shortTime = (at: string) => at.replace('T', ' ').replace('Z', '');

/**
 * Read a chat export, alert history or log on the server and pick which of its records join the timeline.
 * In a saved report the file is kept with the report and the chosen records are added on the server, with
 * the file as supporting material and their source lines in an appendix; without one (no report to keep the
 * file with) the records are added to the timeline here and saved like any other edit.
 */
export function EvidenceImport({
  timeline,
  zone,
  period,
}: {
  timeline: TimelineEvent[];
  zone: string;
  period: { start?: string; end?: string };
}) {
  const saved = useContext(SavedReportContext);
  // A review left half done (a reload, a closed tab) opens again where it was.
  const [open] = useState(() => (saved ? readPending(saved.id) !== undefined : false));
  return (
    <details className="evidence" open={open}>
      <summary>Add events from evidence (chat export, alerts, logs)</summary>
      {saved ? (
        <ReportEvidence saved={saved} zone={zone} period={period} />
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
  askFormat,
}: {
  zone: string;
  busy: boolean;
  onRead: (file: File, form: FormData) => void;
  onMissing: () => void;
  /** The last file's format was not recognized: point at the picker. */
  askFormat?: boolean;
}) {
  const read = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const file = data.get('file');
    if (!(file instanceof File) || file.size === 0) return onMissing();
    const form = new FormData();
    const z = String(data.get('zone') ?? '').trim();
    if (z) form.append('zone', z);
    const format = String(data.get('format') ?? '');
    if (format) form.append('format', format);
    form.append('file', file);
    onRead(file, form);
  };
  return (
    <form onSubmit={read} className="row line">
      <div className="field">
        <label htmlFor="evidence-file">Evidence file</label>
        <input id="evidence-file" name="file" type="file" />
      </div>
      <div className="field">
        <label htmlFor="evidence-zone">Time zone of stamps without one</label>
        <input id="evidence-zone" name="zone" defaultValue={zone} />
      </div>
      <div className="field">
        <label htmlFor="evidence-format">Format</label>
        <select
          id="evidence-format"
          name="format"
          defaultValue=""
          aria-invalid={askFormat || undefined}
          ref={(el) => {
            if (askFormat) el?.focus();
          }}
        >
          <option value="">Recognize it</option>
          {FORMATS.map(([code, label]) => (
            <option key={code} value={code}>
              {label}
            </option>
          ))}
        </select>
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
function ReportEvidence({
  saved,
  zone,
  period,
}: {
  saved: SavedReport;
  zone: string;
  period: { start?: string; end?: string };
}) {
  const ids = useId();
  const [pending] = useState(() => readPending(saved.id));
  const [upload, setUpload] = useState<Upload | undefined>(pending?.upload);
  const [kinds, setKinds] = useState<EventKind[]>(pending?.kinds ?? []);
  const [accepted, setAccepted] = useState<Set<number>>(new Set(pending?.accepted ?? []));
  // The window of time records must fall in, by default the report's own period.
  const [from, setFrom] = useState(pending?.from ?? period.start ?? '');
  const [to, setTo] = useState(pending?.to ?? period.end ?? '');
  const [status, setStatus] = useState(
    pending ? `Your review of ${pending.upload.attachment.filename} was kept; go on where you left it.` : '',
  );
  const [error, setError] = useState('');
  const [askFormat, setAskFormat] = useState(false);
  const [busy, setBusy] = useState(false);
  const base = `/api/postmortems/${encodeURIComponent(saved.id)}/evidence`;
  useEffect(() => {
    writePending(saved.id, upload ? { upload, kinds, accepted: [...accepted], from, to } : undefined);
  }, [saved.id, upload, kinds, accepted, from, to]);

  const read = async (file: File, form: FormData) => {
    setBusy(true);
    setError('');
    setStatus('');
    try {
      const r = await api<Upload>(base, { raw: { type: '', data: form } });
      setAskFormat(false);
      setUpload(r);
      setKinds(r.candidates.map((c) => c.kind));
      // Proposed: the records in the window whose words give them a part in the response; the rest wait.
      setAccepted(
        new Set(
          r.candidates
            .slice(0, SHOWN)
            .filter((c) => c.kind !== 'other' && inWindow(c.at, from, to))
            .map((c) => c.index),
        ),
      );
    } catch (err) {
      setUpload(undefined);
      const e = readError(file, err);
      setError(e.message);
      setAskFormat(e.askFormat);
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
        ...(upload.format ? { format: upload.format } : {}),
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
  const outside = shown.filter((c) => !inWindow(c.at, from, to));
  const outsideChosen = outside.filter((c) => accepted.has(c.index)).length;
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
        askFormat={askFormat}
      />
      <Status tone="error">{error}</Status>
      <Status tone="ok">{status}</Status>
      {upload && (
        <div>
          <ExtractionSummary result={upload} kept />
          <fieldset className="row line">
            <legend>Window of time (UTC)</legend>
            <div className="field">
              <label htmlFor={`${ids}-from`}>Records from</label>
              <input
                id={`${ids}-from`}
                type="datetime-local"
                step={1}
                value={toLocalInput(from || null)}
                onChange={(e) => setFrom(fromLocalInput(e.target.value) ?? '')}
              />
            </div>
            <div className="field">
              <label htmlFor={`${ids}-to`}>Records until</label>
              <input
                id={`${ids}-to`}
                type="datetime-local"
                step={1}
                value={toLocalInput(to || null)}
                onChange={(e) => setTo(fromLocalInput(e.target.value) ?? '')}
              />
            </div>
          </fieldset>
          {outside.length > 0 && (
            <p className="status status-warn" role="status">
              {outside.length === 1 ? '1 record is' : `${outside.length} records are`} outside the window
              {from || to
                ? ` (${from ? shortTime(from) : 'any time'} to ${to ? shortTime(to) : 'any time'})`
                : ''}
              {outsideChosen > 0
                ? `, and ${outsideChosen} of them ${outsideChosen === 1 ? 'is' : 'are'} selected: they would move the start or end of the timeline, and its response times.`
                : ': they are not selected. Select one only if it belongs to this event.'}
            </p>
          )}
          <div className="buttons">
            <button
              type="button"
              className="small"
              onClick={() =>
                setAccepted(new Set(shown.filter((c) => inWindow(c.at, from, to)).map((c) => c.index)))
              }
            >
              Accept all in the window
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
                <li key={c.index} className={`candidate ${inWindow(c.at, from, to) ? '' : 'outside'}`}>
                  <input
                    id={`${id}-take`}
                    type="checkbox"
                    checked={accepted.has(c.index)}
                    onChange={(e) => toggle(c.index, e.target.checked)}
                  />
                  <label htmlFor={`${id}-take`}>
                    <span className="sr-only">Accept record {n}: </span>
                    <code>{shortTime(c.at)}</code>
                    {!inWindow(c.at, from, to) && (
                      <strong className="outside-tag"> outside the window</strong>
                    )}{' '}
                    {c.text}{' '}
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
      setError(readError(file, err).message);
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
