import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type Report, type ReportInput } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import {
  AttachmentRepository,
  AuditRepository,
  CommentRepository,
  LoginFailureRepository,
  ReportRepository,
  SessionRepository,
  SettingsRepository,
  TokenRepository,
  UserRepository,
  migrateToLatest,
  pingStore,
  type Viewer,
} from './index.js';

const make = (input: Partial<ReportInput> = {}): Report =>
  reportSchema.parse({ kind: 'outage', title: 'Checkout outage', ...input });

const anyone = (userId = 'nobody', ...principals: string[]): Viewer => ({ userId, principals });

describe.each(testDialects())('store on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;
  let users: UserRepository;
  let alice: string;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    reports = new ReportRepository(t.store);
    users = new UserRepository(t.store);
    alice = (
      await users.create({ email: 'Alice@Example.com', name: 'Alice', role: 'editor', passwordHash: null })
    ).id;
  });
  afterAll(async () => t?.dispose());

  it('answers a ping and running the migrations again changes nothing', async () => {
    await pingStore(t.store);
    expect(await migrateToLatest(t.store)).toEqual([]);
  });

  it('stores a report whole and reads it back equal, at version 1 with one revision', async () => {
    const report = make({
      tags: ['payments'],
      summary: { whatHappened: 'The checkout page failed for an hour.' },
      details: { timeline: [{ at: '2024-03-01T14:05:00Z', kind: 'detected', text: 'Alert fired' }] },
    });
    const saved = await reports.create('r-whole', report, { userId: alice, summary: 'created', changes: [] });
    expect(saved.version).toBe(1);
    expect(saved.seq).toBeGreaterThan(0);
    expect((await reports.get('r-whole'))?.report).toEqual(report);
    const history = await reports.revisions('r-whole');
    expect(history.map((h) => [h.version, h.authorId])).toEqual([[1, alice]]);
  });

  it('refuses a second report with the same id', async () => {
    await reports.create('r-dup', make(), { userId: alice, summary: 'created', changes: [] });
    await expect(
      reports.create('r-dup', make(), { userId: alice, summary: 'created', changes: [] }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('rejects a write against a stale version and keeps the first change', async () => {
    await reports.create('r-race', make(), { userId: alice, summary: 'created', changes: [] });
    const first = make({ title: 'First change' });
    const second = make({ title: 'Second change' });
    const ok = await reports.update('r-race', 1, first, {
      userId: alice,
      summary: 'edit',
      changes: ['title'],
    });
    expect(ok.version).toBe(2);
    const stale = reports.update('r-race', 1, second, { userId: alice, summary: 'edit', changes: ['title'] });
    await expect(stale).rejects.toMatchObject({ code: 'conflict', details: [{ path: ['version'] }] });
    await expect(stale).rejects.toThrow(/current version is 2/);
    const stored = await reports.get('r-race');
    expect(stored?.report.title).toBe('First change');
    const history = await reports.revisions('r-race');
    expect(history.map((h) => h.version)).toEqual([2, 1]);
    expect(history[0]?.changes).toEqual(['title']);
    expect((await reports.revision('r-race', 1))?.report.title).toBe('Checkout outage');
  });

  it('keeps action items in step with the report and filters them', async () => {
    await reports.create(
      'r-actions',
      make({
        actions: {
          items: [
            { id: 'A1', title: 'Add alert', owner: 'Bob', deadline: '2020-01-01', category: 'immediate' },
            { id: 'A2', title: 'Write runbook', owner: 'Carol', deadline: '2999-01-01', status: 'completed' },
          ],
        },
      }),
      { userId: alice, summary: 'created', changes: [] },
    );
    const page = { limit: 50, offset: 0 };
    const bob = await reports.actionItems(anyone(), { owner: 'bob', reportId: 'r-actions' }, page);
    expect(bob.items.map((i) => i.id)).toEqual(['A1']);
    const overdue = await reports.actionItems(
      anyone(),
      { overdueOn: '2024-06-01', reportId: 'r-actions' },
      page,
    );
    expect(overdue.items.map((i) => i.id)).toEqual(['A1']);
    const stored = (await reports.get('r-actions'))!;
    await reports.update(
      'r-actions',
      stored.version,
      make({ actions: { items: [{ id: 'A9', title: 'Only this', owner: 'Bob' }] } }),
      {
        userId: alice,
        summary: 'edit',
        changes: ['actions'],
      },
    );
    const after = await reports.actionItems(anyone(), { reportId: 'r-actions' }, page);
    expect(after.items.map((i) => i.id)).toEqual(['A9']);
  });

  it('finds a report by any word of any section, ranked, with the word marked in the snippet', async () => {
    await reports.create(
      'r-search-1',
      make({
        title: 'Queue backlog',
        analysis: { primaryCause: 'A misconfigured zookeeper quorum lost its leader.' },
      }),
      { userId: alice, summary: 'created', changes: [] },
    );
    await reports.create(
      'r-search-2',
      make({ title: 'Zookeeper zookeeper upgrade', summary: { whatHappened: 'Zookeeper was upgraded.' } }),
      {
        userId: alice,
        summary: 'created',
        changes: [],
      },
    );
    const hits = await reports.search(anyone(), 'zookeeper', { limit: 10, offset: 0 });
    expect(hits.total).toBe(2);
    expect(hits.items[0]?.id).toBe('r-search-2');
    const cause = hits.items.find((h) => h.id === 'r-search-1');
    expect(cause?.snippet.toLowerCase()).toContain('\u0001zookeeper\u0002');
    expect(
      (await reports.search(anyone(), '"quorum*" ( ^', { limit: 10, offset: 0 })).items.map((h) => h.id),
    ).toEqual(['r-search-1']);
    expect((await reports.search(anyone(), '  ', { limit: 10, offset: 0 })).total).toBe(0);
  });

  it('hides a restricted report from non-members in lists, search and action items', async () => {
    await reports.create(
      'r-secret',
      make({
        title: 'Credential leak',
        visibility: 'restricted',
        members: ['dana@example.com'],
        analysis: { primaryCause: 'A leaked xylophone credential.' },
        actions: { items: [{ id: 'A1', title: 'Rotate keys', owner: 'Dana' }] },
      }),
      { userId: alice, summary: 'created', changes: [] },
    );
    const page = { limit: 500, offset: 0 };
    const outsider = anyone('eve-id', 'eve@example.com', 'eve');
    const member = anyone('dana-id', 'dana@example.com', 'dana');
    expect((await reports.list(outsider, {}, page)).items.map((r) => r.id)).not.toContain('r-secret');
    expect((await reports.search(outsider, 'xylophone', page)).total).toBe(0);
    expect((await reports.actionItems(outsider, { reportId: 'r-secret' }, page)).total).toBe(0);
    expect((await reports.list(member, {}, page)).items.map((r) => r.id)).toContain('r-secret');
    expect((await reports.search(member, 'xylophone', page)).total).toBe(1);
    expect((await reports.search(anyone(alice), 'xylophone', page)).total).toBe(1);
  });

  it('filters lists by state, kind, tag, system, person and period, and pages them', async () => {
    await reports.create(
      'r-filter',
      make({
        kind: 'security',
        tags: ['Phishing'],
        systems: ['Mail'],
        authors: ['Frank'],
        period: { start: '2023-05-01T00:00:00Z' },
      }),
      { userId: alice, summary: 'created', changes: [] },
    );
    const page = { limit: 50, offset: 0 };
    const ids = async (f: Parameters<ReportRepository['list']>[1]) =>
      (await reports.list(anyone(), f, page)).items.map((r) => r.id);
    expect(await ids({ kind: 'security' })).toEqual(['r-filter']);
    expect(await ids({ tag: 'phishing' })).toEqual(['r-filter']);
    expect(await ids({ system: 'MAIL' })).toEqual(['r-filter']);
    expect(await ids({ person: 'frank' })).toEqual(['r-filter']);
    expect(await ids({ from: '2023-04-01T00:00:00Z', to: '2023-06-01T00:00:00Z' })).toEqual(['r-filter']);
    expect(await ids({ from: '2023-06-01T00:00:00Z', kind: 'security' })).toEqual([]);
    const all = await reports.list(anyone(), {}, { limit: 2, offset: 0 });
    expect(all.items).toHaveLength(2);
    expect(all.total).toBeGreaterThan(2);
  });

  it('soft-deletes and restores', async () => {
    await reports.create('r-del', make({ title: 'Deletable unicorn' }), {
      userId: alice,
      summary: 'created',
      changes: [],
    });
    await reports.softDelete('r-del', alice, 1);
    expect(await reports.get('r-del')).toBeUndefined();
    expect((await reports.search(anyone(), 'unicorn', { limit: 5, offset: 0 })).total).toBe(0);
    expect(
      (await reports.list(anyone(), { deleted: true }, { limit: 50, offset: 0 })).items.map((r) => r.id),
    ).toContain('r-del');
    await reports.undelete('r-del', alice);
    expect((await reports.get('r-del'))?.report.title).toBe('Deletable unicorn');
  });

  it('keeps users, sessions, hashed tokens and login failures', async () => {
    const sessions = new SessionRepository(t.store);
    const tokens = new TokenRepository(t.store);
    const failures = new LoginFailureRepository(t.store);
    expect((await users.credentials('ALICE@example.com'))?.id).toBe(alice);
    await expect(
      users.create({ email: 'alice@example.com', name: 'A', role: 'viewer', passwordHash: null }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    const future = new Date(Date.now() + 60_000).toISOString();
    await sessions.create({ idHash: 'h1', userId: alice, csrfToken: 'c1', expiresAt: future });
    expect((await sessions.find('h1', new Date().toISOString()))?.user.id).toBe(alice);
    expect(await sessions.find('h1', new Date(Date.now() + 120_000).toISOString())).toBeUndefined();
    const token = await tokens.create({ userId: alice, name: 'ci', tokenHash: 'th1' });
    expect((await tokens.findUser('th1'))?.user.email).toBe('alice@example.com');
    expect(await tokens.revoke(alice, token.id)).toBe(true);
    expect(await tokens.findUser('th1')).toBeUndefined();
    const since = new Date(Date.now() - 1000).toISOString();
    await failures.record(['k1', 'k1'], new Date().toISOString());
    expect(await failures.countSince('k1', since)).toBe(2);
  });

  it('keeps comments, attachment bytes, settings and the audit log', async () => {
    await reports.create('r-extras', make(), { userId: alice, summary: 'created', changes: [] });
    const comments = new CommentRepository(t.store);
    const c = await comments.create({
      reportId: 'r-extras',
      anchor: 'analysis',
      body: 'Why?',
      authorId: alice,
    });
    expect(await comments.countOpen('r-extras')).toBe(1);
    await comments.setResolved('r-extras', c.id, alice);
    expect(await comments.countOpen('r-extras')).toBe(0);

    const attachments = new AttachmentRepository(t.store);
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    const a = await attachments.create({
      reportId: 'r-extras',
      filename: 'x.bin',
      contentType: 'application/octet-stream',
      createdBy: alice,
      data: bytes,
    });
    expect((await attachments.data(a.id))?.equals(bytes)).toBe(true);

    const settings = new SettingsRepository(t.store);
    await settings.put({ requiredApprovals: 2 }, alice);
    await settings.put({ requiredApprovals: 3 }, alice);
    expect(await settings.all()).toMatchObject({ requiredApprovals: 3 });

    const audit = new AuditRepository(t.store);
    await audit.record({
      userId: alice,
      action: 'report.create',
      targetType: 'report',
      targetId: 'r-extras',
      details: { a: 1 },
      ip: null,
    });
    expect((await audit.list({ targetId: 'r-extras' }, { limit: 5, offset: 0 }))[0]).toMatchObject({
      action: 'report.create',
      details: { a: 1 },
    });
  });

  it('keeps the audit entries of a restricted report with no creator from a viewer who is no member', async () => {
    // A report saved by no user (an import, a token): its creator is null, so the visibility rule is null.
    await reports.create('r-nobody', make({ title: 'Nobody’s', visibility: 'restricted', members: [] }), {
      userId: null,
      summary: 's',
      changes: [],
    });
    const audit = new AuditRepository(t.store);
    await audit.record({
      userId: null,
      action: 'report.update',
      targetType: 'report',
      targetId: 'r-nobody',
      details: {},
      ip: null,
    });
    const stranger = anyone('stranger', 'stranger@example.com');
    expect(await audit.list({ targetId: 'r-nobody' }, { limit: 5, offset: 0 }, stranger)).toEqual([]);
    expect(await audit.list({ targetId: 'r-nobody' }, { limit: 5, offset: 0 })).toHaveLength(1);
  });
});
