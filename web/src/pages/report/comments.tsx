import { useState } from 'react';
import type { SectionKey } from '../../../../src/domain/report.schema.js';
import { pathWords } from '../history-words.js';
import type { Comment } from '../../types.js';
import { When } from '../../ui.js';
import { SECTION_TITLES } from './parts.js';

/** A comment's text; a leading quote (a reply) is set apart from the answer. */
function CommentBody({ body }: { body: string }) {
  const [first, ...rest] = body.split('\n');
  if (first?.startsWith('> ')) {
    return (
      <>
        <p className="quote">{first.slice(2)}</p>
        <p>{rest.join('\n').trim()}</p>
      </>
    );
  }
  return <p>{body}</p>;
}

export function SectionComments({
  section,
  comments,
  participant,
  who,
  onComment,
  onResolve,
}: {
  section: SectionKey;
  comments: Comment[];
  participant: boolean;
  who: (id: string | null) => string;
  onComment: (anchor: string, body: string) => Promise<void>;
  onResolve: (c: Comment) => Promise<void>;
}) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  // A reply is a comment on the same part that quotes the one it answers, so it reads as a thread.
  const [replyTo, setReplyTo] = useState<Comment>();
  if (!participant && comments.length === 0) return null;
  const title = SECTION_TITLES[section];
  const quote = (c: Comment) => {
    const first = c.body.split('\n')[0] ?? '';
    return `> ${who(c.authorId)}: ${first.length > 120 ? `${first.slice(0, 119)}…` : first}`;
  };
  return (
    <div className="comments no-print" aria-label={`Comments on ${title}`} role="region">
      {comments.length > 0 && (
        <ul className="plain">
          {comments.map((c) => (
            <li key={c.id} className={`comment ${c.resolvedAt ? 'resolved' : ''}`}>
              <p className="muted">
                {who(c.authorId)}, <When at={c.createdAt} />
                {c.anchor !== section && ` on ${pathWords(c.anchor.split('.'))}`}
                {c.resolvedAt && ' · resolved'}
              </p>
              <CommentBody body={c.body} />
              {participant && (
                <span className="buttons">
                  <button
                    type="button"
                    className="link"
                    aria-label={`Reply to ${who(c.authorId)}: ${c.body.slice(0, 60)}`}
                    onClick={() => {
                      setReplyTo(c);
                      setOpen(true);
                    }}
                  >
                    Reply
                  </button>
                  <button type="button" className="link" onClick={() => void onResolve(c)}>
                    {c.resolvedAt ? 'Reopen' : 'Resolve'}
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {participant &&
        (open ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!text.trim()) return;
              const body = replyTo ? `${quote(replyTo)}\n\n${text.trim()}` : text.trim();
              void onComment(replyTo?.anchor ?? section, body).then(() => {
                setText('');
                setOpen(false);
                setReplyTo(undefined);
              });
            }}
          >
            <div className="field">
              <label htmlFor={`comment-${section}`}>
                {replyTo ? `Reply to ${who(replyTo.authorId)} on ${title}` : `Comment on ${title}`}
              </label>
              {replyTo && <p className="quote">{quote(replyTo).slice(2)}</p>}
              <textarea
                id={`comment-${section}`}
                rows={3}
                value={text}
                onChange={(e) => setText(e.target.value)}
                autoFocus
              />
            </div>
            <div className="buttons">
              <button type="submit" className="primary">
                Add comment
              </button>
              <button
                type="button"
                onClick={() => {
                  setOpen(false);
                  setReplyTo(undefined);
                }}
              >
                Cancel
              </button>
            </div>
          </form>
        ) : (
          <button
            type="button"
            className="small"
            onClick={() => setOpen(true)}
            aria-label={`Comment on ${title}`}
          >
            Comment
          </button>
        ))}
    </div>
  );
}
