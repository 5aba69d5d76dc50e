// Which imported action items address which causes. A foreign report rarely says "A3 addresses CF2"; it says it
// by wording: the action names the thing the factor lacks ("No version compatibility testing" → "Version
// compatibility testing"), or the same distinctive systems and terms ("de-registration delay", "fluentd", "QA test
// suite"). The import links an action to a cause only when the text says so plainly, because a wrong link hides a
// real gap from the `cause-unaddressed` rule; each link keeps the reason it was made, for the recognition report.
import { stemmer } from 'stemmer';
import type { Report } from '../../domain/index.js';

/** A cause an action may address: the primary root cause (RC) or a contributing factor (CF1, CF2, …). */
export interface LinkCause {
  id: string;
  text: string;
}

/** An imported action item: its id and its words. */
export interface LinkAction {
  id: string;
  title: string;
  details?: string | undefined;
}

/** A link the import made: action `action` addresses cause `cause`, and why. */
export interface CauseLink {
  action: string;
  cause: string;
  reason: string;
}

// Words that say nothing about which cause an action addresses: function words, and the verbs and nouns any
// action or cause uses ("add", "implement", "issue", "process" is kept: "rollover process" names a thing).
const STOP = new Set(
  `a about above after again against all also am an and any are as at be because been before being below between
both but by can could did do does doing done down during each either else ever every few for from further get
gets got had has have having he her here hers him his how however i if in into is it its itself just let like
made many may me might more most much must my need needs never no nor not now of off on once one only onto or
other our ours out over own per rather same shall she should since so some such than that the their theirs them
then there these they this those through thus to too under until up upon us very via was we were what when
where whether which while who whom why will with within without would yet you your
add adding added create creating created make making made ensure ensuring implement implementing implemented
implementation improve improving improved improvement update updating updated use using used new set setting
plan plans option options consider considering investigate investigating start started proper properly better
ensure way ways thing things issue issues problem problems case cases time times able going want work working
already instead especially sure around across again still even well known level`.split(/\s+/),
);

// What a cause says is missing: "No monitoring of …", "Lack of revision …", "Missing staging environment".
const ABSENCE =
  /\b(?:no|lack(?:s|ed|ing)? of|lacking|missing|absence of|without|(?:does|did|do)(?:n['’]t| not) (?:have|cover|include))\s+([\p{L}][\p{L}\p{N}-]*)/giu;

/** A term: the Porter stem of a word, lower case. Words of two letters count only as an acronym (QA, EU). */
interface Terms {
  /** Distinct stems, each with the word it was first written as. */
  words: Map<string, string>;
  /** Neighbouring stems (after the common words are dropped) joined by a space. */
  pairs: Set<string>;
  /** Stems of what the text says is missing. */
  absent: Set<string>;
}

const WORD = /[\p{L}][\p{L}\p{N}]*/gu;
/** Distinct terms read from one cause or action; the longest root cause of the labelled set has under 150. */
const MAX_TERMS = 200;

function stemOf(word: string): string | undefined {
  if (word.length < 2) return undefined;
  if (word.length === 2 && !/^\p{Lu}{2}$/u.test(word)) return undefined;
  const lower = word.toLowerCase();
  if (STOP.has(lower) || /^\d/u.test(lower)) return undefined;
  return stemmer(lower);
}

/** The text without link targets, URLs and Markdown marks, which name no cause. */
function plain(text: string): string {
  return text
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/\bhttps?:\/\/\S+/giu, ' ')
    .replace(/[*_`#>[\]]/g, ' ');
}

function termsOf(text: string): Terms {
  const words = new Map<string, string>();
  const pairs = new Set<string>();
  const absent = new Set<string>();
  // Pairs are built per sentence piece, so "… storage. Network …" makes no pair across the stop.
  for (const piece of plain(text).split(/[.;:!?()\n,]+/u)) {
    let prev: string | undefined;
    for (const m of piece.matchAll(WORD)) {
      const s = stemOf(m[0]);
      if (!s) {
        // A function word between two terms still breaks a name ("release notes" yes, "notes of release" no).
        prev = undefined;
        continue;
      }
      if (!words.has(s)) {
        if (words.size >= MAX_TERMS) break;
        words.set(s, m[0].toLowerCase());
      }
      if (prev && prev !== s) pairs.add(`${prev} ${s}`);
      prev = s;
    }
  }
  for (const m of plain(text).matchAll(ABSENCE)) {
    const head = (m[1] as string).split('-')[0] as string;
    const s = stemOf(head);
    if (s) absent.add(s);
  }
  return { words, pairs, absent };
}

/** How strongly an action's words point at a cause, with the shared words and names that make it so. */
interface Match {
  cause: string;
  score: number;
  shared: string[];
  names: string[];
  lacking?: string;
}

/** A cause is linked when its score is at least this… */
const MIN_SCORE = 3;
/** …it shares at least this many distinct terms (or a two-word name) with the action… */
const MIN_SHARED = 2;
/** …and, when the action points at several causes, its score is at least this share of the best one's. */
const NEAR_BEST = 0.5;
/** An action links to at most this many causes (its best): real actions answer one to three. */
const MAX_PER_ACTION = 5;
/**
 * Past this many cause-action pairs (a report may hold thousands of each) nothing is linked: the comparison grows
 * with the product, and real reports have a few dozen of each.
 */
export const MAX_LINK_PAIRS = 10_000;

/**
 * The causes each action addresses, by the words they share, weighted by how rare each word is among the
 * report's causes and actions (a word every item uses tells nothing). A shared two-word name ("staging
 * environment") or a thing the cause says is missing and the action provides ("No static analysis" → "Static
 * analysis tooling") counts extra. An action links to every cause whose score clears `MIN_SCORE` with at least
 * two shared terms and is within `NEAR_BEST` of the action's best cause (at most `MAX_PER_ACTION` of them). A
 * report with more than `MAX_LINK_PAIRS` cause-action pairs gets no links.
 */
export function linkActionsToCauses(causes: LinkCause[], actions: LinkAction[]): CauseLink[] {
  if (!causes.length || !actions.length || causes.length * actions.length > MAX_LINK_PAIRS) return [];
  const causeTerms = causes.map((c) => ({ id: c.id, terms: termsOf(c.text) }));
  const actionTerms = actions.map((a) => ({
    id: a.id,
    terms: termsOf(`${a.title}\n${a.details ?? ''}`),
  }));
  const units = [...causeTerms, ...actionTerms];
  const df = new Map<string, number>();
  for (const u of units) for (const s of u.terms.words.keys()) df.set(s, (df.get(s) ?? 0) + 1);
  const idf = (s: string) => Math.log(1 + units.length / (df.get(s) ?? 1));

  // Which causes hold each term and each two-word name, so an action is compared only with causes it shares
  // something with, each shared term visited once.
  const causesWith = new Map<string, number[]>();
  const causesNaming = new Map<string, number[]>();
  const add = <K>(map: Map<K, string[] | number[]>, key: K, value: string | number) => {
    const list = map.get(key) as (string | number)[] | undefined;
    if (list) list.push(value);
    else map.set(key, [value] as string[] | number[]);
  };
  causeTerms.forEach((c, i) => {
    for (const s of c.terms.words.keys()) add(causesWith, s, i);
    for (const p of c.terms.pairs) add(causesNaming, p, i);
  });
  const idfOf = new Map([...df.keys()].map((s) => [s, idf(s)]));
  const weight = (s: string) => idfOf.get(s) ?? 0;

  const links: CauseLink[] = [];
  for (const a of actionTerms) {
    const sharedBy = new Map<number, string[]>();
    for (const s of a.terms.words.keys()) for (const i of causesWith.get(s) ?? []) add(sharedBy, i, s);
    const namedBy = new Map<number, string[]>();
    for (const p of a.terms.pairs) for (const i of causesNaming.get(p) ?? []) add(namedBy, i, p);
    const matches: Match[] = [];
    for (const i of [...sharedBy.keys()].sort((x, y) => x - y)) {
      const c = causeTerms[i] as (typeof causeTerms)[number];
      const shared = sharedBy.get(i) as string[];
      const names = namedBy.get(i) ?? [];
      let score = shared.reduce((sum, s) => sum + weight(s), 0);
      for (const p of names) score += Math.min(...p.split(' ').map(weight));
      const lacking = shared.find((s) => c.terms.absent.has(s));
      if (lacking) score += weight(lacking);
      const strongEnough = shared.length >= MIN_SHARED || names.length > 0;
      if (score >= MIN_SCORE && strongEnough)
        matches.push({ cause: c.id, score, shared, names, ...(lacking ? { lacking } : {}) });
    }
    const best = Math.max(0, ...matches.map((m) => m.score));
    const kept = matches
      .filter((m) => m.score >= best * NEAR_BEST)
      .sort((x, y) => y.score - x.score)
      .slice(0, MAX_PER_ACTION);
    for (const m of matches) {
      if (kept.includes(m)) links.push({ action: a.id, cause: m.cause, reason: reasonOf(m, a.terms) });
    }
  }
  return links;
}

function reasonOf(m: Match, action: Terms): string {
  const say = (s: string) => action.words.get(s) ?? s;
  const parts: string[] = [];
  if (m.lacking) parts.push(`the cause names "${say(m.lacking)}" as missing and the action provides it`);
  if (m.names.length)
    parts.push(`both name ${m.names.map((p) => `"${p.split(' ').map(say).join(' ')}"`).join(', ')}`);
  parts.push(`shared terms: ${m.shared.map(say).join(', ')}`);
  return `${parts.join('; ')} (score ${m.score.toFixed(1)})`;
}

/**
 * Links the actions of an imported report to the causes they address (see `linkActionsToCauses`), in place:
 * each action's `addresses` lists the causes in the report's order. A report whose actions already name what
 * they address is left as it is: its own links say more than wording can.
 */
export function linkImportedActions(report: Report): CauseLink[] {
  const items = report.actions.items;
  if (items.some((a) => a.addresses.length > 0)) return [];
  const causes: LinkCause[] = [
    ...(report.analysis.primaryCause ? [{ id: 'RC', text: report.analysis.primaryCause }] : []),
    ...report.analysis.factors,
  ];
  const links = linkActionsToCauses(causes, items);
  const order = causes.map((c) => c.id);
  for (const a of items) {
    const mine = links.filter((l) => l.action === a.id).map((l) => l.cause);
    a.addresses = order.filter((id) => mine.includes(id));
  }
  return links;
}
