// The kinds of timeline entries, apart from the report's schemas (report.schema.ts builds its enum from them) so
// that code needing only the words (the CLI's bundled `evidence`) loads without zod.

/** The role of a timeline entry in the response. */
export const EVENT_KINDS = [
  'detected',
  'responded',
  'investigating',
  'hypothesis',
  'mitigated',
  'communicated',
  'resolved',
  'other',
] as const;
