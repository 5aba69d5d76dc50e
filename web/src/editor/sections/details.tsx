// II. Event details: the timeline (with evidence import), severity, detection and the steps taken.
import { memo, useCallback, useContext, useMemo, useRef } from 'react';
import { formatDuration, responseTimes } from '../../../../src/domain/metrics.js';
import { parseInstant } from '../../../../src/domain/primitives.schema.js';
import { EVENT_KINDS, type TimelineEvent } from '../../../../src/domain/report.schema.js';
import { CodeOptions } from '../../ui.js';
import { marksAfterRemoval } from '../../../../src/domain/audience.js';
import {
  Block,
  FieldFindings,
  fieldId,
  InternalContext,
  InternalToggle,
  RemoveButton,
  SetContext,
  TextField,
} from '../fields.js';
import { EvidenceImport } from '../evidence.js';
import { fromLocalInput, toLocalInput, type Path } from '../model.js';
import { useGuide, type SectionProps } from './shared.js';

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
  const marks = useContext(InternalContext);
  const marksRef = useRef(marks);
  marksRef.current = marks;
  const remove = useCallback(
    (index: number) => {
      set(
        ['details', 'timeline'],
        latest.current.filter((_, j) => j !== index),
      );
      // internal marks of later rows move up with their rows
      const now = marksRef.current;
      if (now?.some((m) => m.startsWith('details.timeline.'))) {
        set(['internal'], marksAfterRemoval([...now], 'details.timeline', index));
      }
    },
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
        <InternalToggle mark={`details.timeline.${index}`} label={`event ${n}`} />
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
