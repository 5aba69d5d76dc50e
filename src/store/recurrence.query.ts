import type { Kysely } from 'kysely';
import type { Report } from '../domain/index.js';
import type { Database } from './database.types.js';
import { visibleTo, type Viewer } from './viewer.js';

/** A link from a later report to an earlier one it recurs, both live and visible to the viewer. */
export interface RecurrenceLink {
  later: { id: string; title: string; report: Report };
  earlier: { id: string; title: string; report: Report };
}

/**
 * The recurrence links the viewer may see (both reports visible and not deleted), optionally only those that
 * touch one report (as the later or the earlier one), with both reports' content for matching their causes.
 * At most `limit` links, newest later reports first.
 */
export async function queryRecurrenceLinks(
  db: Kysely<Database>,
  viewer: Viewer,
  options: { reportId?: string; limit: number },
): Promise<RecurrenceLink[]> {
  let q = db
    .selectFrom('report_recurrences as l')
    .innerJoin('reports as r', 'r.id', 'l.report_id')
    .innerJoin('reports as e', 'e.id', 'l.earlier_id')
    .where('r.deleted_at', 'is', null)
    .where('e.deleted_at', 'is', null)
    .where(visibleTo(viewer))
    // The same condition on the earlier report, written on its alias.
    .where((eb) =>
      eb.exists(
        eb.selectFrom('reports as r').select('r.id').whereRef('r.id', '=', 'e.id').where(visibleTo(viewer)),
      ),
    );
  if (options.reportId) {
    const id = options.reportId;
    q = q.where((eb) => eb.or([eb('l.report_id', '=', id), eb('l.earlier_id', '=', id)]));
  }
  const rows = await q
    .select(['r.id as later_id', 'r.title as later_title', 'r.content as later_content'])
    .select(['e.id as earlier_id', 'e.title as earlier_title', 'e.content as earlier_content'])
    .orderBy('r.seq', 'desc')
    .orderBy('e.id')
    .limit(options.limit)
    .execute();
  return rows.map((row) => ({
    later: { id: row.later_id, title: row.later_title, report: JSON.parse(row.later_content) as Report },
    earlier: {
      id: row.earlier_id,
      title: row.earlier_title,
      report: JSON.parse(row.earlier_content) as Report,
    },
  }));
}
