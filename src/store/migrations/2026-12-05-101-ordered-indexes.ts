// Frozen in time: never edit a migration that has shipped; add a new dated file instead.
// Indexes in the order lists are read, so a page is an index seek however many rows there are: reports by
// last change within a state, kind or severity, and action items by deadline (none last) overall, per owner
// and per status. The expressions must stay exactly as the queries write them for the planner to use them.
/* eslint-disable @typescript-eslint/no-explicit-any */
import { sql, type Kysely } from 'kysely';

const INDEXES: [string, string][] = [
  ['reports_state_updated', 'reports (state, updated_at, id)'],
  ['reports_kind_updated', 'reports (kind, updated_at, id)'],
  ['reports_severity_updated', 'reports ((lower(severity)), updated_at, id)'],
  ['action_items_order', "action_items ((coalesce(deadline, '9999-12-31')), report_id, position)"],
  [
    'action_items_owner_order',
    "action_items (owner_key, (coalesce(deadline, '9999-12-31')), report_id, position)",
  ],
  [
    'action_items_status_order',
    "action_items (status, (coalesce(deadline, '9999-12-31')), report_id, position)",
  ],
];

// The action-item indexes of the first migration lead with the same columns as two of these, which serve
// every query they did; each index costs every save a page write, so they go.
const SUPERSEDED: [string, string][] = [
  ['action_items_owner', 'action_items (owner_key)'],
  ['action_items_deadline', 'action_items (status, deadline)'],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, on] of INDEXES) await sql.raw(`create index ${name} on ${on}`).execute(db);
  for (const [name] of SUPERSEDED) await sql.raw(`drop index ${name}`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [name, on] of SUPERSEDED) await sql.raw(`create index ${name} on ${on}`).execute(db);
  for (const [name] of INDEXES) await sql.raw(`drop index ${name}`).execute(db);
}
