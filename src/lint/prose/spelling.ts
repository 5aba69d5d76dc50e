import dictionaryEn from 'dictionary-en';
import dictionaryEnGb from 'dictionary-en-gb';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { decodeTrie, type ITrie } from 'cspell-trie-lib';
import nspell, { type NSpell } from 'nspell';
import type { PluginMessage } from './analyse.js';
import type { PeopleIndex } from './people.js';
import { softwareTerms } from './terms.js';

/** Which English the spelling rule accepts: both (the default), or only American or British spellings. */
export type SpellingLanguage = 'en' | 'en-US' | 'en-GB';

/** What the spelling filter knows about the report besides the unknown words. */
export interface SpellingContext {
  people: PeopleIndex;
  /** The project's own words (configuration and `.hindsight/words`), lower-cased. */
  dictionary: ReadonlySet<string>;
  language: SpellingLanguage;
  /** How often each word appears in the whole report, as written. */
  counts: ReadonlyMap<string, number>;
}

// Prefixes that make a word of any known word after a hyphen ("de-registration", "re-run", "non-blocking").
const PREFIXES = new Set(
  'de re pre non un co multi sub anti auto cross post over under self semi mid inter intra e x micro'.split(
    ' ',
  ),
);
// Chat shorthand, as incident channels write it and as timelines pasted from chat keep it: not misspellings of longer
// words but abbreviations every reader of an incident channel knows. Each is the written-out phrase's initials or
// the usual clipping: fyi (for your information), lol / lmao (laughing), afaik (as far as I know), imo / imho (in my
// (humble) opinion), iirc (if I recall correctly), tbh (to be honest), btw (by the way), brb (be right back), idk (I
// don't know), nvm (never mind), omg, wtf, ffs (exclamations), lgtm (looks good to me), ptal (please take a look),
// wfm (works for me), pls / plz (please), thx (thanks), ack / acks / acked / acking (acknowledge a page or message).
const CHAT_ABBREVIATIONS = new Set(
  'fyi lol lmao afaik imo imho iirc tbh btw brb idk nvm omg wtf ffs lgtm ptal wfm pls plz thx ack acks acked acking'.split(
    ' ',
  ),
);
// A chat transcript names its speakers right before each message's time stamp ("liggitt [5:20 PM]").
const SPEAKER_STAMP = /^\s{0,3}\[\d{1,2}:\d{2}(?::\d{2})?(?:\s?[AP]M)?\]/iu;
// A word the report uses this often is one of its own terms (a system, a tool, a handle), not a slip.
const REPEATS = 3;

const spellers = new Map<string, NSpell>();
function speller(lang: 'en-US' | 'en-GB'): NSpell {
  let s = spellers.get(lang);
  if (!s) {
    s = nspell(lang === 'en-GB' ? dictionaryEnGb : dictionaryEn);
    spellers.set(lang, s);
  }
  return s;
}

// Whether Hunspell knows a word, per language: a report's words recur (in it and across reports), and a lookup
// tries every casing and affix of the word, so each word is looked up once per process. Bounded for servers, in
// entries and in bytes (a longer word, never a real one, is looked up every time).
const knownWords = { 'en-US': new Map<string, boolean>(), 'en-GB': new Map<string, boolean>() };
const KNOWN_WORDS_MAX = 200_000;
const KNOWN_WORD_LENGTH = 60;

/** Whether the language's Hunspell dictionary (dictionary-en or dictionary-en-gb, through nspell) knows the word. */
export function isKnownWord(word: string, lang: 'en-US' | 'en-GB'): boolean {
  const memo = knownWords[lang];
  let known = memo.get(word);
  if (known === undefined) {
    known = speller(lang).correct(word);
    if (word.length <= KNOWN_WORD_LENGTH) {
      if (memo.size >= KNOWN_WORDS_MAX) memo.clear();
      memo.set(word, known);
    }
  }
  return known;
}

/** The characters of the words whose lookup is kept (for tests of the bound). */
export function knownWordChars(): number {
  let n = 0;
  for (const memo of Object.values(knownWords)) for (const word of memo.keys()) n += word.length;
  return n;
}

// cspell's American English dictionary (@cspell/dict-en_us, kept by the cspell project) knows far more current words
// than the Hunspell one ("responders", "uplink", "retransmits") and no common misspelling. It is a compressed trie,
// read with cspell's own trie library, once per process and only when a word needs it (about 0.3 s, 45 MB).
let usTrie: ITrie | undefined;
function cspellEnUs(): ITrie {
  if (!usTrie) {
    const dir = dirname(createRequire(import.meta.url).resolve('@cspell/dict-en_us/cspell-ext.json'));
    usTrie = decodeTrie(gunzipSync(readFileSync(join(dir, 'en_US.trie.gz'))).toString('utf8'));
  }
  return usTrie;
}

// cspell's list of common English misspellings (@cspell/dict-en-common-misspellings: "wrong->right" pairs gathered from
// typo checkers): a word on it is a slip even when it splits into two words ("everytime", "alot", "writting"). Read
// once per process, only when a word reaches the compound check (about 2.6 MB of JSON).
let misspellings: Set<string> | undefined;
function commonMisspellings(): ReadonlySet<string> {
  if (!misspellings) {
    const dir = dirname(
      createRequire(import.meta.url).resolve('@cspell/dict-en-common-misspellings/cspell-ext.json'),
    );
    const raw = JSON.parse(readFileSync(join(dir, 'dict', 'dict-en.json'), 'utf8')) as {
      dictionaryDefinitions?: { flagWords?: string[]; suggestWords?: string[] }[];
    };
    misspellings = new Set();
    for (const def of raw.dictionaryDefinitions ?? [])
      for (const entry of [...(def.flagWords ?? []), ...(def.suggestWords ?? [])])
        misspellings.add((entry.split('->')[0] ?? '').trim().toLowerCase());
  }
  return misspellings;
}

// A closed compound is two words written as one ("keepalive", "autovacuum", "waitlist", "backhaul", "healthcheck",
// "nodepool"): the trade coins them faster than any dictionary lists them. Like cspell's allowCompoundWords, a word
// that splits into two dictionary words is accepted, with two guards that keep real typos flagged: each part has at
// least four letters (so "alot", "infact" and "inpact" do not split into a short word and a rest), and the word is not
// on the list of common misspellings ("everytime", "writting").
const COMPOUND_PART = 4;
function knownCompound(lower: string, ctx: SpellingContext): boolean {
  if (lower.length < 2 * COMPOUND_PART || lower.length > 40 || !/^\p{Ll}+$/u.test(lower)) return false;
  const lang = ctx.language === 'en-GB' ? 'en-GB' : 'en-US';
  const word = (part: string) =>
    isKnownWord(part, lang) || (ctx.language === 'en' && isKnownWord(part, 'en-GB'));
  for (let i = COMPOUND_PART; i <= lower.length - COMPOUND_PART; i += 1) {
    if (word(lower.slice(0, i)) && word(lower.slice(i))) return !commonMisspellings().has(lower);
  }
  return false;
}

// A verb made from a known "-ation" noun ("exfiltration" → "exfiltrated", "exfiltrating") is a form of that word.
const ATION_VERB = /^(\p{L}{4,})at(?:e|ed|es|ing)$/u;
function knownAtionVerb(lower: string, ctx: SpellingContext): boolean {
  const stem = ATION_VERB.exec(lower)?.[1];
  return stem !== undefined && known(`${stem}ation`, ctx);
}

// The Hunspell dictionary of the language has already found the word missing from the language's own dictionary, so only the other
// sources are asked: the project's words, the software terms, the report's things and, for "en", British English.
function known(word: string, ctx: SpellingContext): boolean {
  const lower = word.toLowerCase();
  if (ctx.dictionary.has(lower) || softwareTerms().has(lower) || ctx.people.things.has(lower)) return true;
  if (ctx.language === 'en' && (isKnownWord(word, 'en-GB') || isKnownWord(lower, 'en-GB'))) return true;
  // American English only where American spellings are accepted.
  return ctx.language !== 'en-GB' && (cspellEnUs().has(word) || cspellEnUs().has(lower));
}

/** A part of a hyphenated word, which the Hunspell check (see analyse.ts) did not check on its own. */
function knownPart(part: string, ctx: SpellingContext): boolean {
  const lang = ctx.language === 'en-GB' ? 'en-GB' : 'en-US';
  return known(part, ctx) || isKnownWord(part, lang);
}

/** True when the word at `start` begins a sentence, a list item or a field (where any word is capitalised). */
function startsSentence(text: string, start: number): boolean {
  const before = text.slice(Math.max(0, start - 40), start).trimEnd();
  return before === '' || /[.!?:;\n>|([{"“-]$/u.test(before) || /\n[^\S\n]*(?:[-*+]|\d+[.)])$/u.test(before);
}

/** Load the lists the spelling filter reads on demand (cspell's American English, the common misspellings). */
export function warmUpSpelling(): void {
  cspellEnUs();
  commonMisspellings();
}

/** Keep the spelling messages that are likely real misspellings, dropping names, terms and the report's own words. */
export function realMisspellings(messages: PluginMessage[], ctx: SpellingContext): PluginMessage[] {
  return messages.filter((m) => {
    const word = m.word.replace(/['’]s$/u, '');
    const lower = word.toLowerCase();
    if (word.length <= 2 || /[\d_./@]/u.test(word)) return false;
    if (word.replace(/s$/u, '') === word.replace(/s$/u, '').toUpperCase()) return false; // acronyms (and "PRs"): the jargon rule's business
    if (/\p{Ll}\p{Lu}/u.test(word)) return false; // CamelCase product names
    if (ctx.people.names.has(word) || known(word, ctx)) return false;
    // Chat shorthand, also clipped with an apostrophe ("ack'd" for "acked").
    if (CHAT_ABBREVIATIONS.has(lower) || CHAT_ABBREVIATIONS.has(lower.replace(/['’]d$/u, ''))) return false;
    if (SPEAKER_STAMP.test(m.field.text.slice(m.end, m.end + 20))) return false;
    // A listed person's name written in lower case, as chat notes do ("dave broke staging"), is still their name.
    if (word === lower && ctx.people.names.has(`${word.charAt(0).toUpperCase()}${word.slice(1)}`))
      return false;
    // A capitalised word inside a sentence is a name the dictionaries cannot know (a product, a place, a team).
    if (/^\p{Lu}\p{Ll}/u.test(word) && !startsSentence(m.field.text, m.start)) return false;
    if ((ctx.counts.get(word) ?? 0) + (word === lower ? 0 : (ctx.counts.get(lower) ?? 0)) >= REPEATS)
      return false;
    if (knownAtionVerb(lower, ctx) || knownCompound(lower, ctx)) return false;
    if (
      lower.includes('-') &&
      lower.split('-').every((p, i) => p === '' || (i === 0 && PREFIXES.has(p)) || knownPart(p, ctx))
    ) {
      return false;
    }
    return true;
  });
}

/** How often each word occurs in the texts, as written (for "words repeated in the report"). */
export function wordCounts(texts: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const text of texts) {
    for (const m of text.matchAll(/[\p{L}][\p{L}'’-]{1,40}/gu)) {
      const w = m[0].replace(/['’]s$/u, '');
      counts.set(w, (counts.get(w) ?? 0) + 1);
    }
  }
  return counts;
}

const suggestions = new Map<string, string[]>();
/**
 * How many misspelled words of one lint run get suggestions: the first ones, in the order given. The count does
 * not depend on what earlier runs cached, so a report gets the same findings however often (and after whatever
 * else) it is linted; the cache only saves the time.
 */
export const SUGGESTION_BUDGET = 8;

/** Up to three suggestions for a misspelled word, from the language's Hunspell dictionary (up to 100 ms a word). */
export function suggestWord(word: string, language: SpellingLanguage): string[] {
  return speller(language === 'en-GB' ? 'en-GB' : 'en-US')
    .suggest(word)
    .slice(0, 3);
}

/**
 * Suggestions for the first SUGGESTION_BUDGET misspelled words (of at most 40 characters), cached per process.
 * `compute` computes one word's list (a lint in worker threads passes lists it fills in later; see engine.ts).
 */
export function suggestFor(
  words: string[],
  language: SpellingLanguage = 'en',
  compute: (word: string, language: SpellingLanguage) => string[] = suggestWord,
): Map<string, string[]> {
  let budget = SUGGESTION_BUDGET;
  const out = new Map<string, string[]>();
  for (const word of words) {
    if (budget === 0) break;
    if (word.length > 40) continue;
    budget -= 1;
    const key = `${language}\u0000${word}`;
    let list = suggestions.get(key);
    if (!list) {
      list = compute(word, language);
      if (suggestions.size > 10_000) suggestions.clear();
      suggestions.set(key, list);
    }
    out.set(word, list);
  }
  return out;
}

/** The spelling finding's message. */
export function spellingMessage(word: string): string {
  return `"${word}" is not in the dictionary.`;
}

/** The spelling finding's suggestion, for a word with suggestions. */
export function spellingSuggestion(word: string, options: string[]): string {
  return `Did you mean ${options
    .map((s) => `"${s}"`)
    .join(', ')}? If the word is right, add it with \`hindsight lint --add-word ${word}\`.`;
}
