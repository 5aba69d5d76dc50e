import { describe, expect, it } from 'vitest';
import { locateFindings, textLocator } from './locate.js';
import { applySuppressions, suppressions } from './suppress.js';
import type { Finding } from './types.js';

const base: Omit<Finding, 'path' | 'range'> = {
  ruleId: 'judgment',
  severity: 'warning',
  message: 'm',
  section: 'details',
};

describe('placing findings in the source', () => {
  const source = ['# T', '', '### Steps taken', '', 'First line here.', 'We just restarted it.', ''].join(
    '\n',
  );
  const text = 'First line here.\nWe just restarted it.';
  const locate = () => ({ line: 5, column: 1 });

  it('adds the offset inside the field, counting newlines', () => {
    const start = text.indexOf('just');
    const [f] = locateFindings(
      [{ ...base, path: ['details', 'stepsTaken'], range: { start, end: start + 4 } }],
      locate,
      source,
      () => text,
    );
    expect([f?.line, f?.column]).toEqual([6, 4]);
  });

  it('falls back to the field start, then to line 1, when there is no range or no position', () => {
    const [a] = locateFindings([{ ...base, path: ['details', 'stepsTaken'] }], locate, source);
    expect([a?.line, a?.column]).toEqual([5, 1]);
    const [b] = locateFindings([{ ...base, path: ['x'] }], () => undefined, source);
    expect([b?.line, b?.column]).toEqual([1, 1]);
  });

  it('finds values of an imported report by their text, and sections by their heading', () => {
    const src = '# Title\n\n## Timeline\n\n| 10:00 | Alert fired |\n| 09:00 | Deploy |\n';
    const values: Record<string, unknown> = { 'details.timeline.1.text': 'Deploy' };
    const loc = textLocator(src, (p) => values[p.join('.')], [{ target: 'details.timeline', line: 3 }]);
    expect(loc(['details', 'timeline', 1, 'at'])).toEqual({ line: 6, column: 11 });
    expect(loc(['details', 'timeline'])).toEqual({ line: 3, column: 1 });
    expect(loc(['analysis', 'primaryCause'])).toBeUndefined();
  });
});

describe('inline suppressions', () => {
  const source = [
    'a',
    '<!-- hindsight-disable-next-line judgment -->',
    'We just did it.',
    '<!-- hindsight-disable-next-line -->',
    'Everything off here.',
    'Not suppressed.',
  ].join('\n');

  it('reads the rule ids of each directive for the line after it', () => {
    const map = suppressions(source);
    expect([...(map.get(3) ?? [])]).toEqual(['judgment']);
    expect([...(map.get(5) ?? [])]).toEqual(['*']);
    expect(map.has(6)).toBe(false);
  });

  it('drops only the named rule on the next line, everything after a bare directive', () => {
    const at = (line: number, ruleId: string) => ({ ...base, ruleId, path: ['x'], line, column: 1 });
    const kept = applySuppressions(
      [at(3, 'judgment'), at(3, 'blame'), at(5, 'blame'), at(6, 'judgment')],
      source,
    ).map((f) => `${f.line}:${f.ruleId}`);
    expect(kept).toEqual(['3:blame', '6:judgment']);
  });
});
