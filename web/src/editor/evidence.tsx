import { useContext, useState, type FormEvent } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { parseInstant } from '../../../src/domain/primitives.schema.js';
import type { EventKind, TimelineEvent } from '../../../src/domain/report.schema.js';
import { api, errorText } from '../api.js';
import { Status } from '../ui.js';
import { SetContext } from './fields.js';

interface Candidate {
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

const SHOWN = 500;

/** Read a chat export, alert history or log on the server and pick which of its records join the timeline. */
export function EvidenceImport({ timeline, zone }: { timeline: TimelineEvent[]; zone: string }) {
  const set = useContext(SetContext);
  const [result, setResult] = useState<Extraction>();
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [status, setStatus] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const read = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const file = data.get('file');
    if (!(file instanceof File) || file.size === 0) return setError('Choose a file first.');
    const form = new FormData();
    // The zone goes first: the server reads fields that come before the file.
    const z = String(data.get('zone') ?? '').trim();
    if (z) form.append('zone', z);
    form.append('file', file);
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
    setStatus(`${picked.length} event${picked.length === 1 ? '' : 's'} added to the timeline.`);
    setResult(undefined);
  };

  const shown = result?.candidates.slice(0, SHOWN) ?? [];
  return (
    <details className="evidence">
      <summary>Add events from evidence (chat export, alerts, logs)</summary>
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
      <Status tone="error">{error}</Status>
      <Status tone="ok">{status}</Status>
      {result && (
        <div>
          <p role="status">
            {result.candidates.length} record{result.candidates.length === 1 ? '' : 's'} from{' '}
            {result.inputs.map((i) => `${i.name}${i.format ? ` (${i.format})` : ''}`).join(', ')}
            {result.stats.skipped > 0 && `; ${result.stats.skipped} could not be read`}
            {result.candidates.length > SHOWN && `; the first ${SHOWN} are shown`}.
          </p>
          {result.stats.warnings.length > 0 && (
            <ul className="muted">
              {result.stats.warnings.slice(0, 5).map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
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
                  <code>{c.at.replace('T', ' ').replace('Z', '')}</code> <strong>{labelOf(c.kind)}</strong>{' '}
                  {c.text} <span className="muted">({c.source})</span>
                </label>
              </li>
            ))}
          </ul>
          <button type="button" className="primary" disabled={chosen.size === 0} onClick={add}>
            Add {chosen.size} event{chosen.size === 1 ? '' : 's'} to the timeline
          </button>
        </div>
      )}
    </details>
  );
}
