import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineSchema } from '../domain/index.js';
import { needsCleaning, oneLine, redactTokens } from './candidate.js';

describe('oneLine', () => {
  it('turns any text into a valid model line (or nothing)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 3000 }), (text) => {
        const line = oneLine(text);
        if (line !== '') expect(lineSchema.safeParse(line).success).toBe(true);
      }),
      { numRuns: 500 },
    );
    expect(oneLine('  a\tb\r\nc  ')).toBe('a b c');
    expect(oneLine('x'.repeat(2500))).toHaveLength(2000);
  });

  it('tells whether a text needs cleaning exactly as the pattern it replaced', () => {
    // eslint-disable-next-line no-control-regex -- the pattern needsCleaning replaced
    const pattern = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]|\s\s|^\s|\s$|[^\S ]/;
    const odd = fc.constantFrom(
      ...' \t\n\r\v\f\u0000\u001f\u007f\u0085\u009f\u00a0\u00a1\u1680\u2000\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeffaé…😀',
    );
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.array(odd, { maxLength: 12 }).map((a) => a.join('')),
      fc.array(fc.oneof(odd, fc.constantFrom('a', 'b', ' ')), { maxLength: 12 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(text, (t) => {
        expect(needsCleaning(t)).toBe(pattern.test(t));
      }),
      { numRuns: 5000 },
    );
    for (let c = 0; c <= 0xffff; c += 1) {
      const ch = String.fromCharCode(c);
      expect(needsCleaning(`a${ch}b`), `U+${c.toString(16)}`).toBe(pattern.test(`a${ch}b`));
    }
  });

  it('removes links that carry Slack tokens', () => {
    expect(redactTokens('see https://files.slack.com/files-pri/T1-F1/a.png?t=xoxe-1 now')).toBe(
      'see [private file link removed] now',
    );
    expect(redactTokens('https://example.com/dl?token=xoxp-123 ok')).toBe('[private file link removed] ok');
    expect(redactTokens('plain https://example.com/a?t=1')).toBe('plain https://example.com/a?t=1');
  });
});
