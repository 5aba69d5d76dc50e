import type { Report } from '../types.js';

/** Who may be named in a report, and which capitalised words are systems rather than people. */
export interface PeopleIndex {
  /** Name parts as written ("Priya", "Raman"), matched case-sensitively. */
  names: ReadonlySet<string>;
  /** Lower-case words that name systems, tags and glossary terms: never people. */
  things: ReadonlySet<string>;
}

function nameParts(entry: string): string[] {
  // "Priya Raman <priya@example.com>", "@priya", "Priya (SRE)" → Priya, Raman
  const stripped = entry.replace(/<[^<>]*>/g, ' ').replace(/\([^()]*\)/g, ' ');
  // An @handle loses its "@"; an address keeps only what comes before the "@".
  const at = stripped.indexOf('@', 1);
  const clean = (at > 0 ? stripped.slice(0, at) : stripped).replace(/^@/u, '');
  return clean
    .split(/[\s,;]+/)
    .map((p) => p.replace(/[^\p{L}\p{M}'’-]/gu, ''))
    .filter((p) => p.length >= 2 && /^\p{Lu}/u.test(p));
}

/** Words of a system or tag name, lower-cased: "Payments API" → payments, api. */
export function termWords(entry: string): string[] {
  return entry
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Collect the people a report names (authors, facilitator, reviewers, involved, owners, actors) plus a roster. */
export function peopleOf(
  report: Report,
  roster: readonly string[] = [],
  glossary: Iterable<string> = [],
): PeopleIndex {
  const entries = [
    ...report.authors,
    ...(report.facilitator ? [report.facilitator] : []),
    ...report.reviewers,
    ...report.involved,
    ...report.members,
    ...report.actions.items.flatMap((a) => [a.owner, a.verification?.by]),
    ...report.details.timeline.map((e) => e.actor),
    ...roster,
  ];
  const things = new Set<string>();
  for (const t of [...report.systems, ...report.tags, ...glossary])
    for (const w of termWords(t)) things.add(w);
  const names = new Set<string>();
  for (const e of entries) {
    if (!e) continue;
    for (const part of nameParts(e)) if (!things.has(part.toLowerCase())) names.add(part);
  }
  return { names, things };
}
