import { describe, expect, it } from 'vitest';
import { describeFishbone, layoutFishbone, wrap } from './fishbone-layout.js';

const LONG =
  'The renewal runbook lived in a personal wiki page that nobody else could find or edit during the outage';

describe('fishbone layout', () => {
  const causes = [
    {
      category: 'process' as const,
      cause: LONG,
      subCauses: ['Calendar reminder went to a former employee', 'No runbook'],
    },
    { category: 'people' as const, cause: 'On leave', subCauses: ['a', 'b', 'c', 'd', 'e', 'f'] },
    { category: 'environment' as const, cause: 'Heat wave', subCauses: [] },
    ...Array.from({ length: 6 }, (_, i) => ({
      category: 'tools' as const,
      cause: `Monitoring gap number ${i + 1} in the certificate inventory`,
      subCauses: [`detail ${i + 1}`],
    })),
  ];

  it('keeps every line of text inside the drawing, by a wide estimate of its width', () => {
    const l = layoutFishbone('Checkout failed for every customer in one region for an hour', causes);
    for (const t of [...l.texts, ...l.head.lines]) {
      const width = t.text.length * t.size * 0.58;
      const left = t.anchor === 'middle' ? t.x - width / 2 : t.x;
      expect(left, t.text).toBeGreaterThanOrEqual(0);
      expect(left + width, t.text).toBeLessThanOrEqual(l.width);
      expect(t.y - t.size, t.text).toBeGreaterThanOrEqual(0);
      expect(t.y, t.text).toBeLessThanOrEqual(l.height);
    }
  });

  it('draws sub-causes on their bones, keeps the full text of what it shortens, and grows to fit', () => {
    const l = layoutFishbone('Outage', causes);
    const texts = l.texts.map((t) => t.text);
    expect(texts).toContain('No runbook');
    expect(texts).toContain('+2 more');
    expect(l.texts.find((t) => t.full === LONG)).toBeDefined();
    expect(l.texts.find((t) => t.full === 'Calendar reminder went to a former employee')).toBeDefined();
    expect(l.ribs.filter((r) => r.sub).length).toBe(2 + 4 + 6);
    const small = layoutFishbone('Outage', causes.slice(0, 1));
    expect(l.height).toBeGreaterThan(small.height);
  });

  it('describes every cause and detail whole', () => {
    const d = describeFishbone('Outage', causes);
    expect(d).toContain(LONG);
    expect(d).toContain('Calendar reminder went to a former employee');
    expect(describeFishbone('Outage', [])).toMatch(/no causes yet/);
  });

  it('wraps words and marks what it cuts', () => {
    expect(wrap('one two three four', 9, 2)).toEqual({ lines: ['one two', 'three…'], cut: true });
    expect(wrap('short', 10, 2)).toEqual({ lines: ['short'], cut: false });
    expect(wrap('abcdefghijklmnop', 6, 1)).toEqual({ lines: ['abcde…'], cut: true });
  });
});
