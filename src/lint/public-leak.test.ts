import { describe, expect, it } from 'vitest';
import { leakyReport, SECRETS } from '../../test/leaky.js';
import { lintReport } from './index.js';

describe('public-leak lint rule', () => {
  it('finds each name, e-mail address, host, IP address and internal link left in public text', () => {
    const findings = lintReport(leakyReport()).filter((f) => f.ruleId === 'public-leak');
    const said = findings.map((f) => f.message).join('\n');
    for (const s of [
      'Priya',
      'Jonas Berg',
      'Tanaka',
      'Carmen Ruiz',
      'oncall@acme.io',
      'db-primary-03.prod.internal',
      'cache7.corp',
      'grafana.lan',
    ]) {
      expect(said, s).toContain(`"${s}`);
    }
    // (the evidence column's link is not prose: the public version drops that column whole)
    for (const s of [...SECRETS.ips, ...SECRETS.links.filter((l) => !l.includes('OPS-1'))])
      expect(said, s).toContain(`"${s}"`);
    // fields and items marked internal never go public, so nothing in them is reported
    expect(findings.some((f) => f.path.join('.').startsWith('impact.team'))).toBe(false);
    expect(findings.every((f) => f.severity === 'info')).toBe(true);
  });
});
