import { useState } from 'react';
import { api, errorText } from '../api.js';
import type { Settings } from '../types.js';
import { Status } from '../ui.js';

type Person = Settings['roster'][number];

/** One line per person: `Name <email>, team` (email and team optional). */
export function rosterToText(roster: Person[]): string {
  return roster
    .map((p) => `${p.name}${p.email ? ` <${p.email}>` : ''}${p.team ? `, ${p.team}` : ''}`)
    .join('\n');
}

/** Read the roster back from its lines; blank lines are skipped. */
export function textToRoster(text: string): Person[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const m = /^([^<,]*[^<,\s]|)\s*(?:<([^>]*)>\s*)?(?:,\s*(\S.*)?)?$/.exec(line);
      const name = (m?.[1] ?? line).trim();
      const email = m?.[2]?.trim();
      const team = m?.[3]?.trim();
      return { name, ...(email ? { email } : {}), ...(team ? { team } : {}) };
    });
}

/** Admin: the people of the organization, which the linter knows as names and the review form suggests. */
export function RosterEditor({ roster, onSaved }: { roster: Person[]; onSaved: () => Promise<void> }) {
  const [text, setText] = useState(rosterToText(roster));
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const save = async () => {
    setError('');
    setNotice('');
    try {
      const next = textToRoster(text);
      await api('/api/settings', { method: 'PUT', body: { roster: next } });
      setNotice(`Roster saved: ${next.length} ${next.length === 1 ? 'person' : 'people'}.`);
      await onSaved();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section className="card" aria-labelledby="roster-h">
      <h2 id="roster-h">Roster</h2>
      <p className="muted">
        The people who may appear in reports. The linter treats these names as people, and the review form
        suggests them.
      </p>
      <div className="field">
        <label htmlFor="roster-text">One person per line: Name &lt;email&gt;, team</label>
        <textarea id="roster-text" rows={6} value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <Status tone="error">{error}</Status>
      <Status tone="ok">{notice}</Status>
      <button type="button" onClick={() => void save()}>
        Save the roster
      </button>
    </section>
  );
}
