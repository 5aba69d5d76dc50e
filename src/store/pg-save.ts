import { sql, type RawBuilder } from 'kysely';

/**
 * A report save on PostgreSQL in few round trips. Written one statement per table (and one per side table
 * to empty it), a save cost two dozen round trips, each a wait on the database while the save's locks (the
 * next seq, the insights' generation) were held. Here every table's rows go in one statement: a
 * data-modifying CTE per table, each reading its rows from one JSON parameter (json_populate_recordset, so
 * each column takes its table's type), and the side tables are emptied in one statement too. The rows are
 * the same as report-rows.ts gives the SQLite path.
 */

/** One table's rows to insert, or a statement of its own (an upsert, an update) to run beside them. */
export type Write = { table: string; rows: readonly object[] } | { statement: RawBuilder<unknown> };

/**
 * One statement inserting every row of `writes`; undefined when there is nothing to write. Rows with the same
 * columns (those whose value is not undefined, as the query builder takes them) go in one CTE, so a column left
 * out keeps its default. Constraints are checked as each row goes in, foreign keys at the statement's end (a
 * report's row and its side rows may be written together).
 */
export function insertAllSql(writes: readonly Write[]): RawBuilder<unknown> | undefined {
  const parts: RawBuilder<unknown>[] = [];
  for (const w of writes) {
    if ('statement' in w) {
      parts.push(w.statement);
      continue;
    }
    const groups = new Map<string, { columns: string[]; rows: Record<string, unknown>[] }>();
    for (const row of w.rows) {
      const defined = Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
      const columns = Object.keys(defined);
      const key = columns.join(',');
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { columns, rows: [] }));
      g.rows.push(defined);
    }
    for (const { columns, rows } of groups.values()) {
      const cols = sql.join(columns.map((c) => sql.ref(c)));
      parts.push(
        sql`insert into ${sql.table(w.table)} (${cols}) select ${cols}
          from json_populate_recordset(null::${sql.table(w.table)}, ${JSON.stringify(rows)}::json)`,
      );
    }
  }
  if (parts.length === 0) return undefined;
  if (parts.length === 1) return parts[0];
  // Every data-modifying CTE runs to completion whether or not the main query reads it.
  const ctes = parts.map((p, i) => sql`${sql.raw(`w${i}`)} as (${p})`);
  return sql`with ${sql.join(ctes)} select 1`;
}

/**
 * One statement emptying `tables` of a report's rows, giving its report_facts row as it stood before (all of
 * a statement's parts see the same snapshot, so the read is not affected by the deletes beside it).
 */
export function deleteSideRowsSql(reportId: string, tables: readonly string[]): RawBuilder<unknown> {
  const ctes = tables.map(
    (t, i) => sql`${sql.raw(`d${i}`)} as (delete from ${sql.table(t)} where report_id = ${reportId})`,
  );
  return sql`with ${sql.join([
    sql`prev as (select * from report_facts where report_id = ${reportId})`,
    ...ctes,
  ])} select * from prev`;
}
