import { z } from 'zod';
import { instantSchema, lifecycleStateSchema, reportKindSchema, SECTION_KEYS } from '../../domain/index.js';

export const reportIdSchema = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'must be a report id: letters, digits, dots, dashes or underscores',
  );
export const uuidSchema = z.uuid('must be an id such as 0b6c…-…');

export const reportParams = z.strictObject({ id: reportIdSchema });
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
};
/** A keyset cursor: the `next` of the previous page; faster than `offset` at any depth. */
export const cursorQuery = { cursor: z.string().min(1).max(1000).optional() };
export const versionSchema = z.number().int().min(1, 'must be a version number from a previous read');

export const listQuery = z.object({
  ...pageQuery,
  ...cursorQuery,
  state: lifecycleStateSchema.optional(),
  kind: reportKindSchema.optional(),
  severity: z.string().min(1).max(100).optional(),
  tag: z.string().min(1).max(200).optional(),
  system: z.string().min(1).max(200).optional(),
  person: z.string().min(1).max(200).optional(),
  from: instantSchema.optional(),
  to: instantSchema.optional(),
  deleted: z.stringbool().optional(),
});

export const sectionSchema = z.enum(SECTION_KEYS);
