// What an imported Markdown file became, in a sentence, so the writer knows what to check first.
import { SECTION_KEYS, type Report } from '../../../src/domain/report.schema.js';

const SECTION_NAMES: Record<string, string> = {
  summary: 'Executive summary',
  details: 'Event details',
  impact: 'Impact',
  analysis: 'Root cause analysis',
  lessons: 'Lessons',
  actions: 'Action items',
  materials: 'Supporting materials',
};

const filled = (v: unknown): boolean =>
  typeof v === 'string'
    ? v.trim() !== ''
    : typeof v === 'number'
      ? true
      : Array.isArray(v)
        ? v.some(filled)
        : v !== null && typeof v === 'object'
          ? Object.values(v).some(filled)
          : false;

const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** “Recognized: the title, 4 of 7 sections, 12 timeline events, 3 action items; kept as notes: …”. */
export function importSummary(r: Report): string {
  const withText = SECTION_KEYS.filter((k) => filled(r[k]));
  const lessons = Object.values(r.lessons).reduce((n, v) => n + (Array.isArray(v) ? v.length : 0), 0);
  const parts = [
    r.title.trim() ? `the title “${r.title}”` : '',
    `${withText.length} of ${SECTION_KEYS.length} sections (${withText.map((k) => SECTION_NAMES[k]).join(', ') || 'none'})`,
    count(r.details.timeline.length, 'timeline event'),
    count(r.actions.items.length, 'action item'),
    lessons ? count(lessons, 'lesson') : '',
    r.analysis.primaryCause?.trim() ? 'a primary root cause' : '',
  ].filter(Boolean);
  const notes = SECTION_KEYS.filter((k) => (r[k] as { notes?: string }).notes?.trim()).map(
    (k) => SECTION_NAMES[k],
  );
  const untimed = r.details.timeline.filter((e) => e.at === null).length;
  return (
    `Recognized ${parts.join(', ')}.` +
    (notes.length ? ` Text that fit no field is kept as notes in ${notes.join(', ')}.` : '') +
    (untimed
      ? ` ${count(untimed, 'timeline event')} had no time that could be read; set ${untimed === 1 ? 'it' : 'them'} in Event details.`
      : '')
  );
}
