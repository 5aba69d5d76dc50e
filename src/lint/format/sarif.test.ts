import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { lintReport } from '../engine.js';
import { sampleReport } from '../fixtures/sample-report.js';
import { sarifValidator } from '../fixtures/sarif-validator.js';
import { locateFindings } from '../locate.js';
import { formatSarif } from './sarif.formatter.js';

describe('SARIF output', () => {
  const validate = sarifValidator();

  it('validates against the SARIF 2.1.0 schema, with a result per finding and the rules described', () => {
    const r = sampleReport();
    r.analysis.primaryCause = 'Mateo forgot to set the pool size.';
    r.lessons.wentWell = [];
    const findings = locateFindings(lintReport(r), () => ({ line: 7, column: 3 }));
    const log = JSON.parse(
      formatSarif(
        [
          { file: 'reports/pool change.md', findings },
          {
            file: 'notes/other.md',
            findings: [
              {
                ruleId: 'invalid-report',
                severity: 'error',
                message: 'bad front matter',
                path: [],
                section: 'summary',
                line: 2,
                column: 1,
              },
            ],
          },
        ],
        '0.1.0',
      ),
    );
    const ok = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    const run = log.runs[0];
    expect(run.results).toHaveLength(findings.length + 1);
    const blame = run.results.find((x: { ruleId: string }) => x.ruleId === 'blame');
    expect(blame.level).toBe('error');
    expect(blame.locations[0].physicalLocation.artifactLocation.uri).toBe('reports/pool%20change.md');
    expect(run.tool.driver.rules[blame.ruleIndex].id).toBe('blame');
    expect(run.results.at(-1).ruleId).toBe('invalid-report');
    expect(run.tool.driver.rules[run.results.at(-1).ruleIndex].id).toBe('invalid-report');
  });

  it('points every rule at its documentation page and carries the page as help', () => {
    const run = JSON.parse(formatSarif([], '0.1.0')).runs[0];
    for (const rule of run.tool.driver.rules) {
      expect(rule.helpUri).toMatch(new RegExp(`^file:///.*/docs/rules/${rule.id}\\.md$`, 'u'));
      expect(existsSync(fileURLToPath(rule.helpUri))).toBe(true);
      expect(rule.help.markdown).toContain(`# ${rule.id}`);
    }
    const hosted = JSON.parse(formatSarif([], '0.1.0', 'https://docs.example.com/rules')).runs[0];
    expect(hosted.tool.driver.rules[0].helpUri).toBe('https://docs.example.com/rules/blame.md');
    expect(validate(JSON.parse(formatSarif([], '0.1.0', 'https://docs.example.com/rules')))).toBe(true);
  });

  it('is caught by the schema when broken, so the test can fail', () => {
    const log = JSON.parse(formatSarif([], '0.1.0'));
    log.version = '2.0.0';
    expect(validate(log)).toBe(false);
  });
});
