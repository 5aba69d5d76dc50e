import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReport, reportArb } from '../../test/factories.js';
import { reportSchema } from '../domain/index.js';
import { parsePostmortem } from './postmortem.parse.js';
import { serializePostmortem } from './postmortem.serialize.js';

describe('Postmortem Markdown round trip', () => {
  it('parse(serialize(r)) equals r for 1,000 generated reports', () => {
    let optionalSeen = 0;
    fc.assert(
      fc.property(reportArb, (report) => {
        const md = serializePostmortem(report);
        const parsed = parsePostmortem(md);
        expect(parsed.problems).toEqual([]);
        expect(parsed.report).toStrictEqual(report);
        if (report.actions.items.some((a) => a.verification?.notes)) optionalSeen += 1;
      }),
      { numRuns: 1000 },
    );
    // The generator must reach deep optional fields, or the property proves little.
    expect(optionalSeen).toBeGreaterThan(10);
  });

  it('keeps a contributing factor whose text starts with blank brackets (a task box), found by the property', () => {
    const base = buildReport();
    const report = reportSchema.parse({
      ...base,
      analysis: { ...base.analysis, factors: [{ id: 'CF1', text: '[ ] !' }] },
    });
    const parsed = parsePostmortem(serializePostmortem(report));
    expect(parsed.problems).toEqual([]);
    expect(parsed.report).toStrictEqual(report);
  });

  it('serializing a parsed canonical file reproduces it byte for byte', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const md = serializePostmortem(report);
        const again = serializePostmortem(parsePostmortem(md).report!);
        expect(again).toBe(md);
      }),
      { numRuns: 300 },
    );
    const md = serializePostmortem(buildReport());
    expect(serializePostmortem(parsePostmortem(md).report!)).toBe(md);
  });

  // Issue 14, item 10: these were accepted by the API and refused when the export was read again.
  it.each([
    ['many digits and a dot', `${'1'.repeat(600)}. then text`],
    ['digits, dots and spaces', `Before\n${'12345678901. '.repeat(60)}x`],
    ['deep indentation', `Before\n${' '.repeat(900)}indented`],
    ['dots', `${'.'.repeat(500)}\nafter`],
    ['list markers up to the limit', `${'- '.repeat(200)}deep`],
  ])('reads back prose with %s', (_, text) => {
    const report = reportSchema.parse({
      ...buildReport(),
      details: { ...buildReport().details, howFound: text },
    });
    const parsed = parsePostmortem(serializePostmortem(report));
    expect(parsed.problems).toEqual([]);
    expect(parsed.report).toStrictEqual(report);
  });

  it('has the schema refuse prose nested deeper than the parser reads', () => {
    const deep = {
      ...buildReport(),
      details: { ...buildReport().details, howFound: `${'> '.repeat(201)}x` },
    };
    expect(reportSchema.safeParse(deep).error?.issues[0]?.message).toMatch(/nest more than 200/);
    // The same depth as a list item's text: the item's own marker makes 202, still within the parser's 400.
    expect(
      parsePostmortem(`---\nkind: outage\n---\n# T\n\n## Executive summary\n\n${'> '.repeat(10_000)}x\n`)
        .problems[0]?.message,
    ).toMatch(/nested deeper/);
  });
});
