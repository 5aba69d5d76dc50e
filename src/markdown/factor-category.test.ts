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

describe('factor text that starts like a category', () => {
  it.each([
    ['a bracketed word and no category', '[Network] slow', undefined, '- **CF1** \\[Network] slow'],
    ['a task box and no category', '[x] done', undefined, '- **CF1** \\[x] done'],
    ['an escaped bracket and no category', '\\[Network] slow', undefined, '- **CF1** \\\\[Network] slow'],
    [
      'a bracketed word after a category',
      '[Network] slow',
      'Capacity',
      '- **CF1** [Capacity] \\[Network] slow',
    ],
    [
      'a link after a category',
      '[a](https://x.example) b',
      'Capacity',
      '- **CF1** [Capacity] \\[a](https://x.example) b',
    ],
    ['a parenthesis after a category', '(a) b', 'Capacity', '- **CF1** [Capacity] \\(a) b'],
    ['an escaped parenthesis and no category', '\\(a) b', undefined, '- **CF1** \\\\(a) b'],
  ])('round-trips %s', (_, text, category, line) => {
    const report = buildReport({
      analysis: { factors: [{ id: 'CF1', text, ...(category ? { category } : {}) }] },
    });
    const md = serializePostmortem(report);
    expect(md).toContain(`\n${line}\n`);
    const back = parsePostmortem(md);
    expect(back.problems).toEqual([]);
    expect(back.report?.analysis.factors).toStrictEqual(report.analysis.factors);
  });

  it('leaves text that cannot read as a category unescaped', () => {
    const md = serializePostmortem(
      buildReport({
        analysis: {
          factors: [
            { id: 'CF1', text: '[ ] todo' },
            { id: 'CF2', text: '(a) b' },
          ],
        },
      }),
    );
    expect(md).toContain('\n- **CF1** [ ] todo\n- **CF2** (a) b\n');
  });
});
