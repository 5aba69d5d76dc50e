import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../../../test/cli-harness.js';
import { parsePostmortem } from '../../markdown/postmortem.parse.js';

const FIX = resolve(process.cwd(), 'src/evidence/fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'hindsight-evidence-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('hindsight evidence', () => {
  it('prints candidates as a table with suggested kinds, reasons and links, counters on stderr', async () => {
    const r = await cli(
      'evidence',
      join(FIX, 'slack-export.zip'),
      join(FIX, 'pagerduty-log-entries.json'),
      '--from',
      '2024-03-01T14:00:00Z',
      '--to',
      '2024-03-01T14:10:00Z',
    );
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^\d{4}-/.test(l));
    expect(rows.map((l) => l.split(/\s+/).slice(0, 2))).toEqual([
      ['2024-03-01T14:02:00Z', 'other'],
      ['2024-03-01T14:03:00Z', 'responded'],
      ['2024-03-01T14:03:10Z', 'responded'],
      ['2024-03-01T14:03:20Z', 'detected'],
      ['2024-03-01T14:03:20Z', 'other'],
      ['2024-03-01T14:03:25Z', 'other'],
      ['2024-03-01T14:05:00Z', 'mitigated'],
      ['2024-03-01T14:06:00Z', 'responded'],
    ]);
    expect(r.out).toContain('└ someone acknowledged the PagerDuty incident · ');
    expect(r.err).toContain('8 candidates from');
    expect(r.err).toContain('1 malformed skipped');
    expect(r.err).toContain('pagerduty-log-entries.json:');
  });

  it('prints JSON with --json, filtered by --kinds and --grep', async () => {
    const r = await cli(
      'evidence',
      join(FIX, 'slack-export'),
      '--json',
      '--kinds',
      'mitigated,communicated',
      '--grep',
      'roll|status',
    );
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out) as {
      candidates: { at: string; text: string; suggestion: { kind: string } }[];
    };
    expect(body.candidates.map((c) => [c.at, c.suggestion.kind, c.text])).toEqual([
      ['2024-03-01T14:05:00Z', 'mitigated', 'Rolled back to v2.2.9 (edited)'],
      ['2024-03-01T14:15:00Z', 'communicated', 'Posted an update on the status page & told support'],
    ]);
  });

  it('adds the chosen candidates to a report with --into, using the report zone for zone-less stamps', async () => {
    const report = join(tmp, 'report.md');
    expect(
      (await cli('new', '--title', 'Checkout errors', '--timezone', 'Europe/Berlin', '-o', report)).code,
    ).toBe(0);
    const r = await cli(
      'evidence',
      join(FIX, 'app.log'),
      join(FIX, 'alertmanager-webhooks.jsonl'),
      join(FIX, 'teams-export.json'),
      '--into',
      report,
      '--kinds',
      'detected,mitigated,resolved',
    );
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      `hindsight: warning: ${join(FIX, 'app.log')}:5: impossible date "2024-02-30 10:00:00"`,
    );
    expect(r.out).toBe(
      `${report}: added 4 timeline events, 3 supporting materials, 0 changes, excerpts in appendix A\n`,
    );
    const parsed = parsePostmortem(readFileSync(report, 'utf8'));
    expect(parsed.problems).toEqual([]);
    expect(parsed.report!.details.timeline.map((e) => [e.at, e.kind, e.text])).toEqual([
      ['2024-03-01T14:02:00Z', 'mitigated', 'Failover to the secondary region is done (edited)'],
      ['2024-03-01T14:03:00Z', 'detected', 'Firing: HighErrorRate — Error rate above 5% on checkout'],
      ['2024-03-01T14:30:00Z', 'mitigated', 'restarted the checkout workers'],
      ['2024-03-01T14:35:00Z', 'resolved', 'Resolved: HighErrorRate — Error rate above 5% on checkout'],
    ]);
    expect(parsed.report!.materials.items.map((m) => m.kind)).toEqual(['communication', 'log', 'log']);
  });

  it('exits 2 with one clear line for bad options and unreadable input', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['evidence', join(FIX, 'app.log'), '--from', '2024-02-30T00:00:00Z'],
        /--from must be a real date and time/,
      ],
      [['evidence', join(FIX, 'app.log'), '--from', '2024-03-01 10:00'], /a value without a zone needs --tz/],
      [['evidence', join(FIX, 'app.log'), '--tz', 'Mars/Olympus'], /unknown time zone "Mars\/Olympus"/],
      [['evidence', join(FIX, 'app.log'), '--format', 'xml'], /unknown --format "xml"/],
      [['evidence', join(FIX, 'app.log'), '--grep', '(unclosed'], /--grep is not a valid regular expression/],
      [['evidence', join(FIX, 'app.log'), '--kinds', 'panic'], /unknown kind "panic" in --kinds/],
      [['evidence', join(tmp, 'missing.log')], /missing\.log: no such file or directory/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err.trim().split('\n')).toHaveLength(1);
    }
  });

  it('exits 2 for a truncated zip and for a file of unknown format', async () => {
    const whole = readFileSync(join(FIX, 'slack-export.zip'));
    writeFileSync(join(tmp, 'cut.zip'), whole.subarray(0, 700));
    const zip = await cli('evidence', join(tmp, 'cut.zip'));
    expect(zip.code).toBe(2);
    expect(zip.err).toMatch(
      /^hindsight: .*cut\.zip: is not a readable zip archive .*is the file complete\?\n$/,
    );
    writeFileSync(join(tmp, 'notes.txt'), 'just some words\n');
    const unknown = await cli('evidence', join(tmp, 'notes.txt'));
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(
      /^hindsight: nothing could be read: .*notes\.txt: unknown format: .*--format/,
    );
  });
});

describe('hindsight evidence on a folder of mixed evidence', () => {
  it('reads each file by its own format and a Slack export folder inside it as one export', async () => {
    const corpus = resolve(process.cwd(), 'test/fixtures/corpus/evidence');
    const r = await cli('evidence', corpus, '--json');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.out) as {
      inputs: { name: string; format: string }[];
      stats: { warnings: string[] };
    };
    expect(body.inputs.map((i) => [i.name.slice(corpus.length + 1), i.format])).toEqual([
      ['github/webhook_deployment_status.payload.json', 'github'],
      ['github/webhook_issues_opened.payload.json', 'github'],
      ['mattermost/zulip_fixture_mattermost_export.EXCERPT.jsonl', 'mattermost'],
      ['msteams/zulip_fixture_teams_messages.EXCERPT.json', 'teams'],
      ['slack-export', 'slack'],
    ]);
    expect(body.stats.warnings).toEqual([
      `${corpus}/slack-export/: no users.json in the Slack export: people are shown by their Slack ids`,
    ]);
  });
});
