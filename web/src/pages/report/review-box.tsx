import { useState } from 'react';
import type { ReviewStatus } from '../../types.js';
import { When } from '../../ui.js';

export function ReviewBox({
  status,
  reviewer,
  reviewers,
  me,
  who,
  onDecide,
}: {
  status: ReviewStatus;
  reviewer: boolean;
  reviewers: string[];
  me: string;
  who: (id: string | null) => string;
  onDecide: (d: 'approve' | 'request_changes', note: string) => Promise<void>;
}) {
  const [note, setNote] = useState('');
  const round = status.reviews.filter((v) => v.round === status.status.round);
  // The newest decision of mine in this round: the buttons offer only the other one.
  const mine = round.filter((v) => v.userId === me).at(-1)?.decision;
  const decide = (d: 'approve' | 'request_changes') => void onDecide(d, note.trim()).then(() => setNote(''));
  return (
    <section className="review-box no-print" aria-labelledby="review-h">
      <h2 id="review-h">Review</h2>
      <p>
        Reviewers: {reviewers.join(', ') || 'none named'}. {status.status.approvals} of{' '}
        {status.status.required} approval
        {status.status.required === 1 ? '' : 's'} needed
        {status.status.changesRequested.length > 0 &&
          `; changes requested by ${status.status.changesRequested.length}`}
        .
      </p>
      {round.length > 0 && (
        <ul className="plain">
          {round.map((v) => (
            <li key={v.id}>
              {who(v.userId)} {v.decision === 'approve' ? 'approved' : 'asked for changes'}{' '}
              <When at={v.createdAt} />
              {v.note && <> — “{v.note}”</>}
            </li>
          ))}
        </ul>
      )}
      {reviewer && mine && (
        <p className="status status-ok" role="status">
          {mine === 'approve' ? 'You approved this round.' : 'You asked for changes in this round.'}
        </p>
      )}
      {reviewer && (
        <div className="decide">
          <div className="field">
            <label htmlFor="review-note">
              {mine ? 'Note if you change your decision (optional)' : 'Note with your decision (optional)'}
            </label>
            <input id="review-note" value={note} maxLength={2000} onChange={(e) => setNote(e.target.value)} />
          </div>
          <div className="buttons">
            {mine !== 'approve' && (
              <button type="button" className="primary" onClick={() => decide('approve')}>
                Approve
              </button>
            )}
            {mine !== 'request_changes' && (
              <button type="button" onClick={() => decide('request_changes')}>
                Request changes
              </button>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
