import { describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import { eventSentence, eventsOfSave } from './outbox-events.js';
import type { Report } from './report.schema.js';

const AT = '2026-12-06T10:00:00.000Z';
const withActions = (r: Report, items: Report['actions']['items']): Report => ({
  ...r,
  actions: { ...r.actions, items },
});

describe('the events of a save', () => {
  const base = buildReport({ title: 'Queue backlog' });
  const a1 = {
    id: 'A1',
    title: 'Add a queue alert',
    status: 'open',
    addresses: [],
  } as Report['actions']['items'][number];

  it('names a new report and each of its actions', () => {
    const events = eventsOfSave('pm-1', undefined, withActions(base, [a1]), AT);
    expect(events.map((e) => e.event)).toEqual(['report.created', 'action.created']);
    expect(events[1]).toMatchObject({
      version: 1,
      occurredAt: AT,
      report: { id: 'pm-1' },
      action: { id: 'A1' },
    });
  });

  it('names an action saved already completed and verified as created, then completed, then verified', () => {
    const done = { ...a1, status: 'completed' as const };
    const verified = { ...done, id: 'A2', verification: { result: 'effective' as const } };
    const before = withActions(base, []);
    const events = eventsOfSave('pm-1', before, withActions(base, [done, verified]), AT);
    expect(events.map((e) => [e.event, e.action?.id])).toEqual([
      ['action.created', 'A1'],
      ['action.completed', 'A1'],
      ['action.created', 'A2'],
      ['action.completed', 'A2'],
      ['action.verified', 'A2'],
    ]);
    expect(eventsOfSave('pm-1', undefined, withActions(base, [done]), AT).map((e) => e.event)).toEqual([
      'report.created',
      'action.created',
      'action.completed',
    ]);
  });

  it('names a move between states, and publication', () => {
    const draft = { ...base, state: 'in_review' as const };
    const published = { ...base, state: 'published' as const };
    expect(eventsOfSave('pm-1', draft, published, AT).map((e) => [e.event, e.previous?.state])).toEqual([
      ['report.state_changed', 'in_review'],
      ['report.published', 'in_review'],
    ]);
    expect(eventsOfSave('pm-1', published, published, AT)).toEqual([]);
  });

  it('names changed, completed and verified actions, and nothing for an unchanged one', () => {
    const before = withActions(base, [a1, { ...a1, id: 'A2' }]);
    const done = { ...a1, status: 'completed' as const };
    const after = withActions(base, [done, { ...a1, id: 'A2' }]);
    expect(eventsOfSave('pm-1', before, after, AT).map((e) => e.event)).toEqual([
      'action.updated',
      'action.completed',
    ]);
    const verified = withActions(base, [
      { ...done, verification: { result: 'effective' as const } },
      { ...a1, id: 'A2' },
    ]);
    const events = eventsOfSave('pm-1', after, verified, AT);
    expect(events.map((e) => e.event)).toEqual(['action.updated', 'action.verified']);
    expect(eventSentence(events[1]!)).toBe(
      'Verified action A1 "Add a queue alert" in "Queue backlog" (pm-1): effective.',
    );
  });
});
