import { describe, expect, it } from 'vitest';
import { newReport } from '../../../src/domain/templates.js';
import { reportSchema } from '../../../src/domain/report.schema.js';
import {
  clean,
  compareParts,
  defaultChoice,
  fromLocalInput,
  getAt,
  leafChanges,
  mergeParts,
  nextId,
  setAt,
  toLocalInput,
  wordCount,
} from './model.js';
import { smartGaps } from './sections/actions.js';

const base = () => newReport('outage', { title: 'Cache cluster lost quorum' });

describe('editor model', () => {
  it('sets a value by path, copying only the objects along the path', () => {
    const r = base();
    r.details.timeline = [
      { at: '2026-03-05T14:00:00Z', kind: 'detected', text: 'alert' },
      { at: null, kind: 'other', text: 'later' },
    ];
    const next = setAt(r, ['details', 'timeline', 1, 'text'], 'changed');
    expect(getAt(next, ['details', 'timeline', 1, 'text'])).toBe('changed');
    expect(r.details.timeline[1]!.text).toBe('later');
    expect(next.details.timeline[0]).toBe(r.details.timeline[0]);
    expect(next.summary).toBe(r.summary);
    expect('severity' in setAt({ ...r, severity: 'SEV1' }, ['severity'], undefined)).toBe(false);
  });

  it('cleans what is sent: trimmed text, no empty values, no rows left blank', () => {
    const r = setAt(base(), ['summary', 'whatHappened'], '  Cache down.  ');
    const dirty = {
      ...r,
      tags: ['outage', '', ' cache '],
      facilitator: '   ',
      actions: { items: [{ id: 'A1', title: '', status: 'open', addresses: [] }] },
      impact: {
        ...r.impact,
        financial: [{ kind: 'cost', amount: Number.NaN, currency: 'EUR', basis: 'estimate' }],
      },
    };
    const c = clean(dirty);
    expect(c.summary.whatHappened).toBe('Cache down.');
    expect(c.tags).toEqual(['outage', 'cache']);
    expect('facilitator' in c).toBe(false);
    expect(c.actions.items).toEqual([]);
    expect(c.impact.financial).toEqual([]);
    expect(reportSchema.safeParse(c).success).toBe(true);
  });

  it('finds which parts each side changed and merges them part by part without losing either', () => {
    const b = base();
    const mine = setAt(b, ['analysis', 'primaryCause'], 'Two nodes cannot hold a quorum of three.');
    const theirs = setAt(
      setAt(b, ['summary', 'whatHappened'], 'Writes failed for 12 minutes.'),
      ['title'],
      'Quorum lost',
    );
    const changes = compareParts(b, mine, theirs).filter((c) => c.mine || c.theirs);
    expect(changes.map((c) => [c.part, c.mine, c.theirs, c.conflict])).toEqual([
      ['meta', false, true, false],
      ['summary', false, true, false],
      ['analysis', true, false, false],
    ]);
    const merged = mergeParts(
      mine,
      theirs,
      Object.fromEntries(changes.map((c) => [c.part, defaultChoice(c)])),
    );
    expect(merged.title).toBe('Quorum lost');
    expect(merged.summary.whatHappened).toBe('Writes failed for 12 minutes.');
    expect(merged.analysis.primaryCause).toBe('Two nodes cannot hold a quorum of three.');
  });

  it('flags a part both sides changed differently, and keeping mine there takes my whole part', () => {
    const b = base();
    const mine = setAt(b, ['summary', 'impact'], 'Mine');
    const theirs = setAt(b, ['summary', 'coreIssue'], 'Theirs');
    const summary = compareParts(b, mine, theirs).find((c) => c.part === 'summary')!;
    expect(summary.conflict).toBe(true);
    expect(defaultChoice(summary)).toBe('mine');
    expect(leafChanges(mine.summary, theirs.summary).map((d) => d.path.join('.'))).toEqual([
      'impact',
      'coreIssue',
    ]);
    const kept = mergeParts(mine, theirs, { summary: 'mine' });
    expect(kept.summary).toEqual(mine.summary);
    // Metadata kept as mine also drops fields the other side added.
    const theirsMeta = { ...b, facilitator: 'Someone' };
    expect('facilitator' in mergeParts(b, theirsMeta, { meta: 'mine' })).toBe(false);
  });

  it('numbers new ids after the highest one and counts words like a person', () => {
    expect(nextId('CF', ['CF1', 'CF7', undefined, 'L3'])).toBe('CF8');
    expect(nextId('A', [])).toBe('A1');
    expect(wordCount('Checkout failed for 43 minutes on 5 March 2026.')).toBe(9);
    expect(wordCount('  ')).toBe(0);
    expect(wordCount("The team's on-call rota didn't page anyone.")).toBe(7);
  });

  it('reads and writes times as UTC, to the second', () => {
    expect(fromLocalInput('2026-03-05T14:02')).toBe('2026-03-05T14:02:00Z');
    expect(fromLocalInput('2026-03-05T14:02:09')).toBe('2026-03-05T14:02:09Z');
    expect(fromLocalInput('2026-02-30T10:00')).toBeNull();
    expect(fromLocalInput('')).toBeNull();
    expect(toLocalInput('2026-03-05T14:02:09Z')).toBe('2026-03-05T14:02:09');
    expect(toLocalInput(null)).toBe('');
  });

  it('says what an action item lacks to be SMART', () => {
    const item = { id: 'A1', title: 'Fix it', status: 'open' as const, addresses: [] };
    expect(smartGaps(item)).toEqual([
      'a specific title',
      'a measurable success criterion',
      'an owner',
      'what it addresses',
      'a deadline',
    ]);
    expect(
      smartGaps({
        ...item,
        title: 'Alert before certificates expire',
        successCriterion: 'An alert fires 14 days ahead in a drill',
        owner: 'Platform team',
        addresses: ['RC'],
        deadline: '2026-06-30',
      }),
    ).toEqual([]);
  });
});
