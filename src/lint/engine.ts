import { SECTION_KEYS } from '../domain/report.schema.js';
import type { InternalNetwork } from '../domain/audience.js';
import type { SeverityScale } from '../domain/severity.js';
import { DEFAULT_LINT_CONFIG, type LintConfig } from './config.js';
import { proseFields, type ProseField } from './fields.js';
import { analyseProse } from './prose/analyse.js';
import { blameRule } from './prose/blame.rule.js';
import { counterfactualRule } from './prose/counterfactual.rule.js';
import { definedTerms, undefinedJargon } from './prose/jargon.rule.js';
import { judgmentRule } from './prose/judgment.rule.js';
import { maskProse } from './prose/mask.js';
import { passiveRule } from './prose/passive.rule.js';
import { peopleOf } from './prose/people.js';
import { personNamedRule } from './prose/person-named.rule.js';
import type { ProseContext, SentenceRule } from './prose/rule.js';
import { hardSentences } from './prose/readability.js';
import {
  realMisspellings,
  spellingMessage,
  spellingSuggestion,
  suggestFor,
  wordCounts,
  type SpellingLanguage,
} from './prose/spelling.js';
import { statesEffect, vagueImpactRule } from './prose/vague-impact.rule.js';
import { withModel } from './prose/model.js';
import { weaselRule } from './prose/weasel.rule.js';
import { wordConfusionRule } from './prose/word-confusion.rule.js';
import { scoreReport } from './score.js';
import { structureContext, structureHits } from './structure/structure.rules.js';
import type { Finding, Report, SectionKey, Severity } from './types.js';

/** What a lint run may be given besides the report. */
export interface LintOptions {
  config?: LintConfig;
  scale?: SeverityScale;
  /** false: the prose rules without the statistical model (prose/model.ts); for comparing the two. */
  model?: boolean;
  /** Internal domains, host suffixes and IP ranges (settings internalNetwork) for the public-leak rule. */
  network?: InternalNetwork;
  /**
   * Where the spelling rule gets its suggestions (default suggestFor, with this process's cache and budget).
   * `hindsight lint` on many files lints them in worker threads and hands out the suggestions afterwards, in file
   * order (cli/commands/lint.parallel.ts), so each file gets what a lint in one thread would have given it.
   */
  suggest?: (words: string[], language: SpellingLanguage) => Map<string, string[]>;
}

const SENTENCE_RULES: SentenceRule[] = [
  withModel(blameRule, {
    message:
      'This sentence reads as if a person caused the failure (a reading of the whole sentence, not a matched phrase).',
    suggestion:
      'Describe the conditions that allowed it: what made the action reasonable at the time, and what would have caught it?',
    severity: 'warning',
  }),
  withModel(judgmentRule, {
    message:
      'This sentence reads as judging people or work, or as making the problem sound trivial (a reading of the whole sentence, not a matched word).',
    suggestion: 'State what happened and its effect in neutral words.',
  }),
  withModel(vagueImpactRule, {
    message:
      'This sentence reads as harm stated without a figure (a reading of the whole sentence, not a matched phrase).',
    suggestion: 'Give a count, amount, duration or share: how many, how much, for how long?',
    applies: statesEffect,
  }),
  wordConfusionRule,
  counterfactualRule,
  personNamedRule,
  passiveRule,
  weaselRule,
];
/** Lint a whole report: every section's prose and structure. Takes options or a bare configuration. */
export function lintReport(report: Report, options: LintOptions | LintConfig = {}): Finding[] {
  return lintSections(report, SECTION_KEYS, asOptions(options));
}

/** Lint one section alone, fast enough to run while someone types. Takes options or a bare configuration. */
export function lintSection(
  report: Report,
  section: SectionKey,
  options: LintOptions | LintConfig = {},
): Finding[] {
  return lintSections(report, [section], asOptions(options));
}

const noSuggestions = (): Map<string, string[]> => new Map();

/**
 * A report's overall quality score, as scoreReport over lintReport gives it (the editor's score), without what only
 * the findings list shows: no spelling suggestions, which cost up to 100 ms a new word (seconds for a report of
 * unknown words). A score counts findings by rule, severity and section, never their wording, so it is the same.
 */
export function qualityScore(report: Report, options: Omit<LintOptions, 'suggest'> = {}): number {
  return scoreReport(report, lintSections(report, SECTION_KEYS, { ...options, suggest: noSuggestions }))
    .overall;
}

function asOptions(o: LintOptions | LintConfig): LintOptions {
  return 'severities' in o ? { config: o } : o;
}

function lintSections(report: Report, sections: readonly SectionKey[], options: LintOptions): Finding[] {
  const config = options.config ?? DEFAULT_LINT_CONFIG;
  const severityOf = (ruleId: string): Severity | undefined => {
    const s = config.severities.get(ruleId);
    return s === undefined || s === 'off' ? undefined : s;
  };
  const findings: Finding[] = [];
  const push = (ruleId: string, f: Omit<Finding, 'ruleId' | 'severity'>, override?: Severity) => {
    const configured = severityOf(ruleId);
    if (!configured) return;
    // A hit-level severity only applies while the rule keeps its default severity.
    const severity =
      override && config.severities.get(ruleId) === defaultSeverity(ruleId) ? override : configured;
    findings.push({ ruleId, severity, ...f });
  };

  const fields: ProseField[] = sections.flatMap((s) => proseFields(report, s));
  const people = peopleOf(report, config.roster, config.glossary);
  const ctx: ProseContext = { report, config, people };
  if (options.model === false) ctx.model = false;
  const { sentences, messages } = analyseProse(fields, config.language, severityOf('spelling') !== undefined);

  for (const sentence of sentences) {
    for (const rule of SENTENCE_RULES) {
      if (!severityOf(rule.id)) continue;
      for (const hit of rule.check(sentence, ctx)) {
        const field = sentence.field;
        const finding: Omit<Finding, 'ruleId' | 'severity'> = {
          message: hit.message,
          path: field.path,
          section: field.section,
          range: { start: sentence.start + hit.start, end: sentence.start + hit.end },
        };
        if (hit.suggestion) finding.suggestion = hit.suggestion;
        const original = field.text.slice(sentence.start, sentence.start + sentence.text.length);
        if (hit.rewrite !== undefined && original === sentence.text) {
          finding.fix = {
            path: field.path,
            replacement:
              field.text.slice(0, sentence.start) +
              hit.rewrite +
              field.text.slice(sentence.start + sentence.text.length),
          };
        }
        push(rule.id, finding, hit.severity);
      }
    }
  }

  if (severityOf('spelling')) {
    // Words the report repeats are its own terms; count them over the whole report, even when one section is linted.
    const everyField =
      sections.length === SECTION_KEYS.length ? fields : SECTION_KEYS.flatMap((s) => proseFields(report, s));
    const misspelled =
      messages.length === 0
        ? []
        : realMisspellings(messages, {
            people,
            dictionary: config.dictionary,
            language: config.language,
            counts: wordCounts(everyField.map((f) => maskProse(f.text))),
          });
    const suggested = (options.suggest ?? suggestFor)(
      [...new Set(misspelled.map((m) => m.word))],
      config.language,
    );
    for (const m of misspelled) {
      const options = suggested.get(m.word) ?? [];
      const finding: Omit<Finding, 'ruleId' | 'severity'> = {
        message: spellingMessage(m.word),
        path: m.field.path,
        section: m.field.section,
        range: { start: m.start, end: m.end },
      };
      if (options.length > 0) finding.suggestion = spellingSuggestion(m.word, options);
      push('spelling', finding);
    }
  }

  if (severityOf('summary-readability')) {
    for (const hit of hardSentences(sentences.filter((x) => x.field.path[0] === 'summary'))) {
      push('summary-readability', {
        message: 'This summary sentence is hard to take in at a glance: it is long or uses many long words.',
        suggestion: 'Split it, or trade long words for short ones; the summary is read in seconds.',
        path: hit.field.path,
        section: hit.field.section,
        range: { start: hit.start, end: hit.start + hit.text.trimEnd().length },
      });
    }
  }

  if (severityOf('undefined-jargon')) {
    // Definitions anywhere in the report count, even when only one section is linted.
    const all =
      sections.length === SECTION_KEYS.length ? fields : SECTION_KEYS.flatMap((s) => proseFields(report, s));
    const defined = definedTerms(
      all.map((f) => f.text),
      report,
      config.glossary,
    );
    for (const hit of undefinedJargon(
      fields,
      fields.map((f) => maskProse(f.text)),
      defined,
    )) {
      push('undefined-jargon', {
        message: `"${hit.term}" is not spelled out anywhere in the report or the glossary.`,
        suggestion: `Write it out at first use, e.g. "full name (${hit.term})", or add it to the glossary.`,
        path: hit.field.path,
        section: hit.field.section,
        range: { start: hit.start, end: hit.end },
      });
    }
  }

  const sctx = structureContext(report, config, options.scale, options.network);
  for (const section of sections) {
    const texts = fields.filter((f) => f.section === section);
    for (const hit of structureHits(report, section, sctx, texts)) {
      const f: Omit<Finding, 'ruleId' | 'severity'> = {
        message: hit.message,
        path: hit.path,
        section: hit.section,
      };
      if (hit.suggestion) f.suggestion = hit.suggestion;
      push(hit.ruleId, f, hit.severity);
    }
  }
  return sortFindings(findings);
}

function defaultSeverity(ruleId: string): Severity | undefined {
  return DEFAULT_LINT_CONFIG.severities.get(ruleId) as Severity | undefined;
}

const KEY_ORDER = [
  'title',
  'period',
  'severity',
  'summary',
  'whatHappened',
  'impact',
  'coreIssue',
  'keyLessons',
  'nextSteps',
  'timeline',
  'severityRationale',
  'affected',
  'howFound',
  'stepsTaken',
  'financial',
  'figures',
  'operational',
  'reputational',
  'customer',
  'team',
  'primaryCause',
  'factors',
  'causalChain',
  'fiveWhys',
  'fishbone',
  'barriers',
  'changes',
  'wentWell',
  'wentWrong',
  'couldImprove',
  'lucky',
  'items',
  'appendices',
  'notes',
];

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Order findings by section, then by position in the model, then by severity. */
export function sortFindings(findings: Finding[]): Finding[] {
  const sectionIndex = (s: SectionKey) => SECTION_KEYS.indexOf(s);
  return findings
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        sectionIndex(a.f.section) - sectionIndex(b.f.section) ||
        comparePath(a.f.path, b.f.path) ||
        (a.f.range?.start ?? -1) - (b.f.range?.start ?? -1) ||
        RANK[a.f.severity] - RANK[b.f.severity] ||
        a.i - b.i,
    )
    .map((x) => x.f);
}

function comparePath(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i += 1) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    // Keys in the order a report presents them; keys not listed come after, alphabetically.
    const ix = KEY_ORDER.indexOf(String(x));
    const iy = KEY_ORDER.indexOf(String(y));
    if (ix !== iy) return (ix === -1 ? KEY_ORDER.length : ix) - (iy === -1 ? KEY_ORDER.length : iy);
    return String(x).localeCompare(String(y));
  }
  return a.length - b.length;
}
