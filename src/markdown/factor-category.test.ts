// A contributing factor's category from the organisation's taxonomy, in Postmortem Markdown.
import { describe, expect, it } from 'vitest';
import { buildReport } from '../../test/factories.js';
import { parsePostmortem } from './postmortem.parse.js';
import { serializePostmortem } from './postmortem.serialize.js';

describe('factor category in Postmortem Markdown', () => {
  it('round-trips as a bracketed name before the text', () => {
    const report = buildReport({
      analysis: {
        factors: [
          { id: 'CF1', text: 'The pool was too small', category: 'Capacity' },
          { id: 'CF2', text: 'No alert on saturation' },
        ],
      },
    });
    const md = serializePostmortem(report);
    expect(md).toContain('- **CF1** [Capacity] The pool was too small');
    const back = parsePostmortem(md);
    expect(back.problems).toEqual([]);
    expect(back.report?.analysis.factors).toEqual(report.analysis.factors);
  });

  it('leaves a link at the start of a factor as text', () => {
    const md = serializePostmortem(
      buildReport({ analysis: { factors: [{ id: 'CF1', text: '[runbook](https://x.example) was stale' }] } }),
    );
    expect(parsePostmortem(md).report?.analysis.factors[0]).toEqual({
      id: 'CF1',
      text: '[runbook](https://x.example) was stale',
    });
  });
});
