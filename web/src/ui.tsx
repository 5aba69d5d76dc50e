import { useId, type ReactNode } from 'react';
import { labelOf } from '../../src/domain/labels.js';

/** A message region that screen readers announce when its text changes. */
export function Status({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'error' | 'ok' }) {
  if (!children) return null;
  return (
    <p className={`status status-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {children}
    </p>
  );
}

/** A labelled select over enum codes, showing each code's words. */
export function EnumSelect<T extends string>({
  label,
  value,
  options,
  onChange,
  empty,
  id,
  className,
}: {
  label: string;
  value: T | undefined;
  options: readonly T[];
  onChange: (v: T | undefined) => void;
  empty?: string;
  id?: string;
  className?: string;
}) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <div className={`field ${className ?? ''}`}>
      <label htmlFor={inputId}>{label}</label>
      <select
        id={inputId}
        value={value ?? ''}
        onChange={(e) => onChange((e.target.value || undefined) as T | undefined)}
      >
        {empty !== undefined && <option value="">{empty}</option>}
        <CodeOptions codes={options} />
      </select>
    </div>
  );
}

/** One `<option>` per enum code, showing each code's words. */
export function CodeOptions({ codes }: { codes: readonly string[] }) {
  return (
    <>
      {codes.map((c) => (
        <option key={c} value={c}>
          {labelOf(c)}
        </option>
      ))}
    </>
  );
}

/** The state of a report as a coloured word. */
export function StateBadge({ state }: { state: string }) {
  return <span className={`badge state-${state}`}>{labelOf(state)}</span>;
}

/** A short date and time for lists, in the reader's locale, with the exact instant on hover. */
export function When({ at }: { at: string | null | undefined }) {
  if (!at) return <span>—</span>;
  const d = new Date(at);
  return (
    <time dateTime={at} title={at}>
      {d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })}
    </time>
  );
}

/** Download text as a file. */
export function downloadText(filename: string, text: string, type = 'text/markdown'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
