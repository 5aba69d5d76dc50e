import { describe, expect, it } from 'vitest';
import { ruleDoc, ruleDocPath } from './docs.js';
import { RULES } from './rules.js';

describe('rule documentation', () => {
  it('has a page for every rule with what, why, examples and how to silence it', () => {
    for (const rule of RULES) {
      const page = ruleDoc(rule.id);
      expect(page, rule.id).toBeDefined();
      expect(page).toContain(`# ${rule.id}`);
      expect(page).toContain(rule.description);
      for (const heading of ['## Why', '## Examples', '## How to silence it'])
        expect(page, `${rule.id}: ${heading}`).toContain(heading);
      expect(page).toContain(`hindsight-disable-next-line ${rule.id}`);
    }
  });

  it('knows no page for an unknown or hostile id', () => {
    expect(ruleDoc('no-such-rule')).toBeUndefined();
    expect(ruleDocPath('../../package')).toBeUndefined();
  });
});
