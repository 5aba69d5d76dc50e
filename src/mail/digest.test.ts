import { describe, expect, it } from 'vitest';
import { reportSchema } from '../domain/index.js';
import { sortActions } from './digest.js';

describe('the digest sorts a person’s actions', () => {
  it('lists a completed action as awaiting verification unless it is verified or declined with a reason', () => {
    const report = reportSchema.parse({
      kind: 'outage',
      title: 'Queue backlog',
      actions: {
        items: [
          { id: 'A1', title: 'Add a queue-depth alert', owner: 'Ana', status: 'completed' },
          {
            id: 'A2',
            title: 'Raise the worker pool',
            owner: 'Ana',
            status: 'completed',
            declinedReason: 'the pool was removed the week after',
          },
          {
            id: 'A3',
            title: 'Shard the queue',
            owner: 'Ana',
            status: 'completed',
            verification: { result: 'effective' },
          },
          { id: 'A4', title: 'Document the drain', owner: 'Ana', status: 'open', deadline: '2026-12-01' },
          { id: 'A5', title: 'Load test', owner: 'Ana', status: 'open', deadline: '2026-12-08' },
          { id: 'A6', title: 'Someone else’s', owner: 'Bo', status: 'completed' },
        ],
      },
    });
    const sorted = sortActions([{ id: 'queue-1', report }], (o) => o === 'Ana', '2026-12-06', 7);
    const ids = (xs: { action: { id: string } }[]) => xs.map((x) => x.action.id);
    expect(ids(sorted.awaitingVerification)).toEqual(['A1']);
    expect(ids(sorted.overdue)).toEqual(['A4']);
    expect(ids(sorted.dueSoon)).toEqual(['A5']);
  });
});
