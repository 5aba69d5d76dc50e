import { sql, type ExpressionBuilder, type Expression, type SqlBool } from 'kysely';
import type { Database } from './database.types.js';

/** Who is asking: restricted reports are visible only to their creator and the principals they name. */
export interface Viewer {
  userId: string;
  /** Lower-cased keys the viewer may be listed under among a report's members (e-mail, user id). */
  principals: string[];
}

/** A SQL condition true for the reports (aliased `r`) the viewer may see. */
export function visibleTo(
  viewer: Viewer,
): (eb: ExpressionBuilder<Database & { r: Database['reports'] }, 'r'>) => Expression<SqlBool> {
  return (eb) =>
    eb.or([
      eb('r.restricted', '=', 0),
      eb('r.created_by', '=', viewer.userId),
      eb.exists(
        eb
          .selectFrom('report_members as m')
          .select(sql`1`.as('one'))
          .whereRef('m.report_id', '=', 'r.id')
          .where('m.principal', 'in', viewer.principals.length > 0 ? viewer.principals : ['']),
      ),
    ]);
}
