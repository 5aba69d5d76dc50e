import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lineSchema } from '../domain/index.js';
import { oneLine, redactTokens } from './candidate.js';

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

  it('removes links that carry Slack tokens', () => {
    expect(redactTokens('see https://files.slack.com/files-pri/T1-F1/a.png?t=xoxe-1 now')).toBe(
      'see [private file link removed] now',
    );
    expect(redactTokens('https://example.com/dl?token=xoxp-123 ok')).toBe('[private file link removed] ok');
    expect(redactTokens('plain https://example.com/a?t=1')).toBe('plain https://example.com/a?t=1');
  });
});
