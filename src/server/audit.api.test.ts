import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';

// Deleting and restoring a report write their audit entry in the transaction of the change: when the entry
// cannot be written, the change does not happen. The database itself refuses the entry (a trigger), so the
// failure is a real one at the point of the insert.
describe.each(testDialects())('audit entries in the transaction of the change on %s', (dialect) => {
  let s: TestServer;
  let admin: TestClient;

  beforeAll(async () => {
    s = await startTestServer(dialect);
    admin = await s.client('admin', 'Ann Admin');
    if (dialect === 'postgres') {
      await sql`create function refuse_audit() returns trigger as $$ begin raise exception 'audit unavailable'; end; $$ language plpgsql`.execute(
        s.db.store.db,
      );
    }
  });
  afterAll(async () => s?.close());

  /** Make the database refuse audit entries of one action while `during` runs. */
  async function refusing<T>(action: string, during: () => Promise<T>): Promise<T> {
    const db = s.db.store.db;
    if (dialect === 'sqlite') {
      await sql`create trigger refuse_audit before insert on audit_log when new.action = ${sql.lit(action)}
        begin select raise(abort, 'audit unavailable'); end`.execute(db);
    } else {
      await sql`create trigger refuse_audit before insert on audit_log for each row
        when (new.action = ${sql.lit(action)}) execute function refuse_audit()`.execute(db);
    }
    try {
      return await during();
    } finally {
      await sql`drop trigger refuse_audit${dialect === 'postgres' ? sql` on audit_log` : sql``}`.execute(db);
    }
  }

  const entries = async (action: string, id: string) =>
    (await s.app.services.auditLog.list({ action, targetId: id }, { limit: 10, offset: 0 })).length;

  it('does not delete a report whose audit entry cannot be written, nor restore one', async () => {
    const created = await admin.call({ method: 'POST', url: '/api/postmortems', payload: completeReport() });
    expect(created.statusCode).toBe(201);
    const id = created.json().id as string;

    const failed = await refusing('report.delete', () =>
      admin.call({ method: 'DELETE', url: `/api/postmortems/${id}` }),
    );
    expect(failed.statusCode).toBe(500);
    expect((await admin.call({ method: 'GET', url: `/api/postmortems/${id}` })).statusCode).toBe(200);
    expect(await entries('report.delete', id)).toBe(0);

    expect((await admin.call({ method: 'DELETE', url: `/api/postmortems/${id}` })).statusCode).toBe(204);
    expect((await admin.call({ method: 'GET', url: `/api/postmortems/${id}` })).statusCode).toBe(404);
    expect(await entries('report.delete', id)).toBe(1);

    const notRestored = await refusing('report.undelete', () =>
      admin.call({ method: 'POST', url: `/api/postmortems/${id}/restore` }),
    );
    expect(notRestored.statusCode).toBe(500);
    expect((await admin.call({ method: 'GET', url: `/api/postmortems/${id}` })).statusCode).toBe(404);
    expect(await entries('report.undelete', id)).toBe(0);

    const restored = await admin.call({ method: 'POST', url: `/api/postmortems/${id}/restore` });
    expect(restored.statusCode).toBe(200);
    expect((await admin.call({ method: 'GET', url: `/api/postmortems/${id}` })).statusCode).toBe(200);
    expect(await entries('report.undelete', id)).toBe(1);
  });
});
