import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../../../test/cli-harness.js';
import { reportSchema, type ReportInput } from '../../domain/index.js';
import { serializePostmortem } from '../../markdown/postmortem.serialize.js';

const tmp = mkdtempSync(join(tmpdir(), 'hindsight-actions-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const write = (path: string, input: ReportInput) =>
  writeFileSync(path, serializePostmortem(reportSchema.parse(input)));

const TODAY = '2024-05-01';
const dir = join(tmp, 'reports');
const cache = join(dir, 'cache.md');
const db = join(dir, 'nested', 'db.md');

beforeAll(() => {
  mkdirSync(join(dir, 'nested'), { recursive: true });
  write(cache, {
    id: 'cache-outage',
    kind: 'outage',
    title: 'Cache stampede',
    actions: {
      items: [
        {
          id: 'A1',
          title: 'Add request coalescing',
          owner: 'Ana Ops',
          deadline: '2024-04-01',
          status: 'open',
        },
        {
          id: 'A2',
          title: 'Alert on cache hit ratio',
          owner: 'ana ops',
          deadline: '2024-03-01',
          status: 'completed',
          verificationPlan: { how: 'Hit ratio alert fires in a drill', by: '2024-05-15' },
        },
        { id: 'A3', title: 'Rewrite the cache', status: 'wont_do', declinedReason: 'A1 is enough' },
      ],
    },
  });
  write(db, {
    id: 'db-failover',
    kind: 'outage',
    title: 'Slow database failover',
    actions: {
      items: [
        {
          id: 'A1',
          title: 'Practise failover monthly',
          owner: 'Bo DBA',
          deadline: '2024-06-01',
          status: 'completed',
          verification: { result: 'effective', on: '2024-04-20', by: 'Bo DBA' },
        },
      ],
    },
  });
  // Not a report: a folder's other Markdown files are passed over.
  writeFileSync(join(dir, 'README.md'), '# Our post-mortems\n');
});

describe('hindsight actions', () => {
  it('lists every action of the reports in a folder as a table, overdue ones marked', async () => {
    const r = await cli('actions', dir, '--today', TODAY);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^Report\s+Id\s+Action\s+Owner\s+Deadline\s+Status\s+Verification$/);
    expect(lines.filter((l) => /^(cache-outage|db-failover) /.test(l))).toHaveLength(4);
    expect(r.out).toMatch(/cache-outage\s+A1\s+Add request coalescing\s+Ana Ops\s+2024-04-01 OVERDUE\s+open/);
    expect(r.out).toMatch(/cache-outage\s+A2 .*completed\s+awaiting \(by 2024-05-15\)/);
    expect(r.out).toMatch(/db-failover\s+A1 .*completed\s+effective/);
    expect(r.out).toContain('4 action items, 1 overdue as of 2024-05-01.');
  });

  it('filters by owner in any case, overdue and awaiting verification; JSON carries the model', async () => {
    const mine = await cli('actions', dir, '--owner', 'ANA OPS', '--format', 'json', '--today', TODAY);
    expect(mine.code).toBe(0);
    const items = JSON.parse(mine.out) as { reportId: string; id: string; overdue: boolean }[];
    expect(items.map((i) => `${i.reportId}/${i.id}`)).toEqual(['cache-outage/A1', 'cache-outage/A2']);
    const overdue = JSON.parse(
      (await cli('actions', dir, '--overdue', '--format', 'json', '--today', TODAY)).out,
    );
    expect(overdue).toMatchObject([{ reportId: 'cache-outage', id: 'A1', overdue: true, file: cache }]);
    const awaiting = JSON.parse(
      (await cli('actions', cache, db, '--awaiting-verification', '--format', 'json', '--today', TODAY)).out,
    );
    expect(awaiting).toMatchObject([
      { id: 'A2', awaitingVerification: true, verificationPlan: { how: 'Hit ratio alert fires in a drill' } },
    ]);
  });

  it('writes an iCalendar file of deadlines and verification dates', async () => {
    const r = await cli('actions', dir, '--format', 'ics', '--today', TODAY);
    expect(r.code).toBe(0);
    const text = r.out.replaceAll('\r\n ', '');
    expect(text.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(text).toContain('END:VCALENDAR');
    const events = text.split('BEGIN:VEVENT').slice(1);
    // Open A1's deadline, A2's planned verification; nothing for finished, verified or dropped work.
    expect(events).toHaveLength(2);
    expect(text).toContain('UID:cache-outage.A1.due@hindsight');
    expect(text).toContain('DTSTART;VALUE=DATE:20240401');
    expect(text).toContain('SUMMARY:Due: A1 Add request coalescing');
    expect(text).toContain('UID:cache-outage.A2.verify@hindsight');
    expect(text).toContain('DTSTART;VALUE=DATE:20240515');
    expect(text).toContain('DTSTAMP:20240501T000000Z');
  });

  it('--fail-on-overdue exits 1 and names what is overdue; 0 when nothing listed is', async () => {
    const r = await cli('actions', dir, '--fail-on-overdue', '--today', TODAY);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`1 overdue action item: ${cache} A1 (due 2024-04-01)`);
    const fine = await cli('actions', db, '--fail-on-overdue', '--today', TODAY);
    expect(fine.code).toBe(0);
    expect(fine.err).toBe('');
  });

  it('refuses bad input with exit 2 and a message that says what and where', async () => {
    const bad = join(tmp, 'bad.md');
    writeFileSync(
      bad,
      '---\nkind: outage\n---\n\n# Broken\n\n## Action items\n\n### A1: x\n\n- **Status:** maybe\n',
    );
    const r = await cli('actions', bad, db, '--today', TODAY);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(
      new RegExp(`^hindsight: ${bad.replaceAll(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: .*status`, 'm'),
    );
    expect(r.out).toContain('db-failover'); // the readable file is still listed
    for (const args of [
      ['--format', 'xml'],
      ['--today', '2024-13-01'],
      ['--owner', ' '],
    ]) {
      const x = await cli('actions', db, ...args);
      expect(x.code, args.join(' ')).toBe(2);
      expect(x.err).toMatch(/^hindsight: --(format|today|owner)/);
    }
    const missing = await cli('actions', join(tmp, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file or folder');
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    expect((await cli('actions', empty)).err).toContain('no Postmortem Markdown reports found');
  });
});
