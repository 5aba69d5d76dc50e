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

  it('skips entries marked internal inside rows, and uses the organisation’s internal network', () => {
    const r = leakyReport();
    r.analysis.fiveWhys = [
      {
        problem: 'Checkout failed',
        steps: [{ answer: 'build7.lab.acme.io was down' }, { answer: 'ci.lab.acme.io ran out of disk' }],
      },
    ];
    r.internal = [...r.internal, 'analysis.fiveWhys.0.steps.1'];
    const leaks = (network?: Parameters<typeof lintReport>[1]) =>
      lintReport(r, network)
        .filter((f) => f.ruleId === 'public-leak' && f.path[1] === 'fiveWhys')
        .map((f) => f.path.join('.'));
    // acme.io is public until the organisation says it is internal
    expect(leaks()).toEqual([]);
    const network = { domains: ['lab.acme.io'], suffixes: [], ipRanges: [] };
    // the marked why is not reported; the other is
    expect(leaks({ network })).toEqual(['analysis.fiveWhys.0.steps.0.answer']);
  });
});
