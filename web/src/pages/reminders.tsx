import { useEffect, useState } from 'react';
import { api, errorText } from '../api.js';
import type { ReminderSettings } from '../types.js';
import { Status } from '../ui.js';

/** Profile: the person's daily reminder e-mail, on or off, and the time zone its hour is in. */
export function RemindersSection() {
  const [s, setS] = useState<ReminderSettings>();
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  useEffect(() => {
    api<ReminderSettings>('/api/profile/reminders')
      .then(setS)
      .catch((e) => setError(errorText(e)));
  }, []);
  const save = (body: Partial<Pick<ReminderSettings, 'enabled' | 'timeZone'>>) => {
    setError('');
    setNotice('');
    api<ReminderSettings>('/api/profile/reminders', { method: 'PUT', body }).then(
      (r) => {
        setS(r);
        setNotice('Saved.');
      },
      (e) => setError(errorText(e)),
    );
  };
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return (
    <section className="card" aria-labelledby="reminders-h">
      <h2 id="reminders-h">Reminder e-mails</h2>
      <Status tone="error">{error}</Status>
      <Status tone="ok">{notice}</Status>
      {s && (
        <>
          <p className="muted">
            Once a day, from {String(s.hour).padStart(2, '0')}:00 in your time zone, an e-mail lists your
            actions due in the next {s.days} days, those past their deadline, those done but not yet verified,
            and the post-mortems waiting for your review. Nothing is sent on a day with nothing to list.
            {!s.mailConfigured && ' This server has no mail server configured yet, so nothing is sent.'}
          </p>
          <label>
            <input
              type="checkbox"
              checked={s.enabled}
              onChange={(e) => save({ enabled: e.target.checked })}
            />{' '}
            Send me the daily reminder
          </label>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              const zone = String(new FormData(e.currentTarget).get('zone')).trim();
              save({ timeZone: zone === '' ? null : zone });
            }}
          >
            <div className="field">
              <label htmlFor="reminder-zone">Time zone (empty: UTC)</label>
              <input
                id="reminder-zone"
                name="zone"
                defaultValue={s.timeZone ?? ''}
                placeholder={browserZone}
              />
            </div>
            <button type="submit">Save time zone</button>
          </form>
        </>
      )}
    </section>
  );
}
