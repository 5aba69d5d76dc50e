import { useState, type ReactNode } from 'react';
import { labelOf } from '../../../../../src/domain/labels.js';
import { followUp, type FollowUpState } from '../../../../../src/domain/metrics.js';
import {
  VERIFICATION_RESULTS,
  type ActionItem,
  type Report,
} from '../../../../../src/domain/report.schema.js';
import type { TrackerChoice, TrackerLink } from '../../../types.js';
import { CodeOptions } from '../../../ui.js';
import { LinkOrText } from '../parts.js';

/** What a reader records when checking a completed action. */
export interface VerifyInput {
  result: string;
  notes?: string;
  evidence?: string[];
}

/** Optional powers of the read view over the action items. */
export interface ActionsReadOptions {
  /** Record a verification (shown on completed, unverified actions when set). */
  onVerify?: (actionId: string, input: VerifyInput) => Promise<void>;
  /** Ids of actions flagged "recurred after fix", with the reports they recurred in. */
  recurred?: Map<string, string[]>;
  /** The issue made for each action (by action id), with its state or the error of the last try. */
  issues?: Map<string, TrackerLink>;
  /** The trackers an issue can be created in. */
  trackers?: TrackerChoice[];
  /** Create an action's issue in a tracker (shown when set and a tracker is connected). */
  onCreateIssue?: (actionId: string, connectionId: string) => Promise<void>;
}

const STATE_WORDS: Record<FollowUpState, string> = {
  verified: 'verified',
  declined: 'declined with a reason',
  awaiting_verification: 'awaiting verification',
  declined_without_reason: "won't do, with no reason given",
  open: 'not done yet',
};

/** The action items as a table with the follow-up's state (nothing when there are none). */
export function actionsBody(r: Report, options: ActionsReadOptions = {}): ReactNode {
  if (r.actions.items.length === 0) return false;
  const f = followUp(r);
  const pending = f.items.filter((i) => f.pending.includes(i.id));
  return (
    <>
      <p className={`follow-up ${f.complete ? 'complete' : 'open'}`} data-testid="follow-up">
        {f.complete
          ? 'Follow-up complete: every action is verified or declined with a reason.'
          : `Follow-up open: ${pending.map((i) => `${i.id} ${STATE_WORDS[i.state]}`).join('; ')}.`}
      </p>
      <table className="read-table">
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Action</th>
            <th scope="col">Owner</th>
            <th scope="col">Deadline</th>
            <th scope="col">Status</th>
            <th scope="col">Kind</th>
          </tr>
        </thead>
        <tbody>
          {r.actions.items.map((a) => (
            <tr key={a.id}>
              <td>{a.id}</td>
              <td>
                {a.tracker ? <LinkOrText link={a.tracker} text={a.title} /> : a.title}
                {a.details && <div>{a.details}</div>}
                {a.successCriterion && <div className="muted">Done when: {a.successCriterion}</div>}
                {a.addresses.length > 0 && <div className="muted">Addresses {a.addresses.join(', ')}</div>}
                {a.verificationPlan && (
                  <div className="muted">
                    Verify: {a.verificationPlan.how}
                    {a.verificationPlan.by && ` (by ${a.verificationPlan.by})`}
                  </div>
                )}
                <IssueCell action={a} options={options} />
                {options.recurred?.has(a.id) && (
                  <div className="recurred">
                    <strong>Recurred after fix</strong> in {options.recurred.get(a.id)?.join(', ')}
                  </div>
                )}
              </td>
              <td>{a.owner ?? '—'}</td>
              <td>{a.deadline ?? '—'}</td>
              <td>
                {labelOf(a.status)}
                <VerificationCell action={a} onVerify={options.onVerify} />
              </td>
              <td>
                {[a.category && labelOf(a.category), a.priority && `${labelOf(a.priority)} priority`]
                  .filter(Boolean)
                  .join(', ') || '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const ISSUE_WORDS = {
  github: (key: string) => `GitHub issue #${key}`,
  jira: (key: string) => `Jira issue ${key}`,
};

/** The action's issue in a tracker (link and state), the error of a failed try, and "Create issue". */
function IssueCell({ action: a, options }: { action: ActionItem; options: ActionsReadOptions }) {
  const link = options.issues?.get(a.id);
  const trackers = options.trackers ?? [];
  const [choice, setChoice] = useState('');
  const [busy, setBusy] = useState(false);
  const linked = link?.status === 'linked' && link.key && link.url;
  // A try still pending after a minute died with its server: the server lets a new one take it over.
  const stale = link?.status === 'pending' && Date.now() - Date.parse(link.updatedAt) > 60_000;
  const canCreate =
    options.onCreateIssue && trackers.length > 0 && (!link || link.status === 'failed' || stale);
  return (
    <>
      {linked && (
        <div className="issue-link" data-testid={`issue-${a.id}`}>
          <a href={link.url!} rel="noreferrer noopener" target="_blank">
            {(link.tracker ? ISSUE_WORDS[link.tracker] : (k: string) => `Issue ${k}`)(link.key!)}
          </a>{' '}
          <span className="muted">({link.state === 'closed' ? 'closed' : 'open'})</span>
        </div>
      )}
      {link?.status === 'pending' && <div className="muted">Creating the issue…</div>}
      {link?.error && (
        <div className="muted" role="note" data-testid={`issue-error-${a.id}`}>
          Tracker: {link.error}
        </div>
      )}
      {canCreate && (
        <form
          className="issue-form no-print"
          aria-label={`Create an issue for action ${a.id}`}
          onSubmit={(e) => {
            e.preventDefault();
            setBusy(true);
            void options.onCreateIssue!(a.id, choice || trackers[0]!.id).finally(() => setBusy(false));
          }}
        >
          {trackers.length > 1 && (
            <>
              <label htmlFor={`issue-${a.id}-tracker`}>{`Tracker for ${a.id}`}</label>
              <select
                id={`issue-${a.id}-tracker`}
                value={choice || trackers[0]!.id}
                onChange={(e) => setChoice(e.target.value)}
              >
                {trackers.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </>
          )}
          <button type="submit" className="small" disabled={busy}>
            {link && link.status !== 'linked' ? `Try again: issue for ${a.id}` : `Create issue for ${a.id}`}
            {trackers.length === 1 ? ` in ${trackers[0]!.name}` : ''}
          </button>
        </form>
      )}
    </>
  );
}

function VerificationCell({
  action: a,
  onVerify,
}: {
  action: ActionItem;
  onVerify?: ActionsReadOptions['onVerify'];
}) {
  const v = a.verification;
  return (
    <>
      {v && (
        <div className="verification" data-testid={`verification-${a.id}`}>
          Verified <strong>{labelOf(v.result)}</strong>
          {v.on && ` on ${v.on}`}
          {v.by && ` by ${v.by}`}
          {v.notes && <div className="muted">{v.notes}</div>}
          {v.evidence && v.evidence.length > 0 && (
            <div className="muted">
              Evidence:{' '}
              {v.evidence.map((e, i) => (
                <span key={i}>
                  {i > 0 && ', '}
                  <LinkOrText link={e} />
                </span>
              ))}
            </div>
          )}
        </div>
      )}
      {a.declinedReason && <div className="muted">Declined: {a.declinedReason}</div>}
      {!v && a.status === 'completed' && !a.declinedReason && (
        <div className="muted">Awaiting verification</div>
      )}
      {!v && a.status === 'completed' && onVerify && <VerifyForm action={a} onVerify={onVerify} />}
    </>
  );
}

function VerifyForm({
  action: a,
  onVerify,
}: {
  action: ActionItem;
  onVerify: NonNullable<ActionsReadOptions['onVerify']>;
}) {
  const [result, setResult] = useState('effective');
  const [notes, setNotes] = useState('');
  const [evidence, setEvidence] = useState('');
  const [busy, setBusy] = useState(false);
  const id = `verify-${a.id}`;
  return (
    <form
      className="verify-form no-print"
      aria-label={`Verify action ${a.id}`}
      onSubmit={(e) => {
        e.preventDefault();
        setBusy(true);
        const links = evidence
          .split(/[\s,]+/)
          .map((s) => s.trim())
          .filter(Boolean);
        void onVerify(a.id, {
          result,
          ...(notes.trim() ? { notes: notes.trim() } : {}),
          ...(links.length ? { evidence: links } : {}),
        }).finally(() => setBusy(false));
      }}
    >
      <label htmlFor={`${id}-result`}>{`Result for ${a.id}`}</label>
      <select id={`${id}-result`} value={result} onChange={(e) => setResult(e.target.value)}>
        <CodeOptions codes={VERIFICATION_RESULTS} />
      </select>
      <label htmlFor={`${id}-notes`}>{`Note for ${a.id}`}</label>
      <input id={`${id}-notes`} value={notes} maxLength={2000} onChange={(e) => setNotes(e.target.value)} />
      <label htmlFor={`${id}-evidence`}>{`Evidence links for ${a.id}`}</label>
      <input
        id={`${id}-evidence`}
        value={evidence}
        placeholder="https://…"
        maxLength={2000}
        onChange={(e) => setEvidence(e.target.value)}
      />
      <button type="submit" disabled={busy}>
        Record verification
      </button>
    </form>
  );
}
