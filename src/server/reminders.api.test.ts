// E-mail reminders through a real SMTP server in its own process (test/smtp-child.ts): each person's digest
// holds their actions due soon, overdue and awaiting verification, and the reports waiting for their review;
// it goes out once per local day from the configured hour in their time zone, and its unsubscribe link works
// without signing in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDialects } from '../../test/databases.js';
import { completeReport } from '../../test/reports.js';
import { startMailTestServer, type MailTestServer, type SmtpProcess } from '../../test/smtp.js';
import type { TestClient, TestServer } from '../../test/server.js';
import type { ReportInput } from '../domain/index.js';

type ActionItemInput = NonNullable<NonNullable<ReportInput['actions']>['items']>[number];

describe.each(testDialects())('e-mail reminders on %s', (dialect) => {
  let mail: MailTestServer;
  let smtp: SmtpProcess;
  let s: TestServer;
  let alice: TestClient;
  let rita: TestClient;
  let bob: TestClient;
  let inReview: string;

  beforeAll(async () => {
    mail = await startMailTestServer(dialect, { hour: 8, days: 7 });
    ({ smtp, server: s } = mail);
    alice = await s.client('editor', 'Alice Owner');
    rita = await s.client('viewer', 'Rita Reviewer');
    bob = await s.client('editor', 'Bob Other');
  });
  afterAll(async () => {
    await mail?.close();
  });

  const worker = () => s.app.services.outbox.worker();
  const A = (id: string, title: string, more: Partial<ActionItemInput>): ActionItemInput => ({
    id,
    title,
    addresses: [],
    ...more,
  });

  it('lets each person choose a time zone, and refuses one that does not exist', async () => {
    const bad = await alice.call({
      method: 'PUT',
      url: '/api/profile/reminders',
      payload: { timeZone: 'Mars/Olympus_Mons' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].path).toEqual(['timeZone']);
    const ok = await alice.call({
      method: 'PUT',
      url: '/api/profile/reminders',
      payload: { timeZone: 'Asia/Tokyo' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({
      enabled: true,
      timeZone: 'Asia/Tokyo',
      hour: 8,
      days: 7,
      mailConfigured: true,
    });
  });

  it('sends each digest once a day at the local hour, with the right items, and stops on unsubscribe', async () => {
    const mine = 'alice.owner@example.test';
    const report = completeReport({
      title: 'Queue backlog after a failover',
      actions: {
        items: [
          A('A1', 'Alert on queue depth', { owner: mine, deadline: '2026-12-12', status: 'open' }),
          A('A2', 'Write the failover runbook', {
            owner: 'Alice Owner',
            deadline: '2026-12-01',
            status: 'in_progress',
          }),
          A('A3', 'Add a canary for the consumer', {
            owner: mine,
            status: 'completed',
            successCriterion: 'No backlog over 1,000 for a month',
          }),
          A('A4', 'Already verified fix', {
            owner: mine,
            status: 'completed',
            verification: { result: 'effective' },
          }),
          A('A5', 'Far-off migration', { owner: mine, deadline: '2027-02-01' }),
          A('A6', 'Bob owns this one', { owner: 'Bob Other', deadline: '2026-12-11' }),
          A('A7', 'Declined idea', { owner: mine, deadline: '2026-11-01', status: 'wont_do' }),
        ],
      },
    });
    expect((await alice.call({ method: 'POST', url: '/api/postmortems', payload: report })).statusCode).toBe(
      201,
    );
    // A report in review naming Rita, and a restricted one Alice may not see though it names her as owner.
    const review = await alice.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: completeReport({
        title: 'Payment retries doubled charges',
        reviewers: ['rita.reviewer@example.test'],
      }),
    });
    inReview = review.json<{ id: string }>().id;
    const moved = await alice.call({
      method: 'POST',
      url: `/api/postmortems/${inReview}/transitions`,
      payload: { to: 'in_review', version: 1 },
    });
    expect(moved.statusCode).toBe(200);
    const hidden = await bob.call({
      method: 'POST',
      url: '/api/postmortems',
      payload: completeReport({
        title: 'A restricted report',
        visibility: 'restricted',
        members: ['bob.other@example.test'],
        actions: { items: [A('A1', 'Secret action', { owner: mine, deadline: '2026-12-09' })] },
      }),
    });
    expect(hidden.statusCode).toBe(201);

    // 00:30 UTC is 09:30 in Tokyo: Alice's digest is due; Rita and Bob (UTC) are still before 08:00.
    const w = worker();
    const morningTokyo = new Date('2026-12-10T00:30:00Z');
    await w.scan(morningTokyo);
    await w.scan(new Date('2026-12-10T00:45:00Z'));
    expect(await w.runOnce(morningTokyo)).toBe(1);
    await smtp.waitFor(1);
    const [mail] = smtp.mails;
    expect(mail!.to).toEqual([mine]);
    expect(mail!.from).toBe('hindsight@example.test');
    expect(mail!.subject).toBe('Hindsight: 1 overdue, 1 due soon, 1 to verify');
    const text = mail!.text;
    expect(text).toContain('Hello Alice Owner,');
    expect(text).toMatch(
      /Past their deadline \(1\):\n {2}- A2 Write the failover runbook \(was due 2026-12-01\)/,
    );
    expect(text).toMatch(/Due in the next 7 days \(1\):\n {2}- A1 Alert on queue depth \(due 2026-12-12\)/);
    expect(text).toContain('A3 Add a canary for the consumer (success: No backlog over 1,000 for a month)');
    for (const absent of ['A4 ', 'Far-off', 'Bob owns', 'Declined', 'Secret action', 'Payment retries'])
      expect(text).not.toContain(absent);
    expect(text).toMatch(
      /in "Queue backlog after a failover": https:\/\/hindsight\.example\.test\/reports\/pm-/,
    );
    const link = /Stop these e-mails: (\S+)/.exec(text)![1]!;
    expect(link).toMatch(/^https:\/\/hindsight\.example\.test\/api\/reminders\/unsubscribe\?token=/);
    expect(mail!.listUnsubscribe).toBe(`<${link}>`);
    expect(mail!.listUnsubscribePost).toBe('List-Unsubscribe=One-Click');

    // 09:00 UTC: Rita's and Bob's mornings. Alice's Tokyo day is the same one: nothing more for her.
    const morningUtc = new Date('2026-12-10T09:00:00Z');
    await w.scan(morningUtc);
    expect(await w.runOnce(morningUtc)).toBe(2);
    await smtp.waitFor(3);
    const byTo = new Map(smtp.mails.map((m) => [m.to[0], m]));
    expect(byTo.get('rita.reviewer@example.test')!.subject).toBe('Hindsight: 1 to review');
    expect(byTo.get('rita.reviewer@example.test')!.text).toContain(
      `Post-mortems waiting for your review (1):\n  - Payment retries doubled charges: https://hindsight.example.test/reports/${inReview}`,
    );
    expect(byTo.get('bob.other@example.test')!.text).toContain('A6 Bob owns this one (due 2026-12-11)');
    expect(smtp.mails.filter((m) => m.to[0] === mine)).toHaveLength(1);

    // Unsubscribe from the mail, without signing in (a signed-in browser's cookie is not even read).
    const path = link.replace('https://hindsight.example.test', '');
    const pageReply = await s.app.inject({
      method: 'GET',
      url: path,
      headers: { cookie: 'hindsight_session=stale' },
    });
    expect(pageReply.statusCode).toBe(200);
    expect(pageReply.headers['content-type']).toContain('text/html');
    expect(pageReply.body).toContain('<form method="post">');
    const tampered = await s.app.inject({ method: 'POST', url: `${path.slice(0, -3)}AAA` });
    expect(tampered.statusCode).toBe(400);
    expect(tampered.json().code).toBe('bad_request');
    const done = await s.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(done.statusCode).toBe(200);
    expect(done.body).toContain('You will get no more reminder e-mails');
    expect((await alice.call({ method: 'GET', url: '/api/profile/reminders' })).json().enabled).toBe(false);

    // The next Tokyo morning: nothing for Alice.
    const nextTokyo = new Date('2026-12-11T00:30:00Z');
    await w.scan(nextTokyo);
    expect(await w.runOnce(nextTokyo)).toBe(0);
    expect(smtp.mails).toHaveLength(3);
    expect(rita.user.email).toBe('rita.reviewer@example.test');
  });
});
