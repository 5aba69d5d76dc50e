import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAILED_ATTEMPT, KIND_RULES, OUTCOME_KINDS, kindSuggester, suggestKind } from './kinds.js';

/** The rules applied one by one, first match wins, outcomes skipped after a failed step: what suggestKind must give. */
function reference(text: string, change = false) {
  const failed = FAILED_ATTEMPT.exec(text);
  for (const rule of KIND_RULES) {
    if (failed && OUTCOME_KINDS.has(rule.kind)) continue;
    const m = rule.pattern.exec(text);
    if (m) return { kind: rule.kind, reason: `the text mentions ${rule.what} ("${m[0]}")` };
  }
  // A failed step only matters in a text that names a step or outcome at all.
  if (failed && KIND_RULES.some((r) => r.pattern.test(text)))
    return { kind: 'other', reason: `the text says a step did not work ("${failed[0]}")` };
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
      'did not help',
      'rollback failed',
      'error rate dropping',
      'recovering',
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

  it('does not take a recovery for a detection, nor a failed step for a mitigation', () => {
    expect(suggestKind({ text: 'error rate dropping after the restart' }).kind).not.toBe('detected');
    expect(suggestKind({ text: 'error rate dropping' }).kind).toBe('mitigated');
    expect(suggestKind({ text: 'latency is improving, 5xx errors going down' }).kind).not.toBe('detected');
    expect(suggestKind({ text: 'restarted the pods, but the restart did not help' }).kind).toBe('other');
    expect(suggestKind({ text: 'rollback failed, the old image is gone' }).kind).toBe('other');
    expect(suggestKind({ text: 'rollback failed; error rate still high' }).kind).toBe('detected');
    expect(suggestKind({ text: 'we rolled back and error rate is back to normal' }).kind).toBe('mitigated');
  });

  it('gives what suggestKind gives with the suggestions of texts kept, repeated or all different', () => {
    const words = fc.constantFrom('rolled back', 'Resolved', 'acked', 'FIRING', 'request', 'done', '-');
    const hint = { kind: 'resolved' as const, reason: 'the source says so' };
    const change = { type: 'deploy' as const, id: 'd1', summary: 's' };
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ ws: fc.array(words, { maxLength: 4 }), hint: fc.boolean(), change: fc.boolean() }),
          { maxLength: 60 },
        ),
        (cs) => {
          const suggest = kindSuggester();
          // Each list twice: the second time every text is a kept one.
          for (const r of [...cs, ...cs]) {
            const c = {
              text: r.ws.join(' '),
              ...(r.hint ? { hint } : {}),
              ...(r.change ? { change } : {}),
            };
            expect(suggest(c)).toEqual(suggestKind(c));
          }
        },
      ),
      { numRuns: 500 },
    );
    // More different texts than are kept: it stops keeping them, and still answers the same.
    const suggest = kindSuggester();
    for (let i = 0; i < 10_000; i += 1) {
      const text = i % 3 === 0 ? `rolled back release ${i}` : `request ${i} completed`;
      expect(suggest({ text })).toEqual(suggestKind({ text }));
    }
    expect(suggest({ text: 'rolled back release 3' })).toEqual(
      suggestKind({ text: 'rolled back release 3' }),
    );
    // A short text's suggestion is kept (the same object again); a long one's is not kept, only made again.
    const fresh = kindSuggester();
    const short = { text: 'rolled back release 7' };
    expect(fresh(short)).toBe(fresh(short));
    const long = { text: `rolled back release ${'x'.repeat(2500)}` };
    expect(fresh(long)).not.toBe(fresh(long));
    expect(fresh(long)).toEqual(suggestKind(long));
  });
});
