// The evaluation set of issue 11 (fixtures/eval/sentences.json), read by its test and by the model's training
// script: the sentences, their fixed split into a development and a held-out half, and what the linter says about
// each one read as the operational impact of a report.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { emptyReport } from '../../domain/report.schema.js';
import type { Report } from '../../domain/report.schema.js';
import { lintSection } from '../engine.js';

export interface Labelled {
  id: string;
  source: string;
  text: string;
  flag: string[];
  /** Which batch of writing and labelling the sentence belongs to; absent in the first batch. */
  batch?: string;
}
export interface EvalSet {
  rules: Record<string, string>;
  /** Per batch, the rules its sentences were labelled for (passive-voice only from the second). */
  batches: Record<string, { rules: string[] }>;
  contexts: Record<string, { people: string[]; systems: string[] }>;
  sentences: Labelled[];
  /** Written after the rules were changed on the development half: a check that the changes generalize. */
  generalization: Labelled[];
}

const fixtures = new URL('../fixtures/eval/', import.meta.url);

export function loadEvalSet(): EvalSet {
  return JSON.parse(readFileSync(new URL('sentences.json', fixtures), 'utf8')) as EvalSet;
}

export const batchOf = (s: Labelled): string => s.batch ?? 'first';

/** The rules a sentence was labelled for (its batch's). */
export function labelledFor(set: EvalSet, s: Labelled): string[] {
  return set.batches[batchOf(s)]?.rules ?? set.batches.first?.rules ?? [];
}

/** The fixed split: a seeded hash of the text puts each sentence in one half, once and for all. */
export function halfOf(text: string): 'dev' | 'held-out' {
  const digest = createHash('sha256').update(`hindsight-eval-issue-11:${text}`).digest();
  return ((digest[0] as number) & 1) === 0 ? 'dev' : 'held-out';
}

const reportText = new Map<string, string>();

/** The report a sentence is read in: its batch's people and systems, and the rest of its real report if any. */
export function reportFor(set: EvalSet, s: Labelled): Report {
  const report = emptyReport('outage', 'Evaluation sentence');
  const written = batchOf(s) === 'first' ? 'written' : `written-${batchOf(s)}`;
  const context = set.contexts[s.source.startsWith('written:') ? written : s.source];
  report.involved = context?.people ?? [];
  report.systems = context?.systems ?? [];
  if (!s.source.startsWith('written:')) {
    // The rest of the real report is around the sentence, as it is when the whole import is linted.
    let text = reportText.get(s.source);
    if (text === undefined) {
      text = readFileSync(new URL(`reports/${s.source}.md`, fixtures), 'utf8');
      reportText.set(s.source, text);
    }
    report.materials.notes = text.replace(s.text, ' ');
  }
  report.impact.operational = s.text;
  return report;
}

/** The evaluated rules that fire on a sentence read as the operational impact of its report. */
export function rulesFiring(set: EvalSet, s: Labelled, options: { model?: boolean } = {}): Set<string> {
  const ruleIds = Object.keys(set.rules);
  return new Set(
    lintSection(reportFor(set, s), 'impact', options.model === false ? { model: false } : {})
      .filter((f) => f.path.join('.') === 'impact.operational' && ruleIds.includes(f.ruleId))
      .map((f) => f.ruleId),
  );
}

/**
 * The blame training pairs of round fourteen (fixtures/train/blame-pairs.json): training only, never evaluation. A
 * pair is the same actor and act told once as blame and once not; its id keeps the two in one fold.
 */
export interface TrainingPair {
  id: string;
  style: string;
  sentences: { text: string; blame: boolean }[];
}
export interface TrainingSet {
  about: string;
  /** The people and systems of the report each training sentence is read in. */
  people: string[];
  systems: string[];
  pairs: TrainingPair[];
}

export function loadTrainingSet(): TrainingSet {
  return JSON.parse(
    readFileSync(new URL('../fixtures/train/blame-pairs.json', import.meta.url), 'utf8'),
  ) as TrainingSet;
}

/** The report a training sentence is read in: the training set's people and systems, the sentence as the impact. */
export function trainingReportFor(training: TrainingSet, text: string): Report {
  const report = emptyReport('outage', 'Training sentence');
  report.involved = training.people;
  report.systems = training.systems;
  report.impact.operational = text;
  return report;
}
