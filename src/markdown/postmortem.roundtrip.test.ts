import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildReport, reportArb } from '../../test/factories.js';
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
});
