// Reports sent by e-mail through a real SMTP server in its own process (test/smtp-child.ts): a chosen audience
// version as HTML with a plain-text part, to the addresses asked for or the list of the report's kind, queued
// in the outbox with the history entry that records it, and on publication to the kind's list.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases.js';
import { leakyReport, SECRETS } from '../../test/leaky.js';
import { completeReport } from '../../test/reports.js';
import { startMailTestServer, type MailTestServer, type SmtpProcess } from '../../test/smtp.js';
import { startTestServer, type TestClient, type TestServer } from '../../test/server.js';

describe.each(testDialects())('sending reports by e-mail on %s', (dialect) => {
  let mail: MailTestServer;
  let smtp: SmtpProcess;
  let s: TestServer;
  let plain: TestServer | undefined;
  let admin: TestClient;
  let eddie: TestClient;
  let bob: TestClient;
  let viewer: TestClient;
  let leaky: string;

  beforeAll(async () => {
    mail = await startMailTestServer(dialect);
    ({ smtp, server: s } = mail);
    admin = await s.client('admin', 'Ann Admin');
    eddie = await s.client('editor', 'Eddie Editor');
    bob = await s.client('editor', 'Bob Other');
    viewer = await s.client('viewer', 'Vic Viewer');
    const r = await eddie.call({ method: 'POST', url: '/api/postmortems', payload: leakyReport() });
    expect(r.statusCode, r.body).toBe(201);
    leaky = r.json<{ id: string }>().id;
  });
  afterAll(async () => {
    await mail?.close();
    await plain?.close();
  });

  const distribute = (c: TestClient, id: string, payload: Record<string, unknown>) =>
    c.call({ method: 'POST', url: `/api/postmortems/${id}/distribute`, payload });
  const sendAll = () => mail.drain();

  it('sends the public version as HTML and text with none of the names or hosts, and records it', async () => {
    const to = ['press@example.test', 'status@example.test'];
    const r = await distribute(eddie, leaky, { audience: 'public', to });
    expect(r.statusCode, r.body).toBe(202);
    const body = r.json<{ recipients: string[]; deliveries: string[]; audience: string; source: string }>();
    expect(body).toMatchObject({ audience: 'public', recipients: to, source: 'request' });
    expect(body.deliveries).toHaveLength(2);

    const before = smtp.mails.length;
    expect(await sendAll()).toBe(2);
    await smtp.waitFor(before + 2);
    const mails = smtp.mails.slice(before);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(to);
    for (const mail of mails) {
      expect(mail.from).toBe('hindsight@example.test');
      expect(mail.subject).toBe('Post-mortem: Checkout errors after a database failover (public version)');
      expect(mail.html).toMatch(/^<!doctype html>/i);
      expect(mail.html).toContain('Checkout errors after a database failover');
      expect(mail.text).toContain('Checkout errors after a database failover');
      expect(mail.text).not.toMatch(/<html|<body/i);
      for (const secret of Object.values(SECRETS).flat()) {
        expect(mail.html, `html: ${secret}`).not.toContain(secret);
        expect(mail.text, `text: ${secret}`).not.toContain(secret);
        expect(mail.subject).not.toContain(secret);
      }
    }

    // The report's history holds the sending: who, which version, to whom, and the deliveries.
    const log = await admin.call({
      method: 'GET',
      url: `/api/audit?target=${leaky}&action=report.distribute`,
    });
    expect(log.statusCode, log.body).toBe(200);
    const [entry] = log.json<{ items: { details: Record<string, unknown>; userId: string }[] }>().items;
    expect(entry!.details).toMatchObject({
      audience: 'public',
      recipients: to,
      deliveries: body.deliveries,
      trigger: 'request',
    });
  }, 60_000);

  it("sends the internal version to the list of the report's kind, names and all", async () => {
    const bad = await admin.call({
      method: 'PUT',
      url: '/api/settings',
      payload: { distribution: { outage: { to: ['not an address'] } } },
    });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().details)).toContain('distribution');
    const set = await admin.call({
      method: 'PUT',
      url: '/api/settings',
      payload: { distribution: { outage: { to: ['sre@example.test'] } } },
    });
    expect(set.statusCode, set.body).toBe(200);
    expect(set.json().distribution).toEqual({ outage: { to: ['sre@example.test'], audience: 'internal' } });

    const r = await distribute(eddie, leaky, { audience: 'internal' });
    expect(r.statusCode, r.body).toBe(202);
    expect(r.json()).toMatchObject({ recipients: ['sre@example.test'], source: 'settings' });
    const before = smtp.mails.length;
    expect(await sendAll()).toBe(1);
    await smtp.waitFor(before + 1);
    const mail = smtp.mails[before]!;
    expect(mail.to).toEqual(['sre@example.test']);
    expect(mail.subject).toContain('(internal version)');
    expect(mail.text).toContain('Priya Raman');
    expect(mail.html).toContain('db-primary-03.prod.internal');
  }, 60_000);

  it("queues the list's audience when a report of that kind is published", async () => {
    await admin.call({
      method: 'PUT',
      url: '/api/settings',
      payload: {
        requiredApprovals: 0,
        distribution: { outage: { to: ['exec@example.test', 'sre@example.test'], audience: 'executive' } },
      },
    });
    const created = await eddie.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: completeReport({ title: 'Login outage after a certificate expired', kind: 'outage' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    const move = (to: string, version: number) =>
      eddie.call({ method: 'POST', url: `/api/postmortems/${id}/transitions`, payload: { to, version } });
    expect((await move('in_review', 1)).statusCode).toBe(200);
    const published = await move('published', 2);
    expect(published.statusCode, published.body).toBe(200);

    const before = smtp.mails.length;
    expect(await sendAll()).toBe(2);
    await smtp.waitFor(before + 2);
    const mails = smtp.mails.slice(before);
    expect(mails.map((m) => m.to[0]).sort()).toEqual(['exec@example.test', 'sre@example.test']);
    expect(mails[0]!.subject).toBe(
      'Post-mortem: Login outage after a certificate expired (executive summary)',
    );
    const log = await admin.call({ method: 'GET', url: `/api/audit?target=${id}&action=report.distribute` });
    expect(log.json<{ items: { details: Record<string, unknown> }[] }>().items[0]!.details).toMatchObject({
      audience: 'executive',
      trigger: 'publication',
    });
  }, 60_000);

  // Issue 16, item 4: the mail of a publication is queued in the publishing transaction, so a failure between
  // the state change and the queuing cannot publish without sending, send without publishing, or send twice.
  it('queues the publication mail in the publishing transaction: a failure leaves neither, a retry one', async () => {
    await admin.call({
      method: 'PUT',
      url: '/api/settings',
      payload: {
        requiredApprovals: 0,
        distribution: { project: { to: ['ciso@example.test', 'sec@example.test'], audience: 'public' } },
      },
    });
    const created = await eddie.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: completeReport({ title: 'Token leak in a build log', kind: 'project' }),
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json<{ id: string }>().id;
    const move = (to: string, version: number) =>
      eddie.call({ method: 'POST', url: `/api/postmortems/${id}/transitions`, payload: { to, version } });
    expect((await move('in_review', 1)).statusCode).toBe(200);

    const db = s.db.store.db;
    const queued = async () =>
      (
        await db
          .selectFrom('outbox')
          .select('id')
          .where('target', '=', id)
          .where('kind', '=', 'distribution')
          .execute()
      ).length;
    const recorded = async () =>
      (
        await db
          .selectFrom('audit_log')
          .select('id')
          .where('target_id', '=', id)
          .where('action', '=', 'report.distribute')
          .execute()
      ).length;
    const state = async () =>
      (await eddie.call({ method: 'GET', url: `/api/postmortems/${id}` })).json<{
        report: { state: string };
      }>().report.state;

    // A failure after the outbox rows are written and before the transaction ends (the record of the sending
    // cannot be written): the whole publication is undone.
    if (dialect === 'sqlite') {
      await sql`create trigger fail_distribution before insert on audit_log when new.action = 'report.distribute'
        begin select raise(abort, 'injected failure'); end`.execute(db);
    } else {
      await sql`create function fail_distribution() returns trigger language plpgsql as $$
        begin raise exception 'injected failure'; end $$`.execute(db);
      await sql`create trigger fail_distribution before insert on audit_log for each row
        when (new.action = 'report.distribute') execute function fail_distribution()`.execute(db);
    }
    const failed = await move('published', 2);
    expect(failed.statusCode).toBe(500);
    expect(failed.json().message).not.toContain('injected');
    expect(await state()).toBe('in_review');
    expect(await queued()).toBe(0);
    expect(await recorded()).toBe(0);

    if (dialect === 'sqlite') await sql`drop trigger fail_distribution`.execute(db);
    else await sql`drop trigger fail_distribution on audit_log`.execute(db);
    // The retry publishes and queues once; a second try (a double click, a client retrying) queues nothing more.
    const published = await move('published', 2);
    expect(published.statusCode, published.body).toBe(200);
    expect(await state()).toBe('published');
    expect(await queued()).toBe(2);
    expect(await recorded()).toBe(1);
    const again = await move('published', 3);
    expect(again.statusCode).toBe(409);
    expect(await queued()).toBe(2);

    const before = smtp.mails.length;
    expect(await sendAll()).toBe(2);
    await smtp.waitFor(before + 2);
    expect(
      smtp.mails
        .slice(before)
        .map((m) => m.to[0])
        .sort(),
    ).toEqual(['ciso@example.test', 'sec@example.test']);
    const log = await admin.call({ method: 'GET', url: `/api/audit?target=${id}&action=report.distribute` });
    expect(log.json<{ items: { details: Record<string, unknown> }[] }>().items[0]!.details).toMatchObject({
      audience: 'public',
      trigger: 'publication',
      version: 3,
    });
  }, 60_000);

  it('refuses bad addresses, too many, viewers, non-members of a restricted report, and no SMTP', async () => {
    const bad = await distribute(eddie, leaky, { audience: 'public', to: ['sre@example.test', 'nope'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toEqual(['body', 'to', 1]);
    const many = Array.from({ length: 101 }, (_, i) => `p${i}@example.test`);
    expect((await distribute(eddie, leaky, { audience: 'public', to: many })).statusCode).toBe(400);
    expect((await distribute(eddie, leaky, { audience: 'secret' })).statusCode).toBe(400);
    expect((await distribute(viewer, leaky, { audience: 'public' })).statusCode).toBe(403);

    const hidden = await bob.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: completeReport({
        title: 'Restricted',
        visibility: 'restricted',
        members: ['bob.other@example.test'],
      }),
    });
    const hid = hidden.json<{ id: string }>().id;
    const refused = await distribute(eddie, hid, { audience: 'internal', to: ['x@example.test'] });
    expect(refused.statusCode).toBe(404);
    expect((await distribute(bob, hid, { audience: 'internal', to: ['x@example.test'] })).statusCode).toBe(
      202,
    );

    // A kind without a list and no addresses: a clear conflict naming what to do.
    const other = await eddie.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: completeReport({ title: 'A security one', kind: 'security' }),
    });
    const none = await distribute(eddie, other.json<{ id: string }>().id, { audience: 'internal' });
    expect(none.statusCode, none.body).toBe(409);
    expect(none.json().message).toContain('no distribution list for security reports');

    plain = await startTestServer(dialect);
    const c = await plain.client('editor', 'Nora Nomail');
    const made = await c.call({ method: 'POST', url: '/api/postmortems', payload: completeReport() });
    const noMail = await distribute(c, made.json<{ id: string }>().id, {
      audience: 'internal',
      to: ['x@example.test'],
    });
    expect(noMail.statusCode).toBe(409);
    expect(noMail.json()).toMatchObject({ code: 'conflict' });
    expect(noMail.json().message).toContain('SMTP_URL');
  }, 60_000);
});
