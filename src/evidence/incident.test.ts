import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newReport, responseTimes } from '../domain/index.js';
import { fileEntry, folderBundle } from './files.js';
import { extractEvidence } from './pipeline.js';
import type { EvidenceInput } from './source.js';
import { addEvidenceToReport, toChange } from './to-report.js';

// A generated incident: a deploy at 13:58 breaks checkout; errors from 14:00:05 in three services that log
// in three zones; Alertmanager fires at 14:03 and PagerDuty pages; Dana acknowledges at 14:06; a rollback is
// announced in Slack at 14:15 and deployed at 14:17; customers are told at 14:25; the alert resolves at 14:35.
const dir = mkdtempSync(join(tmpdir(), 'hindsight-incident-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const put = (name: string, content: unknown) => {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};
const epoch = (iso: string) => Date.parse(iso) / 1000;

const alert = (status: 'firing' | 'resolved', endsAt: string) => ({
  version: '4',
  groupKey: '{}:{alertname="CheckoutErrors"}',
  status,
  receiver: 'oncall',
  groupLabels: { alertname: 'CheckoutErrors' },
  commonLabels: { alertname: 'CheckoutErrors', service: 'checkout' },
  commonAnnotations: {},
  externalURL: 'http://alertmanager.example.com',
  alerts: [
    {
      status,
      labels: { alertname: 'CheckoutErrors', service: 'checkout', severity: 'page' },
      annotations: { summary: 'More than 5% of checkout requests fail' },
      startsAt: '2024-03-01T14:03:00Z',
      endsAt,
      generatorURL: 'http://prometheus.example.com/graph?g0.expr=checkout_errors',
      fingerprint: 'f00d',
    },
  ],
});
const entry = (id: string, type: string, summary: string, at: string, agent: string) => ({
  id,
  type,
  summary,
  created_at: at,
  agent: { type: 'user_reference', summary: agent },
  incident: { id: 'PINC', summary: '[FIRING:1] CheckoutErrors checkout' },
});
const message = (user: string, text: string, iso: string) => ({
  type: 'message',
  user,
  text,
  ts: `${epoch(iso)}.000100`,
});

const files = {
  alerts: put(
    'alertmanager.jsonl',
    `${JSON.stringify(alert('firing', '0001-01-01T00:00:00Z'))}\n${JSON.stringify(alert('resolved', '2024-03-01T14:35:00Z'))}\n`,
  ),
  pager: put('pagerduty.json', {
    log_entries: [
      entry('E1', 'trigger_log_entry', 'Triggered through the API', '2024-03-01T14:03:20Z', 'Prometheus'),
      entry(
        'E2',
        'acknowledge_log_entry',
        'Acknowledged by Dana Example',
        '2024-03-01T14:06:00Z',
        'Dana Example',
      ),
      entry('E3', 'resolve_log_entry', 'Resolved by Dana Example', '2024-03-01T14:36:00Z', 'Dana Example'),
    ],
  }),
  slack: (() => {
    put('slack/users.json', [
      { id: 'U1', name: 'dana', real_name: 'Dana Example', profile: { display_name: 'dana' } },
      { id: 'U2', name: 'kim', real_name: 'Kim Example', profile: { display_name: '' } },
    ]);
    put('slack/channels.json', [
      { id: 'C1', name: 'inc-checkout', created: '1709301000', members: ['U1', 'U2'] },
    ]);
    put('slack/inc-checkout/2024-03-01.json', [
      message('U2', 'checkout returns 502 for everyone', '2024-03-01T14:04:00Z'),
      message('U1', 'Rolling back to v2.2.9 now', '2024-03-01T14:15:00Z'),
      message('U2', 'Posted an update on the status page', '2024-03-01T14:25:00Z'),
    ]);
    return join(dir, 'slack');
  })(),
  deploys: put(
    'deploys.jsonl',
    [
      {
        deployment_status: {
          state: 'success',
          environment: 'production',
          description: 'v2.3.0',
          created_at: '2024-03-01T13:58:00Z',
        },
        deployment: {
          id: 11,
          ref: 'v2.3.0',
          sha: 'aaaaaaa1',
          environment: 'production',
          creator: { login: 'kim' },
        },
      },
      {
        deployment_status: {
          state: 'success',
          environment: 'production',
          description: 'Rollback to v2.2.9',
          created_at: '2024-03-01T14:17:00Z',
        },
        deployment: {
          id: 12,
          ref: 'v2.2.9',
          sha: 'bbbbbbb2',
          environment: 'production',
          creator: { login: 'dana' },
        },
      },
    ]
      .map((d) => JSON.stringify(d))
      .join('\n'),
  ),
  // Three zones: pino in UTC epoch ms, a text log written in New York local time, syslog with a +09:00 offset.
  pino: put(
    'api.jsonl',
    `${JSON.stringify({ level: 50, time: Date.parse('2024-03-01T14:00:05Z'), msg: 'upstream timeout', hostname: 'api-1' })}\n`,
  ),
  text: put('payments.log', '2024-03-01 09:01:00 ERROR payment call failed\n'),
  syslog: put('lb.log', '<11>1 2024-03-01T23:02:00+09:00 lb-1 haproxy - - - checkout backend is down\n'),
};

describe('a generated incident from six sources', () => {
  it('yields one ordered timeline with detection, response, mitigation and resolution, and the response times it implies', async () => {
    const inputs: EvidenceInput[] = [
      ...[files.alerts, files.pager, files.deploys, files.pino, files.text, files.syslog].map((f) => ({
        type: 'file' as const,
        entry: fileEntry(f),
      })),
      folderBundle(files.slack),
    ];
    const { candidates, stats } = await extractEvidence(inputs, {
      zone: 'America/New_York',
      from: Date.parse('2024-03-01T13:30:00Z'),
      to: Date.parse('2024-03-01T15:00:00Z'),
    });
    expect(stats.skipped).toBe(0);
    expect(candidates.map((c) => [c.at, c.suggestion?.kind, c.format])).toEqual([
      ['2024-03-01T13:58:00Z', 'other', 'github'],
      ['2024-03-01T14:00:05Z', 'other', 'json-log'],
      ['2024-03-01T14:01:00Z', 'other', 'text'],
      ['2024-03-01T14:02:00Z', 'detected', 'syslog'],
      ['2024-03-01T14:03:00Z', 'detected', 'alertmanager'],
      ['2024-03-01T14:04:00Z', 'other', 'slack'],
      ['2024-03-01T14:06:00Z', 'responded', 'pagerduty'],
      ['2024-03-01T14:15:00Z', 'mitigated', 'slack'],
      ['2024-03-01T14:17:00Z', 'mitigated', 'github'],
      ['2024-03-01T14:25:00Z', 'communicated', 'slack'],
      ['2024-03-01T14:35:00Z', 'resolved', 'alertmanager'],
    ]);
    // The load balancer's "backend down" line reads like a detection; a person decides. Here we take the alert.
    expect(candidates[3]!.suggestion?.reason).toBe(
      'the text mentions an alert or a first report of the problem ("is down")',
    );
    // The page and its resolve came through PagerDuty too: merged into the Alertmanager records.
    expect(candidates[4]!.alsoIn).toEqual([`${files.pager}:3#id=E1`]);
    expect(candidates[10]!.alsoIn).toEqual([`${files.pager}:31#id=E3`]);
    expect(stats.merged).toBe(2);

    const firstError = candidates.find((c) => c.level === 'error')!;
    const chosen = candidates.filter((c) => c.suggestion?.kind !== 'other' && c.format !== 'syslog');
    const base = newReport('outage', { title: 'Checkout errors after the v2.3.0 deploy' });
    base.period.start = firstError.at;
    const { report, added } = addEvidenceToReport(base, chosen);
    expect(added).toEqual({ events: 6, materials: 4, changes: 1, appendix: 'A' });
    expect(report.details.timeline.map((e) => [e.at, e.kind, e.actor ?? null])).toEqual([
      ['2024-03-01T14:03:00Z', 'detected', 'Prometheus'], // the actor comes from the merged PagerDuty record
      ['2024-03-01T14:06:00Z', 'responded', 'Dana Example'],
      ['2024-03-01T14:15:00Z', 'mitigated', 'dana'],
      ['2024-03-01T14:17:00Z', 'mitigated', 'dana'],
      ['2024-03-01T14:25:00Z', 'communicated', 'Kim Example'],
      ['2024-03-01T14:35:00Z', 'resolved', 'Dana Example'],
    ]);

    const times = responseTimes(report);
    expect(times.start).toBe('2024-03-01T14:00:05Z');
    expect(times.timeToDetect).toBe(2 * 60_000 + 55_000);
    expect(times.timeToRespond).toBe(3 * 60_000);
    expect(times.timeToMitigate).toBe(14 * 60_000 + 55_000);
    expect(times.timeToResolve).toBe(34 * 60_000 + 55_000);

    // Every event keeps its link; the evidence files are supporting materials; excerpts are in the appendix.
    expect(report.details.timeline[0]!.evidence).toBe(
      'http://prometheus.example.com/graph?g0.expr=checkout_errors',
    );
    expect(report.details.timeline[2]!.evidence).toBe(
      `${files.slack}/inc-checkout/2024-03-01.json#ts=${epoch('2024-03-01T14:15:00Z')}.000100`,
    );
    expect(report.materials.items.map((m) => [m.id, m.kind])).toEqual([
      ['M1', 'log'],
      ['M2', 'log'],
      ['M3', 'communication'],
      ['M4', 'log'],
    ]);
    expect(report.materials.items[2]!.link).toBe(`${files.slack}/inc-checkout/2024-03-01.json`);
    expect(report.materials.appendices[0]!.content).toContain('Rolling back to v2.2.9 now');
    expect(report.analysis.changes).toEqual([toChange(candidates[8]!)]);
  });
});
