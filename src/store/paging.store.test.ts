import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportSchema, type Report, type ReportInput } from '../domain/index.js';
import { openTestStore, testDialects, type TestStore } from '../../test/databases.js';
import { COUNT_CAP, CountCache } from './count-cache.js';
import { ReportRepository, openStore, type Viewer } from './index.js';

const make = (input: Partial<ReportInput> = {}): Report =>
  reportSchema.parse({ kind: 'outage', title: 'Paged report', ...input });

const anyone: Viewer = { userId: 'nobody', principals: [] };
const info = { userId: null, summary: 'created', changes: [] };

describe.each(testDialects())('paging on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    reports = new ReportRepository(t.store);
    // 23 reports, some changed at the same instant (ties on the sort key), each with three action items:
    // with a deadline, with the same deadline as others, and without one.
    for (let i = 0; i < 23; i++) {
      const at = `2024-01-01T00:00:${String(Math.floor(i / 3)).padStart(2, '0')}.000Z`;
      await reports.create(
        `p-${String(i).padStart(2, '0')}`,
        make({
          kind: i % 2 === 0 ? 'outage' : 'security',
          actions: {
            items: [
              {
                id: 'A1',
                title: `Fix ${i}`,
                owner: 'Pat',
                deadline: `2024-02-${String(1 + (i % 9)).padStart(2, '0')}`,
              },
              { id: 'A2', title: `Same day ${i}`, owner: 'Sam', deadline: '2024-03-01' },
              { id: 'A3', title: `Someday ${i}`, owner: 'Pat' },
            ],
          },
        }),
        { ...info, at },
      );
    }
  });
  afterAll(async () => t?.dispose());

  it('pages the list with a cursor in the same order as one long page, none twice and none left out', async () => {
    const whole = await reports.list(anyone, {}, { limit: 200, offset: 0 });
    expect(whole.items).toHaveLength(23);
    expect(whole.next).toBeNull();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await reports.list(anyone, {}, { limit: 5, offset: 0, cursor });
      seen.push(...page.items.map((r) => r.id));
      expect(page.total).toBe(23);
      expect(page.totalExact).toBe(true);
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toEqual(whole.items.map((r) => r.id));
    // Newest change first; ties broken by id, both descending.
    const keys = whole.items.map((r) => `${r.updatedAt}|${r.id}`);
    expect(keys).toEqual([...keys].sort().reverse());
    // Offsets give the same pages.
    const third = await reports.list(anyone, {}, { limit: 5, offset: 10 });
    expect(third.items.map((r) => r.id)).toEqual(seen.slice(10, 15));
  });

  it('pages a filtered list with a cursor', async () => {
    const all = (await reports.list(anyone, { kind: 'security' }, { limit: 200, offset: 0 })).items;
    expect(all).toHaveLength(11);
    const first = await reports.list(anyone, { kind: 'security' }, { limit: 6, offset: 0 });
    const second = await reports.list(
      anyone,
      { kind: 'security' },
      { limit: 6, offset: 0, cursor: first.next! },
    );
    expect([...first.items, ...second.items].map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(second.next).toBeNull();
  });

  it('pages action items with a cursor by deadline, items without one last', async () => {
    const whole = await reports.actionItems(anyone, {}, { limit: 200, offset: 0 });
    expect(whole.items).toHaveLength(69);
    const deadlines = whole.items.map((a) => a.deadline ?? '~');
    expect(deadlines).toEqual([...deadlines].sort());
    expect(whole.items.at(-1)!.deadline).toBeNull();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await reports.actionItems(anyone, {}, { limit: 8, offset: 0, cursor });
      seen.push(...page.items.map((a) => `${a.reportId}/${a.id}`));
      if (!page.next) break;
      cursor = page.next;
    }
    expect(seen).toEqual(whole.items.map((a) => `${a.reportId}/${a.id}`));
    const pat = await reports.actionItems(anyone, { owner: 'PAT' }, { limit: 20, offset: 0 });
    expect(pat.total).toBe(46);
    const patNext = await reports.actionItems(
      anyone,
      { owner: 'pat' },
      { limit: 40, offset: 0, cursor: pat.next! },
    );
    expect([...pat.items, ...patNext.items].every((a) => a.owner === 'Pat')).toBe(true);
    expect(new Set([...pat.items, ...patNext.items].map((a) => `${a.reportId}/${a.id}`)).size).toBe(46);
  });

  it('refuses a cursor it did not give with a 400', async () => {
    for (const cursor of [
      'nonsense',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('{}').toString('base64url'),
    ]) {
      await expect(reports.list(anyone, {}, { limit: 5, offset: 0, cursor })).rejects.toMatchObject({
        code: 'bad_request',
      });
      await expect(reports.actionItems(anyone, {}, { limit: 5, offset: 0, cursor })).rejects.toMatchObject({
        code: 'bad_request',
      });
    }
  });

  it('shows a save in the totals at once, through this repository and (SQLite) through another connection', async () => {
    const before = (await reports.list(anyone, {}, { limit: 1, offset: 0 })).total;
    await reports.create('p-new', make(), info);
    expect((await reports.list(anyone, {}, { limit: 1, offset: 0 })).total).toBe(before + 1);
    if (dialect !== 'sqlite') return;
    const other = openStore(t.url);
    try {
      await new ReportRepository(other).create('p-other', make(), info);
    } finally {
      await other.close();
    }
    expect((await reports.list(anyone, {}, { limit: 1, offset: 0 })).total).toBe(before + 2);
  });
});

describe('capped counts', () => {
  it('reports a total above the cap as the cap, not exact, and counts no further', async () => {
    const cache = new CountCache(() => undefined);
    let asked = 0;
    const result = await cache.get('k', async (limit) => {
      asked = limit;
      return limit;
    });
    expect(asked).toBe(COUNT_CAP + 1);
    expect(result).toEqual({ total: COUNT_CAP, totalExact: false });
    expect(await cache.get('small', async () => 12)).toEqual({ total: 12, totalExact: true });
  });

  it('keeps a count while the change mark stays, and counts again when it moves or the cache is cleared', async () => {
    let mark = Buffer.from('a');
    const cache = new CountCache(() => mark);
    let n = 1;
    const count = async () => n;
    expect((await cache.get('k', count)).total).toBe(1);
    n = 2;
    expect((await cache.get('k', count)).total).toBe(1);
    mark = Buffer.from('b');
    expect((await cache.get('k', count)).total).toBe(2);
    n = 3;
    cache.clear();
    expect((await cache.get('k', count)).total).toBe(3);
  });

  it('without a change mark keeps a count only for its time to live', async () => {
    const cache = new CountCache(() => undefined, { ttlMs: 0 });
    let n = 1;
    const count = async () => n;
    expect((await cache.get('k', count)).total).toBe(1);
    n = 2;
    await new Promise((r) => setTimeout(r, 5));
    expect((await cache.get('k', count)).total).toBe(2);
  });
});

// A tag, system or person on few reports is read through its index; one on many by walking the reports
// newest first (report-list.query.ts): both give the same reports, in the same order, hidden ones left out.
describe.each(testDialects())('side filters, few and many, on %s', (dialect) => {
  let t: TestStore;
  let reports: ReportRepository;

  beforeAll(async () => {
    t = await openTestStore(dialect);
    reports = new ReportRepository(t.store);
    for (let i = 0; i < 130; i++) {
      await reports.create(
        `s-${String(i).padStart(3, '0')}`,
        make({
          tags: i % 13 === 0 ? ['common', 'rare'] : i % 50 === 7 ? ['other'] : ['common'],
          systems: [i % 2 === 0 ? 'even' : 'odd'],
          visibility: i % 10 === 3 ? 'restricted' : 'internal',
          members: i % 10 === 3 ? ['someone@example.test'] : [],
        }),
        {
          ...info,
          at: `2024-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}.000Z`,
        },
      );
    }
  });
  afterAll(async () => t?.dispose());

  it('lists the reports with a common tag and with a rare one, newest first, hidden ones left out', async () => {
    const all = (await reports.list(anyone, {}, { limit: 200, offset: 0 })).items.map((r) => r.id);
    const n = (id: string) => Number(id.slice(2));
    const expected = (keep: (i: number) => boolean) => all.filter((id) => keep(n(id)));
    const listed = async (filters: object, limit = 200) =>
      (await reports.list(anyone, filters, { limit, offset: 0 })).items.map((r) => r.id);
    expect(all).not.toContain('s-003');
    expect(await listed({ tag: 'common' })).toEqual(expected((i) => i % 13 === 0 || i % 50 !== 7));
    expect(await listed({ tag: 'common' }, 20)).toEqual(
      expected((i) => i % 13 === 0 || i % 50 !== 7).slice(0, 20),
    );
    expect(await listed({ tag: 'rare' })).toEqual(expected((i) => i % 13 === 0));
    expect(await listed({ tag: 'Other' })).toEqual(expected((i) => i % 50 === 7 && i % 13 !== 0));
    expect(await listed({ tag: 'none-such' })).toEqual([]);
    expect(await listed({ system: 'even', tag: 'rare' })).toEqual(expected((i) => i % 26 === 0));
  });
});
