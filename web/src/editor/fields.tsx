import { createContext, memo, useContext, useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Finding } from '../types.js';
import { marksAfterRemoval } from '../../../src/domain/audience.js';
import { wordCount, type Path } from './model.js';

/** Change the report at a path; stable for the life of the editor, so rows can skip re-rendering. */
export const SetContext = createContext<(path: Path, value: unknown) => void>(() => undefined);
/** Lint findings by field path (joined with dots). */
export const FindingsContext = createContext<Map<string, Finding[]>>(new Map());
/** The report's internal marks (fields and items left out of the public version); empty outside the editor. */
export const InternalContext = createContext<readonly string[] | undefined>(undefined);

const SECTION_NAMES = ['summary', 'details', 'impact', 'analysis', 'lessons', 'actions', 'materials'];

/**
 * A toggle that marks a field or an item internal: it stays in the report and out of the public version.
 * `mark` is the name the report's `internal` list uses (impact.team, A2, details.timeline.3).
 */
export function InternalToggle({ mark, label, small }: { mark: string; label: string; small?: boolean }) {
  const marks = useContext(InternalContext);
  const set = useContext(SetContext);
  const described = useId();
  if (!marks) return null;
  const on = marks.includes(mark);
  // The field's name goes in the description, not the name: a label search for the field ("What happened")
  // then finds the field alone, as it does for a screen reader's list of form fields.
  return (
    <>
      <label
        className={small ? 'internal-toggle small' : 'internal-toggle'}
        title="Internal: kept in the report, left out of the public version"
      >
        <input
          type="checkbox"
          aria-describedby={described}
          checked={on}
          onChange={(e) =>
            set(['internal'], e.target.checked ? [...marks, mark].sort() : marks.filter((m) => m !== mark))
          }
        />{' '}
        Internal
      </label>
      <span className="sr-only" id={described}>
        {label}: left out of the public version
      </span>
    </>
  );
}

/**
 * Remove row `index` of the list at `list` and keep the internal marks right: the row's own marks go (its id,
 * or its position and the entries inside it), the marks of later rows move up with them.
 */
export function useRemoveRow() {
  const set = useContext(SetContext);
  const marks = useContext(InternalContext);
  return (list: Path, items: readonly unknown[], index: number) => {
    set(
      list,
      items.filter((_, j) => j !== index),
    );
    if (!marks || marks.length === 0) return;
    const id = (items[index] as { id?: unknown } | undefined)?.id;
    const own =
      typeof id === 'string'
        ? list.join('.') === 'materials.appendices'
          ? `appendix.${id}`
          : id
        : undefined;
    const next = marksAfterRemoval(
      marks.filter((m) => m !== own),
      list.join('.'),
      index,
    );
    if (next.length !== marks.length || next.some((m, i) => m !== marks[i])) set(['internal'], next);
  };
}

/** The element id of the input for a model path, so a finding can focus its field. */
export const fieldId = (path: Path) => `f-${path.join('-')}`;
export const pathKey = (path: Path) => path.join('.');

/** The findings of one field, shown under it, with the fix one click away where the rule gives one. */
export function FieldFindings({ path, id }: { path: Path; id?: string }) {
  const findings = useContext(FindingsContext).get(pathKey(path));
  const set = useContext(SetContext);
  if (!findings || findings.length === 0) return null;
  return (
    <ul className="field-findings" id={id} aria-label="Writing suggestions for this field">
      {findings.map((f, i) => (
        <li key={`${f.ruleId}-${i}`} className={`finding sev-${f.severity}`}>
          <a
            className="rule"
            href={`/api/lint/rules/${encodeURIComponent(f.ruleId)}`}
            target="_blank"
            rel="noreferrer"
            title={`What the ${f.ruleId} rule looks for, and how to silence it`}
          >
            {f.ruleId}
          </a>{' '}
          {f.message}
          {f.suggestion && <span className="suggestion"> {f.suggestion}</span>}
          {f.fix && (
            <button type="button" className="small" onClick={() => set(f.fix!.path, f.fix!.replacement)}>
              Apply fix
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}

interface TextProps {
  path: Path;
  label: string;
  value: string | undefined;
  guide?: string;
  multiline?: boolean;
  rows?: number;
  placeholder?: string;
  /** Show the word count under the field. */
  words?: boolean;
  className?: string;
  hideLabel?: boolean;
  maxLength?: number;
}

/** A labelled text input or text area bound to a path of the report, with its guidance and findings. */
export const TextField = memo(function TextField(p: TextProps) {
  const set = useContext(SetContext);
  const findings = useContext(FindingsContext).get(pathKey(p.path));
  const id = fieldId(p.path);
  const guideId = p.guide ? `${id}-guide` : undefined;
  const findingsId = findings?.length ? `${id}-findings` : undefined;
  const describedBy = [guideId, findingsId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    value: p.value ?? '',
    placeholder: p.placeholder,
    'aria-describedby': describedBy,
    'aria-invalid': findings?.some((f) => f.severity === 'error') || undefined,
    onChange: (e: { target: { value: string } }) => set(p.path, e.target.value),
  };
  return (
    <div className={`field ${p.className ?? ''} ${findings?.length ? 'has-findings' : ''}`}>
      <label htmlFor={id} className={p.hideLabel ? 'sr-only' : undefined}>
        {p.label}
      </label>
      {p.path.length === 2 && SECTION_NAMES.includes(String(p.path[0])) && (
        <InternalToggle mark={p.path.join('.')} label={p.label} />
      )}
      {p.guide && (
        <p className="guide" id={guideId}>
          {p.guide}
        </p>
      )}
      {p.multiline ? (
        <textarea rows={p.rows ?? 3} maxLength={p.maxLength ?? 100_000} {...common} />
      ) : (
        <input maxLength={p.maxLength ?? 2000} {...common} />
      )}
      {p.words && <WordCount text={p.value} />}
      <FieldFindings path={p.path} id={findingsId} />
    </div>
  );
});

function WordCount({ text }: { text: string | undefined }) {
  const n = wordCount(text);
  return (
    <small className="muted" aria-live="polite">
      {n} word{n === 1 ? '' : 's'}
    </small>
  );
}

/** A list of short values (names, tags, systems) edited as chips. */
export function ChipsField({
  path,
  label,
  values,
  guide,
  markable,
}: {
  path: Path;
  label: string;
  values: string[];
  guide?: string;
  /** Each entry gets an Internal toggle (its mark: `tags.2`). */
  markable?: boolean;
}) {
  const set = useContext(SetContext);
  const removeRow = useRemoveRow();
  const [draft, setDraft] = useState('');
  const id = fieldId(path);
  const add = (raw: string) => {
    const parts = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (parts.length === 0) return;
    set(path, [...new Set([...values, ...parts])]);
    setDraft('');
  };
  const key = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' || e.key === ',') {
      e.preventDefault();
      add(draft);
    } else if (e.key === 'Backspace' && draft === '' && values.length > 0) {
      removeRow(path, values, values.length - 1);
    }
  };
  return (
    <div className="field chips-field">
      <label htmlFor={id}>{label}</label>
      {guide && <p className="guide">{guide}</p>}
      <div className="chips">
        {values.map((v, i) => (
          <span className="chip" key={v}>
            {v}
            {markable && <InternalToggle mark={`${path.join('.')}.${i}`} label={`${v} in ${label}`} small />}
            <button
              type="button"
              aria-label={`Remove ${v} from ${label}`}
              onClick={() => removeRow(path, values, i)}
            >
              ×
            </button>
          </span>
        ))}
        <input
          id={id}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={key}
          onBlur={() => add(draft)}
          aria-describedby={`${id}-hint`}
        />
      </div>
      <small className="muted" id={`${id}-hint`}>
        Press Enter or type a comma after each one.
      </small>
      <FieldFindings path={path} />
    </div>
  );
}

/** A titled block of a section with its guidance. */
export function Block({
  title,
  guide,
  children,
  path,
}: {
  title: string;
  guide?: string;
  children: ReactNode;
  path?: Path;
}) {
  const hid = useId();
  return (
    <section
      className="block"
      aria-labelledby={hid}
      id={path ? fieldId(path) : undefined}
      tabIndex={path ? -1 : undefined}
    >
      <h3 id={hid}>{title}</h3>
      {guide && <p className="guide">{guide}</p>}
      {path && <FieldFindings path={path} />}
      {children}
    </section>
  );
}

/** Remove one row of a list. */
export function RemoveButton({ label, onClick }: { label: string; onClick: () => void }) {
  return (
    <button type="button" className="small danger" aria-label={label} title={label} onClick={onClick}>
      Remove
    </button>
  );
}
