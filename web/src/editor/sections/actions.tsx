// VI. Action items, each a card, with what it lacks to be SMART.
import { useContext } from 'react';
import {
  ACTION_CATEGORIES,
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  VERIFICATION_RESULTS,
  type ActionItem,
} from '../../../../src/domain/report.schema.js';
import { CodeOptions, EnumSelect } from '../../ui.js';
import {
  Block,
  FieldFindings,
  fieldId,
  InternalToggle,
  RemoveButton,
  SetContext,
  TextField,
  useRemoveRow,
} from '../fields.js';
import { nextId, wordCount, type Path } from '../model.js';
import { useGuide, type SectionProps } from './shared.js';

/** What an action item lacks to be specific, measurable, assigned, relevant and time-bound. */
export function smartGaps(a: ActionItem): string[] {
  const gaps: string[] = [];
  if (wordCount(a.title) < 3) gaps.push('a specific title');
  if (!a.successCriterion?.trim()) gaps.push('a measurable success criterion');
  if (!a.owner?.trim()) gaps.push('an owner');
  if (a.addresses.filter((x) => x.trim()).length === 0) gaps.push('what it addresses');
  if (!a.deadline) gaps.push('a deadline');
  return gaps;
}

export function ActionsSection({ report, settings }: SectionProps) {
  const set = useContext(SetContext);
  const removeRow = useRemoveRow();
  const guide = useGuide(report, settings);
  const items = report.actions.items;
  const refs = [
    'RC',
    ...report.analysis.factors.map((f) => f.id),
    ...Object.values(report.lessons).flatMap((v) => (Array.isArray(v) ? v.map((x) => x.id) : [])),
  ];
  return (
    <Block title="Action items" guide={guide('actions.items')} path={['actions', 'items']}>
      <p className="muted">Ids you can address: {refs.join(', ')} (RC is the primary root cause).</p>
      {items.length === 0 ? (
        <p className="muted">No action items yet.</p>
      ) : (
        <ol className="cards-list" aria-label="Action items">
          {items.map((a, i) => (
            <ActionCard
              key={i}
              action={a}
              index={i}
              onRemove={() => removeRow(['actions', 'items'], items, i)}
            />
          ))}
        </ol>
      )}
      <button
        type="button"
        onClick={() => {
          const id = nextId(
            'A',
            items.map((x) => x.id),
          );
          set(['actions', 'items', items.length], { id, title: '', status: 'open', addresses: [] });
          setTimeout(() =>
            document.getElementById(fieldId(['actions', 'items', items.length, 'title']))?.focus(),
          );
        }}
      >
        Add an action item
      </button>
    </Block>
  );
}

/** One action item as a card: every field with its own label and room, the SMART check in the head. */
function ActionCard({
  action: a,
  index,
  onRemove,
}: {
  action: ActionItem;
  index: number;
  onRemove: () => void;
}) {
  const set = useContext(SetContext);
  const p: Path = ['actions', 'items', index];
  const gaps = smartGaps(a);
  // The plan exists while either of its fields holds something; its "how" is what the model requires.
  const setPlan = (how: string, by: string | undefined) =>
    set([...p, 'verificationPlan'], how || by ? { how, ...(by ? { by } : {}) } : undefined);
  return (
    <li className="item-card">
      <div className="card-head">
        <span className="card-id">{a.id}</span>
        <span
          className={`smart ${gaps.length === 0 ? 'ok' : 'todo'}`}
          role="img"
          aria-label={
            gaps.length === 0 ? `Action ${a.id} is SMART` : `Action ${a.id} needs ${gaps.join(', ')}`
          }
          title={
            gaps.length === 0
              ? 'Specific, measurable, assigned, relevant, time-bound'
              : `Missing: ${gaps.join(', ')}`
          }
        >
          {5 - gaps.length}/5
        </span>
        {gaps.length > 0 && <small className="muted">needs {gaps.join(', ')}</small>}
        <InternalToggle mark={a.id} label={`action ${a.id}`} />
        <RemoveButton label={`Remove action ${a.id}`} onClick={onRemove} />
      </div>
      <div className="card-fields">
        <TextField path={[...p, 'title']} label={`Action ${a.id} title`} value={a.title} className="f-wide" />
        <TextField path={[...p, 'owner']} label={`Action ${a.id} owner`} value={a.owner} />
        <div className="field">
          <label htmlFor={fieldId([...p, 'deadline'])}>{`Action ${a.id} deadline`}</label>
          <input
            id={fieldId([...p, 'deadline'])}
            type="date"
            value={a.deadline ?? ''}
            onChange={(e) => set([...p, 'deadline'], e.target.value || undefined)}
          />
          <FieldFindings path={[...p, 'deadline']} />
        </div>
        <EnumSelect
          label={`Action ${a.id} status`}
          id={fieldId([...p, 'status'])}
          value={a.status}
          options={ACTION_STATUSES}
          onChange={(v) => v && set([...p, 'status'], v)}
        />
        <EnumSelect
          label={`Action ${a.id} category`}
          id={fieldId([...p, 'category'])}
          value={a.category}
          options={ACTION_CATEGORIES}
          empty="—"
          onChange={(v) => set([...p, 'category'], v)}
        />
        <EnumSelect
          label={`Action ${a.id} priority`}
          id={fieldId([...p, 'priority'])}
          value={a.priority}
          options={ACTION_PRIORITIES}
          empty="—"
          onChange={(v) => set([...p, 'priority'], v)}
        />
        <div className="field">
          <label htmlFor={fieldId([...p, 'addresses'])}>{`Action ${a.id} addresses`}</label>
          <input
            id={fieldId([...p, 'addresses'])}
            value={a.addresses.join(',')}
            placeholder="RC, CF1"
            onChange={(e) => set([...p, 'addresses'], e.target.value === '' ? [] : e.target.value.split(','))}
          />
          <FieldFindings path={[...p, 'addresses']} />
        </div>
        <TextField
          path={[...p, 'successCriterion']}
          label={`Action ${a.id} success criterion`}
          value={a.successCriterion}
          className="f-wide"
        />
        <TextField
          path={[...p, 'details']}
          label={`Action ${a.id} details`}
          value={a.details}
          className="f-wide"
        />
        <TextField
          path={[...p, 'tracker']}
          label={`Action ${a.id} tracker link`}
          value={a.tracker}
          placeholder="https://tracker.example/ISSUE-1"
        />
        <div className="field">
          <label htmlFor={fieldId([...p, 'verification'])}>{`Action ${a.id} verification`}</label>
          <select
            id={fieldId([...p, 'verification'])}
            value={a.verification?.result ?? ''}
            onChange={(e) =>
              set(
                [...p, 'verification'],
                e.target.value
                  ? {
                      ...a.verification,
                      result: e.target.value,
                      on: a.verification?.on ?? new Date().toISOString().slice(0, 10),
                    }
                  : undefined,
              )
            }
          >
            <option value="">not yet</option>
            <CodeOptions codes={VERIFICATION_RESULTS} />
          </select>
          {a.verification?.on && <small className="muted">on {a.verification.on}</small>}
        </div>
        <div className="field f-wide">
          <label
            htmlFor={fieldId([...p, 'verificationPlan', 'how'])}
          >{`Action ${a.id} verification plan`}</label>
          <input
            id={fieldId([...p, 'verificationPlan', 'how'])}
            value={a.verificationPlan?.how ?? ''}
            maxLength={2000}
            placeholder="How will we know it worked?"
            onChange={(e) => setPlan(e.target.value, a.verificationPlan?.by)}
          />
          <FieldFindings path={[...p, 'verificationPlan']} />
        </div>
        <div className="field">
          <label htmlFor={fieldId([...p, 'verificationPlan', 'by'])}>{`Action ${a.id} verify by`}</label>
          <input
            id={fieldId([...p, 'verificationPlan', 'by'])}
            type="date"
            value={a.verificationPlan?.by ?? ''}
            onChange={(e) => setPlan(a.verificationPlan?.how ?? '', e.target.value || undefined)}
          />
        </div>
        <TextField
          path={[...p, 'declinedReason']}
          label={`Action ${a.id} reason not done or not verified`}
          value={a.declinedReason}
          className="f-wide"
        />
      </div>
    </li>
  );
}
