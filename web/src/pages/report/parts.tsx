import { createContext, useContext } from 'react';
import type { SectionKey } from '../../../../src/domain/report.schema.js';

/** Set while the read view shows the public version: what the version withheld is highlighted in place. */
export const WithheldContext = createContext(false);

const WITHHELD =
  /(\[(?:name withheld|e-mail withheld|internal host|address withheld|internal link|amount withheld)\])/;

/** Text as written; in the public preview each placeholder of something withheld is marked. */
export function Text({ children }: { children: string | undefined }) {
  const highlight = useContext(WithheldContext);
  if (!children || !highlight || !WITHHELD.test(children)) return <>{children}</>;
  return (
    <>
      {children.split(WITHHELD).map((part, i) =>
        i % 2 === 1 ? (
          <mark key={i} className="withheld" title="Left out of the public version">
            {part}
          </mark>
        ) : (
          part
        ),
      )}
    </>
  );
}

/** A labelled block of prose, its paragraphs as written; nothing when empty. */
export function Prose({ label, text }: { label: string; text: string | undefined }) {
  if (!text) return null;
  return (
    <>
      <h3>{label}</h3>
      {text.split(/\n{2,}/).map((p, i) => (
        <p key={i}>
          <Text>{p}</Text>
        </p>
      ))}
    </>
  );
}

/** “12,400 customers unable to pay”, not “12,400 customers customers unable to pay”. */
export function figureText(value: number, unit: string | undefined, measure: string): string {
  const n = value.toLocaleString();
  const u = unit?.trim();
  if (!u || measure.toLowerCase().startsWith(u.toLowerCase())) return `${n} ${measure}`;
  return `${n} ${u} ${measure}`;
}

/** A web link when the text is one, else the text itself (ids such as M1, free text). */
export function LinkOrText({ link, text }: { link: string; text?: string }) {
  if (/^https?:\/\//.test(link))
    return (
      <a href={link} rel="noreferrer noopener">
        {text ?? link}
      </a>
    );
  return <>{text ? `${text} (${link})` : link}</>;
}

/** The titles of the report's sections as the read view shows them. */
export const SECTION_TITLES: Record<SectionKey, string> = {
  summary: 'Executive summary',
  details: 'Event details',
  impact: 'Impact',
  analysis: 'Root cause analysis',
  lessons: 'Lessons',
  actions: 'Action items',
  materials: 'Supporting materials',
};
