import { nlp } from './nlp.js';

// The fault side of blame read by verb lemma rather than by a phrase: a person's own verb, in whatever tense or form
// ("forgot", "forgets", "has forget", "skips", "didn't even look"), is looked up by its lemma in compromise. The
// blame rule calls these on the clause that follows a person (their own act), once the cheap patterns found nothing.

// Lemmas of verbs that tell a person's act as a lapse in their own work, whatever the object. Each says why it is here.
const LAPSE = new Map<string, string>([
  ['forget', 'a duty of theirs not done ("forgot to renew", "has forget to inform")'],
  ['neglect', 'a duty not done, in so many words'],
  ['ignore', 'a warning or a page set aside (said of a person; tools "ignore" but are never agents here)'],
  ['overlook', 'something theirs to see, not seen'],
  ['miss', 'a check or a deadline of theirs not kept ("missed the filing deadline", "misses the warning")'],
  ['skip', 'a step of the procedure left out'],
  ['omit', 'a step left out, in formal prose'],
  ['disregard', 'a warning or rule set aside, in formal prose'],
  ['bypass', 'a safeguard gone around ("bypassed the change board")'],
  ['circumvent', 'a safeguard gone around, in formal prose'],
  ['botch', 'the work itself done badly'],
  ['bungle', 'the work itself done badly'],
  ['fumble', 'the work itself done badly'],
  ['mistype', 'an error of their own hand'],
  ['misread', 'an error of their own reading'],
  ['misjudge', 'an error of their own judgment'],
]);
// Lemmas that, negated, say what a person could not know, did not receive or did not have: conditions of the work, not
// lapses ("did not know", "never received the page", "was not on call"). Any other negated act of theirs is a lapse
// ("has not follow the procedure", "not tested the new version", "didn't even look at the results").
const NOT_A_DUTY = new Set(
  'be have know receive get see hear need own exist work expect anticipate foresee realise realize understand intend mean think want plan'.split(
    ' ',
  ),
);
// A cheap pre-check so compromise runs only on clauses with a word these readings can use.
const MAY_HAVE_FAULT_VERB =
  /\b(?:forg[eo]t|neglect|ignor|overlook|miss|skip|omit|disregard|bypass|circumvent|botch|bungl|fumbl|mistyp|misread|misjudg|let\w*\s+\w+\s+down|not|never|n['’]t)/iu;
// Inability and permission are not lapses: "could not reach the console", "was not allowed to deploy".
const UNABLE = /\b(?:can|could|cannot|can['’]t|couldn['’]t|unable|allowed|able|permitted)\b/iu;

interface VerbJson {
  text: string;
  verb?: { infinitive?: string; negative?: boolean };
}

const readings = new Map<string, boolean>();

/**
 * True when the person's own clause (what follows their name or role, their own act) has a verb whose lemma tells a
 * lapse, or a negated act of theirs. Verbs after "to" ("forgot to inform": the lapse is "forgot") and after a new
 * subject are not the person's.
 */
export function lapseByLemma(clause: string): boolean {
  if (!MAY_HAVE_FAULT_VERB.test(clause)) return false;
  let known = readings.get(clause);
  if (known === undefined) {
    known = readLapse(clause);
    if (readings.size > 5_000) readings.clear();
    readings.set(clause, known);
  }
  return known;
}

function readLapse(clause: string): boolean {
  // A subject in front lets compromise read "overrides", "skips", "delete" as the verbs they are, not as nouns.
  const doc = nlp(`She ${clause.trim()}`);
  const verbs = doc.verbs().json() as VerbJson[];
  const text = `She ${clause.trim()}`.toLowerCase();
  let from = 0;
  for (const v of verbs) {
    const at = text.indexOf(v.text.toLowerCase(), from);
    from = at < 0 ? from : at + v.text.length;
    // An infinitive belongs to the verb before it ("forgot to inform"), a gerund or participle to its phrase.
    if (at > 0 && /\bto\s+$/u.test(text.slice(Math.max(0, at - 4), at))) continue;
    const lemma = (v.verb?.infinitive ?? '').toLowerCase();
    if (LAPSE.has(lemma)) return true;
    // "He let us down": a person failing others who relied on them (the particle follows the object).
    if (lemma === 'let' && /^\s*(?:us|them|everyone|the\s+team)\s+down\b/u.test(text.slice(from)))
      return true;
    if (v.verb?.negative && !UNABLE.test(v.text) && !NOT_A_DUTY.has(lemma.split(' ')[0] ?? '')) return true;
  }
  return false;
}

// Lemmas of verbs that, with a person's change as their subject ("Kofi's migration locked the accounts table"), tell
// the harm it did. Each says why it is here; taking a service down and logging people out are read by the rule's
// patterns already.
const DAMAGE = new Map<string, string>([
  ['break', 'the change broke something'],
  ['wipe', 'data wiped'],
  ['erase', 'data erased'],
  ['delete', 'data deleted by the change itself'],
  ['drop', 'tables, messages or traffic dropped'],
  ['truncate', 'a table truncated'],
  ['empty', 'a queue or table emptied'],
  ['overwrite', 'good data written over'],
  ['corrupt', 'data corrupted'],
  ['destroy', 'something destroyed'],
  ['crash', 'a process or device crashed'],
  ['freeze', 'a system frozen'],
  ['kill', 'processes or sessions killed'],
  ['lock', 'a table or users locked ("locked the accounts table for forty minutes")'],
  ['overload', 'a system overloaded'],
  ['expose', 'data or a port exposed'],
  ['leak', 'data or secrets leaked'],
  ['disable', 'a safeguard or feature switched off by the change'],
  ['duplicate', 'charges or records duplicated'],
  ['resurrect', 'removed code or flags brought back'],
]);
const MAY_HAVE_DAMAGE =
  /\b(?:br[eo]ak|wip|eras|delet|drop|truncat|empt|overwr|corrupt|destroy|crash|fr[eo]z|kill|lock|overload|expos|leak|disabl|duplicat|resurrect)/iu;

/** True when the first verb of `text` (what follows a person's change) has a lemma that tells harm done. */
export function damageByLemma(text: string): boolean {
  const span = text.slice(0, 90);
  if (!MAY_HAVE_DAMAGE.test(span)) return false;
  const verbs = nlp(span).verbs().json() as VerbJson[];
  const lemma = (verbs[0]?.verb?.infinitive ?? '').toLowerCase();
  return DAMAGE.has(lemma) && verbs[0]?.verb?.negative !== true;
}
