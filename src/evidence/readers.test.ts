import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvidenceOptions, extractEvidence as extractWith } from './pipeline.js';
import { fileEntry, folderBundle, openZip } from './files.js';
import type { EvidenceInput } from './source.js';
import { channelFolder } from './slack.reader.js';
import { linkTarget } from './to-report.js';
import fc from 'fast-check';

// The JSON-lines tests run with the WebAssembly screen on and off: the results must not depend on it.
const KERNEL_MODES = [
  { name: 'on', on: true },
  { name: 'off', on: false },
];
let kernel = true;
const extractEvidence = (inputs: readonly EvidenceInput[], options: EvidenceOptions = {}) =>
  extractWith(inputs, { kernel, ...options });

const CORPUS = resolve(process.cwd(), 'test/fixtures/corpus/evidence');
const FIX = resolve(process.cwd(), 'src/evidence/fixtures');

const file = (path: string): EvidenceInput => ({ type: 'file', entry: fileEntry(path) });
const read = (path: string, options: EvidenceOptions = {}) => extractEvidence([file(path)], options);
const brief = (c: { at: string; actor?: string; text: string }) => [c.at, c.actor, c.text];

describe('Slack export', () => {
  it('reads the corpus export folder: channel day files in time order, bot messages from attachments, joins left out', async () => {
    const { candidates, stats, inputs } = await extractEvidence([folderBundle(`${CORPUS}/slack-export`)]);
    expect(inputs[0]?.format).toBe('slack');
    // 2016-01-14 has 4 channel joins and 2 messages; 2016-02-07 has the rest.
    expect(stats.ignored).toBeGreaterThanOrEqual(4);
    expect(brief(candidates[0]!)).toEqual([
      '2016-01-15T05:55:52Z',
      'U0BMQB6JE',
      '@U0BMYT2FL: Created an issue for a setup.py so that it can be installed to a standard place',
    ]);
    const bot = candidates.find((c) => c.at === '2016-02-08T00:46:34Z')!;
    expect(bot.actor).toBe('bot B0JL6RASU');
    expect(bot.text).toBe(
      '[enrique:master] 1 new commit by Anthony Bilinski: ed1acbe: executor with simulated annealing rough draft - Anthony Bilinski',
    );
    expect(bot.link).toBe(`${CORPUS}/slack-export/enrique/2016-02-07.json#ts=1454892394.000004`);
    expect(bot.source).toBe('slack #enrique');
    const times = candidates.map((c) => c.ms);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('reads the corpus thread dump: replies keep their own instant and point at their thread', async () => {
    const { candidates } = await read(`${CORPUS}/slack-export/zulip_fixture_normal_thread.json`);
    expect(candidates.map(brief)).toEqual([
      ['2015-06-12T19:58:22Z', 'U061A5N1G', 'message body text'],
      ['2015-08-18T03:24:54Z', 'U061A5N1G', 'random'],
      ['2015-12-11T21:11:34Z', 'U061A1R2R', 'another reply'],
      ['2018-10-18T13:11:34Z', 'U061A1R2R', 'another thread message'],
    ]);
    expect(candidates[1]!.source).toBe('slack #random thread');
    expect(candidates[1]!.link).toMatch(/#ts=1439868294\.000007&thread_ts=1434139102\.000002$/);
    expect(candidates[0]!.source).toBe('slack #random');
  });

  const expectFixture = (candidates: Awaited<ReturnType<typeof extractEvidence>>['candidates']) => {
    expect(candidates.map(brief)).toEqual([
      [
        '2024-03-01T14:02:00Z',
        'dana.oncall',
        'Checkout is throwing 502s, @Lee Sample can you look? See #general',
      ],
      ['2024-03-01T14:03:00Z', 'Lee Sample', "I'm on it"],
      ['2024-03-01T14:03:10Z', 'PagerBot', 'Incident #42 acknowledged by Dana'],
      ['2024-03-01T14:03:20Z', 'Lee Sample', 'shared error graph'],
      ['2024-03-01T14:03:25Z', 'Lee Sample', 'screenshot is at [private file link removed] now'],
      ['2024-03-01T14:05:00Z', 'dana.oncall', 'Rolled back to v2.2.9 (edited)'],
      ['2024-03-01T14:15:00Z', 'Lee Sample', 'Posted an update on the status page & told support'],
    ]);
    expect(candidates[1]!.source).toBe('slack #incident-checkout thread');
    expect(candidates[5]!.suggestion).toEqual({
      kind: 'mitigated',
      reason: 'the text mentions a rollback, fix, failover or other mitigation ("Rolled back")',
    });
    expect(candidates[6]!.suggestion?.kind).toBe('communicated');
    // Token-bearing file links never reach a candidate, its excerpt, or anything made from it.
    expect(JSON.stringify(candidates)).not.toMatch(/xoxe|files\.slack\.com/);
  };

  it('reads a built export folder: users.json names, threads, bot attachments, edits, no private file links', async () => {
    const { candidates, stats } = await extractEvidence([folderBundle(`${FIX}/slack-export`)]);
    expectFixture(candidates);
    expect(stats.ignored).toBe(1); // the channel join
  });

  it('reads the same export from a zip, entries streamed', async () => {
    const bundle = await openZip(`${FIX}/slack-export.zip`);
    const { candidates } = await extractEvidence([bundle]);
    expectFixture(candidates);
    expect(candidates[0]!.link).toBe(
      `${FIX}/slack-export.zip!incident-checkout/2024-03-01.json#ts=1709301720.000200`,
    );
  });
});

describe('Mattermost bulk export', () => {
  it('reads posts and replies from the corpus, a reply earlier than its parent included', async () => {
    const { candidates, inputs } = await read(
      `${CORPUS}/mattermost/zulip_fixture_mattermost_export.EXCERPT.jsonl`,
    );
    expect(inputs[0]?.format).toBe('mattermost');
    expect(candidates.map(brief)).toEqual([
      ['2019-03-21T11:08:39.726Z', 'harry', '@ron Welcome mate!'],
      ['2019-03-21T11:09:17.928Z', 'harry', 'Awesome!'],
      ['2019-03-21T11:09:44.976Z', 'ron', 'The weather is so hot!'],
      ['2019-03-21T11:10:57.086Z', 'harry', 'harry joined the channel.'],
      ['2019-03-21T11:11:21.045Z', 'harry', 'ron added to the channel by harry.'],
    ]);
    const reply = candidates[2]!;
    expect(reply.source).toBe('mattermost ~dumbledores-army thread');
    expect(reply.channel).toBe('gryffindor/dumbledores-army');
    expect(reply.link).toMatch(/EXCERPT\.jsonl:4#reply=1$/);
  });
});

describe('Microsoft Teams', () => {
  it('counts the corpus system event as not an event', async () => {
    const { candidates, stats, inputs } = await read(
      `${CORPUS}/msteams/zulip_fixture_teams_messages.EXCERPT.json`,
    );
    expect(inputs[0]?.format).toBe('teams');
    expect(candidates).toEqual([]);
    expect(stats).toMatchObject({ records: 1, ignored: 1, skipped: 0 });
  });

  it('reads a PascalCase export: HTML bodies as text, offsets to UTC, replies and edits', async () => {
    const { candidates } = await read(`${FIX}/teams-export.json`);
    expect(candidates.map(brief)).toEqual([
      ['2024-03-01T14:01:00Z', 'Robin Tester', 'Seeing timeouts on checkout & cart'],
      ['2024-03-01T14:02:00Z', 'Sam Responder', 'Failover to the secondary region is done (edited)'],
    ]);
    expect(candidates[0]!.link).toBe('https://teams.example.com/l/message/19%3Aabc/1709301660000');
    expect(candidates[1]!.source).toBe('teams reply');
    expect(candidates[1]!.suggestion?.kind).toBe('mitigated');
  });

  it('reads a camelCase Graph answer', async () => {
    const { candidates } = await read(`${FIX}/teams-graph.json`);
    expect(candidates.map(brief)).toEqual([
      ['2024-03-01T14:10:00.123Z', 'Alex Comms', 'Checkout: Customers notified by email'],
    ]);
    expect(candidates[0]!.suggestion?.kind).toBe('communicated');
  });
});

describe('alerting', () => {
  it('reads PagerDuty log entries with kinds from their types, skipping an impossible date', async () => {
    const { candidates, stats, inputs } = await read(`${FIX}/pagerduty-log-entries.json`);
    expect(inputs[0]?.format).toBe('pagerduty');
    expect(candidates.map((c) => [c.at, c.actor, c.suggestion?.kind])).toEqual([
      ['2024-03-01T14:03:20Z', 'Prometheus', 'detected'],
      ['2024-03-01T14:06:00Z', 'Dana Example', 'responded'],
      ['2024-03-01T14:12:00Z', 'Dana Example', 'mitigated'],
      ['2024-03-01T14:36:00Z', 'Dana Example', 'resolved'],
    ]);
    expect(candidates[2]!.text).toBe(
      'Note added — rolling back the 13:58 deploy — ([FIRING:1] HighErrorRate checkout)',
    );
    expect(candidates[1]!.suggestion?.reason).toBe('someone acknowledged the PagerDuty incident');
    expect(stats.skipped).toBe(1);
    expect(stats.warnings[0]).toMatch(
      /pagerduty-log-entries\.json:\d+: a log entry without a usable created_at/,
    );
  });

  it('reads Opsgenie webhooks: Create at createdAt, later actions at updatedAt (ns), a broken line counted', async () => {
    const { candidates, stats } = await read(`${FIX}/opsgenie-webhooks.jsonl`);
    expect(candidates.map((c) => [c.at, c.actor, c.text, c.suggestion?.kind])).toEqual([
      ['2024-03-01T14:00:00Z', 'System', 'Create: Disk almost full on db-1', 'detected'],
      ['2024-03-01T14:04:05.123Z', 'lee@example.com', 'Acknowledge: Disk almost full on db-1', 'responded'],
      ['2024-03-01T14:30:00Z', 'lee@example.com', 'Close: Disk almost full on db-1', 'resolved'],
    ]);
    expect(stats.skipped).toBe(1);
    expect(stats.warnings).toContain(`${FIX}/opsgenie-webhooks.jsonl:3: not valid JSON`);
    expect(candidates[0]!.link).toBe(`${FIX}/opsgenie-webhooks.jsonl:1#alert=77`);
  });

  it('reads Alertmanager webhooks: firing at startsAt, resolved at endsAt', async () => {
    const { candidates } = await read(`${FIX}/alertmanager-webhooks.jsonl`);
    expect(candidates.map((c) => [c.at, c.text, c.suggestion?.kind, c.level])).toEqual([
      [
        '2024-03-01T14:03:00Z',
        'Firing: HighErrorRate — Error rate above 5% on checkout',
        'detected',
        'fatal',
      ],
      [
        '2024-03-01T14:35:00Z',
        'Resolved: HighErrorRate — Error rate above 5% on checkout',
        'resolved',
        'fatal',
      ],
    ]);
    expect(candidates[0]!.link).toBe('http://prometheus.example.com/graph?g0.expr=errors');
  });

  it('gives the firing at startsAt from a notification that arrives already resolved', async () => {
    const { candidates } = await read(`${FIX}/alertmanager-resolved-only.json`);
    expect(candidates.map((c) => [c.at, c.suggestion?.kind])).toEqual([
      ['2024-03-01T14:03:00Z', 'detected'],
      ['2024-03-01T14:35:00Z', 'resolved'],
    ]);
  });
});

describe('changes', () => {
  it('reads the corpus deployment_status payload as a deploy with change information', async () => {
    const { candidates } = await read(`${CORPUS}/github/webhook_deployment_status.payload.json`);
    expect(candidates).toHaveLength(1);
    const c = candidates[0]!;
    expect([c.at, c.actor, c.text]).toEqual([
      '2019-05-15T15:20:55Z',
      'Codertocat',
      'Deployment of master (f95f852) to production: success',
    ]);
    expect(c.change).toEqual({
      type: 'deploy',
      id: '145988746',
      summary: 'deploy master to production (success)',
      url: 'https://api.github.com/repos/Codertocat/Hello-World/deployments/145988746/statuses/209916254',
    });
    expect(c.source).toBe('github Codertocat/Hello-World deployment');
  });

  it('reads the corpus issues payload', async () => {
    const { candidates } = await read(`${CORPUS}/github/webhook_issues_opened.payload.json`);
    expect(candidates.map(brief)).toEqual([
      ['2019-05-15T15:20:18Z', 'Codertocat', 'Issue #1 opened: Spelling error in the README file'],
    ]);
  });

  it('reads each commit of a push, first message line only, offsets to UTC; a revert is a mitigation', async () => {
    const { candidates } = await read(`${FIX}/github-push.json`);
    expect(candidates.map((c) => [c.at, c.actor, c.text, c.suggestion?.kind])).toEqual([
      [
        '2024-03-01T12:40:00Z',
        'Lee Sample',
        'Commit 1a2b3c4 on main: Raise the connection pool limit',
        'other',
      ],
      [
        '2024-03-01T14:14:00Z',
        'Dana Example',
        'Commit 9f8e7d6 on main: Revert "Raise the connection pool limit"',
        'mitigated',
      ],
    ]);
    expect(candidates[0]!.change?.id).toBe('1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d');
  });
});

describe.each(KERNEL_MODES)('with the WebAssembly kernel $name', ({ on }) => {
  beforeAll(() => void (kernel = on));
  afterAll(() => void (kernel = true));

  describe('logs', () => {
    it('reads pino lines (epoch ms, numeric levels) and counts a malformed line with its number', async () => {
      const { candidates, stats, inputs } = await read(`${FIX}/app-pino.jsonl`);
      expect(inputs[0]?.format).toBe('json-log');
      expect(candidates.map((c) => [c.at, c.level, c.text])).toEqual([
        ['2024-03-01T13:59:55Z', 'info', 'server listening'],
        ['2024-03-01T14:00:05Z', 'error', 'upstream timeout: connect ETIMEDOUT 10.0.0.7:5432'],
        ['2024-03-01T14:00:10Z', 'fatal', 'pool exhausted'],
      ]);
      expect(candidates[1]!.link).toBe(`${FIX}/app-pino.jsonl:2`);
      expect(candidates[1]!.source).toBe('json-log app-pino@web-1');
      expect(stats.skipped).toBe(1);
      expect(stats.warnings).toEqual([`${FIX}/app-pino.jsonl:3: not valid JSON`]);
    });

    it('reads bunyan lines and names the line with an impossible date', async () => {
      const { candidates, stats } = await read(`${FIX}/app-bunyan.jsonl`);
      expect(candidates.map((c) => [c.at, c.level, c.text, c.source])).toEqual([
        ['2024-03-01T13:59:00Z', 'info', 'cart service up', 'json-log cart@web-2'],
        ['2024-03-01T14:01:30.250Z', 'error', 'cannot reach checkout', 'json-log cart@web-2'],
      ]);
      expect(stats.warnings).toEqual([
        `${FIX}/app-bunyan.jsonl:3: impossible or unreadable time "2024-02-30T14:01:30Z"`,
      ]);
    });

    it('reads ECS lines with dotted and nested keys and offsets', async () => {
      const { candidates } = await read(`${FIX}/app-ecs.jsonl`);
      expect(candidates.map((c) => [c.at, c.level, c.text, c.source])).toEqual([
        ['2024-03-01T14:02:00Z', 'error', 'payment gateway returned 503', 'json-log payments@pay-1'],
        ['2024-03-01T14:20:00Z', 'info', 'payment gateway healthy again', 'json-log payments'],
      ]);
    });

    it('reads RFC 5424 syslog with offsets, structured data and severities; bad stamps are named', async () => {
      const { candidates, stats, inputs } = await read(`${FIX}/syslog-5424.log`);
      expect(inputs[0]?.format).toBe('syslog');
      expect(candidates.map((c) => [c.at, c.level, c.source, c.text])).toEqual([
        [
          '2024-03-01T14:04:30.500Z',
          'error',
          'syslog haproxy@lb-1.example.com',
          'backend checkout has no server available',
        ],
        ['2024-03-01T14:16:00Z', 'info', 'syslog haproxy@lb-1.example.com', 'backend checkout is UP'],
      ]);
      expect(stats.warnings).toEqual([
        `${FIX}/syslog-5424.log:3: the syslog line has no timestamp ("-")`,
        `${FIX}/syslog-5424.log:4: impossible or unreadable timestamp "2024-13-01T00:00:00Z"`,
      ]);
    });

    it('reads RFC 3164 syslog only with a year and a zone, which it says when missing', async () => {
      const { candidates, stats } = await read(`${FIX}/syslog-3164.log`, { year: 2024, zone: 'Asia/Tokyo' });
      expect(candidates.map((c) => [c.at, c.level, c.source, c.text])).toEqual([
        ['2024-03-01T14:05:00Z', 'info', 'syslog postgres@db-1', 'too many connections for role "shop"'],
        ['2024-03-01T14:20:10Z', undefined, 'syslog kernel@db-1', 'eth0 link up'],
      ]);
      expect(stats.warnings).toEqual([`${FIX}/syslog-3164.log:3: impossible date "Feb 30 10:00:00" in 2024`]);
      await expect(read(`${FIX}/syslog-3164.log`, { zone: 'UTC' })).rejects.toThrow(
        /nothing could be read: .*syslog-3164\.log:1: RFC 3164 syslog stamps have no year: give --year/,
      );
    });

    it('reads text lines in many stamp styles; zone-less ones in the given zone; continuation lines are not events', async () => {
      const { candidates, stats, inputs } = await read(`${FIX}/app.log`, { zone: 'Europe/Berlin' });
      expect(inputs[0]?.format).toBe('text');
      expect(candidates.map((c) => [c.at, c.level, c.text])).toEqual([
        ['2024-03-01T14:00:02.120Z', 'error', '[worker-3] job failed: payment timeout'],
        ['2024-03-01T14:05:00Z', 'info', 'queue drained'],
        ['2024-03-01T14:10:00Z', 'warn', 'slow request /checkout'],
        ['2024-03-01T14:30:00Z', undefined, 'restarted the checkout workers'],
      ]);
      expect(stats.ignored).toBe(1);
      expect(stats.warnings).toEqual([`${FIX}/app.log:5: impossible date "2024-02-30 10:00:00"`]);
    });

    it('asks for --tz once per file when zone-less stamps come without a zone', async () => {
      const { candidates, stats } = await read(`${FIX}/app.log`);
      expect(candidates.map((c) => c.at)).toEqual([
        '2024-03-01T14:05:00Z',
        '2024-03-01T14:10:00Z',
        '2024-03-01T14:30:00Z',
      ]);
      expect(stats.warnings.filter((w) => w.includes('--tz'))).toEqual([
        `${FIX}/app.log:1: "2024-03-01 15:00:02,120" has no zone: give --tz (this is said once per file)`,
      ]);
    });
  });
});

describe('path pieces found by index instead of quadratic patterns', () => {
  const path = fc
    .array(fc.constantFrom('/', '!', 'a', 'b', '.json', '#', '\n', ':1', '@abcdef0', '.'), { maxLength: 14 })
    .map((p) => p.join(''));

  it('finds the channel folder of a day file exactly as the old pattern did', () => {
    fc.assert(
      fc.property(path, (name) => {
        // eslint-disable-next-line regexp/no-super-linear-move -- the old pattern, as the reference
        expect(channelFolder(name)).toBe(/([^/!]+)\/[^/!]+\.json$/.exec(name)?.[1]);
      }),
      { numRuns: 3000 },
    );
  });

  it('cuts a link at its fragment exactly as the old pattern did', () => {
    fc.assert(
      fc.property(path, (link) => {
        const old = link
          // eslint-disable-next-line regexp/no-super-linear-move -- the old pattern, as the reference
          .replace(/#.*$/, '')
          .replace(/:\d+$/, '')
          .replace(/@[0-9a-f]{7,40}$/, '');
        expect(linkTarget(link)).toBe(old);
      }),
      { numRuns: 3000 },
    );
  });
});
