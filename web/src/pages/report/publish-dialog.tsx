import { useEffect, useRef } from 'react';
import { pathWords } from '../history-words.js';
import type { Comment, ReviewStatus } from '../../types.js';

/** Publishing is for everyone to read: say what is still open before it happens. */
export function PublishDialog({
  open,
  approvals,
  who,
  onCancel,
  onPublish,
}: {
  open: Comment[];
  approvals: ReviewStatus['status'] | undefined;
  who: (id: string | null) => string;
  onCancel: () => void;
  onPublish: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="dialog" aria-labelledby="publish-title" onCancel={onCancel}>
      <h2 id="publish-title">Publish this report?</h2>
      <p>
        Once published, everyone who may see the report reads it as final; later edits stay in its history.
      </p>
      {approvals && (
        <p>
          {approvals.approvals} of {approvals.required} approval{approvals.required === 1 ? '' : 's'} given
          {approvals.changesRequested.length > 0 &&
            `; ${approvals.changesRequested.length} reviewer${approvals.changesRequested.length === 1 ? '' : 's'} asked for changes`}
          .
        </p>
      )}
      {open.length === 0 ? (
        <p>Every comment is resolved.</p>
      ) : (
        <>
          <p>
            <strong>
              {open.length} comment{open.length === 1 ? ' is' : 's are'} not resolved:
            </strong>
          </p>
          <ul className="open-list" aria-label="Unresolved comments">
            {open.map((c) => (
              <li key={c.id}>
                <span className="muted">
                  {pathWords(c.anchor.split('.'))} · {who(c.authorId)}:
                </span>{' '}
                {c.body.length > 200 ? `${c.body.slice(0, 199)}…` : c.body}
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="buttons">
        <button type="button" className="primary" onClick={onPublish}>
          {open.length === 0 ? 'Publish' : 'Publish anyway'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </dialog>
  );
}
