import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../domain/index.js';
import { actionFromText, hintsFromHeading, statusFromWords } from './actions.extract.js';
import { importForeignMarkdown } from './foreign.import.js';
import { classifyHeading } from './headings.js';

const actionsOf = (md: string) => {
  const { report, recognition } = importForeignMarkdown(md);
  reportSchema.parse(report);
  return { items: report.actions.items, report, recognition };
};

describe('action items', () => {
  it('reads a table with owner, status, due date, tracker and priority columns', () => {
    const { items } = actionsOf(
      "# x\n\n## Follow-ups\n\n| Action | Owner | Status | Due | Ticket | Priority | Notes |\n|---|---|---|---|---|---|---|\n| Add disk alerts | @ana | Done | 2024-05-01 | [OPS-12](https://jira.example/browse/OPS-12) | P1 | after review |\n| Write runbook | Bob Stone | in progress | May 20, 2024 | #77 | low | |\n| Drop old cluster | | won't do | | | | |\n",
    );
    expect(items).toEqual([
      {
        id: 'A1',
        title: 'Add disk alerts · Notes: after review',
        owner: '@ana',
        status: 'completed',
        deadline: '2024-05-01',
        tracker: 'https://jira.example/browse/OPS-12',
        priority: 'high',
        addresses: [],
      },
      {
        id: 'A2',
        title: 'Write runbook',
        owner: 'Bob Stone',
        status: 'in_progress',
        deadline: '2024-05-20',
        tracker: '#77',
        priority: 'low',
        addresses: [],
      },
      { id: 'A3', title: 'Drop old cluster', status: 'wont_do', addresses: [] },
    ]);
  });

  it('reads bullets, numbered items and task-list boxes', () => {
    const { items } = actionsOf(
      '# x\n\n## Action Items\n\n1. Fix the probe (owner: Dana Ray)\n2. [blocked] Split the pools, see ENG-42\n\n- [x] Rotate keys @sam\n- [ ] Audit access\n',
    );
    expect(items.map((a) => [a.title, a.status, a.owner, a.tracker])).toEqual([
      // The owner named in parentheses moves to the owner field, out of the title.
      ['Fix the probe', 'open', 'Dana Ray', undefined],
      ['[blocked] Split the pools, see ENG-42', 'blocked', undefined, 'ENG-42'],
      ['Rotate keys @sam', 'completed', '@sam', undefined],
      ['Audit access', 'open', undefined, undefined],
    ]);
  });

  it('takes status, category and tracker from the heading over a group, and notes the group', () => {
    const { items, report } = actionsOf(
      '# x\n\n## Action items\n\n### Done\n\n- Restart the workers\n\n### Long-term ([board](https://tracker.example/board/9))\n\n- Rework retries\n',
    );
    expect(items[0]).toMatchObject({ status: 'completed' });
    expect(items[1]).toMatchObject({
      status: 'open',
      category: 'systemic',
      tracker: 'https://tracker.example/board/9',
    });
    expect(report.actions.notes).toContain('**Done**\n\nA1');
  });

  it('finds an action written as a labelled paragraph in any section', () => {
    const { items } = actionsOf(
      '# x\n\n## Lessons learned\n\n**Action item:** Page earlier. Declare at first confirmation. Owner: @kim\n',
    );
    expect(items).toEqual([
      {
        id: 'A1',
        title: 'Page earlier',
        details: 'Declare at first confirmation. Owner: @kim',
        owner: '@kim',
        status: 'open',
        addresses: [],
      },
    ]);
  });

  it('keeps blocks nested in an item as notes of the section', () => {
    const { items, report } = actionsOf(
      '# x\n\n## Action items\n\n- Improve alerts\n\n  ```\n  rule: p99 > 2s\n  ```\n',
    );
    expect(items).toHaveLength(1);
    expect(report.actions.notes).toContain('rule: p99 > 2s');
  });
});

describe('action helpers', () => {
  it.each([
    ['✅', 'completed'],
    ['Done', 'completed'],
    ['In Progress', 'in_progress'],
    ['WIP', 'in_progress'],
    ['Blocked', 'blocked'],
    ["Won't do", 'wont_do'],
    ['TODO', 'open'],
    ['Open', 'open'],
    ['maybe', undefined],
  ])('status word %j → %s', (word, status) => {
    expect(statusFromWords(word)).toBe(status);
  });

  it('splits a bold lead or a first sentence into title and details', () => {
    expect(actionFromText('**Circuit breakers**: add them to the client.', 1)).toMatchObject({
      title: 'Circuit breakers',
      details: 'add them to the client.',
    });
    expect(actionFromText('Document the rollover. Especially the failure cases', 1)).toMatchObject({
      title: 'Document the rollover',
      details: 'Especially the failure cases',
    });
    expect(actionFromText('Implement guards (done)', 1)).toMatchObject({
      title: 'Implement guards (done)',
      status: 'completed',
    });
    expect(actionFromText('Notify the owner of the service', 1).owner).toBeUndefined();
  });

  it('reads hints from a heading', () => {
    expect(hintsFromHeading('Immediate Actions (Completed)')).toEqual({
      status: 'completed',
      category: 'immediate',
    });
    expect(
      hintsFromHeading('Short-term Improvements ([Follow along here](https://github.com/o/r/issues/1))'),
    ).toEqual({
      tracker: 'https://github.com/o/r/issues/1',
    });
  });
});

describe('heading synonyms', () => {
  it.each([
    ['Summary', 'summary'],
    ['TL;DR', 'summary'],
    ['1. Impact', 'impact'],
    ['Timeline (all times UTC)', 'timeline'],
    ['Root Causes', 'rootCause'],
    ['Contributing Factors', 'factors'],
    ['Trigger', 'trigger'],
    ['Resolution', 'resolution'],
    ['Recovery', 'resolution'],
    ['Remediation', 'remediation'],
    ['Follow-ups', 'actions'],
    ['Action Items', 'actions'],
    ['Lessons Learned', 'lessons'],
    ['What went well?', 'wentWell'],
    ["What Didn't Go So Well?", 'wentWrong'],
    ['What went poorly', 'wentWrong'],
    ['Where we got lucky', 'lucky'],
    ['Stats', 'stats'],
    ['Attendees', 'attendees'],
    ['Detection', 'detection'],
    ['Appendinx', 'appendix'],
    ['Status', undefined],
    ['Messaging', undefined],
  ])('%j → %s', (heading, role) => {
    expect(classifyHeading(heading)).toBe(role);
  });
});
