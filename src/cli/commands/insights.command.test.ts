// `hindsight insights` over a folder of Postmortem Markdown files: the same figures as the API's module,
// checked against figures computed here; other Markdown passed over, broken reports named and left out.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializePostmortem } from '../../markdown/postmortem.serialize.js';
import { buildReport } from '../../../test/factories.js';
import { cli } from '../../../test/cli-harness.js';
import { lintReport, scoreReport } from '../../lint/index.js';
import { loadReportFile } from '../report-file.js';

describe('hindsight insights', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-insights-'));
  mkdirSync(join(dir, 'nested'));
  const minutes = [20, 45, 90, 240, 30];
  minutes.forEach((m, i) => {
    const start = Date.parse('2024-04-02T08:00:00Z') + i * 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString().replace('.000', '');
    const report = buildReport({
      id: `pm-${i}`,
      severity: i % 2 === 0 ? 'SEV1' : 'SEV2',
      systems: ['ledger'],
      detection: i < 3 ? 'customer' : 'automated',
      period: { start: iso(start) },
      details: {
        timeline: [
          { at: iso(start + 5 * 60_000), kind: 'detected', text: 'Seen.' },
          { at: iso(start + m * 60_000), kind: 'resolved', text: 'Fixed.' },
        ],
      },
    });
    writeFileSync(join(dir, i < 2 ? 'nested' : '.', `pm-${i}.md`), serializePostmortem(report));
  });
  writeFileSync(join(dir, 'README.md'), '# Our post-mortems\n');

  it('gives the distributions and counts of the files', async () => {
    const r = await cli('insights', dir, '--json');
    expect(r.code, r.err).toBe(0);
    const f = JSON.parse(r.out);
    expect(f.reports).toBe(5);
    const hours = minutes.map((m) => m / 60).sort((a, b) => a - b);
    const q = f.durations.timeToResolve.byQuarter;
    expect(q).toHaveLength(1);
    expect(q[0]).toMatchObject({ group: '2024-Q2', count: 5, min: Math.round(hours[0]! * 100) / 100 });
    // Nearest rank: the 3rd of 5 is the median.
    expect(q[0].median).toBe(Math.round(hours[2]! * 100) / 100);
    expect(f.detection.map((d: { series: string; count: number }) => [d.series, d.count])).toEqual([
      ['automated', 2],
      ['customer', 3],
    ]);
    // Quality scores: the linter's score of each file, by quarter, with the count behind them.
    const reports = ['nested/pm-0.md', 'nested/pm-1.md', 'pm-2.md', 'pm-3.md', 'pm-4.md'].map(
      (name) => loadReportFile(join(dir, name)).report,
    );
    const scores = reports.map((r) => scoreReport(r, lintReport(r)).overall).sort((a, b) => a - b);
    expect(f.health.quality).toEqual([
      expect.objectContaining({
        group: '2024-Q2',
        count: 5,
        min: scores[0],
        median: scores[2],
        max: scores[4],
      }),
    ]);
    expect(f.health.scored).toEqual([{ figure: 'health.scored', group: 'scored', count: 5 }]);
    // A file has no history: a completed action with a deadline is unknown, never on time or late; every group
    // is given, zeros too.
    const completed = reports.flatMap((r) => r.actions.items.filter((a) => a.status === 'completed'));
    expect(completed.length).toBeGreaterThan(0);
    expect(f.followUp.completion.map((c: { group: string; count: number }) => [c.group, c.count])).toEqual([
      ['on time', 0],
      ['late', 0],
      ['no deadline', completed.filter((a) => !a.deadline).length],
      ['unknown', completed.filter((a) => a.deadline).length],
    ]);
    const text = await cli('insights', dir);
    expect(text.out).toContain('5 reports from 5 files');
    expect(text.out).toContain('Quality scores');
    expect(text.out).toContain('Time to resolve');
  });

  it('names a broken report and leaves it out (exit 1), and refuses a missing path (exit 2)', async () => {
    const broken = join(dir, 'broken.md');
    writeFileSync(broken, '---\nkind: outage\n---\n\n# Broken\n\n## Not a section\n');
    const r = await cli('insights', dir, '--json');
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${broken}:7:`);
    expect(JSON.parse(r.out).reports).toBe(5);
    const missing = await cli('insights', join(dir, 'nope'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no such file or folder');
  });
});
