import { describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import { parsePostmortem } from './postmortem.parse.js';
import { serializePostmortem } from './postmortem.serialize.js';

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('parsePostmortem: hand-written files', () => {
  it('reads a file written by hand with loose formatting', () => {
    const text = [
      '---',
      'kind: security',
      'severity: SEV1',
      'period:',
      '  start: 2024-06-01T09:00:00+02:00',
      '---',
      '# Leaked API key',
      '',
      '## executive SUMMARY',
      '### What happened',
      'A deploy key was pushed to a public repository.',
      '## Event details',
      '### Timeline',
      '|Time (UTC)|Kind|Event|',
      '|:--|--|--|',
      '|2024-06-01 07:05|detected|Secret scanner alert|',
      '|--:--|other|Key copied (time unknown)|',
      '## Root cause analysis',
      '### Contributing factors',
      '* No pre-commit secret scan',
      '- **CF7** Keys never expire',
      '## Lessons learned',
      '### What went well',
      '- Scanner caught it in 5 minutes',
      '## Action items',
      '### Rotate keys automatically',
      '- Owner: Security team',
      '- deadline: 2024-07-01',
      '- Status: In Progress',
      '- Addresses: CF1, CF7',
    ].join('\n');
    const parsed = parsePostmortem(text);
    expect(parsed.problems).toEqual([]);
    const r = parsed.report!;
    expect(r.kind).toBe('security');
    expect(r.period.start).toBe('2024-06-01T07:00:00Z');
    expect(r.summary.whatHappened).toBe('A deploy key was pushed to a public repository.');
    expect(r.details.timeline).toEqual([
      { at: '2024-06-01T07:05:00Z', kind: 'detected', text: 'Secret scanner alert' },
      { at: null, kind: 'other', text: 'Key copied (time unknown)' },
    ]);
    expect(r.analysis.factors).toEqual([
      { id: 'CF1', text: 'No pre-commit secret scan' },
      { id: 'CF7', text: 'Keys never expire' },
    ]);
    expect(r.lessons.wentWell).toEqual([{ id: 'L1', text: 'Scanner caught it in 5 minutes' }]);
    expect(r.actions.items[0]).toMatchObject({
      id: 'A1',
      title: 'Rotate keys automatically',
      owner: 'Security team',
      deadline: '2024-07-01',
      status: 'in_progress',
      addresses: ['CF1', 'CF7'],
    });
    // Once written canonically, the file is stable.
    const canonical = serializePostmortem(r);
    expect(serializePostmortem(parsePostmortem(canonical).report!)).toBe(canonical);
  });

  it('locates every kind of problem by line and column', () => {
    const good = serializePostmortem(buildReport());
    const cases: { edit: (t: string) => string; needle: string; column: number; message: RegExp }[] = [
      {
        edit: (t) => t.replace('| 61000 |', '| sixty |'),
        needle: '| sixty |',
        column: 0,
        message: /"sixty" is not a number/,
      },
      {
        edit: (t) => t.replace('| 2024-03-05 14:12 |', '| 2024-13-05 14:12 |'),
        needle: '2024-13-05',
        column: 0,
        message: /is not a time/,
      },
      {
        edit: (t) => t.replace('\n## Impact\n', '\n## Damage\n'),
        needle: '## Damage',
        column: 4,
        message: /unknown section "Damage"/,
      },
      {
        edit: (t) => t.replace('### Operational', '### Operations'),
        needle: '### Operations',
        column: 5,
        message: /unknown heading "### Operations"/,
      },
      {
        edit: (t) => t.replace('- **Owner:** Platform team', '- **Boss:** Platform team'),
        needle: '**Boss:**',
        column: 1,
        message: /expected "- \*\*Field:\*\* value"/,
      },
      {
        edit: (t) => t.replace('- **Deadline:** 2024-04-15', '- **Deadline:** 15/04/2024'),
        needle: '15/04/2024',
        column: 0,
        message: /deadline: must be a date written YYYY-MM-DD/,
      },
      {
        edit: (t) => t.replace('visibility: internal', 'visibility: internal\ncolour: red'),
        needle: 'colour: red',
        column: 1,
        message: /unknown field "colour"/,
      },
      {
        edit: (t) => t.replace('\n## Impact\n', '\n## Impact\n\nStray sentence.\n'),
        needle: 'Stray sentence.',
        column: 1,
        message: /belongs to no field/,
      },
    ];
    for (const c of cases) {
      const text = c.edit(good);
      expect(text).not.toBe(good);
      const { report, problems } = parsePostmortem(text, { file: 'r.md' });
      expect(report).toBeUndefined();
      const line = lineOf(text, c.needle);
      const hit = problems.find((p) => c.message.test(p.message));
      expect(hit, `${c.message} in ${JSON.stringify(problems)}`).toBeDefined();
      expect(hit!.line).toBe(line);
      expect(hit!.file).toBe('r.md');
      if (c.column > 0) expect(hit!.column).toBe(c.column);
      else {
        const lineText = text.split('\n')[line - 1] as string;
        // The column points into the line, at or before the offending value.
        expect(hit!.column).toBeGreaterThan(1);
        expect(hit!.column).toBeLessThanOrEqual(lineText.length);
      }
    }
  });

  it('leads with the YAML error when the front matter cannot be read, not with fields it could not see', () => {
    const md = [
      '---',
      'kind: outage',
      'tags: [payments, checkout',
      'severity: SEV2',
      '---',
      '',
      '# Checkout failed',
      '',
      '## Executive summary',
      '',
      '### What happened',
      '',
      'Checkout failed for 40 minutes.',
    ].join('\n');
    const problems = parsePostmortem(md).problems;
    expect(problems[0]).toMatchObject({ line: 4, message: expect.stringMatching(/^front matter: .*\]/) });
    expect(problems.some((p) => p.line === 1)).toBe(false);
    expect(problems.some((p) => /kind|title/.test(p.message))).toBe(false);
  });

  it('says what is missing when the skeleton is wrong', () => {
    expect(parsePostmortem('# No front matter\n').problems[0]).toMatchObject({
      line: 1,
      message: expect.stringContaining('starts with YAML front matter'),
    });
    expect(parsePostmortem('---\nkind: outage\n').problems[0]?.message).toContain('not closed');
    expect(parsePostmortem('---\nkind: outage\n---\n\n## Impact\n').problems.map((p) => p.message)).toContain(
      'the report has no title: add a "# Title" line after the front matter',
    );
    const titled = parsePostmortem('---\ntitle: X\nkind: outage\n---\n# X\n');
    expect(titled.problems[0]).toMatchObject({ line: 2, message: expect.stringContaining('"# Title" line') });
  });

  it('locates model paths for other tools (linter, editor)', () => {
    const text = serializePostmortem(buildReport());
    const parsed = parsePostmortem(text);
    expect(parsed.locate(['analysis', 'primaryCause'])?.line).toBe(
      lineOf(text, 'Staging used a different certificate chain'),
    );
    expect(parsed.locate(['details', 'timeline', 3, 'text'])).toEqual({
      line: lineOf(text, 'Rolled back to client 5.1'),
      column:
        (text.split('\n')[lineOf(text, 'Rolled back to client 5.1') - 1] as string).indexOf('Rolled') + 1,
    });
    expect(parsed.locate(['actions', 'items', 1, 'owner'])?.line).toBe(
      lineOf(text, '**Owner:** Checkout team'),
    );
    expect(parsed.locate(['authors', 0])?.line).toBe(lineOf(text, '- Robin Example'));
    expect(parsed.locate(['lessons', 'lucky', 0, 'text'])?.line).toBe(
      lineOf(text, 'outside the evening peak'),
    );
  });

  it('keeps values that look like Markdown, comments or table syntax', () => {
    const report = buildReport();
    report.details.timeline[0]!.text = 'Deployed `a|b` <!-- not a comment --> \\| done';
    report.analysis.factors[0]!.text = '<!-- looks like a comment';
    report.summary.whatHappened =
      '## Not a heading\n\n<!-- kept -->\n\\## escaped already\n#### a real sub-heading';
    const md = serializePostmortem(report);
    const parsed = parsePostmortem(md);
    expect(parsed.problems).toEqual([]);
    expect(parsed.report).toStrictEqual(report);
  });
});
