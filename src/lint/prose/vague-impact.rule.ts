import type { Sentence } from './analyse.js';
import { blameRule } from './blame.rule.js';
import { isLabelField, labelLength, negatedAt } from './context.js';
import { phraseRegex, type ProseContext, type SentenceHit, type SentenceRule } from './rule.js';

// Quantifiers and intensifiers that stand in for a number ("a portion of traffic", "frequently" for a rate; "minimal"
// and "negligible" for a size nobody measured: "revenue loss was minimal").
const VAGUE =
  `many some several a|lot lots numerous significant significantly substantial substantially considerable
  considerably huge massive major a|number|of various multiple a|few a|handful countless plenty tons very extremely
  severely badly heavily a|while for|some|time most a|bunch sharply noticeably dearly greatly dramatically drastically
  markedly elevated poor widespread a|portion|of a|fraction|of a|subset|of part|of frequently often occasionally
  intermittently sporadically repeatedly minimal negligible`
    .split(/\s+/u)
    .map((w) => w.replaceAll('|', ' '));
// A share or count said with a size word instead of a number: "a large number of payments", "a small percentage of
// accounts", "the majority of users", "a sizeable share of traffic".
const VAGUE_SHARE =
  /\b(?:a|an|the)\s+(?:(?:large|small|high|low|good|big|tiny|sizable|sizeable|fair|growing|non-trivial)\s+)?(?:number|percentage|proportion|share|fraction|majority|minority)\s+of\b/giu;
const NUMBER_WORDS =
  /\b(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?|half|quarter|third|double|doubled|triple|tripled|quadrupled|twice|thrice|all|every|none|no|nobody|entire|whole)\b|\b(?:a|an)\s+(?:second|minute|hour|day|week|month|year)\b/iu;
const DIGIT = /\d|[$€£¥%]/u;
// Numbers that name a thing rather than count it: status codes, versions, builds, ports, "gp2", "Safari 16".
const IDENTIFIER_NUMBER =
  /\b(?:HTTP|status|code|version|versions|v|port|build|PR|SDK|iOS|Android|Safari|Chrome|Firefox|Edge|Windows|macOS|Java|Python|Node|Go|Ruby|PHP)\s*#?\d[\d.]*\b|\b\d+(?:\.\d+){2,}\b|\b\p{L}+\d[\p{L}\d]*\b|\b\d+[\p{L}]+\d[\p{L}\d]*\b|#\d+/giu;
// A date says when, not how much ("On 3 March, checkout was severely degraded").
const DATE =
  /\b\d{1,2}(?:st|nd|rd|th)?\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\b(?:\s+\d{4})?|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\s+\d{1,2}(?:st|nd|rd|th)?\b(?:,?\s+\d{4})?/gu;
// A size word in front of a round number counts nothing ("several thousand homes", "thousands of users").
const ROUGH_COUNT =
  /\b(?:several|many|some|a\s+few)\s+(?:hundred|thousand|million)s?\b|\b(?:hundreds|thousands|millions|dozens)\s+of\b/giu;
// Spans of time and scope said in words: "the first day", "service-wide", "the whole morning".
const WORD_QUANTITY =
  /\b(?:the\s+)?(?:first|whole|entire|next|following|same)\s+(?:day|week|hour|night|morning|afternoon|evening|weekend|month)\b|\b(?:service|site|region|company|platform|fleet|cluster)-wide\b|\b(?:complete|completely|total|totally|full|fully)\b/iu;
// Words that say something was harmed, and the things whose harm is an impact ("failed over" and "failed back" are
// recoveries, not harm). Data "leaked", "exposed", "exfiltrated" or "stolen" is harm to the people it is about.
const HARM =
  /\b(?:fail(?:ed|ing|ures?)?(?!\s+(?:over|back)\b)|broke|broken|lost|loss|losses|down|outages?|unavailable|unavailability|slow(?:er|ness|down|ly)?|sluggish|degraded|degrading|degradation|errors|exceptions|delayed|delays?|could\s+not|couldn['’]t|unable\s+to|cannot|can['’]t|affected|affecting|impacted|hurt|harmed|frustrated|complain(?:ed|ts?)|dropped|drop|elevated|wrong|timed\s+out|timeouts|stuck|slipped|missed|crash(?:ed|es|ing)?|took\s+an?\s+(?:\w+\s+)?hit|choppy|unusable|unresponsive|unreachable|inaccessible|offline|threatened\s+to\s+(?:cancel|leave|churn)|churned|(?:higher|longer|worse)\s+than\s+(?:usual|normal|expected|before|baseline)|lag|laggy|logged\s+out|stale|poor|rose|went\s+up|climbed|jumped|increase[ds]?|spike[ds]?|declined|impact\s+on|cost(?:s|ing)?\s+us|leaked|exposed|exfiltrated|stolen|froze|frozen|late|gaps|buffering|locked\s+out|disrupted|overwhelmed|flooded|stranded|gone\s+for\s+good|unrecoverable|overbilled|overcharged|charged\s+twice|(?:had|have)\s+to\s+(?:wait|rerun|re-run|redo|resubmit|rebook))\b(?!\s+(?:\w+\s+)?(?:alerts?|alarms?|checks?|monitors?|monitoring|logs\b|log\b(?!\s+(?:in|on|out)\b)|quer(?:y|ies)|tests?|jobs?|tracking|attempts?|modes?|domains?)\b)/giu;
// Who or what can bear an impact; organisations served ("several hospitals", "some branches") are parties too.
const PARTY =
  /\b(?:users?|customers?|clients?|merchants?|visitors?|subscribers?|accounts?|orders?|sales|revenue|money|bills?|billing|conversions?|bookings?|transactions|payments|checkout|sign-?ups?|logins?|requests|latency|availability|pages?|site|website|apps?|applications?|search|recovery|traffic|experience|onboarding|players?|patients?|members?|students?|buyers?|sellers?|drivers?|riders?|guests?|tenants?|partners?|appointments?|matchmaking|payment|complaints|tickets|calls|cost(?:s|ing)?\s+us|error\s+rates?|APIs?|uptime|service\s+levels?|portal|catalog(?:ue)?|streams?|broadcasts?|dashboards?|hospitals?|clinics?|stores?|shops?|branches|offices|schools|banks|researchers|clinicians|doctors|nurses|commuters|passengers|travell?ers|viewers|listeners|readers|residents|voters|traders|shoppers|developers|staff|employees|households|labs|consumers|callers|owners|policyholders|claimants|citizens|fans|advertisers|creators|couriers|diners|investors|learners)\b/iu;
// Without a stand-in for a number, the harm must fall on people or money for the sentence to state an impact.
const PEOPLE_OR_MONEY =
  /\b(?:researchers|clinicians|doctors|nurses|commuters|passengers|travell?ers|viewers|listeners|readers|residents|voters|traders|shoppers|developers|staff|employees|households|labs|consumers|callers|owners|policyholders|claimants|citizens|fans|advertisers|creators|couriers|diners|investors|learners|users?|customers?|clients?|merchants?|visitors?|subscribers?|players?|patients?|members?|students?|buyers?|sellers?|drivers?|riders?|guests?|tenants?|partners?|sales|revenue|money|bills?|billing|conversions?|orders?|bookings?|payments|checkout|sign-?ups?|appointments?)\b/iu;
// Service quality harmed in so many words ("search was degraded", "page loads were sluggish") is an impact too.
const SERVICE =
  /\b(?:pages?|page\s+loads|site|website|apps?|checkout|logins?|search|latency|response\s+times?|availability|uptime|video|calls?)\b/iu;
const STATE_HARM =
  /^(?:slow\w*|sluggish|degraded|degrading|unavailable|down|elevated|poor|lag|laggy|choppy|unusable|unresponsive|unreachable|inaccessible)$/iu;
const HARM_NOUN =
  /^(?:fail(?:ures?)?|errors|exceptions|outages?|loss(?:es)?|delays?|timeouts|degradation|unavailability)$/iu;
const EXPERIENCED =
  /\b(?:saw|see|sees|seeing|got|get|gets|experienced|experience|received|receive|encountered|hit|faced|met|suffered|reported|furious|angry|upset|frustrated|annoyed)\b/iu;
const SPARED =
  /\b(?:hid|hides|hidden|prevented|prevents|avoided|shielded|protected|spared|recovered|restored|refunded|credited|caught\s+it)\b/iu;
// How the problem was found ("multiple users reported failed jobs") is detection, told elsewhere in the report.
const DETECTION =
  /\b(?:reported|noticed|alerted\s+us|told\s+us|contacted\s+(?:us|support)|spotted|flagged)\b/iu;
// What the team did for the people harmed ("we emailed the affected customers") is the response, not the impact.
const RESPONSE =
  /\b(?:we|support|the\s+(?:support\s+)?team)\s+(?:\w+ly\s+)?(?:emailed|e-mailed|contacted|notified|messaged|phoned|informed|reached\s+out\s+to|apologi[sz]ed\s+to|compensated|refunded|credited|wrote\s+to)\b/iu;
const CLAUSE_NEGATION = /\b(?:never|not|no|none|nobody|nothing|without)\b|n['’]t\b/iu;
/** The text after the last comma, semicolon or colon: the clause a word at the end of `text` belongs to. */
function lastClause(text: string): string {
  const cut = Math.max(text.lastIndexOf(','), text.lastIndexOf(';'), text.lastIndexOf(':'));
  return text.slice(cut + 1);
}
// Which way a measure moved is harm only for the right measure: latency or errors that rose, sign-ups that fell.
// "Sign-ups rose after the launch" and "the error rate dropped" are good news.
const RISE = /^(?:rose|went\s+up|climbed|jumped|elevated|increase[ds]?|spike[ds]?)$/iu;
const FALL = /^(?:drop|dropped)$/iu;
const BAD_MEASURE =
  /\b(?:latency|latencies|errors?|error\s+rates?|5\d\dx?s?|timeouts?|response\s+times?|complaints?|tickets?|costs?|load|lag|queues?|backlog|cpu|memory|failures?|churn|refunds?|cancell?ations?|retries|p\d\d)\b/iu;
/** True when a rise or a fall of a measure is good news, or said of nothing that can be harmed. */
function wrongDirection(text: string, harm: RegExpExecArray): boolean {
  const before = lastClause(text.slice(0, harm.index));
  if (RISE.test(harm[0])) return !BAD_MEASURE.test(before) && !BAD_MEASURE.test(text.slice(harm.index));
  if (FALL.test(harm[0])) return BAD_MEASURE.test(before);
  return false;
}
// "down" is harm as a state ("the site was down", "down for an hour"), not in "scaled down", "shut down", "down to 3".
const DOWN_STATE =
  /\b(?:is|was|were|are|went|go|goes|been|being|remained|stayed|completely|fully|still)\s+$/iu;
function downAsState(text: string, harm: RegExpExecArray): boolean {
  if (harm[0].toLowerCase() !== 'down') return true;
  return (
    DOWN_STATE.test(text.slice(Math.max(0, harm.index - 20), harm.index)) ||
    /^\s+for\b/iu.test(text.slice(harm.index + 4))
  );
}
// One party, named as one ("a customer", "our largest merchant"), is a count: one.
const ONE_PARTY =
  /\b(?:a|an|one|a\s+single|our|their)\s+(?:(?:\w+est|top|key|main|only|single|flagship|anchor)\s+)?(?:customer|client|merchant|partner|user|tenant|subscriber|account|member|buyer|seller|driver|rider|guest|patient|player)\b(?!['’]?s\b)/giu;
function onlyOneParty(text: string): boolean {
  const singles = [...text.matchAll(ONE_PARTY)];
  if (singles.length === 0) return false;
  return [...text.matchAll(new RegExp(PEOPLE_OR_MONEY.source, 'giu'))].every((m) =>
    singles.some((o) => m.index >= o.index && m.index < o.index + o[0].length),
  );
}
// "most likely" and "very likely" hedge a claim; they count nothing.
const HEDGE_AFTER = /^\s+(?:likely|probably|possibly)\b/iu;

// A schedule harmed is an impact too ("the launch slipped badly"), when a stand-in for a number says how much.
const PLANNED_WORK = /\b(?:project|launch|deadline|release|schedule|delivery|migration|roadmap)\b/iu;
// Plans and instructions ("Set up alerting", "This will prevent …") describe no effect that happened.
const PLAN =
  /^\s*(?:set|add|create|implement|ensure|make|use|monitor|investigate|review|update|consider|establish|offer|adding|configuring|implementing|creating|build|write|document|move|introduce|enable|remove|please|do\s+not|don['’]t|let['’]s)\b|\b(?:will|should|must|would)\b|\bneeds?\s+to\b/iu;

/** The text with identifier numbers (status codes, versions, builds) blanked, so only counts are left. */
function withoutIdentifiers(text: string): string {
  return text
    .replace(IDENTIFIER_NUMBER, (m) => ' '.repeat(m.length))
    .replace(DATE, (m) => ' '.repeat(m.length))
    .replace(ROUGH_COUNT, (m) => ' '.repeat(m.length));
}

let vague: RegExp | undefined;
let extraKey = '';
let extra: RegExp | undefined;

/** True when the sentence carries a quantity: a digit, a currency or percent sign, or a number word. */
export function hasQuantity(text: string): boolean {
  return DIGIT.test(text) || NUMBER_WORDS.test(text);
}

// The impact section and the summary's "what happened" and "impact" are where effects are stated;
// the title, core issue, lessons and next steps are about other things.
export function statesEffect(sentence: Sentence): boolean {
  const [head, key] = sentence.field.path;
  if (head === 'summary') return key === 'whatHappened' || key === 'impact';
  return head === 'impact';
}

/**
 * The vague-impact rule's parts as separate signals for the statistical model (prose/model.ts): a harm word, a party
 * that can bear harm, people or money, service quality, a stand-in for a number, a real quantity (identifiers such
 * as versions and status codes left out), a plan, detection, a response or harm avoided.
 */
export function vagueSignals(text: string): string[] {
  vague ??= phraseRegex(VAGUE);
  const s: string[] = [];
  if (text.search(HARM) >= 0) s.push('harm');
  if (PARTY.test(text)) s.push('party');
  if (PEOPLE_OR_MONEY.test(text)) s.push('people-or-money');
  if (SERVICE.test(text)) s.push('service');
  if ((vague && text.search(vague) >= 0) || text.search(VAGUE_SHARE) >= 0) s.push('stand-in');
  if (hasQuantity(withoutIdentifiers(text)) || WORD_QUANTITY.test(text)) s.push('quantity');
  if (PLAN.test(text)) s.push('plan');
  if (DETECTION.test(text)) s.push('detection');
  if (RESPONSE.test(text) || SPARED.test(text)) s.push('response');
  return s;
}

export const vagueImpactRule: SentenceRule = {
  id: 'vague-impact',
  check(sentence: Sentence, ctx: ProseContext): SentenceHit[] {
    vague ??= phraseRegex(VAGUE);
    const key = ctx.config.vagueWords.join('\u0000');
    if (key !== extraKey) {
      extraKey = key;
      extra = phraseRegex(ctx.config.vagueWords);
    }
    if (isLabelField(sentence.text)) return [];
    // A label in front of a sentence ("**Impact**: Users …") is not part of what it says.
    const skip = labelLength(sentence.text);
    const text = sentence.text.slice(skip);
    // Fragments state nothing to quantify.
    if (text.trim().endsWith(':') || (text.match(/[\p{L}\p{N}]+/gu)?.length ?? 0) < 4) return [];
    if (hasQuantity(withoutIdentifiers(text)) || PLAN.test(text)) return [];
    // Harm the writers had ("we could not see") or that did not happen ("without affecting traffic") is no impact.
    const harms = [...text.matchAll(HARM)].filter(
      (h) =>
        !negatedAt(text, h.index) &&
        !wrongDirection(text, h) &&
        downAsState(text, h) &&
        !(
          /^(?:could|couldn|unable|cannot|can['’]t)/iu.test(h[0]) &&
          /\b(?:we|I)\s+$/iu.test(text.slice(Math.max(0, h.index - 5), h.index))
        ),
    );
    // A verb or adjective of harm says more than a noun ("the outage hurt revenue": "hurt", not "outage").
    const harm = harms.find((h) => !HARM_NOUN.test(h[0])) ?? harms[0];
    if (!harm) return [];
    // Harm that was kept away ("the retry hid failures from users", "most lost orders were recovered") or denied
    // earlier in the clause ("users never saw the broken page") did not reach anyone.
    if (
      SPARED.test(text) ||
      RESPONSE.test(text) ||
      DETECTION.test(text) ||
      CLAUSE_NEGATION.test(lastClause(text.slice(0, harm.index)))
    )
      return [];
    // "We asked which customers were affected" asks; it does not claim.
    if (/\b(?:which|whether|how\s+many|how\s+much)\b/iu.test(text.slice(0, harm.index))) return [];
    const standIn = (re: RegExp | undefined) => {
      if (!re) return undefined;
      re.lastIndex = 0;
      for (const m of text.matchAll(re)) if (!HEDGE_AFTER.test(text.slice(m.index + m[0].length))) return m;
      return undefined;
    };
    const vagueHit = standIn(extra) ?? standIn(vague) ?? standIn(VAGUE_SHARE);
    // An explicit stand-in for a number next to a harm is worth a remark anywhere; otherwise the sentence must say
    // who or what was harmed, in a part of the report that states effects, with no span of time or scope in words.
    if (!vagueHit) {
      const onService = STATE_HARM.test(harm[0]) && SERVICE.test(text);
      if (!statesEffect(sentence) || WORD_QUANTITY.test(text) || !(PEOPLE_OR_MONEY.test(text) || onService))
        return [];
      if (!onService && onlyOneParty(text)) return [];
      // "Errors", "exceptions" and the like also name parts of a mechanism ("exceptions occurring in customer
      // applications"); as an impact they come with someone meeting them ("customers saw errors").
      if (HARM_NOUN.test(harm[0]) && !EXPERIENCED.test(text)) return [];
    } else if (!PARTY.test(text) && !PLANNED_WORK.test(text)) return [];
    // A sentence that puts the failure on a person ("Lucia forgot the flag, and billing broke") is about its cause: the
    // blame rule speaks to it, and its figures belong to the impact's own sentences.
    if (blameRule.check(sentence, ctx).length > 0) return [];
    const at = vagueHit ?? harm;
    return [
      {
        ...(statesEffect(sentence) ? {} : { severity: 'info' as const }),
        start: skip + at.index,
        end: skip + at.index + at[0].length,
        message: vagueHit
          ? `"${vagueHit[0]}" stands in for a number: this effect is stated without a count, amount or duration.`
          : 'This effect is stated without a number: say how many, how much or for how long.',
        suggestion:
          'Give the figure, even as an estimate: users or orders affected, money, error rate, minutes of downtime.',
      },
    ];
  },
};
