// History and diffs in the words a writer sees in the editor, not the model's paths and state codes.
import { labelOf } from '../../../src/domain/labels.js';

const SECTION_NAMES: Record<string, string> = {
  summary: 'Executive summary',
  details: 'Event details',
  impact: 'Impact',
  analysis: 'Root cause analysis',
  lessons: 'Lessons',
  actions: 'Action items',
  materials: 'Supporting materials',
};

/** Field names as the editor labels them; a name not listed is spelled out from its camel case. */
const FIELD_NAMES: Record<string, string> = {
  whatHappened: 'What happened',
  impact: 'Impact in brief',
  coreIssue: 'Core issue',
  keyLessons: 'Key lessons',
  nextSteps: 'Next steps',
  severityRationale: 'Why this severity',
  affected: 'What was affected',
  howFound: 'How it was found',
  stepsTaken: 'Steps taken',
  at: 'Time',
  text: 'Description',
  actor: 'Who or what',
  evidence: 'Evidence link',
  primaryCause: 'Primary root cause',
  causalChain: 'Causal chain',
  subCauses: 'Details',
  successCriterion: 'Success criterion',
  tracker: 'Tracker link',
  addresses: 'Addresses',
  period: 'When',
  start: 'Started',
  end: 'Ended',
  timezone: 'Time zone',
  involved: 'People involved',
  systems: 'Affected systems',
  members: 'Members who may see it',
  detection: 'How it was detected',
  wentWell: 'Went well',
  wentWrong: 'Went wrong',
  couldImprove: 'Could improve',
  lucky: 'Where we got lucky',
  operational: 'Operational impact',
  customer: 'Customer impact',
  reputational: 'Reputational impact',
  team: 'Team impact',
};

/** What one element of a list is called, by the list it is in. */
const ITEM_NAMES: Record<string, string> = {
  timeline: 'Event',
  financial: 'Money line',
  figures: 'Figure',
  fiveWhys: '5 Whys chain',
  steps: 'Why',
  fishbone: 'Cause',
  factors: 'Factor',
  barriers: 'Barrier',
  changes: 'Change',
  items: 'Item',
  wentWell: 'Lesson',
  wentWrong: 'Lesson',
  couldImprove: 'Lesson',
  lucky: 'Lesson',
  appendices: 'Appendix',
};

const spell = (name: string) => {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A model path as a writer reads it: `actions.items.2.owner` → “Action items › Item 3 › Owner”. */
export function pathWords(path: readonly (string | number)[]): string {
  const [first, ...rest] = path.map(String);
  if (first === undefined) return 'The whole report';
  const words: string[] = [SECTION_NAMES[first] ?? `Basics › ${FIELD_NAMES[first] ?? spell(first)}`];
  let list = first;
  for (const part of rest) {
    if (/^\d+$/.test(part)) {
      words.push(`${ITEM_NAMES[list] ?? 'Item'} ${Number(part) + 1}`);
    } else if (part !== 'items' || list !== first) {
      words.push(FIELD_NAMES[part] ?? spell(part));
    }
    list = part;
  }
  return words.join(' › ');
}

/** A revision's stored summary (`moved from in_review to published`, `edited analysis`) in words. */
export function revisionWords(summary: string): string {
  const moved = /^moved from ([a-z_]{1,40}) to ([a-z_]{1,40})$/.exec(summary);
  if (moved) return `moved from ${labelOf(moved[1]!)} to ${labelOf(moved[2]!)}`;
  const edited = /^edited ([a-z]{1,40})$/.exec(summary);
  if (edited && SECTION_NAMES[edited[1]!]) return `edited ${SECTION_NAMES[edited[1]!]}`;
  return summary;
}
