import { memo, useCallback, useContext, useMemo, useRef, useState } from 'react';
import { labelOf } from '../../../src/domain/labels.js';
import { formatDuration, impactTotals, responseTimes } from '../../../src/domain/metrics.js';
import { parseInstant } from '../../../src/domain/primitives.schema.js';
import {
  ACTION_CATEGORIES,
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  BARRIER_STATUSES,
  BASES,
  DETECTION_METHODS,
  EVENT_KINDS,
  FINANCIAL_KINDS,
  FISHBONE_CATEGORIES,
  IMPACT_CATEGORIES,
  MATERIAL_KINDS,
  REPORT_KINDS,
  VERIFICATION_RESULTS,
  VISIBILITIES,
  type ActionItem,
  type Report,
  type TimelineEvent,
} from '../../../src/domain/report.schema.js';
import { guidanceFor, SUMMARY_WORD_LIMIT, type GuidanceKey } from '../../../src/domain/templates.js';
import { api, errorText } from '../api.js';
import { MembersField } from './members-field.js';
import type { Settings } from '../types.js';
import { CodeOptions, EnumSelect, Status } from '../ui.js';
import { Block, ChipsField, FieldFindings, fieldId, RemoveButton, SetContext, TextField } from './fields.js';
import { EvidenceImport } from './evidence.js';
import { FishboneDiagram } from './fishbone.js';
import { fromLocalInput, nextId, toLocalInput, wordCount, type Path } from './model.js';

interface SectionProps {
  report: Report;
  settings: Settings;
  reportId: string;
}

/** Guidance for a block: the organization's template text if it has one, else Hindsight's own. */
// The executive summary's parts: model field, label, and an example of the kind of sentence that fits.
const SUMMARY_FIELDS = [
  [
    'whatHappened',
    'What happened',
    'e.g. For 40 minutes on 5 March, checkout failed for every customer after a certificate expired.',
  ],
  [
    'impact',
    'Impact in brief',
    'e.g. About 3,400 orders failed; roughly 12,000 USD in sales lost (estimate).',
  ],
  ['coreIssue', 'Core issue', 'e.g. Certificate renewal depended on someone remembering to do it.'],
  ['keyLessons', 'Key lessons', 'e.g. Expiry dates need the same monitoring as disk space.'],
  ['nextSteps', 'Next steps', 'e.g. Automate renewal by 30 April; alert 14 days before any expiry.'],
] as const;

function useGuide(report: Report, settings: Settings) {
  return (key: GuidanceKey) => {
    const extra = settings.templates.find((t) => t.kind === report.kind && t.guidance[key])?.guidance[key];
    return extra ?? guidanceFor(report.kind, key);
  };
}

// ── basics ─────────────────────────────────────────────────────────────────────────────────────────

export function BasicsSection({ report, settings }: SectionProps) {
  const set = useContext(SetContext);
  return (
    <div>
      <TextField
        path={['title']}
        label="Title"
        value={report.title}
        guide="Name what was affected and when."
      />
      <div className="row">
        <EnumSelect
          label="Kind"
          id={fieldId(['kind'])}
          value={report.kind}
          options={REPORT_KINDS}
          onChange={(v) => v && set(['kind'], v)}
        />
        <EnumSelect
          label="How it was detected"
          id={fieldId(['detection'])}
          value={report.detection}
          options={DETECTION_METHODS}
          empty="not stated"
          onChange={(v) => set(['detection'], v)}
        />
      </div>
      <fieldset className="severity" id={fieldId(['severity'])} tabIndex={-1}>
        <legend>Severity</legend>
        <p className="guide">
          Pick the level whose definition fits the facts; explain why under Event details.
        </p>
        {settings.severityScale.levels.map((l) => (
          <label key={l.id} className="severity-level">
            <input
              type="radio"
              name="severity"
              value={l.id}
              checked={report.severity === l.id}
              onChange={() => set(['severity'], l.id)}
            />
            <span>
              <strong>
                {l.id} · {l.name}
              </strong>
              <span className="definition">{l.definition}</span>
            </span>
          </label>
        ))}
        <label className="severity-level">
          <input
            type="radio"
            name="severity"
            checked={!report.severity}
            onChange={() => set(['severity'], undefined)}
          />
          <span>Not decided yet</span>
        </label>
        <FieldFindings path={['severity']} />
      </fieldset>
      <fieldset className="row">
        <legend>When (UTC)</legend>
        <div className="field">
          <label htmlFor={fieldId(['period', 'start'])}>Started</label>
          <input
            id={fieldId(['period', 'start'])}
            type="datetime-local"
            step={1}
            value={toLocalInput(report.period.start)}
            onChange={(e) => set(['period', 'start'], fromLocalInput(e.target.value) ?? undefined)}
          />
          <FieldFindings path={['period', 'start']} />
        </div>
        <div className="field">
          <label htmlFor={fieldId(['period', 'end'])}>Ended</label>
          <input
            id={fieldId(['period', 'end'])}
            type="datetime-local"
            step={1}
            value={toLocalInput(report.period.end)}
            onChange={(e) => set(['period', 'end'], fromLocalInput(e.target.value) ?? undefined)}
          />
        </div>
        <TextField
          path={['period', 'timezone']}
          label="Time zone of the team"
          value={report.period.timezone}
        />
      </fieldset>
      <div className="grid2">
        <ChipsField path={['authors']} label="Authors" values={report.authors} />
        <TextField path={['facilitator']} label="Facilitator" value={report.facilitator} />
        <ChipsField
          path={['reviewers']}
          label="Reviewers"
          values={report.reviewers}
          guide="Names or emails of the people who must approve it."
        />
        <ChipsField path={['involved']} label="People involved" values={report.involved} />
        <ChipsField path={['tags']} label="Tags" values={report.tags} />
        <ChipsField path={['systems']} label="Affected systems" values={report.systems} />
      </div>
      <EnumSelect
        label="Visibility"
        id={fieldId(['visibility'])}
        value={report.visibility}
        options={VISIBILITIES}
        onChange={(v) => v && set(['visibility'], v)}
      />
      {report.visibility === 'restricted' && <MembersField values={report.members} />}
    </div>
  );
}

// ── I. summary ─────────────────────────────────────────────────────────────────────────────────────

export function SummarySection({ report, settings }: SectionProps) {
  const guide = useGuide(report, settings);
  const s = report.summary;
  const total = wordCount([s.whatHappened, s.impact, s.coreIssue, s.keyLessons, s.nextSteps].join(' '));
  const checks: [string, boolean][] = [
    ['names the window of time', /\d/.test(s.whatHappened ?? '')],
    ['gives the impact with a number', /\d/.test(s.impact ?? '')],
    ['states the core issue', Boolean(s.coreIssue?.trim())],
    ['names what was learned', Boolean(s.keyLessons?.trim())],
    ['says what happens next', Boolean(s.nextSteps?.trim())],
  ];
  return (
    <div className="with-aside">
      <div>
        {SUMMARY_FIELDS.map(([field, label, placeholder]) => (
          <TextField
            key={field}
            path={['summary', field]}
            placeholder={placeholder}
            label={label}
            value={s[field]}
            guide={guide(`summary.${field}`)}
            multiline
            words
          />
        ))}
      </div>
      <aside className="checklist" aria-label="Summary checklist">
        <p>
          <strong>{total}</strong> words in the summary
          {total > SUMMARY_WORD_LIMIT
            ? ` — long for a busy reader; aim for ${SUMMARY_WORD_LIMIT} or fewer.`
            : '.'}
        </p>
        <ul>
          {checks.map(([label, ok]) => (
            <li key={label} className={ok ? 'ok' : 'todo'}>
              <span aria-hidden="true">{ok ? '✓' : '○'}</span> {ok ? 'Done: ' : 'To do: '}
              {label}
            </li>
          ))}
        </ul>
      </aside>
    </div>
  );
}

// ── II. details ────────────────────────────────────────────────────────────────────────────────────

const byTime = (a: TimelineEvent, b: TimelineEvent) =>
  a.at === null
    ? b.at === null
      ? 0
      : 1
    : b.at === null
      ? -1
      : (parseInstant(a.at) ?? 0) - (parseInstant(b.at) ?? 0);

export function DetailsSection({ report, settings }: SectionProps) {
  const set = useContext(SetContext);
  const guide = useGuide(report, settings);
  const timeline = report.details.timeline;
  const times = useMemo(() => responseTimes(report), [report]);
  const startMs = times.start ? parseInstant(times.start) : undefined;
  // Rows get stable callbacks that read the latest list, so a keystroke re-renders one row, not 300.
  const latest = useRef(timeline);
  latest.current = timeline;
  const order = useCallback(() => {
    const sorted = [...latest.current].sort(byTime);
    if (sorted.some((e, i) => e !== latest.current[i])) set(['details', 'timeline'], sorted);
  }, [set]);
  const remove = useCallback(
    (index: number) =>
      set(
        ['details', 'timeline'],
        latest.current.filter((_, j) => j !== index),
      ),
    [set],
  );
  const add = () => {
    const last = [...timeline].reverse().find((e) => e.at);
    set(['details', 'timeline', timeline.length], {
      at: last?.at ?? report.period.start ?? null,
      kind: 'other',
      text: '',
    });
    setTimeout(() =>
      document.getElementById(fieldId(['details', 'timeline', timeline.length, 'text']))?.focus(),
    );
  };
  const figures: [string, number | undefined][] = [
    ['Time to detect', times.timeToDetect],
    ['Time to respond', times.timeToRespond],
    ['Time to mitigate', times.timeToMitigate],
    ['Time to resolve', times.timeToResolve],
  ];
  return (
    <div>
      <Block title="Timeline" guide={guide('details.timeline')} path={['details', 'timeline']}>
        <dl className="figures" aria-label="Derived response times">
          {figures.map(([label, ms]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{ms === undefined ? '—' : formatDuration(ms)}</dd>
            </div>
          ))}
        </dl>
        {/* Cards rather than table rows: every field keeps a readable width at any screen size, and rows off
            screen skip rendering (content-visibility), which keeps typing smooth in a timeline of hundreds
            of events. */}
        {timeline.length === 0 ? (
          <p className="muted">No events yet.</p>
        ) : (
          <ol className="cards-list" aria-label="Timeline events">
            {timeline.map((e, i) => (
              <TimelineRow
                key={i}
                event={e}
                index={i}
                startMs={startMs}
                onTimeDone={order}
                onRemove={remove}
              />
            ))}
          </ol>
        )}
        <div className="buttons">
          <button type="button" onClick={add}>
            Add event
          </button>
          <button type="button" onClick={order}>
            Order by time
          </button>
        </div>
        <EvidenceImport timeline={timeline} zone={report.period.timezone} period={report.period} />
      </Block>
      <TextField
        path={['details', 'severityRationale']}
        label="Why this severity"
        value={report.details.severityRationale}
        guide={guide('details.severityRationale')}
        multiline
      />
      <TextField
        path={['details', 'affected']}
        label="What was affected"
        value={report.details.affected}
        guide={guide('details.affected')}
        multiline
      />
      <TextField
        path={['details', 'howFound']}
        label="How it was found"
        value={report.details.howFound}
        guide={guide('details.howFound')}
        multiline
      />
      <TextField
        path={['details', 'stepsTaken']}
        label="Steps taken"
        value={report.details.stepsTaken}
        guide={guide('details.stepsTaken')}
        multiline
      />
    </div>
  );
}

// One row re-renders only when its own event changes: typing stays smooth in a long timeline.
const TimelineRow = memo(function TimelineRow({
  event,
  index,
  startMs,
  onTimeDone,
  onRemove,
}: {
  event: TimelineEvent;
  index: number;
  startMs: number | undefined;
  onTimeDone: () => void;
  onRemove: (index: number) => void;
}) {
  const set = useContext(SetContext);
  const base: Path = ['details', 'timeline', index];
  const n = index + 1;
  const ms = event.at ? parseInstant(event.at) : undefined;
  const since =
    ms !== undefined && startMs !== undefined
      ? `${ms < startMs ? '−' : '+'}${formatDuration(Math.abs(ms - startMs))}`
      : '';
  return (
    <li className="item-card tl-card">
      <div className="card-head">
        <span className="card-id">Event {n}</span>
        {since && (
          <span className="since" title="Time since the start of the event">
            {since}
          </span>
        )}
        <RemoveButton label={`Remove event ${n}`} onClick={() => onRemove(index)} />
      </div>
      <div className="card-fields">
        <div className="field f-time">
          <label htmlFor={fieldId([...base, 'at'])}>{`Event ${n} time (UTC)`}</label>
          <input
            id={fieldId([...base, 'at'])}
            type="datetime-local"
            step={1}
            value={toLocalInput(event.at)}
            onChange={(e) => set([...base, 'at'], fromLocalInput(e.target.value))}
            onBlur={onTimeDone}
          />
          <FieldFindings path={[...base, 'at']} />
        </div>
        <div className="field">
          <label htmlFor={fieldId([...base, 'kind'])}>{`Event ${n} kind`}</label>
          <select
            id={fieldId([...base, 'kind'])}
            value={event.kind}
            onChange={(e) => set([...base, 'kind'], e.target.value)}
          >
            <CodeOptions codes={EVENT_KINDS} />
          </select>
        </div>
        <TextField
          path={[...base, 'text']}
          label={`Event ${n} description`}
          value={event.text}
          className="f-wide"
        />
        <TextField path={[...base, 'actor']} label={`Event ${n} actor`} value={event.actor} />
        <TextField path={[...base, 'source']} label={`Event ${n} source`} value={event.source} />
        <TextField
          path={[...base, 'evidence']}
          label={`Event ${n} evidence link`}
          value={event.evidence}
          placeholder="URL or M1"
        />
      </div>
    </li>
  );
});

// ── III. impact ────────────────────────────────────────────────────────────────────────────────────

export function ImpactSection({ report, settings }: SectionProps) {
  const set = useContext(SetContext);
  const guide = useGuide(report, settings);
  const { financial, figures } = report.impact;
  const totals = useMemo(() => {
    const usable = {
      ...report,
      impact: {
        ...report.impact,
        financial: financial.filter((f) => Number.isFinite(f.amount) && /^[A-Z]{3}$/.test(f.currency)),
        figures: figures.filter((f) => Number.isFinite(f.value) && f.measure?.trim()),
      },
    };
    return impactTotals(usable);
  }, [report, financial, figures]);
  const num = (v: string) => (v === '' ? Number.NaN : Number(v));
  return (
    <div>
      <Block title="Money" guide={guide('impact.financial')} path={['impact', 'financial']}>
        {financial.map((f, i) => {
          const p: Path = ['impact', 'financial', i];
          const n = i + 1;
          return (
            <fieldset key={i} className="row line">
              <legend className="sr-only">Money line {n}</legend>
              <EnumSelect
                label={`Line ${n} kind`}
                value={f.kind}
                options={FINANCIAL_KINDS}
                onChange={(v) => set([...p, 'kind'], v)}
              />
              <TextField path={[...p, 'description']} label={`Line ${n} description`} value={f.description} />
              <div className="field">
                <label htmlFor={fieldId([...p, 'amount'])}>{`Line ${n} amount`}</label>
                <input
                  id={fieldId([...p, 'amount'])}
                  type="number"
                  min={0}
                  step="any"
                  value={Number.isFinite(f.amount) ? f.amount : ''}
                  onChange={(e) => set([...p, 'amount'], num(e.target.value))}
                />
              </div>
              <div className="field narrow-field">
                <label htmlFor={fieldId([...p, 'currency'])}>{`Line ${n} currency`}</label>
                <input
                  id={fieldId([...p, 'currency'])}
                  value={f.currency}
                  maxLength={3}
                  pattern="[A-Z]{3}"
                  onChange={(e) => set([...p, 'currency'], e.target.value.toUpperCase())}
                />
              </div>
              <EnumSelect
                label={`Line ${n} basis`}
                value={f.basis}
                options={BASES}
                onChange={(v) => set([...p, 'basis'], v)}
              />
              <RemoveButton
                label={`Remove money line ${n}`}
                onClick={() =>
                  set(
                    ['impact', 'financial'],
                    financial.filter((_, j) => j !== i),
                  )
                }
              />
            </fieldset>
          );
        })}
        <button
          type="button"
          onClick={() =>
            set(['impact', 'financial', financial.length], {
              kind: 'lost_revenue',
              amount: Number.NaN,
              currency: financial.at(-1)?.currency ?? 'USD',
              basis: 'estimate',
            })
          }
        >
          Add money line
        </button>
      </Block>
      <Block title="Figures" guide={guide('impact.figures')} path={['impact', 'figures']}>
        {figures.map((f, i) => {
          const p: Path = ['impact', 'figures', i];
          const n = i + 1;
          return (
            <fieldset key={i} className="row line">
              <legend className="sr-only">Figure {n}</legend>
              <EnumSelect
                label={`Figure ${n} category`}
                value={f.category}
                options={IMPACT_CATEGORIES}
                onChange={(v) => set([...p, 'category'], v)}
              />
              <TextField
                path={[...p, 'measure']}
                label={`Figure ${n} measure`}
                value={f.measure}
                placeholder="users affected"
              />
              <div className="field">
                <label htmlFor={fieldId([...p, 'value'])}>{`Figure ${n} value`}</label>
                <input
                  id={fieldId([...p, 'value'])}
                  type="number"
                  step="any"
                  value={Number.isFinite(f.value) ? f.value : ''}
                  onChange={(e) => set([...p, 'value'], num(e.target.value))}
                />
              </div>
              <TextField
                path={[...p, 'unit']}
                label={`Figure ${n} unit`}
                value={f.unit}
                placeholder="minutes"
              />
              <EnumSelect
                label={`Figure ${n} basis`}
                value={f.basis}
                options={BASES}
                onChange={(v) => set([...p, 'basis'], v)}
              />
              <RemoveButton
                label={`Remove figure ${n}`}
                onClick={() =>
                  set(
                    ['impact', 'figures'],
                    figures.filter((_, j) => j !== i),
                  )
                }
              />
            </fieldset>
          );
        })}
        <button
          type="button"
          onClick={() =>
            set(['impact', 'figures', figures.length], {
              category: 'customer',
              measure: '',
              value: Number.NaN,
              basis: 'estimate',
            })
          }
        >
          Add figure
        </button>
      </Block>
      <section className="totals" aria-label="Impact totals">
        <h3>Totals</h3>
        {totals.byCurrency.length === 0 && totals.figures.length === 0 ? (
          <p className="muted">Add money lines or figures to see totals.</p>
        ) : (
          <ul className="plain">
            {totals.byCurrency.map((t) => (
              <li key={t.currency}>
                <strong>
                  {t.total.toLocaleString()} {t.currency}
                </strong>{' '}
                in {t.lines} line{t.lines === 1 ? '' : 's'}
                {t.estimated ? ' (includes estimates)' : ''}
              </li>
            ))}
            {totals.figures.map((t) => (
              <li key={`${t.category}/${t.measure}/${t.unit ?? ''}`}>
                <strong>
                  {t.total.toLocaleString()} {t.unit ?? ''}
                </strong>{' '}
                {t.measure} ({labelOf(t.category)}){t.estimated ? ', estimated' : ''}
              </li>
            ))}
          </ul>
        )}
      </section>
      {(['operational', 'customer', 'reputational', 'team'] as const).map((k) => (
        <TextField
          key={k}
          path={['impact', k]}
          label={`${labelOf(k)[0]!.toUpperCase()}${labelOf(k).slice(1)} impact`}
          value={report.impact[k]}
          guide={guide(`impact.${k}`)}
          multiline
        />
      ))}
    </div>
  );
}

// ── IV. analysis ───────────────────────────────────────────────────────────────────────────────────

export function AnalysisSection({ report, settings }: SectionProps) {
  const set = useContext(SetContext);
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
                    <RemoveButton
                      label={`Remove why ${i + 1} of chain ${n}`}
                      onClick={() =>
                        set(
                          [...p, 'steps'],
                          chain.steps.filter((_, j) => j !== i),
                        )
                      }
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
                  onClick={() =>
                    set(
                      ['analysis', 'fiveWhys'],
                      a.fiveWhys.filter((_, j) => j !== c),
                    )
                  }
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
                  </div>
                  <RemoveButton
                    label={`Remove cause ${n}`}
                    onClick={() =>
                      set(
                        ['analysis', 'fishbone'],
                        a.fishbone.filter((_, j) => j !== i),
                      )
                    }
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
              <RemoveButton
                label={`Remove factor ${f.id}`}
                onClick={() =>
                  set(
                    ['analysis', 'factors'],
                    a.factors.filter((_, j) => j !== i),
                  )
                }
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
              <RemoveButton
                label={`Remove barrier ${n}`}
                onClick={() =>
                  set(
                    ['analysis', 'barriers'],
                    a.barriers.filter((_, j) => j !== i),
                  )
                }
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
              <RemoveButton
                label={`Remove change ${n}`}
                onClick={() =>
                  set(
                    ['analysis', 'changes'],
                    a.changes.filter((_, j) => j !== i),
                  )
                }
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

// ── V. lessons ─────────────────────────────────────────────────────────────────────────────────────

const LESSON_LISTS = [
  ['wentWell', 'Went well'],
  ['wentWrong', 'Went wrong'],
  ['couldImprove', 'Could improve'],
  ['lucky', 'Where we got lucky'],
] as const;

export function LessonsSection({ report, settings }: SectionProps) {
  const set = useContext(SetContext);
  const guide = useGuide(report, settings);
  const l = report.lessons;
  const allIds = LESSON_LISTS.flatMap(([k]) => l[k].map((x) => x.id));
  return (
    <div className="columns">
      {LESSON_LISTS.map(([key, title]) => (
        <Block key={key} title={title} guide={guide(`lessons.${key}`)} path={['lessons', key]}>
          <ul className="plain">
            {l[key].map((lesson, i) => (
              <li key={i} className="lesson-row">
                <TextField
                  path={['lessons', key, i, 'text']}
                  label={`${title}: lesson ${lesson.id}`}
                  value={lesson.text}
                  multiline
                  rows={3}
                />
                <RemoveButton
                  label={`Remove lesson ${lesson.id}`}
                  onClick={() =>
                    set(
                      ['lessons', key],
                      l[key].filter((_, j) => j !== i),
                    )
                  }
                />
              </li>
            ))}
          </ul>
          <button
            type="button"
            onClick={() => set(['lessons', key, l[key].length], { id: nextId('L', allIds), text: '' })}
          >
            Add to “{title}”
          </button>
        </Block>
      ))}
    </div>
  );
}

// ── VI. actions ────────────────────────────────────────────────────────────────────────────────────

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
              onRemove={() =>
                set(
                  ['actions', 'items'],
                  items.filter((_, j) => j !== i),
                )
              }
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
      </div>
    </li>
  );
}

// ── VII. materials ─────────────────────────────────────────────────────────────────────────────────

export function MaterialsSection({ report, settings, reportId }: SectionProps) {
  const set = useContext(SetContext);
  const guide = useGuide(report, settings);
  const items = report.materials.items;
  const [status, setStatus] = useState('');
  const upload = async (file: File) => {
    setStatus(`Uploading ${file.name}…`);
    try {
      const form = new FormData();
      form.append('file', file);
      const info = await api<{ id: string; filename: string }>(
        `/api/postmortems/${encodeURIComponent(reportId)}/attachments`,
        {
          raw: { type: '', data: form },
        },
      );
      const kind = file.type.startsWith('image/')
        ? 'screenshot'
        : /log|text/.test(file.type)
          ? 'log'
          : 'document';
      set(['materials', 'items', items.length], {
        id: nextId(
          'M',
          items.map((m) => m.id),
        ),
        kind,
        title: info.filename,
        link: `attachment:${info.id}`,
      });
      setStatus(`${file.name} is attached.`);
    } catch (e) {
      setStatus(`${file.name}: ${errorText(e)}`);
    }
  };
  return (
    <Block title="Supporting materials" guide={guide('materials.items')} path={['materials', 'items']}>
      {items.map((m, i) => {
        const p: Path = ['materials', 'items', i];
        return (
          <fieldset key={i} className="row line">
            <legend className="sr-only">Material {m.id}</legend>
            <EnumSelect
              label={`${m.id} kind`}
              value={m.kind}
              options={MATERIAL_KINDS}
              onChange={(v) => set([...p, 'kind'], v)}
            />
            <TextField path={[...p, 'title']} label={`${m.id} title`} value={m.title} />
            <TextField path={[...p, 'link']} label={`${m.id} link`} value={m.link} />
            <TextField path={[...p, 'description']} label={`${m.id} description`} value={m.description} />
            <RemoveButton
              label={`Remove material ${m.id}`}
              onClick={() =>
                set(
                  ['materials', 'items'],
                  items.filter((_, j) => j !== i),
                )
              }
            />
          </fieldset>
        );
      })}
      <div className="buttons">
        <button
          type="button"
          onClick={() =>
            set(['materials', 'items', items.length], {
              id: nextId(
                'M',
                items.map((m) => m.id),
              ),
              kind: 'document',
              title: '',
            })
          }
        >
          Add a link
        </button>
        <label className="button">
          Upload a file
          <input
            type="file"
            className="sr-only"
            onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])}
          />
        </label>
      </div>
      <Status>{status}</Status>
    </Block>
  );
}
