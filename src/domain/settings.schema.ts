import { z } from 'zod';
import { lineSchema, listOf, textSchema } from './primitives.schema.js';
import { audienceSchema } from './audience.js';
import { factorCategorySchema, reportKindSchema } from './report.schema.js';
import { severityScaleSchema } from './severity.js';

export const rosterEntrySchema = z.strictObject({
  name: lineSchema,
  email: z.email().max(320).optional(),
  role: lineSchema.optional(),
  team: lineSchema.optional(),
});

export const templateSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes'),
  name: lineSchema,
  kind: reportKindSchema,
  description: textSchema.optional(),
  tags: listOf(lineSchema, 100).default([]),
  /** Extra guidance per block of the report, keyed like `summary.whatHappened`. */
  guidance: z.record(z.string().regex(/^[a-z]+\.[a-zA-Z]+$/), textSchema).default({}),
});

/** One category of the organisation's taxonomy of contributing factors. */
export const factorCategoryEntrySchema = z.strictObject({
  name: factorCategorySchema,
  description: lineSchema.optional(),
});

/** At most this many recipients for one sending of a report by e-mail. */
export const MAX_RECIPIENTS = 100;

/** A list of e-mail addresses a report goes to (no duplicates regardless of case). */
export const recipientsSchema = z
  .array(z.email().max(320))
  .min(1, 'must name at least one address')
  .max(MAX_RECIPIENTS, `must name at most ${MAX_RECIPIENTS} addresses`)
  .refine(
    (list) => new Set(list.map((a) => a.toLowerCase())).size === list.length,
    'addresses must be unique',
  );

/** Who receives reports of one kind by e-mail, and which version of them (sent on publication too). */
export const distributionListSchema = z.strictObject({
  to: recipientsSchema,
  audience: audienceSchema.default('internal'),
});

/** The organization's settings; every key optional when written, all present when read. */
export const settingsSchema = z.strictObject({
  severityScale: severityScaleSchema,
  requiredApprovals: z.number().int().min(0).max(20),
  roster: listOf(rosterEntrySchema, 5000),
  templates: listOf(templateSchema, 200),
  /** The taxonomy contributing factors are filed under (names unique regardless of case). */
  factorCategories: listOf(factorCategoryEntrySchema, 200).refine(
    (list) => new Set(list.map((c) => c.name.trim().toLowerCase())).size === list.length,
    'category names must be unique',
  ),
  /** Distribution lists per report kind (see docs/audiences.md). */
  distribution: z.partialRecord(reportKindSchema, distributionListSchema),
});
export const settingsPatchSchema = settingsSchema.partial();

export type Settings = z.output<typeof settingsSchema>;
