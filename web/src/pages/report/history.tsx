import { useEffect, useState } from 'react';
import { api, errorText } from '../../api.js';
import { pathWords, revisionWords } from '../history-words.js';
import { WordDiff } from '../word-diff.js';
import type { ReportDiff, Revision, StoredReport } from '../../types.js';
import { Status, When } from '../../ui.js';

export function History({
  base,
  stored,
  canRestore,
  who,
  onRestored,
}: {
  base: string;
  stored: StoredReport;
  canRestore: boolean;
  who: (id: string | null) => string;
  onRestored: () => void;
}) {
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<Revision[]>([]);
  const [pick, setPick] = useState<number[]>([]);
  const [diff, setDiff] = useState<ReportDiff>();
  const [error, setError] = useState('');
  useEffect(() => {
    if (!open) return;
    api<{ items: Revision[] }>(`${base}/revisions`)
      .then((r) => setItems(r.items))
      .catch((e) => setError(errorText(e)));
  }, [open, base, stored.version]);
  const toggle = (v: number) =>
    setPick((p) => (p.includes(v) ? p.filter((x) => x !== v) : [...p, v].slice(-2)));
  const compare = async () => {
    const [a, b] = [...pick].sort((x, y) => x - y);
    try {
      setDiff(await api<ReportDiff>(`${base}/diff?from=${a}&to=${b}`));
    } catch (e) {
      setError(errorText(e));
    }
  };
  const restore = async (v: number) => {
    try {
      await api(`${base}/revisions/${v}/restore`, { body: { version: stored.version } });
      setDiff(undefined);
      onRestored();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section className="history no-print" aria-labelledby="history-h">
      <h2 id="history-h">
        <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
          History
        </button>
      </h2>
      {open && (
        <>
          <Status tone="error">{error}</Status>
          <p className="muted">Pick two versions to compare.</p>
          <ul className="plain">
            {items.map((r) => (
              <li key={r.version} className="row">
                <label>
                  <input
                    type="checkbox"
                    checked={pick.includes(r.version)}
                    onChange={() => toggle(r.version)}
                  />{' '}
                  Version {r.version}
                </label>
                <span className="muted">
                  {revisionWords(r.summary)} by {who(r.authorId)}, <When at={r.createdAt} />
                </span>
                {canRestore && r.version !== stored.version && (
                  <button type="button" className="small" onClick={() => void restore(r.version)}>
                    Restore version {r.version}
                  </button>
                )}
              </li>
            ))}
          </ul>
          <button type="button" disabled={pick.length !== 2} onClick={() => void compare()}>
            Compare versions
          </button>
          {diff && (
            <table className="diff read-table">
              <caption>
                Changes from version {diff.from} to version {diff.to}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Where</th>
                  <th scope="col">Version {diff.from}</th>
                  <th scope="col">Version {diff.to}</th>
                </tr>
              </thead>
              <tbody>
                {diff.changes.length === 0 && (
                  <tr>
                    <td colSpan={3}>No differences.</td>
                  </tr>
                )}
                {diff.changes.slice(0, 300).map((c) => (
                  <tr key={c.path.join('.')}>
                    <th scope="row">{pathWords(c.path)}</th>
                    <WordDiff from={c.from} to={c.to} op={c.op} />
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
