import type { Report } from '../types.js';
import type { ProseField } from '../fields.js';

// Acronyms most readers of an engineering report know; anything else should be spelled out once.
const COMMON = new Set(
  'API APIs URL URLs HTTP HTTPS DNS TLS SSL CPU CPUs GPU RAM SQL UTC GMT ID IDs IP OK UI UX US USA EU UK CEO CTO CFO VPN SSH JSON XML CSV PDF HTML CSS JS AWS GCP PR PRs CI CD QA SLA SLAs SLO SLOs SLI RCA TODO FAQ USD EUR GBP GB MB KB TB PM AM IT HR TV OS SDK SDKs CLI DB TCP UDP VM VMs SMS ETA FYI AI ML PST PDT EST EDT CST CDT MST MDT CET CEST BST IST JST AEST'.split(
    ' ',
  ),
);
const ACRONYM = /(?<![\p{L}\p{N}-])(\p{Lu}[\p{Lu}\p{N}]{1,6})(s?)(?![\p{L}\p{N}-])/gu;

/** Acronyms a report defines: "Auto Scaling Group (ASG)", "ASG (auto scaling group)", "ASG stands for …". */
export function definedTerms(texts: string[], report: Report, glossary: Iterable<string>): Set<string> {
  const defined = new Set<string>();
  for (const g of glossary) defined.add(g);
  for (const t of [...report.systems, ...report.tags, ...(report.severity ? [report.severity] : [])]) {
    for (const w of t.split(/[^\p{L}\p{N}]+/u)) if (w) defined.add(w);
  }
  for (const text of texts) {
    for (const m of text.matchAll(/\(\s*(\p{Lu}[\p{Lu}\p{N}]{1,6})s?\s*\)/gu)) defined.add(m[1] as string);
    for (const m of text.matchAll(
      /\b(\p{Lu}[\p{Lu}\p{N}]{1,6})s?(?:\s*(?:\(|[-–—:]\s)|\s+(?:stands\s+for|means|is\s+short\s+for)\b)/gu,
    )) {
      const after = text.slice((m.index ?? 0) + m[0].length);
      if (m[0].trimEnd().endsWith('(') && !/^[^)]*\p{Ll}/u.test(after)) continue; // "ASG (…)" must define in words
      defined.add(m[1] as string);
    }
  }
  return defined;
}

export interface JargonHit {
  field: ProseField;
  start: number;
  end: number;
  term: string;
}

/** The first use of each acronym that is neither common, defined in the report, nor in the glossary. */
export function undefinedJargon(fields: ProseField[], masked: string[], defined: Set<string>): JargonHit[] {
  const seen = new Set<string>();
  const hits: JargonHit[] = [];
  fields.forEach((field, i) => {
    for (const m of (masked[i] as string).matchAll(ACRONYM)) {
      const term = m[1] as string;
      if (!/\p{Lu}.*\p{Lu}/u.test(term)) continue; // at least two capitals: "P95" or "Q3" are not acronyms
      if (COMMON.has(term) || defined.has(term) || seen.has(term)) continue;
      seen.add(term);
      hits.push({ field, start: m.index, end: m.index + term.length, term });
    }
  });
  return hits;
}
