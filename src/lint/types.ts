import type { ModelPath, Report, SectionKey } from '../domain/index.js';

/** How much a finding matters: errors fail a check, warnings count against --max-warnings, info only informs. */
export type Severity = 'error' | 'warning' | 'info';

/** A character range inside the text of the field a finding points at. */
export interface TextRange {
  start: number;
  end: number;
}

/** One thing the linter found: which rule, how bad, where in the model, and what to do about it. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  message: string;
  suggestion?: string;
  /** A replacement for the whole field at `path`, when the rule can rewrite it safely. */
  fix?: { path: ModelPath; replacement: string };
  path: ModelPath;
  section: SectionKey;
  range?: TextRange;
}

/** What every rule declares about itself; `kind` tells prose rules (on sentences) from structure rules. */
export interface RuleMeta {
  id: string;
  kind: 'prose' | 'structure';
  defaultSeverity: Severity;
  /** One line a person reads in `--help`-style listings and in SARIF rule metadata. */
  description: string;
}
export type { ModelPath, Report, SectionKey };
