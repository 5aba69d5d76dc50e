// IV. Root cause analysis: the primary cause, factors, 5 Whys, fishbone, barriers and changes.
import { useContext } from 'react';
import { BARRIER_STATUSES, FISHBONE_CATEGORIES } from '../../../../src/domain/report.schema.js';
import { EnumSelect } from '../../ui.js';
import {
  Block,
  fieldId,
  InternalToggle,
  RemoveButton,
  SetContext,
  TextField,
  useRemoveRow,
} from '../fields.js';
import { FishboneDiagram } from '../fishbone.js';
import { fromLocalInput, nextId, toLocalInput, type Path } from '../model.js';
import { useGuide, type SectionProps } from './shared.js';

export function AnalysisSection({ report, settings }: SectionProps) {
  const set = useContext(SetContext);
  const removeRow = useRemoveRow();
  const guide = useGuide(report, settings);
  const a = report.analysis;
  return (
    <div>
      <TextField
        path={['analysis', 'primaryCause']}
        placeholder="e.g. Renewal of the gateway certificate was manual, and nothing warned before it expired."
        label="Primary root cause"
        value={a.primaryCause}
        guide={guide('analysis.primaryCause')}
        multiline
      />

      <Block title="5 Whys" guide={guide('analysis.fiveWhys')} path={['analysis', 'fiveWhys']}>
        {a.fiveWhys.map((chain, c) => {
          const p: Path = ['analysis', 'fiveWhys', c];
          const n = c + 1;
          return (
            <fieldset key={c} className="whys">
              <legend>Chain {n}</legend>
              <InternalToggle mark={`analysis.fiveWhys.${c}`} label={`5 Whys chain ${n}`} />
              <TextField
                path={[...p, 'problem']}
                label={`Chain ${n} problem`}
                value={chain.problem}
                placeholder="What people saw"
              />
              <ol className="why-steps">
                {chain.steps.map((s, i) => (
                  <li key={i}>
                    <TextField
                      path={[...p, 'steps', i, 'answer']}
                      label={`Chain ${n} why ${i + 1}`}
                      value={s.answer}
                      placeholder="Because…"
                    />
                    <InternalToggle
                      mark={`analysis.fiveWhys.${c}.steps.${i}`}
                      label={`why ${i + 1} of chain ${n}`}
                    />
                    <RemoveButton
                      label={`Remove why ${i + 1} of chain ${n}`}
                      onClick={() => removeRow([...p, 'steps'], chain.steps, i)}
                    />
                  </li>
                ))}
              </ol>
              <div className="buttons">
                <button
                  type="button"
                  onClick={() => {
                    set([...p, 'steps', chain.steps.length], { answer: '' });
                    setTimeout(() =>
                      document
                        .getElementById(fieldId([...p, 'steps', chain.steps.length, 'answer']))
                        ?.focus(),
                    );
                  }}
                >
                  Ask why again
                </button>
                <RemoveButton
                  label={`Remove chain ${n}`}
                  onClick={() => removeRow(['analysis', 'fiveWhys'], a.fiveWhys, c)}
                />
              </div>
              <TextField
                path={[...p, 'conclusion']}
                label={`Chain ${n} conclusion`}
                value={chain.conclusion}
              />
            </fieldset>
          );
        })}
        <button
          type="button"
          onClick={() =>
            set(['analysis', 'fiveWhys', a.fiveWhys.length], { problem: '', steps: [{ answer: '' }] })
          }
        >
          Add a 5 Whys chain
        </button>
      </Block>

      <Block title="Fishbone" guide={guide('analysis.fishbone')} path={['analysis', 'fishbone']}>
        <div className="fishbone-editor">
          <div>
            {a.fishbone.map((f, i) => {
              const p: Path = ['analysis', 'fishbone', i];
              const n = i + 1;
              return (
                <fieldset key={i} className="row line">
                  <legend className="sr-only">Cause {n}</legend>
                  <EnumSelect
                    label={`Cause ${n} category`}
                    value={f.category}
                    options={FISHBONE_CATEGORIES}
                    onChange={(v) => set([...p, 'category'], v)}
                  />
                  <TextField path={[...p, 'cause']} label={`Cause ${n}`} value={f.cause} />
                  <div className="field">
                    <label htmlFor={fieldId([...p, 'subCauses'])}>{`Cause ${n} details, one per line`}</label>
                    <textarea
                      id={fieldId([...p, 'subCauses'])}
                      rows={2}
                      value={f.subCauses.join('\n')}
                      onChange={(e) => set([...p, 'subCauses'], e.target.value.split('\n'))}
                    />
                    {f.subCauses.some((d) => d.trim()) && (
                      <ul
                        className="plain detail-marks"
                        aria-label="Internal marks for the details of this cause"
                      >
                        {f.subCauses.map((d, j) =>
                          d.trim() ? (
                            <li key={j}>
                              <InternalToggle
                                mark={`analysis.fishbone.${i}.subCauses.${j}`}
                                label={`detail ${j + 1} of cause ${n} (${d})`}
                                small
                              />{' '}
                              <span className="muted">{d}</span>
                            </li>
                          ) : null,
                        )}
                      </ul>
                    )}
                  </div>
                  <InternalToggle mark={`analysis.fishbone.${i}`} label={`cause ${n}`} />
                  <RemoveButton
                    label={`Remove cause ${n}`}
                    onClick={() => removeRow(['analysis', 'fishbone'], a.fishbone, i)}
                  />
                </fieldset>
              );
            })}
            <button
              type="button"
              onClick={() =>
                set(['analysis', 'fishbone', a.fishbone.length], {
                  category: 'process',
                  cause: '',
                  subCauses: [],
                })
              }
            >
              Add a cause
            </button>
          </div>
          <FishboneDiagram problem={a.fiveWhys[0]?.problem || report.title} causes={a.fishbone} />
        </div>
      </Block>

      <Block title="Contributing factors" guide={guide('analysis.factors')} path={['analysis', 'factors']}>
        <ol className="plain">
          {a.factors.map((f, i) => (
            <li key={i} className="lesson-row">
              <TextField path={['analysis', 'factors', i, 'text']} label={`Factor ${f.id}`} value={f.text} />
              <InternalToggle mark={f.id} label={`factor ${f.id}`} />
              <RemoveButton
                label={`Remove factor ${f.id}`}
                onClick={() => removeRow(['analysis', 'factors'], a.factors, i)}
              />
            </li>
          ))}
        </ol>
        <button
          type="button"
          onClick={() =>
            set(['analysis', 'factors', a.factors.length], {
              id: nextId(
                'CF',
                a.factors.map((f) => f.id),
              ),
              text: '',
            })
          }
        >
          Add a factor
        </button>
      </Block>

      <TextField
        path={['analysis', 'causalChain']}
        label="Causal chain"
        value={a.causalChain}
        guide={guide('analysis.causalChain')}
        multiline
      />

      <Block title="Barriers" guide={guide('analysis.barriers')} path={['analysis', 'barriers']}>
        {a.barriers.map((b, i) => {
          const p: Path = ['analysis', 'barriers', i];
          const n = i + 1;
          return (
            <fieldset key={i} className="row line">
              <legend className="sr-only">Barrier {n}</legend>
              <TextField path={[...p, 'barrier']} label={`Barrier ${n}`} value={b.barrier} />
              <EnumSelect
                label={`Barrier ${n} status`}
                value={b.status}
                options={BARRIER_STATUSES}
                onChange={(v) => set([...p, 'status'], v)}
              />
              <TextField path={[...p, 'why']} label={`Barrier ${n} why`} value={b.why} />
              <InternalToggle mark={`analysis.barriers.${i}`} label={`barrier ${n}`} />
              <RemoveButton
                label={`Remove barrier ${n}`}
                onClick={() => removeRow(['analysis', 'barriers'], a.barriers, i)}
              />
            </fieldset>
          );
        })}
        <button
          type="button"
          onClick={() => set(['analysis', 'barriers', a.barriers.length], { barrier: '', status: 'failed' })}
        >
          Add a barrier
        </button>
      </Block>

      <Block
        title="Changes before the event"
        guide={guide('analysis.changes')}
        path={['analysis', 'changes']}
      >
        {a.changes.map((c, i) => {
          const p: Path = ['analysis', 'changes', i];
          const n = i + 1;
          return (
            <fieldset key={i} className="row line">
              <legend className="sr-only">Change {n}</legend>
              <div className="field">
                <label htmlFor={fieldId([...p, 'at'])}>{`Change ${n} time (UTC)`}</label>
                <input
                  id={fieldId([...p, 'at'])}
                  type="datetime-local"
                  step={1}
                  value={toLocalInput(c.at)}
                  onChange={(e) => set([...p, 'at'], fromLocalInput(e.target.value) ?? undefined)}
                />
              </div>
              <TextField path={[...p, 'change']} label={`Change ${n}`} value={c.change} />
              <TextField path={[...p, 'source']} label={`Change ${n} source`} value={c.source} />
              <TextField path={[...p, 'link']} label={`Change ${n} link`} value={c.link} />
              <InternalToggle mark={`analysis.changes.${i}`} label={`change ${n}`} />
              <RemoveButton
                label={`Remove change ${n}`}
                onClick={() => removeRow(['analysis', 'changes'], a.changes, i)}
              />
            </fieldset>
          );
        })}
        <button type="button" onClick={() => set(['analysis', 'changes', a.changes.length], { change: '' })}>
          Add a change
        </button>
      </Block>
    </div>
  );
}
