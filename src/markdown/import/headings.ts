import { replaceBracketed } from './text.util.js';
/** What a section of a foreign report holds, and so where its content goes in the model. */
export type Role =
  | 'summary'
  | 'background'
  | 'impact'
  | 'customerImpact'
  | 'timeline'
  | 'rootCause'
  | 'factors'
  | 'trigger'
  | 'resolution'
  | 'detection'
  | 'remediation'
  | 'actions'
  | 'lessons'
  | 'lessonNotes'
  | 'wentWell'
  | 'wentWrong'
  | 'couldImprove'
  | 'lucky'
  | 'stats'
  | 'attendees'
  | 'authors'
  | 'severity'
  | 'whys'
  | 'date'
  | 'appendix';

/** Where each role's prose lands in the model, as a path for the recognition report. */
export const ROLE_TARGET: Record<Role, string> = {
  summary: 'summary.whatHappened',
  background: 'summary.notes',
  impact: 'impact.notes',
  customerImpact: 'impact.customer',
  timeline: 'details.timeline',
  rootCause: 'analysis.primaryCause',
  factors: 'analysis.factors',
  trigger: 'analysis.notes',
  resolution: 'details.stepsTaken',
  detection: 'details.howFound',
  remediation: 'actions.items',
  actions: 'actions.items',
  lessons: 'lessons.couldImprove',
  lessonNotes: 'lessons.notes',
  wentWell: 'lessons.wentWell',
  wentWrong: 'lessons.wentWrong',
  couldImprove: 'lessons.couldImprove',
  lucky: 'lessons.lucky',
  stats: 'details.notes',
  attendees: 'involved',
  authors: 'authors',
  severity: 'details.severityRationale',
  whys: 'analysis.fiveWhys',
  date: 'summary.notes',
  appendix: 'materials.appendices',
};

// Exact names after normalization; the patterns below catch the longer variants.
const SYNONYMS: Record<string, Role> = {
  summary: 'summary',
  overview: 'summary',
  'executive summary': 'summary',
  'incident summary': 'summary',
  tldr: 'summary',
  'tl dr': 'summary',
  abstract: 'summary',
  'what happened': 'summary',
  description: 'summary',
  'incident description': 'summary',
  background: 'background',
  context: 'background',
  impact: 'impact',
  'customer impact': 'customerImpact',
  'user impact': 'customerImpact',
  timeline: 'timeline',
  chronology: 'timeline',
  'sequence of events': 'timeline',
  'root cause': 'rootCause',
  'root causes': 'rootCause',
  'root cause analysis': 'rootCause',
  rca: 'rootCause',
  cause: 'rootCause',
  causes: 'rootCause',
  'contributing factors': 'factors',
  'contributing factor': 'factors',
  'contributing causes': 'factors',
  factors: 'factors',
  "why it wasn't caught": 'factors',
  'why it was not caught': 'factors',
  trigger: 'trigger',
  triggers: 'trigger',
  resolution: 'resolution',
  recovery: 'resolution',
  mitigation: 'resolution',
  'resolution and recovery': 'resolution',
  'steps taken': 'resolution',
  response: 'resolution',
  detection: 'detection',
  'how it was detected': 'detection',
  'how it was found': 'detection',
  discovery: 'detection',
  remediation: 'remediation',
  remediations: 'remediation',
  'action items': 'actions',
  'action item': 'actions',
  actions: 'actions',
  'follow ups': 'actions',
  followups: 'actions',
  'follow up': 'actions',
  'follow up items': 'actions',
  'follow up actions': 'actions',
  'next steps': 'actions',
  'corrective actions': 'actions',
  'preventive actions': 'actions',
  'corrective and preventive actions': 'actions',
  todo: 'actions',
  'action plan': 'actions',
  'lessons learned': 'lessons',
  'lessons learnt': 'lessons',
  lessons: 'lessons',
  learnings: 'lessons',
  "how'd we do": 'lessons',
  'how did we do': 'lessons',
  retrospective: 'lessons',
  'key takeaways': 'lessonNotes',
  takeaways: 'lessonNotes',
  'what went well': 'wentWell',
  'went well': 'wentWell',
  'things that went well': 'wentWell',
  'what worked': 'wentWell',
  'what went wrong': 'wentWrong',
  'what went poorly': 'wentWrong',
  'what went badly': 'wentWrong',
  'went wrong': 'wentWrong',
  "what didn't go so well": 'wentWrong',
  "what didn't go well": 'wentWrong',
  'what did not go well': 'wentWrong',
  "what didn't work": 'wentWrong',
  'things that went wrong': 'wentWrong',
  'what could have gone better': 'couldImprove',
  'what could be improved': 'couldImprove',
  'could improve': 'couldImprove',
  'where we got lucky': 'lucky',
  'where we were lucky': 'lucky',
  'what was lucky': 'lucky',
  luck: 'lucky',
  stats: 'stats',
  statistics: 'stats',
  metrics: 'stats',
  'key metrics': 'stats',
  numbers: 'stats',
  attendees: 'attendees',
  participants: 'attendees',
  responders: 'attendees',
  'people involved': 'attendees',
  'who was involved': 'attendees',
  people: 'attendees',
  authors: 'authors',
  author: 'authors',
  'written by': 'authors',
  severity: 'severity',
  whys: 'whys',
  'five whys': 'whys',
  '5 whys': 'whys',
  'the 5 whys': 'whys',
  'the five whys': 'whys',
  date: 'date',
  appendix: 'appendix',
  appendices: 'appendix',
  'supporting information': 'appendix',
  'supporting materials': 'appendix',
  references: 'appendix',
  links: 'appendix',
  resources: 'appendix',
};

// Checked in order after an exact match fails; the first that fits wins.
const PATTERNS: [RegExp, Role][] = [
  [/\bwent (?:well|right)\b/, 'wentWell'],
  [/\bwent (?:wrong|poorly|badly)\b|\bdid ?n[o']?t go (?:so )?well\b/, 'wentWrong'],
  [/\blucky\b/, 'lucky'],
  [/\blessons?\b|\blearnings?\b/, 'lessons'],
  [/\btakeaways?\b/, 'lessonNotes'],
  [/\bcontributing\b/, 'factors'],
  [/\broot ?causes?\b/, 'rootCause'],
  [/\btimeline\b|\bchronolog/, 'timeline'],
  [
    /\baction items?\b|\bfollow ?ups?\b|\bnext steps\b|\b(?:immediate|short|medium|long) term\b|\bactions\b|\bimprovements\b/,
    'actions',
  ],
  [/\bremediation/, 'remediation'],
  [/\bcustomer impact\b|\buser impact\b/, 'customerImpact'],
  [/\bimpact\b/, 'impact'],
  [/\bsummary\b|\boverview\b/, 'summary'],
  [/\bdetection\b|\bhow (?:it|we) (?:was )?(?:detected|found|noticed)\b/, 'detection'],
  [/\bresolution\b|\brecovery\b|\bmitigation\b/, 'resolution'],
  [/\btrigger\b/, 'trigger'],
  [/\battendees\b|\bparticipants\b|\bresponders\b/, 'attendees'],
  [/\bappendi|\bsupporting (?:information|material)/, 'appendix'],
];

// Headings that say what they hold in other words, often as a question ("What caused it?", "How do we stop
// this from recurring?"): matched on their content words, after the names and patterns above.
const MEANINGS: [RegExp, Role][] = [
  [/\bwhys\b/, 'whys'],
  [/\bwhat (?:went|was) (?:right|good)\b|\bwhat worked\b|\bpositives?\b/, 'wentWell'],
  [/\bwhat (?:went|was) (?:bad|not so good)\b|\bnegatives?\b/, 'wentWrong'],
  [/\bluck/, 'lucky'],
  [
    /\b(?:prevent\w*|recurr\w*|reoccur\w*|stop (?:this|it)|happen(?:ing)? again|avoid\w*|going to do|(?:will|do|should|can) we do|next time|safeguards?|fix(?:es)? going forward)\b/,
    'actions',
  ],
  [
    /\b(?:caused?|causes|causing|why did|why was|why were|why it|why did it|how did (?:this|it) happen|reasons?)\b/,
    'rootCause',
  ],
  [/\b(?:insights?|observations?|reflections?|what (?:did )?we learn\w*)\b/, 'lessons'],
  [/\b(?:severity|priority)\b/, 'severity'],
  [/\bwho (?:was|were) (?:involved|there|on call)\b|\bwho (?:responded|attended|helped)\b/, 'attendees'],
  [
    /\bhow (?:was it|did we|it was|we) (?:fix|resolv|recover|mitigat|solv|restor)\w*|\bwhat did we do\b|\bsteps we took\b/,
    'resolution',
  ],
  [
    /\bhow (?:was it|did we|it was|we) (?:detect|notic|find|found|discover|learn)\w*|\bwhen did we (?:know|notice)/,
    'detection',
  ],
  [/\b(?:affected|impacted|blast radius)\b|\bwho was hit\b/, 'impact'],
  [/\bwhat happened\b|\bwhat was the (?:problem|issue)\b/, 'summary'],
  [/\b(?:sequence|order) of events\b|\bwhen did (?:it|this) happen\b/, 'timeline'],
];

/** A heading's text reduced for matching: lower case, no numbering, parentheses, emoji or end punctuation. */
export function normalizeHeading(text: string): string {
  const lower = text.toLowerCase().replace(/[’‘]/g, "'");
  return replaceBracketed(replaceBracketed(lower, '(', ')', ' '), '[', ']', ' ')
    .replace(/^\s*(?:(?:\d+|[ivx]+|[a-h])[.)]|\d+(?:\.\d+)*)\s+/, '')
    .replace(/&/g, ' and ')
    .replace(/[-_/]/g, ' ')
    .replace(/[^\p{L}\p{N}' ]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function editDistanceAtMostOne(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** The role a heading names, by synonym, pattern or a one-letter typo of a long name; undefined if none. */
export function classifyHeading(text: string): Role | undefined {
  const n = normalizeHeading(text);
  if (!n) return undefined;
  const exact = SYNONYMS[n];
  if (exact) return exact;
  for (const [re, role] of PATTERNS) if (re.test(n)) return role;
  for (const [re, role] of MEANINGS) if (re.test(n)) return role;
  if (n.length >= 6) {
    for (const [name, role] of Object.entries(SYNONYMS)) {
      if (name.length >= 6 && editDistanceAtMostOne(n, name)) return role;
    }
  }
  return undefined;
}

/** Roles whose lists become structured entries rather than prose. */
export const LIST_ROLES: ReadonlySet<Role> = new Set([
  'timeline',
  'factors',
  'remediation',
  'actions',
  'lessons',
  'wentWell',
  'wentWrong',
  'couldImprove',
  'lucky',
  'attendees',
  'authors',
  'whys',
]);
