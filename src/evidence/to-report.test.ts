import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { newReport, reportSchema } from '../domain/index.js';
import { parsePostmortem } from '../markdown/postmortem.parse.js';
import { serializePostmortem } from '../markdown/postmortem.serialize.js';
import { fileEntry, folderBundle, openZipBuffer } from './files.js';
import { extractEvidence } from './pipeline.js';
import { addEvidenceToReport, linkTarget, toChange } from './to-report.js';

const FIX = resolve(process.cwd(), 'src/evidence/fixtures');

async function evidence() {
  const { candidates } = await extractEvidence([
    folderBundle(`${FIX}/slack-export`),
    { type: 'file', entry: fileEntry(`${FIX}/pagerduty-log-entries.json`) },
    { type: 'file', entry: fileEntry(`${FIX}/github-push.json`) },
  ]);
  return candidates;
}

describe('adding chosen evidence to a report', () => {
  it('adds events, materials, changes and an excerpt appendix that survive Postmortem Markdown both ways', async () => {
    const candidates = await evidence();
    const report = newReport('outage', { title: 'Checkout errors' });
    report.period.start = '2024-03-01T14:00:00Z';
    report.details.timeline.push({
      at: null,
      kind: 'other',
      text: 'Someone noticed slowness earlier, time unknown',
    });
    const chosen = candidates.filter((c) => c.suggestion?.kind !== 'other' || c.change);
    const { report: next, added } = addEvidenceToReport(report, chosen);
    expect(added.events).toBe(chosen.length - 1); // the 12:40 commit is before the period: changes only
    expect(added.changes).toBe(2);
    expect(next.analysis.changes.map((c) => [c.at, c.change])).toEqual([
      ['2024-03-01T12:40:00Z', 'Raise the connection pool limit'],
      ['2024-03-01T14:14:00Z', 'Revert "Raise the connection pool limit"'],
    ]);
    // Entries without a time stay where they were; timed ones are in time order.
    expect(next.details.timeline[0]!.at).toBeNull();
    const timed = next.details.timeline.filter((e) => e.at !== null).map((e) => e.at as string);
    expect([...timed].sort()).toEqual(timed);
    expect(next.materials.items.map((m) => [m.kind, m.link])).toEqual([
      ['communication', `${FIX}/slack-export/incident-checkout/2024-03-01.json`],
      ['log', `${FIX}/pagerduty-log-entries.json`],
      ['log', 'https://github.example.com/example/shop/commit/9f8e7d6c5b4a39281706f5e4d3c2b1a098765432'],
      ['communication', `${FIX}/slack-export/general/2024-03-01.json`],
    ]);
    const appendix = next.materials.appendices[0]!;
    expect(appendix.id).toBe('A');
    expect(appendix.content).toContain('2024-03-01T14:06:00Z');
    expect(appendix.content).not.toMatch(/xoxe/);

    const text = serializePostmortem(next);
    const parsed = parsePostmortem(text, { file: 'report.md' });
    expect(parsed.problems).toEqual([]);
    expect(parsed.report).toEqual(reportSchema.parse(next));

    // Running it again with the same evidence adds nothing twice.
    const again = addEvidenceToReport(parsed.report!, chosen);
    expect(again.added).toMatchObject({ events: 0, changes: 0, materials: 0 });
  });

  it('maps a change candidate onto the change analysis and a link onto its file', async () => {
    const candidates = await evidence();
    const commit = candidates.find((c) => c.format === 'github')!;
    expect(toChange(commit)).toEqual({
      at: '2024-03-01T12:40:00Z',
      change: 'Raise the connection pool limit',
      source: 'github example/shop push',
      link: 'https://github.example.com/example/shop/commit/1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d',
    });
    expect(linkTarget('logs/app.jsonl:42')).toBe('logs/app.jsonl');
    expect(linkTarget('export.zip!general/2024-03-01.json#ts=1.2')).toBe(
      'export.zip!general/2024-03-01.json',
    );
    expect(linkTarget('/src/repo@0123456789abcdef')).toBe('/src/repo');
  });

  it('links the one material of an uploaded file to its attachment, zip or not, with the chosen kinds', async () => {
    const zip = await openZipBuffer(readFileSync(`${FIX}/slack-export.zip`), 'slack-export.zip');
    const { candidates } = await extractEvidence([zip]);
    const channels = new Set(candidates.map((c) => linkTarget(c.link)));
    expect(channels.size).toBeGreaterThan(1);
    const report = newReport('outage', { title: 'Checkout errors' });
    const { report: next, added } = addEvidenceToReport(report, candidates, {
      kindOf: () => 'investigating',
      attachment: { id: '0b6c2f6e-1d2a-4c3b-9e8f-7a6b5c4d3e2f', filename: 'slack-export.zip' },
      title: 'Evidence excerpts from slack-export.zip',
    });
    expect(added).toMatchObject({ events: candidates.length, materials: 1, appendix: 'A' });
    expect(next.materials.items).toEqual([
      {
        id: 'M1',
        kind: 'communication',
        title: 'slack evidence: slack-export.zip',
        link: 'attachment:0b6c2f6e-1d2a-4c3b-9e8f-7a6b5c4d3e2f',
        description: expect.stringContaining(candidates[0]!.link),
      },
    ]);
    expect(next.details.timeline.every((e) => e.kind === 'investigating')).toBe(true);
    expect(next.details.timeline.map((e) => e.evidence)).toEqual(candidates.map((c) => c.link));
    expect(next.materials.appendices[0]!.title).toBe('Evidence excerpts from slack-export.zip');
  });
});
