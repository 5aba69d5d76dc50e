import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KIND_RULES, suggestKind } from './kinds.js';

/** The rules applied one by one, first match wins: what suggestKind must give. */
function reference(text: string, change = false) {
  for (const rule of KIND_RULES) {
    const m = rule.pattern.exec(text);
    if (m) return { kind: rule.kind, reason: `the text mentions ${rule.what} ("${m[0]}")` };
  }
  return {
    kind: 'other',
    reason: change ? expect.stringContaining('a change') : 'no alerting state or telling words',
  };
}

describe('suggested kinds', () => {
  it('gives what trying each rule in turn gives, for any mix of telling and plain words', () => {
    const words = fc.constantFrom(
      'rolled back',
      'Resolved',
      'acked',
      'FIRING',
      'status page',
      'on it',
      '503 errors',
      'hotfix',
      'recovered',
      'request',
      'completed',
      'in',
      '12',
      'ms',
      'the',
      'deploy',
      'backend',
      'alerting',
      'ack',
      'rollbacks',
      'customers were notified',
      'I’m',
      "i'm on it",
      'went down',
      'failover',
      '',
      '-',
      '.',
      'x',
    );
    fc.assert(
      fc.property(
        fc.array(words, { maxLength: 12 }),
        fc.constantFrom(' ', '', ', '),
        fc.boolean(),
        (ws, sep, change) => {
          const text = ws.join(sep);
          const c = {
            text,
            ...(change ? { change: { type: 'commit' as const, id: 'a1', summary: 's' } } : {}),
          };
          expect(suggestKind(c)).toEqual(reference(text, change));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('lets the earlier rule win when a text says two things', () => {
    expect(suggestKind({ text: 'resolved after we rolled back the deploy' }).kind).toBe('mitigated');
    expect(suggestKind({ text: 'alert firing, I am on it' }).kind).toBe('responded');
    expect(suggestKind({ text: 'request completed in 12 ms' }).kind).toBe('other');
  });
});
