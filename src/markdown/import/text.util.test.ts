import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeHeading } from './headings.js';
import { firstBracketed, plainInline, replaceBracketed, trimEndOf } from './text.util.js';

// The expressions the scans replaced are the oracle here: quadratic on long hostile input, fine on these short
// strings. They are built from text so the lint rule against them (rightly) leaves this file alone.
const oracle = (source: string, flags?: string) => new RegExp(source, flags);

// Strings made mostly of the characters the scans look for, so brackets meet, nest and stay open.
const brackety = fc.string({
  unit: fc.constantFrom('(', ')', '[', ']', '!', 'a', ' ', '.', ',', ';', '*', '_'),
  maxLength: 40,
});

describe('the hand scans give what the regular expressions they replace gave', () => {
  it('trimEndOf', () => {
    fc.assert(
      fc.property(brackety, (s) => {
        expect(trimEndOf(s, '.,;')).toBe(s.replace(oracle('[.,;]+$'), ''));
      }),
    );
  });

  it('firstBracketed', () => {
    fc.assert(
      fc.property(brackety, (s) => {
        expect(firstBracketed(s, '(', ')')?.inner).toBe(oracle('\\(([^)]*)\\)').exec(s)?.[1]);
        expect(firstBracketed(s, '(', ')', true)?.inner).toBe(oracle('\\(([^)]+)\\)').exec(s)?.[1]);
      }),
    );
  });

  it('replaceBracketed', () => {
    fc.assert(
      fc.property(brackety, (s) => {
        expect(replaceBracketed(s, '(', ')', ' ')).toBe(s.replace(oracle('\\([^)]*\\)', 'g'), ' '));
        expect(replaceBracketed(s, '[', ']', ' ')).toBe(s.replace(oracle('\\[[^\\]]*\\]', 'g'), ' '));
      }),
    );
  });

  it('link labels in plainInline', () => {
    fc.assert(
      fc.property(brackety, (s) => {
        const before = s
          .replace(oracle('!?\\[([^\\]]*)\\]\\([^)]*\\)', 'g'), '$1')
          .replace(/<https?:[^>]+>/g, (m) => m.slice(1, -1))
          .replace(/(\*\*|__|\*|_|`|~~)/g, '')
          .replace(/\s+/g, ' ')
          .trim();
        expect(plainInline(s)).toBe(before);
      }),
    );
    expect(plainInline('See ![logo](a.png) and [the runbook](https://x/y) [sic]')).toBe(
      'See logo and the runbook [sic]',
    );
  });
});

describe('hostile input stays linear', () => {
  it('reads long runs of brackets and punctuation that never close quickly', () => {
    const n = 200_000;
    const started = performance.now();
    expect(firstBracketed('('.repeat(n), '(', ')')).toBeUndefined();
    expect(replaceBracketed('['.repeat(n), '[', ']', ' ')).toHaveLength(n);
    expect(plainInline('[a]'.repeat(n / 4))).toHaveLength((n / 4) * 3);
    expect(plainInline('[a]('.repeat(n / 4))).toHaveLength(n);
    expect(plainInline('[a](b)'.repeat(n / 4))).toHaveLength(n / 4);
    expect(replaceBracketed('()'.repeat(n), '(', ')', '')).toBe('');
    expect(trimEndOf(`${','.repeat(n)}x`, ',')).toHaveLength(n + 1);
    expect(normalizeHeading(`${'('.repeat(n)}Timeline`)).toBe('timeline');
    // The regular expressions these replace took minutes on such input; the scans take milliseconds.
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
