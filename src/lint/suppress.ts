import type { LocatedFinding } from './locate.js';

const DIRECTIVE = /<!--\s*hindsight-disable-next-line\b([^>]*?)-->/gu;

/** Rules switched off per line by `<!-- hindsight-disable-next-line rule-id … -->`; an empty set means every rule. */
export function suppressions(source: string): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  source.split('\n').forEach((text, i) => {
    for (const m of text.matchAll(DIRECTIVE)) {
      const ids = (m[1] ?? '')
        .split(/[\s,]+/u)
        .map((s) => s.trim())
        .filter((s) => s !== '' && s !== '--');
      // The directive governs the next line (1-based: this line is i + 1, the next i + 2).
      const next = i + 2;
      const set = out.get(next) ?? new Set<string>();
      if (ids.length === 0) set.add('*');
      for (const id of ids) set.add(id);
      out.set(next, set);
    }
  });
  return out;
}

/** Drop the findings that an inline directive on the line above switches off. */
export function applySuppressions<T extends LocatedFinding>(findings: T[], source: string): T[] {
  const map = suppressions(source);
  if (map.size === 0) return findings;
  return findings.filter((f) => {
    const ids = map.get(f.line);
    return !ids || !(ids.has('*') || ids.has(f.ruleId));
  });
}
