// A small statistical second opinion for the prose rules that matter most (issue 11, round five): a logistic
// regression per rule over the words and word pairs of a sentence, trained only on the development half of the
// evaluation set and, for blame, on the training pairs of fixtures/train/blame-pairs.json
// (scripts/train-lint-model.ts writes lint-model.json; a test checks the file equals a fresh run).
// It reads a sentence as a whole where the hand rules read patterns, and combines with them in two ways:
// - a gate: a rule's hit stands only when the model gives the sentence at least `gate` (a veto for hits that look
//   nothing like the rule's kind of sentence);
// - an addition: with no rule hit, a sentence the model gives at least `add` is reported once, over the whole
//   sentence, with a message that says it is a reading of the sentence rather than a matched phrase.
// Both thresholds were chosen on the development half by cross-validation (see train-model.ts).
import model from './lint-model.json' with { type: 'json' };
import { blameSignals } from './blame.rule.js';
import { isLabelField } from './context.js';
import { judgmentSignals } from './judgment.rule.js';
import { vagueSignals } from './vague-impact.rule.js';
import type { Sentence } from './analyse.js';
import type { PeopleIndex } from './people.js';
import type { ProseContext, SentenceHit, SentenceRule } from './rule.js';

export interface RuleModel {
  bias: number;
  /** Feature name → weight; features not listed weigh 0. */
  weights: Record<string, number>;
  gate: number;
  add: number;
}
export interface LintModel {
  about: string;
  rules: Record<string, RuleModel>;
}

const MODEL = model as LintModel;

const TOKEN = /\p{L}[\p{L}\p{M}'’-]*|\d[\d.,:%]*/gu;
const NEGATION = /\b(?:no|not|never|nobody|none|nothing|neither|nor|without)\b|n['’]t\b/iu;

/** A crude stem, so that "deleted", "deletes" and "deleting" count as one word in a small training set. */
export function stem(word: string): string {
  if (word.length <= 4 || word.startsWith('#')) return word;
  const m = /^(.{3,}?)(?:ing|ed|es|ly|s)$/u.exec(word);
  if (!m || word.endsWith('ss')) return word;
  return m[1] as string;
}

/**
 * The features of a sentence: its words lower-cased and stemmed, and pairs of neighbouring stems (with ^ and $ at
 * the ends), where a person the report lists becomes #person, a capitalised word inside the sentence that is no
 * system or tag #cap, and a figure #num; plus `neg` when the sentence has a negation, `label` for a `Label: value`
 * field, and the rules' parts as signals (`s:fault`, `s:harm`, `s:quantity`, … see the rules' *Signals functions).
 */
export function sentenceFeatures(text: string, people: PeopleIndex): string[] {
  const tokens: string[] = [];
  let first = true;
  for (const m of text.matchAll(TOKEN)) {
    const raw = m[0].replace(/’/g, "'");
    const possessive = /'s$/u.test(raw);
    const bare = possessive ? raw.slice(0, -2) : raw;
    if (/^\d/u.test(bare)) tokens.push('#num');
    else if (people.names.has(bare)) tokens.push('#person');
    else if (!first && /^\p{Lu}\p{Ll}/u.test(bare) && !people.things.has(bare.toLowerCase()))
      tokens.push('#cap');
    else tokens.push(stem(bare.toLowerCase()));
    if (possessive) tokens.push("'s");
    first = false;
  }
  const features = new Set<string>();
  let previous = '^';
  for (const t of tokens) {
    features.add(`u:${t}`);
    features.add(`b:${previous} ${t}`);
    previous = t;
  }
  features.add(`b:${previous} $`);
  if (NEGATION.test(text)) features.add('neg');
  if (isLabelField(text)) features.add('label');
  for (const signal of [...blameSignals(text), ...judgmentSignals(text), ...vagueSignals(text)])
    features.add(`s:${signal}`);
  return [...features].sort();
}

/** The model's probability that the rule's label applies to a sentence with these features. */
export function probability(rule: RuleModel, features: readonly string[]): number {
  let z = rule.bias;
  for (const f of features) z += rule.weights[f] ?? 0;
  return 1 / (1 + Math.exp(-z));
}

/** What an added hit says, per rule. */
export interface ModelReading {
  message: string;
  suggestion: string;
  severity?: 'warning' | 'info';
  /** Where the rule reads at all: no addition elsewhere (vague-impact reads only where effects are stated). */
  applies?: (sentence: Sentence) => boolean;
}

// The features of the sentence being read, computed once for the three rules that ask.
let cached: { sentence: Sentence; people: PeopleIndex; features: string[] } | undefined;
function featuresOf(sentence: Sentence, people: PeopleIndex): string[] {
  if (cached?.sentence !== sentence || cached.people !== people)
    cached = { sentence, people, features: sentenceFeatures(sentence.text, people) };
  return cached.features;
}

/**
 * The rule with the model's gate and addition; the rule alone when the model has no entry for it or is off. `m` is
 * the committed model's entry for the rule unless a test passes its own.
 */
export function withModel(
  rule: SentenceRule,
  reading: ModelReading,
  m: RuleModel | undefined = MODEL.rules[rule.id],
): SentenceRule {
  // A model that can neither veto (gate 0) nor add (add above 1) is not consulted at all: no features to compute.
  if (!m || (m.gate <= 0 && m.add > 1)) return rule;
  return {
    id: rule.id,
    check(sentence: Sentence, ctx: ProseContext): SentenceHit[] {
      const hits = rule.check(sentence, ctx);
      if (ctx.model === false) return hits;
      // Only a gate to apply, and nothing to gate: the features are not needed.
      if (hits.length === 0 && m.add > 1) return hits;
      const p = probability(m, featuresOf(sentence, ctx.people));
      if (hits.length > 0) return p >= m.gate ? hits : [];
      if (p < m.add || isLabelField(sentence.text) || reading.applies?.(sentence) === false) return [];
      const start = sentence.text.search(/\S/u);
      const end = sentence.text.trimEnd().length;
      if (start < 0) return [];
      const hit: SentenceHit = { start, end, message: reading.message, suggestion: reading.suggestion };
      if (reading.severity) hit.severity = reading.severity;
      return [hit];
    },
  };
}
