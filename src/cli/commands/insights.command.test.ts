// `hindsight insights` over a folder of Postmortem Markdown files: the same figures as the API's module,
// checked against figures computed here; other Markdown passed over, broken reports named and left out.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializePostmortem } from '../../markdown/postmortem.serialize.js';
import { buildReport } from '../../../test/factories.js';
import { cli } from '../../../test/cli-harness.js';

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
    const text = await cli('insights', dir);
    expect(text.out).toContain('5 reports from 5 files');
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
