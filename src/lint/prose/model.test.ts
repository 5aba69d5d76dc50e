import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyReport } from '../../domain/report.schema.js';
import { lintSection } from '../engine.js';
import { loadEvalSet, loadTrainingSet } from './eval-set.js';
import { analyseProse } from './analyse.js';
import { sentenceFeatures, stem, withModel } from './model.js';
import type { ProseContext, SentenceRule } from './rule.js';
import { DEFAULT_LINT_CONFIG } from '../config.js';
import { peopleOf } from './people.js';
import { trainModel } from './train-model.js';

describe('the prose model', () => {
  it('committed lint-model.json equals a fresh training run on the development half and the training pairs', () => {
    const committed = readFileSync(new URL('./lint-model.json', import.meta.url), 'utf8');
    const { model } = trainModel(loadEvalSet(), loadTrainingSet());
    expect(`${JSON.stringify(model, null, 2)}\n`).toBe(committed);
  }, 600_000);

  it('reads people the report lists, figures and capitalised words as classes, not as themselves', () => {
    const report = emptyReport('outage', 'x');
    report.involved = ['Sven Olsen'];
    report.systems = ['Kinesis'];
    const f = sentenceFeatures("Sven's deploy to Kinesis hit Dana's 3 shards.", peopleOf(report));
    expect(f).toContain('u:#person');
    expect(f).toContain("b:#person 's");
    expect(f).toContain(`u:${stem('kinesis')}`);
    expect(f).toContain('u:#cap');
    expect(f).toContain('u:#num');
    expect(f).not.toContain('u:sven');
    expect(sentenceFeatures('Impact: High', peopleOf(report))).toContain('label');
    expect(sentenceFeatures('No careless step was found.', peopleOf(report))).toContain('neg');
    // The rules' parts as signals, wherever they stand.
    expect(sentenceFeatures('The intern forgot to renew it.', peopleOf(report))).toEqual(
      expect.arrayContaining(['s:role', 's:fault']),
    );
    expect(sentenceFeatures('Many customers could not pay.', peopleOf(report))).toEqual(
      expect.arrayContaining(['s:harm', 's:stand-in', 's:people-or-money']),
    );
    expect(['deleted', 'deletes', 'deleting'].map(stem)).toEqual(['delet', 'delet', 'delet']);
  });

  it('can be switched off for a comparison, and the rules alone still run', () => {
    const report = emptyReport('outage', 'x');
    report.impact.operational = 'Dave forgot to renew the certificate, which caused the outage.';
    const on = lintSection(report, 'impact').filter((f) => f.ruleId === 'blame');
    const off = lintSection(report, 'impact', { model: false }).filter((f) => f.ruleId === 'blame');
    expect(off.length).toBeGreaterThan(0);
    expect(on).toEqual(off);
  });

  it('vetoes a rule hit the model finds unlike the rule’s sentences (a gate)', () => {
    // No gate is on in the committed model since round seven (vague-impact's lowered a held-out figure), so the gate
    // is checked with a model of its own: a rule hit stands only where the model gives at least `gate`.
    const firing: SentenceRule = { id: 'vague-impact', check: () => [{ start: 0, end: 4, message: 'm' }] };
    const report = emptyReport('outage', 'x');
    const ctx: ProseContext = { report, config: DEFAULT_LINT_CONFIG, people: peopleOf(report) };
    const [sentence] = analyseProse(
      [
        {
          path: ['impact', 'operational'],
          section: 'impact',
          text: 'Lucia forgot the flag, and billing broke.',
        },
      ],
      'en',
      false,
    ).sentences;
    if (!sentence) throw new Error('no sentence');
    const reading = { message: 'm', suggestion: 's' };
    const unlike = { bias: -5, weights: {}, gate: 0.3, add: 2 };
    expect(withModel(firing, reading, unlike).check(sentence, ctx)).toEqual([]);
    expect(withModel(firing, reading, { ...unlike, bias: 5 }).check(sentence, ctx)).toHaveLength(1);
    expect(withModel(firing, reading, unlike).check(sentence, { ...ctx, model: false })).toHaveLength(1);
  });

  it('adds one finding over the whole sentence where the model is sure and the rule is silent, only where it applies', () => {
    const silent: SentenceRule = { id: 'blame', check: () => [] };
    const report = emptyReport('outage', 'x');
    const ctx: ProseContext = { report, config: DEFAULT_LINT_CONFIG, people: peopleOf(report) };
    const [sentence] = analyseProse(
      [{ path: ['impact', 'operational'], section: 'impact', text: '  The intern broke it.' }],
      'en',
      false,
    ).sentences;
    if (!sentence) throw new Error('no sentence');
    const sure = { bias: 5, weights: {}, gate: 0, add: 0.9 };
    const reading = { message: 'm', suggestion: 's', severity: 'warning' as const };
    const hits = withModel(silent, reading, sure).check(sentence, ctx);
    expect(hits).toEqual([
      { start: 0, end: sentence.text.trimEnd().length, message: 'm', suggestion: 's', severity: 'warning' },
    ]);
    expect(withModel(silent, { ...reading, applies: () => false }, sure).check(sentence, ctx)).toEqual([]);
    expect(withModel(silent, reading, { ...sure, bias: -5 }).check(sentence, ctx)).toEqual([]);
    expect(withModel(silent, reading, sure).check(sentence, { ...ctx, model: false })).toEqual([]);
  });
});
