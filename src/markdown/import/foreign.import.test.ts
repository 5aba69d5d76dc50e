import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAppError, reportSchema, type Report } from '../../domain/index.js';
import { parsePostmortem } from '../postmortem.parse.js';
import { serializePostmortem } from '../postmortem.serialize.js';
import { formatRecognition, importForeignMarkdown } from './foreign.import.js';
import { missingBlocks, stringsOf } from './survival.js';

const CORPUS = path.resolve(process.cwd(), 'test/fixtures/corpus');
const read = (dir: string, file: string) => readFileSync(path.join(CORPUS, dir, file), 'utf8');

interface Expected {
  events: number;
  unknown: number;
  actions: number;
  factors: number;
  lessons: number;
  involved: number;
  appendices: number;
  zone: string;
  /** [index in the timeline, UTC instant or null, start of the event's text] — worked out by hand from the file. */
  instants: [number, string | null, string][];
  /** [path into the report, a distinctive sentence of that section in the source]. */
  sections: [string, string][];
}

// Instants were converted by hand: CET is UTC+1 in winter, PDT is UTC-7, and rows without a date take the title's.
const EXPECTED: Record<string, Expected> = {
  'dfds_PM2019-009_Kubernetes_network_infrastructure_IP_starvation.md': {
    events: 14,
    unknown: 1,
    actions: 4,
    factors: 7,
    lessons: 0,
    involved: 0,
    appendices: 0,
    zone: 'CET (UTC+01:00)',
    instants: [
      [0, '2019-11-29T11:00:00Z', 'Proactively scaling up Hellman'],
      [1, '2019-11-30T07:24:00Z', 'Automated warning from AWS'],
      [4, '2019-12-02T03:30:00Z', 'Scaling down cluster by 1 node'],
      [5, null, '2019-12-03 --:-- Surge new deployments'],
      [12, '2019-12-05T06:00:00Z', 'All systems verified operational'],
      [13, '2019-12-05T11:00:00Z', 'Pull request to review changes'],
    ],
    sections: [
      [
        'summary.whatHappened',
        'This increase would turn out to push the network architecture and design of our cluster to the limit.',
      ],
      ['summary.whatHappened', 'A balancing act ensued, scaling the amounts of nodes in the cluster'],
      ['analysis.factors', 'Teams have recently been encouraged teams to migrate to Hellman.'],
      [
        'lessons.notes',
        'This let to an issue which should have been addressed before it created any impact become a pressing concern.',
      ],
      ['actions.items', 'Implement priority-classes for critical workloads'],
    ],
  },
  'dfds_PM2020-004_CoreDNS_upgrade_issue.md': {
    events: 3,
    unknown: 0,
    actions: 2,
    factors: 3,
    lessons: 2,
    involved: 0,
    appendices: 0,
    zone: 'CET (UTC+01:00)',
    instants: [
      [0, '2020-02-03T10:21:00Z', 'EKS 1.14 upgrade cause CoreDNS pods'],
      [1, '2020-02-03T10:52:00Z', 'CoreDNS deployment manually downgraded'],
      [2, '2020-02-03T12:30:00Z', 'CoreDNS upgraded and issue permanently fixed'],
    ],
    sections: [
      [
        'summary.whatHappened',
        'This in turn caused a large number of other pods, that depended on CoreDNS, to crash-loop',
      ],
      ['analysis.factors', 'Missing physical war room'],
      ['lessons.couldImprove', 'Missing specific monitoring of core components like kube-proxy'],
      ['details.notes', 'Time to recovery: 31 minutes'],
      ['details.notes', 'Time to detection: ?'],
    ],
  },
  'dfds_PM2021-005_All_services_returning_503_in_Kubernetes.md': {
    events: 7,
    unknown: 0,
    actions: 3,
    factors: 2,
    lessons: 4,
    involved: 7,
    appendices: 0,
    zone: 'UTC',
    instants: [
      [0, '2021-06-22T08:21:00Z', 'VPC CNI replaced by the pipeline'],
      [1, '2021-06-22T08:29:00Z', 'Issue detected as a result of alerts'],
      [6, '2021-06-22T08:46:00Z', 'Target groups reattached to the ALB'],
    ],
    sections: [
      [
        'summary.whatHappened',
        'refactoring and cleanup intended to allow EKS add-ons to be managed by native Terraform',
      ],
      ['lessons.couldImprove', 'Rephrase alert messages that are unclear.'],
      ['details.notes', 'Time to detection: 8 minutes'],
      ['details.notes', 'Time to recovery: 25 minutes'],
    ],
  },
  'dfds_PM2023-001_Total_node_failure.md': {
    events: 16,
    unknown: 0,
    actions: 6,
    factors: 4,
    lessons: 3,
    involved: 5,
    appendices: 0,
    zone: 'UTC',
    instants: [
      [0, '2023-02-13T07:30:00Z', 'Scheduled node rollover initiated'],
      [1, '2023-02-14T09:33:00Z', 'End-users alerted us'],
      // Out of order in the source (11:08 before 11:07) and kept that way.
      [13, '2023-02-14T11:08:00Z', 'Follow-up mail indicating service restored'],
      [14, '2023-02-14T11:07:00Z', 'Sev 1 ticket raised'],
      [15, '2023-02-14T11:59:00Z', 'Sev 1 ticket marked as resolved'],
    ],
    sections: [
      ['summary.whatHappened', 'This meant that the cluster was left without any nodes.'],
      ['analysis.factors', "QA test suite doesn't cover fluentd log collection"],
      [
        'lessons.couldImprove',
        'Launching new worker nodes rely heavily on the cloudinit script not failing in any way',
      ],
      ['details.notes', 'Time to recovery: 13 minutes'],
    ],
  },
  'k8s-test-infra_2019-05-30_prow-flakiness.md': {
    events: 11,
    unknown: 1,
    actions: 2,
    factors: 0,
    lessons: 5,
    involved: 0,
    appendices: 3,
    zone: 'PDT (UTC-07:00)',
    instants: [
      [0, null, '[???] IOPS reached a critical point'],
      [1, '2019-05-30T20:26:00Z', '@cblecker reports on Slack'],
      [6, '2019-05-30T22:14:00Z', 'Additional disk quota is granted'],
      // 17:10 PDT is already the next day in UTC.
      [7, '2019-05-31T00:10:00Z', '@Katharine realises that capacity'],
      [9, '2019-05-31T06:55:00Z', '@BenTheElder completes the migration'],
      // 07:00 after 23:55: past midnight, so 31 May local time.
      [10, '2019-05-31T14:00:00Z', 'Prow is once again merging'],
    ],
    sections: [
      ['summary.whatHappened', 'a spike in usage lead to hitting hard'],
      ['impact.notes', 'At peak, 60 PRs were stuck in the merge queue'],
      ['analysis.primaryCause', 'With our 250 GB disks, that gave us\n187.5 IOPS per instance.'],
      ['details.howFound', 'which most of our tooling uses to\ndetermine job state.'],
      ['details.stepsTaken', 'We requested and received quota for additional disk space'],
      ['lessons.notes', 'Not much.'],
      [
        'lessons.lucky',
        'Someone who realised that IOPS were the problem happened to be around to take a look.',
      ],
      ['materials.appendices', 'sometimes the cloud is cool'],
      ['materials.appendices', 'migrating capacity is done'],
    ],
  },
  'posthog_2025-09-29-flags-is-down.md': {
    events: 8,
    unknown: 0,
    actions: 9,
    factors: 0,
    lessons: 0,
    involved: 0,
    appendices: 0,
    zone: 'UTC',
    instants: [
      [0, '2025-09-29T16:58:00Z', 'Writer database begins experiencing'],
      [1, '2025-09-29T17:02:00Z', '[Unrelated deployment]'],
      [4, '2025-09-29T17:25:00Z', 'Incident declared, rollback attempted'],
      [7, '2025-09-29T18:46:00Z', 'Service fully restored'],
    ],
    sections: [
      [
        'summary.notes',
        'approximately 78% of flag evaluation requests in the US region failed with HTTP 504 errors',
      ],
      ['summary.whatHappened', 'Recovery was significantly delayed by hardcoded configuration values'],
      ['details.notes', 'Full service degradation timeline'],
      ['details.notes', 'pool timed out while waiting for an open connection'],
      [
        'analysis.primaryCause',
        'our standard ArgoCD rollback procedure failed due to misconfigured permissions.',
      ],
      [
        'impact.notes',
        'Customers experienced HTTP 504 errors regardless of their specific flag configurations',
      ],
      ['lessons.notes', 'The architectural improvements underway will provide proper isolation'],
    ],
  },
  'posthog_2025-10-03-surveys-sdk-bug.md': {
    events: 8,
    unknown: 0,
    actions: 10,
    factors: 4,
    lessons: 7,
    involved: 0,
    appendices: 0,
    zone: 'UTC',
    instants: [
      [0, '2025-10-03T10:45:00Z', 'SDK version 1.270.0 deployed'],
      [1, '2025-10-03T14:59:00Z', 'Support engineer notices two similar customer reports'],
      [4, '2025-10-03T16:11:00Z', 'Reverts deployed, issue mitigated'],
      [7, '2025-10-03T22:28:00Z', 'Incident closed, post-mortem phase begins'],
    ],
    sections: [
      ['summary.whatHappened', 'leading to a 4+ hour detection delay and extended customer impact'],
      ['details.notes', '**Detection delay:** 4 hours 14 minutes'],
      ['analysis.primaryCause', 'The survey extension is loaded asynchronously from our CDN'],
      ['impact.notes', "The remaining 215 teams' exceptions were successfully excluded from their bills"],
      ['details.stepsTaken', 'We reverted the problematic changes and released SDK version 1.270.1'],
      ['lessons.wentWell', 'Support, Error Tracking, and Surveys teams all contributed'],
      ['lessons.wentWrong', 'No integration tests covering the extension/SDK version compatibility scenario'],
      [
        'lessons.notes',
        'We lack visibility into exceptions occurring in customer applications using our SDK.',
      ],
    ],
  },
};

function at(report: Report, dotted: string): string {
  let v: unknown = report;
  for (const key of dotted.split('.')) v = (v as Record<string, unknown>)[key];
  return stringsOf(v).join('\n');
}

describe('importForeignMarkdown over the corpus of real post-mortems', () => {
  const files = readdirSync(path.join(CORPUS, 'postmortems')).filter((f) => f.endsWith('.md'));

  it('has an expectation for every corpus file', () => {
    expect(files.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const file of files) {
    describe(file, () => {
      const source = read('postmortems', file);
      const expected = EXPECTED[file] as Expected;
      const { report, recognition } = importForeignMarkdown(source, { file });

      it('yields a report that passes the schema', () => {
        expect(() => reportSchema.parse(report)).not.toThrow();
        expect(reportSchema.parse(report)).toEqual(report);
      });

      it('finds the expected timeline, actions, factors, lessons and people', () => {
        expect(report.details.timeline).toHaveLength(expected.events);
        expect(report.details.timeline.filter((e) => e.at === null)).toHaveLength(expected.unknown);
        expect(recognition.timeline).toMatchObject({
          rows: expected.events,
          events: expected.events,
          unknownTimes: expected.unknown,
          zone: expected.zone,
        });
        expect(report.actions.items).toHaveLength(expected.actions);
        expect(recognition.actionItems).toBe(expected.actions);
        expect(report.analysis.factors).toHaveLength(expected.factors);
        const l = report.lessons;
        expect(l.wentWell.length + l.wentWrong.length + l.couldImprove.length + l.lucky.length).toBe(
          expected.lessons,
        );
        expect(report.involved).toHaveLength(expected.involved);
        expect(report.materials.appendices).toHaveLength(expected.appendices);
        expect(report.kind).toBe('outage');
      });

      it('places each checked row at the hand-computed UTC instant, in the order written', () => {
        for (const [index, instant, text] of expected.instants) {
          const event = report.details.timeline[index];
          expect(event?.at, `event ${index}`).toBe(instant);
          expect(event?.text.startsWith(text), `event ${index} text "${event?.text}"`).toBe(true);
        }
      });

      it('keeps each section text in the part of the model it belongs to', () => {
        for (const [where, sentence] of expected.sections) expect(at(report, where)).toContain(sentence);
      });

      it('drops nothing: every paragraph, list item, code block and table cell appears in the report', () => {
        expect(missingBlocks(source, report)).toEqual([]);
      });

      it('serializes to Postmortem Markdown that reads back to the same report', () => {
        const back = parsePostmortem(serializePostmortem(report), { file });
        expect(back.problems).toEqual([]);
        expect(back.report).toEqual(report);
      });

      it('reports what it recognized and what it kept as free text', () => {
        const text = formatRecognition(recognition);
        expect(text).toContain(
          `Timeline: ${expected.events} rows → ${expected.events} events, ${expected.unknown} with an unknown time`,
        );
        expect(text).toContain(`Action items: ${expected.actions};`);
        expect(recognition.headings.filter((h) => h.role === 'appendix')).toHaveLength(expected.appendices);
        expect(recognition.headings[0]).toMatchObject({ role: 'title', line: 1 });
      });
    });
  }
});

describe('details of the corpus imports', () => {
  const load = (file: string) => importForeignMarkdown(read('postmortems', file), { file });

  it('reads the zone from a table header, from prose, or from the stamps, and says where it came from', () => {
    expect(
      load('dfds_PM2019-009_Kubernetes_network_infrastructure_IP_starvation.md').recognition.timeline
        .zoneSource,
    ).toBe('the timeline table header "Date and Time in CET"');
    expect(load('k8s-test-infra_2019-05-30_prow-flakiness.md').recognition.timeline.zoneSource).toBe(
      'the text "All times PDT"',
    );
    expect(load('posthog_2025-09-29-flags-is-down.md').recognition.timeline.zoneSource).toContain(
      '16:58 UTC',
    );
    expect(load('k8s-test-infra_2019-05-30_prow-flakiness.md').report.period.timezone).toBe(
      'America/Los_Angeles',
    );
  });

  it('warns where it assumed a date or a day change', () => {
    const { recognition } = load('k8s-test-infra_2019-05-30_prow-flakiness.md');
    expect(recognition.warnings).toContain(
      'line 82: the timeline gives no date; assumed 2019-05-30 from the title',
    );
    expect(
      recognition.warnings.some((w) => w.startsWith('line 91: the time went back from 23:55 to 07:00')),
    ).toBe(true);
  });

  it('reads owners, statuses, trackers and groups of actions', () => {
    const surveys = load('posthog_2025-10-03-surveys-sdk-bug.md').report.actions;
    expect(surveys.items.filter((a) => a.status === 'completed').map((a) => a.id)).toEqual(['A1', 'A2']);
    expect(surveys.items[3]).toMatchObject({
      title: 'Start incidents earlier',
      owner: '@lucasheriques',
      category: 'immediate',
    });
    expect(surveys.items[4]).toMatchObject({
      title: 'API compatibility layer',
      tracker: 'https://github.com/PostHog/posthog-js/pull/2428',
    });
    expect(
      surveys.items.slice(7).every((a) => a.owner === '@lucasheriques' && a.category === 'systemic'),
    ).toBe(true);
    expect(surveys.notes).toContain('**Long-term Improvements (Target: Q4 2025 - Q1 2026)**\n\nA8–A10');

    const flags = load('posthog_2025-09-29-flags-is-down.md').report.actions.items;
    expect(flags.slice(0, 2).every((a) => a.status === 'completed')).toBe(true);
    // Items under "Short-term Improvements ([Follow along here](…/issues/39133))" take the heading's tracker.
    expect(
      flags.slice(2, 6).every((a) => a.tracker === 'https://github.com/PostHog/posthog/issues/39133'),
    ).toBe(true);

    const k8s = load('k8s-test-infra_2019-05-30_prow-flakiness.md').report.actions.items;
    expect(k8s[0]?.tracker).toBe('https://github.com/kubernetes/test-infra/issues/12829');
    expect(load('k8s-test-infra_2019-05-30_prow-flakiness.md').recognition.actions).toEqual([
      { id: 'A1', line: 74 },
      { id: 'A2', line: 76 },
    ]);
    expect(load('k8s-test-infra_2019-05-30_prow-flakiness.md').recognition.timeline.lines).toEqual([
      81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91,
    ]);
    const dfds = load('dfds_PM2019-009_Kubernetes_network_infrastructure_IP_starvation.md').report.actions
      .items;
    expect(dfds[0]).toMatchObject({
      title: 'Make sure all deployed resources have a plan for monitoring / scaling',
      status: 'in_progress',
    });
    const node = load('dfds_PM2023-001_Total_node_failure.md').report.actions.items;
    expect(node.map((a) => a.status)).toEqual(['open', 'open', 'open', 'open', 'open', 'completed']);
  });

  it('maps event kinds from cue words', () => {
    const kinds = load(
      'dfds_PM2021-005_All_services_returning_503_in_Kubernetes.md',
    ).report.details.timeline.map((e) => e.kind);
    expect(kinds).toEqual([
      'other',
      'detected',
      'investigating',
      'detected',
      'mitigated',
      'other',
      'resolved',
    ]);
  });

  it('takes people from Attendees, authors from "Created by", and the Stats verbatim', () => {
    expect(load('dfds_PM2021-005_All_services_returning_503_in_Kubernetes.md').report.involved).toEqual([
      'RF',
      'PW',
      'RR',
      'AN',
      'EC',
      'SD',
      'WC',
    ]);
    expect(load('k8s-test-infra_2019-05-30_prow-flakiness.md').report.authors).toEqual(['Katharine Berry']);
    expect(load('dfds_PM2020-004_CoreDNS_upgrade_issue.md').report.details.notes).toContain(
      '**Stats**\n\n- Category: Kubernetes\n- Time to detection: ?\n- Time to recovery: 31 minutes',
    );
  });

  it('keeps unrecognized sections as appendices with their content verbatim', () => {
    const { report, recognition } = load('k8s-test-infra_2019-05-30_prow-flakiness.md');
    expect(report.materials.appendices.map((a) => [a.id, a.title])).toEqual([
      ['A', 'Appendinx'],
      ['B', '#testing-ops chat log'],
      ['C', 'GKE EngProd Chat Log'],
    ]);
    const source = read('postmortems', 'k8s-test-infra_2019-05-30_prow-flakiness.md');
    expect(source).toContain(report.materials.appendices[1]?.content as string);
    expect(recognition.freeText.some((f) => f.keptIn === 'materials.appendices[B]' && f.line === 95)).toBe(
      true,
    );
    const text = formatRecognition(recognition);
    expect(text).toContain('Sections: 12 recognized of 14');
    expect(text).toContain('Appendinx → materials.appendices[A];');
    expect(text).toContain('GKE EngProd Chat Log → materials.appendices[C] (under the heading above)');
    expect(text.split('\n').length).toBeLessThan(12);
  });
});

describe('importForeignMarkdown over the templates', () => {
  for (const file of readdirSync(path.join(CORPUS, 'templates'))) {
    it(`imports ${file} into a valid report`, () => {
      const { report, recognition } = importForeignMarkdown(read('templates', file), { file });
      expect(() => reportSchema.parse(report)).not.toThrow();
      expect(recognition.headings.filter((h) => h.role !== 'appendix').length).toBeGreaterThan(8);
      expect(report.details.timeline).toEqual([]);
    });
  }

  it('keeps the front matter of the PagerDuty template and titles it from the file name', () => {
    const { report, recognition } = importForeignMarkdown(
      read('templates', 'pagerduty_post_mortem_template.md'),
      {
        file: 'pagerduty_post_mortem_template.md',
      },
    );
    expect(recognition.title).toEqual({ text: 'pagerduty post mortem template', from: 'file name' });
    expect(report.materials.appendices[0]?.title).toBe('Front matter');
    expect(report.materials.appendices[0]?.content).toContain(
      'cover: assets/img/covers/post-mortem_template.png',
    );
    expect(report.summary.whatHappened).toContain('**What Happened**');
    expect(formatRecognition(recognition)).toContain('Messaging → materials.appendices[B] (not recognized)');
  });
});

describe('importForeignMarkdown on hostile input', () => {
  const within = (fn: () => unknown, code: string, pattern: RegExp) => {
    const t0 = performance.now();
    let error: unknown;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(1000);
    expect(isAppError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    expect((error as Error).message).toMatch(pattern);
  };

  it('refuses a 10,000-deep block quote', () => {
    within(
      () => importForeignMarkdown(`# T\n\n${'>'.repeat(10_000)} x\n`),
      'bad_request',
      /^line 3: .*nested 10000 deep/,
    );
  });

  it('refuses a 10,000-deep nested list, by markers or by indentation', () => {
    within(
      () => importForeignMarkdown(`${'- '.repeat(10_000)}x`, { file: 'deep.md' }),
      'bad_request',
      /^deep\.md:1: lists or block quotes nested/,
    );
    const indented = Array.from({ length: 10_000 }, (_, i) => `${' '.repeat(2 * i)}- item`).join('\n');
    within(
      () => importForeignMarkdown(indented.slice(0, 190_000)),
      'bad_request',
      /^line \d+: lists or block quotes nested 17 deep/,
    );
  });

  it('refuses a 10 MB file before parsing it', () => {
    within(
      () => importForeignMarkdown('Lorem ipsum dolor sit amet. '.repeat(400_000)),
      'too_large',
      /more than the 200,000/,
    );
  });

  it('refuses binary junk and malformed Unicode, naming the line', () => {
    const junk = Array.from({ length: 200_000 }, (_, i) => String.fromCharCode((i * 7919) % 256)).join('');
    within(() => importForeignMarkdown(junk), 'bad_request', /^line 1: control character U\+0000/);
    within(
      () => importForeignMarkdown('# Title\n\nok\n\nbad \ud800 here'),
      'bad_request',
      /^line 5: malformed Unicode/,
    );
  });

  it('refuses inline delimiter bombs that would make the parser crawl', () => {
    within(
      () => importForeignMarkdown('*a '.repeat(20_000) + '*'.repeat(20_000)),
      'bad_request',
      /emphasis or bracket/,
    );
    within(
      () => importForeignMarkdown('['.repeat(20_000) + 'x' + ']'.repeat(20_000)),
      'bad_request',
      /emphasis or bracket/,
    );
    within(
      () => importForeignMarkdown('[a]('.repeat(26_000)),
      'bad_request',
      /more than 50,000 emphasis, bracket or tag/,
    );
    within(() => importForeignMarkdown(`|${'a|'.repeat(50_000)}\n`), 'bad_request', /table cells/);
  });

  it('still imports an ordinary long report quickly', () => {
    const long = `# Big\n\n## Timeline\n\nAll times in UTC.\n\n${Array.from({ length: 1000 }, (_, i) => `- 2024-01-${String((i % 28) + 1).padStart(2, '0')} 10:${String(i % 60).padStart(2, '0')} step ${i} done by **someone**`).join('\n')}\n`;
    const t0 = performance.now();
    const { report } = importForeignMarkdown(long);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(report.details.timeline).toHaveLength(1000);
  });
});

describe('importForeignMarkdown on unusual but honest input', () => {
  const valid = (md: string, options = {}) => {
    const out = importForeignMarkdown(md, options);
    expect(() => reportSchema.parse(out.report)).not.toThrow();
    return out;
  };

  it('imports empty text and text without headings', () => {
    expect(valid('').report.title).toBe('Imported post-mortem');
    expect(valid('', { file: 'notes/db_outage-2024.md' }).recognition.title).toEqual({
      text: 'db outage-2024',
      from: 'file name',
    });
    expect(valid('Just some text.\nMore text.').report.summary.notes).toBe('Just some text.\nMore text.');
  });

  it('reads Windows line endings, a byte order mark and setext headings like the plain forms', () => {
    const lf = valid('# T\n\n## Timeline\n\nAll times in UTC.\n\n- 2024-01-01 10:00 start\n').report;
    expect(
      valid('\uFEFF# T\r\n\r\n## Timeline\r\n\r\nAll times in UTC.\r\n\r\n- 2024-01-01 10:00 start\r\n')
        .report,
    ).toEqual(lf);
    expect(valid('Title\n=====\n\nSummary\n-------\n\ntext').report).toMatchObject({
      title: 'Title',
      summary: { whatHappened: 'text' },
    });
  });

  it('leaves out a section that is only an HTML comment, and says so', () => {
    const { report, recognition } = valid('# T\n\n## Summary\n\n<!-- fill me -->\n');
    expect(report.summary.whatHappened).toBeUndefined();
    expect(recognition.warnings).toEqual([
      'line 5: summary.whatHappened held only an HTML comment, which was left out',
    ]);
  });

  it('does not read times inside code blocks as timeline rows', () => {
    const { report } = valid('# T\n\n## Timeline\n\n```\n10:00 not a row\n```\n');
    expect(report.details.timeline).toEqual([]);
    expect(report.details.notes).toContain('10:00 not a row');
  });

  it('calls a report about a breach a security report', () => {
    expect(valid('# Security incident: leaked credentials\n\n## Summary\n\nx').report.kind).toBe('security');
  });

  it('keeps sections past the hundredth appendix in the materials notes', () => {
    const md = Array.from({ length: 105 }, (_, i) => `## Part ${i + 1}\n\ntext of part ${i + 1}`).join(
      '\n\n',
    );
    const { report } = valid(md);
    expect(report.materials.appendices).toHaveLength(100);
    expect(report.materials.appendices[99]).toEqual({
      id: 'CV',
      title: 'Part 100',
      content: 'text of part 100',
    });
    expect(report.materials.notes).toContain('**Part 101**\n\ntext of part 101');
    expect(report.materials.notes).toContain('**Part 105**\n\ntext of part 105');
  });

  it('shortens an overlong factor or lesson to one line and keeps its full text, named, in the notes', () => {
    const long = (word: string) => Array.from({ length: 400 }, (_, i) => `${word}${i}`).join(' ');
    const { report } = valid(
      `# T\n\n## Contributing factors\n\n- short factor\n- ${long('cause')}\n\n` +
        `## Lessons learned\n\n- ${long('lesson')}\n- short lesson\n`,
    );
    const factors = report.analysis.factors.map((f) => f.text);
    expect(factors[0]).toBe('short factor');
    expect(factors[1]).toMatch(/^cause0 cause1 .* …$/);
    expect(report.analysis.notes).toContain(`**CF2 in full**\n\n${long('cause')}`);
    const lessons = report.lessons.couldImprove;
    expect(lessons.map((l) => l.id)).toEqual(['L1', 'L2']);
    expect(lessons[0]?.text).toMatch(/^lesson0 lesson1 .* …$/);
    expect(lessons[1]?.text).toBe('short lesson');
    expect(report.lessons.notes).toContain(`**L1 in full**\n\n${long('lesson')}`);
  });

  it('skips empty bullets instead of inventing actions or people', () => {
    const { report } = valid('# T\n\n## Action items\n\n-\n- \n- real\n\n## Attendees\n\n-\n');
    expect(report.actions.items.map((a) => a.title)).toEqual(['real']);
    expect(report.involved).toEqual([]);
  });
});
