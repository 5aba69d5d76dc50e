/**
 * A report's metadata fields, in the order the front matter of Postmortem Markdown lists them (src/markdown writes
 * and reads them there; the store leaves them out of the search text, since the list filters find them).
 */
export const FRONT_MATTER_KEYS = [
  'id',
  'kind',
  'state',
  'severity',
  'period',
  'detection',
  'authors',
  'facilitator',
  'reviewers',
  'involved',
  'tags',
  'systems',
  'visibility',
  'members',
  'related',
  'recurrenceOf',
  'internal',
] as const;
