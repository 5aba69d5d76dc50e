import { z } from 'zod';
import { lineSchema, listOf, textSchema } from './primitives.schema.js';

/** One level of an organization's severity scale. Rank 1 is the most severe. */
export const severityLevelSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'must be a short code such as SEV1'),
  rank: z.number().int().min(1).max(100),
  name: lineSchema,
  definition: textSchema,
});

/** An organization's agreed severity scale: at least one level, unique ids and ranks. */
export const severityScaleSchema = z
  .strictObject({ levels: listOf(severityLevelSchema, 20).min(1, 'needs at least one level') })
  .superRefine((scale, ctx) => {
    const ids = new Set<string>();
    const ranks = new Set<number>();
    scale.levels.forEach((level, i) => {
      if (ids.has(level.id.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', i, 'id'],
          message: `level id ${level.id} is used twice`,
        });
      }
      if (ranks.has(level.rank)) {
        ctx.addIssue({
          code: 'custom',
          path: ['levels', i, 'rank'],
          message: `rank ${level.rank} is used twice`,
        });
      }
      ids.add(level.id.toLowerCase());
      ranks.add(level.rank);
    });
  });

export type SeverityLevel = z.infer<typeof severityLevelSchema>;
export type SeverityScale = z.infer<typeof severityScaleSchema>;

/** The scale Hindsight ships with; an organization can replace it in its settings. */
export const DEFAULT_SEVERITY_SCALE: SeverityScale = {
  levels: [
    {
      id: 'SEV1',
      rank: 1,
      name: 'Critical',
      definition:
        'A core service is down or data is lost or exposed for many customers, or money or legal standing is at stake. Everyone needed is pulled in at once, at any hour.',
    },
    {
      id: 'SEV2',
      rank: 2,
      name: 'High',
      definition:
        'A major feature is broken or badly degraded for a large share of customers, or a security weakness is being exploited in a limited way. Handled now, during or outside working hours.',
    },
    {
      id: 'SEV3',
      rank: 3,
      name: 'Medium',
      definition:
        'A minor feature is broken, a workaround exists, or only a small group of customers or an internal team is affected. Handled within working hours.',
    },
    {
      id: 'SEV4',
      rank: 4,
      name: 'Low',
      definition:
        'Cosmetic problems, near misses and internal inconveniences with no customer effect. Worth learning from; no urgent response.',
    },
  ],
};

/** Find the level a report's severity names, ignoring case. */
export function findSeverityLevel(scale: SeverityScale, id: string): SeverityLevel | undefined {
  const key = id.toLowerCase();
  return scale.levels.find((l) => l.id.toLowerCase() === key || l.name.toLowerCase() === key);
}
