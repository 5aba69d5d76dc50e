import { z } from 'zod';
import { AppError } from '../domain/errors.js';
import { SUMMARY_WORD_LIMIT } from '../domain/templates.js';
import { RULES } from './rules.js';
import type { Severity } from './types.js';

const word = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
const words = z.array(word).max(10_000, 'must have at most 10000 entries');
const ruleSetting = z.union([z.enum(['error', 'warning', 'info', 'off']), z.boolean()]);

/** The shape of `.hindsightrc.json` (or the `hindsight` key of package.json). */
export const lintConfigSchema = z.strictObject({
  /** Rule id → severity, "off", or true (default severity) / false (off). */
  rules: z.record(z.string(), ruleSetting).default({}),
  /** Extra words for the word-list rules and the spelling dictionary. */
  words: z
    .strictObject({
      judgment: words.optional(),
      weasel: words.optional(),
      vague: words.optional(),
      dictionary: words.optional(),
    })
    .default({}),
  /** People who may be named in reports, so the blame rule recognises them. */
  roster: words.default([]),
  /** Terms and acronyms the readers know: a list, or term → definition. */
  glossary: z.union([words, z.record(word, z.string().max(2_000))]).default([]),
  /** Which English spellings are right: both American and British (the default), or one of them. */
  language: z.enum(['en', 'en-US', 'en-GB']).default('en'),
  /** Longest executive summary, in words, before it is flagged as too long. */
  summaryWordLimit: z.number().int().min(10).max(10_000).default(SUMMARY_WORD_LIMIT),
});

export type LintConfigInput = z.input<typeof lintConfigSchema>;

/** Configuration ready for the engine: severities per rule and word sets in lower case. */
export interface LintConfig {
  severities: ReadonlyMap<string, Severity | 'off'>;
  judgmentWords: readonly string[];
  weaselWords: readonly string[];
  vagueWords: readonly string[];
  dictionary: ReadonlySet<string>;
  roster: readonly string[];
  glossary: ReadonlySet<string>;
  language: 'en' | 'en-US' | 'en-GB';
  summaryWordLimit: number;
}

const RULE_IDS = new Set(RULES.map((r) => r.id));

/** Validate raw configuration (from JSON) and resolve it; `source` names the file in error messages. */
export function parseLintConfig(raw: unknown, source = 'configuration'): LintConfig {
  const parsed = lintConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const details = parsed.error.issues.map((issue) => ({
      file: source,
      message: `${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`,
    }));
    const first = details[0]?.message ?? 'is not valid';
    // One problem reads best as one line; several are listed under it.
    throw new AppError(
      'bad_request',
      `${source}: invalid lint configuration: ${first}`,
      details.length > 1 ? details : [],
    );
  }
  const c = parsed.data;
  const unknown = Object.keys(c.rules).filter((id) => !RULE_IDS.has(id));
  if (unknown.length > 0) {
    throw new AppError(
      'bad_request',
      `${source}: invalid lint configuration: rules.${unknown[0]}: no such rule (known rules: ${[...RULE_IDS].join(', ')})`,
    );
  }
  const severities = new Map<string, Severity | 'off'>();
  for (const rule of RULES) {
    const setting = c.rules[rule.id];
    severities.set(
      rule.id,
      setting === undefined || setting === true ? rule.defaultSeverity : setting === false ? 'off' : setting,
    );
  }
  const lower = (list: string[] | undefined) => (list ?? []).map((w) => w.toLowerCase());
  const glossary = Array.isArray(c.glossary) ? c.glossary : Object.keys(c.glossary);
  return {
    severities,
    judgmentWords: lower(c.words.judgment),
    weaselWords: lower(c.words.weasel),
    vagueWords: lower(c.words.vague),
    dictionary: new Set(lower(c.words.dictionary)),
    roster: c.roster,
    glossary: new Set(glossary.map((g) => g.trim())),
    language: c.language,
    summaryWordLimit: c.summaryWordLimit,
  };
}

/** The configuration with more words for the spelling dictionary (from a project's `.hindsight/words`). */
export function withWords(config: LintConfig, words: Iterable<string>): LintConfig {
  const dictionary = new Set(config.dictionary);
  for (const w of words) dictionary.add(w.toLowerCase());
  return { ...config, dictionary };
}

/** The configuration used when a project has none. */
export const DEFAULT_LINT_CONFIG: LintConfig = parseLintConfig({});
