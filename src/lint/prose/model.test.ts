import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { emptyReport } from '../../domain/report.schema.js';
import { lintSection } from '../engine.js';
import { loadEvalSet } from './eval-set.js';
import { sentenceFeatures } from './model.js';
import { peopleOf } from './people.js';
import { trainModel } from './train-model.js';

describe('the prose model', () => {
  it('committed lint-model.json equals a fresh training run on the development half', () => {
    const committed = readFileSync(new URL('./lint-model.json', import.meta.url), 'utf8');
    const { model } = trainModel(loadEvalSet());
    expect(`${JSON.stringify(model, null, 2)}\n`).toBe(committed);
  }, 120_000);

  it('reads people the report lists, figures and capitalised words as classes, not as themselves', () => {
    const report = emptyReport('outage', 'x');
    report.involved = ['Sven Olsen'];
    report.systems = ['Kinesis'];
    const f = sentenceFeatures("Sven's deploy to Kinesis hit Dana's 3 shards.", peopleOf(report));
    expect(f).toContain('u:#person');
    expect(f).toContain("b:#person 's");
    expect(f).toContain('u:kinesis');
    expect(f).toContain('u:#cap');
    expect(f).toContain('u:#num');
    expect(f).not.toContain('u:sven');
    expect(sentenceFeatures('Impact: High', peopleOf(report))).toContain('label');
    expect(sentenceFeatures('No careless step was found.', peopleOf(report))).toContain('neg');
  });

  it('can be switched off for a comparison, and the rules alone still run', () => {
    const report = emptyReport('outage', 'x');
    report.impact.operational = 'Dave forgot to renew the certificate, which caused the outage.';
    const on = lintSection(report, 'impact').filter((f) => f.ruleId === 'blame');
    const off = lintSection(report, 'impact', { model: false }).filter((f) => f.ruleId === 'blame');
    expect(off.length).toBeGreaterThan(0);
    expect(on).toEqual(off);
  });
});
