import { z } from 'zod';
import { lineSchema, listOf, textSchema } from './primitives.schema.js';
import { audienceSchema, DEFAULT_INTERNAL_NETWORK, parseIpRange } from './audience.js';
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

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';

/** A domain the organisation uses inside only (`corp.example.com`): hosts under it are internal. */
const internalDomainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(new RegExp(`^${LABEL}(?:\\.${LABEL})*$`), 'must be a domain name such as corp.example.com');

/** A name ending that only resolves inside (`internal`, `.corp`, `home.arpa`); the leading dot is optional. */
const internalSuffixSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(new RegExp(`^\\.?${LABEL}(?:\\.${LABEL})*$`), 'must be a name ending such as .internal or corp')
  .transform((s) => s.replace(/^\./, ''));

/** A network of the organisation: an address or a CIDR range, IPv4 or IPv6. */
const ipRangeSchema = z
  .string()
  .trim()
  .max(64)
  .refine(
    (s) => parseIpRange(s) !== undefined,
    'must be an IP address or a CIDR range such as 10.0.0.0/8 or fd00::/8',
  );

/** What counts as inside the organisation, for the public version and the public-leak lint rule. */
export const internalNetworkSchema = z.strictObject({
  domains: listOf(internalDomainSchema, 500).default([]),
  // A list left out keeps the defaults: an admin who adds a domain does not lose the private ranges.
  suffixes: listOf(internalSuffixSchema, 200).default(DEFAULT_INTERNAL_NETWORK.suffixes),
  ipRanges: listOf(ipRangeSchema, 500).default(DEFAULT_INTERNAL_NETWORK.ipRanges),
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
  /** Internal domains, host suffixes and IP ranges (defaults: private ranges, .internal, .local, .corp…). */
  internalNetwork: internalNetworkSchema,
});
export const settingsPatchSchema = settingsSchema.partial();

export type Settings = z.output<typeof settingsSchema>;
