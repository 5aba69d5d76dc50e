import { nlp } from './nlp.js';
import { damageByLemma, lapseByLemma } from './fault.js';
import type { Sentence } from './analyse.js';
import { isKnownWord } from './spelling.js';
import { softwareTerms } from './terms.js';
import type { ProseContext, SentenceHit, SentenceRule } from './rule.js';

// Blame is a person standing as the subject of a fault. The rule finds the people in a sentence
// (names from the report and roster, unknown capitalised names, "he"/"she", singled-out roles)
// and then looks for a fault pattern attached to them. People doing ordinary work are not blame.

// A role that singles out one person. Before the role noun, up to two words of any kind may say which one ("the
// night-shift sysadmin", "the field technician", "the live-ops guy"), but not a determiner, preposition or "is" that
// would reach into another phrase ("this forced every engineer …"); the nouns are words for one person's job
// (or, for "guy", a person at all), so that the phrase names someone the way a name does. "agent" is a person only as a
// support or service agent or one on shift or duty: a monitoring, build or user agent is software.
// A role word may be followed by another that completes it ("the on-call engineer", "the lead developer"): the
// agent is the whole phrase, so a systemic rewrite replaces all of it.
const ROLE =
  /\b(?:the|a|an|our|one|that|this|their|his|her)\s+(?:(?!(?:the|a|an|every|each|any|some|no|to|of|for|by|with|and|or|from|on|in|at|was|is|were)\s)[\w'’-]+\s+){0,2}?(?:engineer|developer|dev|programmer|intern|dba|admin|administrator|sysadmin|operator|sre|reviewer|contractor|consultant|on-?call|oncall|person|employee|staffer|teammate|manager|analyst|tester|author|committer|maintainer|deployer|approver|lead|technician|tech|trader|guy|clerk|scientist|editor|planner|dispatcher|producer|technologist|bioinformatician|merchandiser|postdoc|supervisor|foreman|forewoman|nurse|doctor|physician|surgeon|driver|loader|mechanic|officer|director|inspector|auditor|cashier|teller|designer|architect|volunteer|trainee|apprentice|newbie|new\s+hire|hire|colleague|co-?worker|executive|cto|ceo|vp|boss|courier|releaser|(?!(?:check|play|allow|block|deny|white|black|wish|watch|short|long|task|pick|price|mailing|hit|word|dist)list\b)[a-z]{3,}(?:ist|ician)|(?<=\b(?:flight|load|air\s+traffic|traffic|mission|ground|approach|shift|duty)\s)controller|(?<=\b(?!(?:monitoring|build|user|ssh|deploy|deployment|puppet|chef|jenkins|datadog|sidecar|node|host|collector|update|backup|logging|log|metrics|telemetry|security|endpoint|ai|the|a|an|this|that|our|their|each|every)\s)[\w'’-]+\s)agent|agent(?=\s+on\s+(?:shift|duty|call)\b))(?:\s+(?:engineer|developer|sre|admin|administrator|operator|person|manager|lead))?\b/giu;
// "I" is the writer (self-blame in other words: "I pushed the wrong branch"), lower-case in chat too; not "I/O" nor "i.e.".
const PRONOUN = /\b(?:he|she|him|whoever|someone|somebody|yours\s+truly)\b|(?<![\w/.])i(?![\w/.'’-])/giu;
const WORD = /\p{Lu}[\p{L}\p{M}'’-]*/gu;

const FAULT_AFTER = new RegExp(
  [
    // What a person did not know, expect or intend is a condition of the work, like not having access.
    // A negation of something the person did, right after them ("didn't test", "never checked"), or after a short
    // prepositional phrase such as "on call". Not being able to, or not having access, is a condition, not a fault., or after a short prepositional phrase such as "on call".
    "^\\s*(?:(?:on|in|at|from|of|for|with)\\s+(?:the\\s+)?[\\w-]+\\s+)?(?:did(?:n['’]t| not)|does(?:n['’]t| not)|never)\\s+(?!(?:have|has|had|know|knew|receive|received|get|got|see|saw|hear|heard|need|own|exist|work|expect|anticipate|foresee|realise|realize|understand|intend|mean|think|want|plan)\\b)\\w+",
    '\\b(?:fat-fingered|forgot|forgotten|forgets?|forgetting|neglected|neglects?|fail(?:ed|s)?\\s+to|missed|misses|overlooked|ignored|ignores|skipped|botched|bungled|fumbled|broke|caused|causes|misconfigured|misconfigures|mistyped|misread|misjudged|misunderstood|mishandled|messed\\s+up|screwed\\s+up)\\b',
    // "must have" guesses ("someone must have restarted it"); "could have been" tells what could have happened to them.
    "\\b(?:should(?:n['’]t)?|ought\\s+to|could)\\s+have\\b(?!\\s+been\\b)|\\b(?:should|could)(?:n['’]t)?\\s+have\\s+been\\s+(?:more|less)\\b",
    '\\bmade\\s+(?:a|an|the)\\s+(?:\\w+\\s+)?(?:mistake|error|blunder|typo|bad\\s+call)\\b',
    '\\b(?:is|was|were)\\s+(?:(?:too|so|very|really)\\s+)?(?:to\\s+blame|at\\s+fault|careless|sloppy|negligent|lazy|incompetent|an\\s+idiot|a\\s+moron)\\b',
    // Responsible for the failure itself, not for its review, response or fix ("responsible for the incident review").
    '\\b(?:is|was)\\s+responsible\\s+for\\s+(?:the|this|that|an?|our)\\s+(?:[\\w-]+\\s+)?(?:outage|incident|failure|mistake|error|breakage|downtime)\\b(?!\\s+(?:review|response|report|communications?|process|management|channel|call|post-?mortem|retro\\w*|follow-?ups?))|\\b(?:is|was)\\s+responsible\\s+for\\s+(?:the|this|that|an?|our)\\s+(?:bad|broken|faulty|failed|botched)\\b',
    '\\b(?:accidentally|mistakenly|carelessly|wrongly|incorrectly|inadvertently|erroneously|recklessly|improperly|prematurely)\\b',
    '\\b(?:mislabell?ed|mistyped|fat-fingered|sat\\s+on\\s+(?:the|an?|that|this|those|these|his|her|their)\\s+(?:\\w+\\s+)?(?:alerts?|pages?|tickets?|warnings?|alarms?|escalation))\\b',
    // A further act of theirs left undone: "changed the default and didn't tell anyone".
    "\\band\\s+(?:did(?:n['’]t| not)|never)\\s+(?:tell|inform|notify|warn|check|test|wait|ask)\\b",
    // A demand that they answer for it: "has a lot to answer for".
    '\\b(?:has|have)\\s+(?:a\\s+lot|much)\\s+to\\s+answer\\s+for\\b',
    '\\bwithout\\s+(?:(?:first|even|properly)\\s+)?(?:testing|checking|reviewing|a\\s+review|review|noticing|asking|telling|informing|notifying|warning|waiting|approval|reading|verifying|looking|thinking|permission|a\\s+(?:diff|backup|test|dry\\s+run)|a\\s+second\\s+(?:look|glance|check))\\b',
    '\\b(?:pushed|shipped|merged|deployed|committed|wrote|made)\\s+(?:a|the|this)\\s+(?:bad|broken|faulty|buggy)\\b',
    '^\\s*(?:was|is)\\s+the\\s+(?:culprit|guilty\\s+party|one\\s+to\\s+blame)\\b',
    // Non-native English drops the article: "make the restart of wrong node", "connected the cable in wrong port".
    '\\b(?:the|a|of|on|in|into|to|at|from)\\s+wrong\\s+(?!way\\b)\\w+',
    '\\bby\\s+(?:mistake|accident)\\b',
    '\\bin\\s+error\\b',
    '\\bnot\\s+properly\\b',
    "\\bagainst\\s+(?:the\\s+)?(?:[\\w’']+\\s+)?(?:advice|policy|instructions|guidance|process)\\b",
    '\\bdespite\\s+(?:the\\s+|a\\s+|being\\s+)?(?:warnings?|advice|objections|told|asked)\\b',
    // Acting against a rule in so many words: "in breach of policy", "contrary to the runbook".
    '\\b(?:in\\s+(?:breach|violation)\\s+of|contrary\\s+to)\\b',
    // Leaving a safeguard out of one's own act: "without stopping the fleet", "without a canary", "without telling the
    // web team". "without losing a message" tells what went well, so the harm verbs are not read.
    '\\bwithout\\s+(?:(?:first|even|properly|ever)\\s+)?(?!(?:losing|dropping|breaking|affecting|interrupting|causing|impacting|disrupting|failing|warning|anything\\s+(?:breaking|failing)|any\\s+(?:downtime|loss|errors?|issues?|problems?|incidents?|impact|interruption))\\b)\\w+ing\\b',
    '\\bwithout\\s+(?:a|an|any|the)\\s+(?:single\\s+|second\\s+)?(?:canary|review|reviewer|test|tests|backup|approval|pilot|rollback(?:\\s+plan)?|ticket|change\\s+ticket|sign-?off|heads-?up|warning|notice|check|look|dry[\\s-]+run|staging\\s+run|peer\\s+review|runbook|plan)\\b',
    // Letting a thing lapse, or leaving it open: "let the certificate expire", "left the cabinet open all night".
    "\\blet\\s+(?:the|a|an|our|his|her|their|its|it)\\b(?:\\s+[\\w'’-]+){0,3}?\\s+(?:expire|lapse|run\\s+out|fill(?:\\s+up)?|slip|die|go\\s+stale|overflow|time\\s+out|rot)\\b",
    "\\bleft\\s+(?:the|a|an|our|his|her|their|it)\\b(?:\\s+[\\w'’-]+){0,6}?\\s+(?:open|unlocked|unattended|exposed|unpatched|enabled|running|on(?=$|[,.;]|\\s(?:in|over|all|overnight|for|after|during)\\b|\\s[,.;]|\\s$))\\b",
    // A careless manner in other words: waved through, rushed, done to save time.
    '\\b(?:rubber-?stamped|nuked|clobbered|trashed|went\\s+back\\s+to\\s+sleep|slept\\s+through|dozed\\s+off|cut\\s+corners|in\\s+a\\s+(?:hurry|rush))\\b|\\bwaved\\s+(?:it|them|the\\s+[\\w-]+)\\s+through\\b|\\bto\\s+(?:finish|get)\\s+(?:[\\w-]+\\s+){0,3}?(?:faster|quicker|sooner|earlier|done\\s+early)\\b|\\bto\\s+save\\s+(?:time|a\\s+few\\s+minutes)\\b',
    // Round nine: more ways a person's own act is told as a fault. Rushing the work itself (not rushing to a call),
    // falling asleep, a careless manner said by an adverb, "guilty of", approving one's own change, acting on one thing
    // "instead of" the one meant ("entered the dose in milligrams instead of units"; not "instead of waiting", which
    // weighs a choice), a further act of theirs left undone ("and never came back to check"), a console left logged in.
    '\\brushed\\s+(?:the|a|an|it|his|her|their|this|that|through)\\b|\\bfell\\s+asleep\\b|\\b(?:negligently|hastily|sloppily|blindly|thoughtlessly|absent-?mindedly|lazily|haphazardly)\\b|\\b(?:is|was|were)\\s+guilty\\s+(?:of|for)\\b|\\b(?:approved|merged|reviewed|signed\\s+off)\\s+(?:on\\s+)?(?:his|her|their|my)\\s+own\\b',
    // A wrong act in its verb's prefix ("misrouted", "mistagged", "overtightened", "overfilled"), a purpose
    // of convenience ("to speed up the batch", "to save energy"), a secret put in public, a destructive act repeated
    // ("wiped the staging db again"), and nobody else's look waited for ("without anyone looking at it").
    '\\bmis(?!s)\\w{3,}(?:ed|led)\\b|\\bover(?:tighten|fill|load|charg)\\w*\\b(?!\\s+(?:by|with)\\b)',
    '\\bto\\s+(?:speed\\s+(?:up|things\\s+up)|save\\s+(?:time|energy|money|effort|a\\s+(?:step|trip|few\\s+\\w+))|skip\\s+the\\s+queue|get\\s+home)\\b',
    '\\b(?:into|to|in|on)\\s+(?:a|the)\\s+public\\s+(?:gist|repo\\w*|channel|bucket|forum|pastebin|paste|site|page|issue)\\b',
    '\\b(?:wiped|deleted|dropped|truncated|nuked|purged|broke|overwrote|clobbered|killed)\\s+(?:[\\w-]+\\s+){0,3}?again\\b',
    '\\bwithout\\s+(?:anyone|anybody|a\\s+colleague|someone)\\s+(?:else\\s+)?(?:looking|checking|reviewing|knowing|seeing)\\b',
    '\\binstead\\s+of\\s+(?!\\w+ing\\b)(?:the|a|an|one|its|their|his|her|every|each|\\d+|\\w+s)\\b',
    "\\band\\s+(?:then\\s+)?(?:did(?:n['’]t| not)|never)\\s+(?!(?:have|has|had|know|knew|receive|received|get|got|see|saw|hear|heard|need|exist|work|expect|anticipate|foresee|realise|realize|understand|intend|mean|think|want|plan|recover|return|stop|fail|break|happen|show|appear|fire|trigger|page)\\b)\\w+",
    "\\bleft\\s+(?:the|a|an|our|his|her|their|it)\\b(?:\\s+[\\w'’-]+){0,3}?\\s+logged\\s+in\\b",
    // Going ahead over a warning the sentence names: "even though the canary was red".
    '\\beven\\s+though\\b[^.;!?]{0,60}?\\b(?:red|failing|failed|warned|broken|flagged|frozen|freeze|not\\s+(?:ready|approved|reviewed|tested))\\b',
    // The fault said to be theirs: "said the outage was his fault".
    '\\b(?:was|is|were)\\s+(?:all\\s+)?(?:his|her|their)\\s+(?:fault|doing|mistake|error)\\b',
    // Acting on the live system in place of the copy: "ran the cleanup against production instead of staging".
    '\\b(?:against|on|in|to|into)\\s+(?:the\\s+)?(?:live|prod(?:uction)?|primary)\\b[^.;!?]{0,30}?\\binstead\\s+of\\b',
    // Taking the service down, unless the sentence says it was planned or done to contain the harm.
    '\\b(?:took|brought)\\s+(?:[\\w-]+\\s+){0,3}?(?:down|offline)\\b(?![^.;!?]{0,120}?\\b(?:planned|maintenance|scheduled|on\\s+purpose|deliberately|to\\s+(?:contain|stop|protect|limit|isolate|prevent)))',
    // A demand that the person answer for it ("whoever set the TTL needs to explain themselves").
    '\\b(?:explain\\s+(?:themselves|himself|herself)|answer\\s+for\\s+(?:this|that|it)|(?:be\\s+)?held\\s+(?:accountable|responsible))\\b',
    // "Ana was the one who ran the script": singling the person out as the doer of an act that went wrong.
    '^\\s*(?:was|is)\\s+the\\s+(?:one|person|guy|engineer)\\s+(?:who|that)\\s+(?:\\w+ly\\s+)?(?:disabled|deleted|dropped|pushed|merged|deployed|ran|changed|removed|broke|caused|introduced|approved|misconfigured|forgot|missed|ignored|skipped|turned\\s+off|set)\\b',
  ].join('|'),
  'iu',
);
// Round ten: a duty of theirs said to be unmet ("fenna was supposed to renew it last week"), and an act done on a
// mistaken belief about its object ("truncated the orders table thinking it was the replica").
const UNMET_DUTY =
  /^\s*(?:was|were)\s+(?:supposed|meant)\s+to\s+(?!(?:be|have)\b)\w+|^[^.;!?]{0,80}?\b(?:thinking|believing|assuming)\s+(?:that\s+)?(?:it|this|they|he|she|the\s+[\w-]+)\s+(?:was|were|is|had\s+been)\b/iu;
// Timing and shortcuts of a person's own act ("deleted the snapshots a day early", "pushed it straight to production")
// are a fault only when the sentence does not say it went well or was asked for ("shipped a day early at the customer's
// request, and nothing broke", "pushed it straight to production, which ended the alerts").
const SHORTCUT =
  /\b(?:(?:a|an|one)\s+(?:day|hour|week|month|minute|few\s+\w+)|\w+\s+(?:days|hours|weeks|minutes)|too)\s+(?:early|soon)\b|\b(?:straight|directly|right)\s+(?:in)?to\s+prod(?:uction)?\b/iu;
const WENT_WELL =
  /\b(?:nothing|no\s+\w+)\s+(?:broke|failed|went\s+wrong)\b|\bas\s+(?:planned|agreed|scheduled|asked)\b|\brequest(?:ed)?\b|\bapproved\b/iu;
const POSSESSIVE_FAULT =
  /^['’]s\s+(?:(?:\w+\s+)?(?:mistake|error|fault|carelessness|negligence|oversight|slip|blunder|screw-?up|misconfiguration|bad|sloppiness|failure|typo)|decision\s+to\s+(?:skip|ignore|bypass|disable|override|turn\s+off)|(?:rushed|hasty|careless|sloppy|faulty|botched|mistaken|incorrect|wrong|broken|buggy|untested|bad|dodgy|failed)\s+\w+)\b/iu;
const FAULT_BY_BEFORE =
  /\b(?:(?:careless|sloppy|hasty|reckless)\s+[\w-]+|missed|caused|broken|forgotten|overlooked|ignored|misconfigured|botched|mistake|mistakes|error|errors|fault|negligence|oversight|blunder|(?:careless|sloppi|reckless|heedless|thoughtless)ness|inattention|haste|lapse(?:\s+in\s+(?:judge?ment|concentration|attention))?)\s+(?:made\s+)?(?:by|of|from)\s+$/iu;
// Ordinary acts by a person ("the deploy was triggered by Ana", "committed by Tom") are blame only when what they did
// is named as the fault before them ("the regression was introduced by Tom").
const ACT_BY_BEFORE = /\b(?:introduced|triggered|committed|deleted|pushed|merged|deployed|made)\s+by\s+$/iu;
// Round ten: any other participle before "by" ("the wrong certificate was uploaded by Chen Wei") when the thing acted
// on is itself said to be faulty in that clause; not an event word ("the incident was acknowledged by the on-call
// engineer" is response, not fault), and not finding, fixing, answering or telling, whose "by" credits the person.
const ANY_ACT_BY_BEFORE =
  /\b(?:the|a|an)\s+(?:wrong|bad|broken|faulty|buggy|incorrect|mistaken|untested|corrupt)\s+[\w-]+(?:\s+[\w-]+)?\s+(?:was|were|had\s+been|has\s+been|got)\s+(?!(?:found|fixed|spotted|noticed|caught|reported|flagged|raised|detected|discovered|reverted|restored|resolved|mitigated|repaired|corrected|reviewed|approved|led|handled|confirmed|investigated|diagnosed|traced|identified|acknowledged|answered|escalated|replaced|removed|quarantined)\b)(?:\w+ed|\w+en|made|set|put|sent|left|cut|built|done|run|shut)\s+by\s+$/iu;
const FAULT_THING =
  /\b(?:bug|regression|outage|failure|breakage|incident|error|mistake|typo|bad|broken|faulty|wrong)\b/iu;
// "The culprit was the intern", "the offending commit came from Dave's branch": wording that hunts for the one
// who did it. Without a person ("the offending commit disabled pinning") it names a change, which is fine.
const CULPRIT_BEFORE =
  /\b(?:culprit|guilty\s+party|(?:root\s+)?cause)(?:\s*,[^,.;]{1,30},)?\s+(?:here\s+)?(?:was|is|turned\s+out\s+to\s+be)\s+$|\b(?:culprit|root\s+cause|cause)(?:\s*\*\*)?\s*:(?:\s*\*\*)?(?:\s*\[)?\s*$|\bcourtesy\s+of\s+$|\btraces?\s+(?:straight\s+|directly\s+|right\s+)?back\s+to\s+$|\boffending\s+[\w-]+\s+(?:came\s+from|was\s+(?:written|pushed|merged|made|authored)\s+by|by|from)\s+$/iu;
// The writer blaming themself is still blame: it teaches readers that the fix is to be more careful.
const SELF_BLAME =
  /\bmea\s+culpa\b|\bmy\s+(?:bad|fault|mistake|error|screw-?up|blunder)\b|\b(?:that|this|it)(?:\s+\w+)?(?:['’]s|\s+is|\s+was)\s+(?:\w+ly\s+)?on\s+me\b|\bI\s+(?:messed|screwed|goofed)\s+up\b|\bI\s+(?:forgot|broke|botched|misconfigured)\b|\bI\s+take\s+(?:full\s+|complete\s+|total\s+|sole\s+)?(?:responsibility|the\s+blame)\b/giu;
// A sentence that says a person was not the cause ("Viktor was not the cause", "it wasn't Tom's fault", "Ben had
// nothing to do with it") names them to clear them.
const EXONERATED =
  /\b(?:not|n['’]t|never)\s+(?:the\s+(?:cause|culprit|reason|problem)|to\s+blame|at\s+fault|(?:\p{Lu}[\p{L}'’-]*['’]s|his|her|their)\s+(?:fault|doing|mistake)|involved|responsible|hers|his)\b|\b(?:did(?:n['’]t|\s+not)|never)\s+cause\b|\bnothing\s+to\s+do\s+with\b|\bno\s+fault\s+of\b|\bnobody\s+was\s+to\s+blame\b/iu;
// "Sofia's typo in the zone file took every subdomain offline", "Marco's deploy breaks fares": a person's own act named
// by its possessive, and what it broke.
const POSSESSIVE_ACT_HARM =
  /^['’]s\s+(?:[\w-]+\s+){0,2}?(?:change|deploy(?:ment)?|commit|push|rename|script|config|tweak|typo|shortcut|edit|migration|patch|query|command|merge|regex|pr|pull\s+request|upgrade|update|rollout|release|hotfix|cleanup|refactor|cron(?:\s+job)?|rule|setting|flag|branch)\b[^.;!?]{0,50}?\b(?:broke|breaks|wiped|wipes|crashed|corrupted|froze|dropped|deleted|emptied|killed|logged\s+out|locked\s+out|overloaded|took\s+(?:[\w-]+\s+){0,3}(?:down|offline)|takes\s+(?:[\w-]+\s+){0,3}(?:down|offline)|brought\s+(?:[\w-]+\s+){0,3}down)\b/iu;
// "An intern's script deleted the test bucket as designed": the act did what it was meant to.
const AS_MEANT = /\bas\s+(?:designed|intended|expected|planned|scheduled|agreed|documented)\b/iu;
const HUMAN_ACT_OF =
  /^['’]s\s+(?:late-night\s+|last-minute\s+|quick\s+)?(?:deploy|commit|push|tweak|typo|shortcut|edit|merge)\b/iu;
// "The outage happened because Jonas …": the person is given as the reason for the failure.
const BECAUSE_BEFORE =
  /\b(?:outage|incident|failure|it|this|that|everything)\s+(?:all\s+)?(?:happened|occurred|started|broke|failed|went\s+down)\s+because\s+$/iu;
const ON_PERSON_BEFORE = /\b(?:is|was|lies|rests|falls)\s+(?:\w+ly\s+)?(?:on|with)\s+$/iu;
const FAULT_WORD = /\b(?:fail\w*|mistake|error|fault|blame|outage|broke\w*|incident)\b/iu;
const COUNTERFACTUAL_BEFORE = /\b(?:had|if)\s+$/iu;
const WOULD_HAVE = /\bwould(?:n['’]t| not)?\s+(?:still\s+|never\s+|not\s+)?(?:have|be)\b/iu;
// "a typo Hannah made", "the error Tom introduced"
const FAULT_NOUN_BEFORE = /\b(?:typo|mistake|error|slip|blunder|oversight)\s+$/iu;
const MADE_AFTER = /^\s+(?:made|introduced|caused|committed|missed)\b/iu;
// "It was Felix who disabled the alert": singling a person out as the one who did it.
const CLEFT_BEFORE = /\bit\s+(?:was|is)\s+$/iu;
// "… we found the guilty commit, and of course it was Thiago's": the cleft ends on the person's possessive, and what it
// points back to is a fault.
const CLEFT_OWNER_AFTER = /^['’]s(?:\s*[.!])?\s*$/u;
const CULPRIT_THING = /\b(?:guilty|offending|culprit|bad|broken|faulty|buggy)\b/iu;
// … and the act it singles them out for is one that went wrong, not "it was Hannah who spotted the gap".
const CLEFT_FAULT =
  /^(?:\s*,)?\s+who\s+(?:\w+ly\s+)?(?:disabled|deleted|dropped|pushed|merged|deployed|ran|changed|removed|broke|caused|introduced|approved|misconfigured|forgot|missed|ignored|skipped|turned\s+off|wrote\s+the\s+(?:bad|broken|faulty))\b/iu;
const WHO_AFTER = /^(?:\s*,)?\s+who\b/iu;
const HUMAN_ERROR = /\b(?:human|operator|user|pilot|personnel|engineer)\s+(?:error|mistake|failure)s?\b/giu;
// Where the clause about a person ends: punctuation, a new clause ("but", "which", "because", "when" …) or "and" with a
// new subject ("Tom deployed and the alert failed to fire": the failure is the alert's, not Tom's).
const CLAUSE_END =
  /[;:!?]|,(?!\s*(?:who|against|despite)\b)|\s[-–—]\s|\b(?:but|which|so|because|since|when|whenever|while|whilst|after|before|until|(?<!\bat\s)once|although|though|whereas|where)\b|\band\s+(?:the|a|an|it|its|we|they|this|that|these|those|our|their|there|nobody|no)\b/iu;
// The person is the one acted on ("Tom was paged", "she was given the wrong runbook"): what follows happened to them.
// Only a further verb of theirs after "and" ("was distracted and skipped the check") can still be a fault.
const ACTED_ON =
  /^\s*(?:was|were|is|are|got|gets|had\s+been|has\s+been|been)\s+(?:\w+ly\s+)?(?:[a-z]+ed|given|told|shown|sent|woken|taken|brought|caught|left|kept|held|sought|thrown|bitten|hidden)\b(?!\s+(?:to\s+blame|at\s+fault))/iu;
// Faults in the manner of a person's own act, which hold whatever the verb was.
const OWN_MANNER =
  /\b(?:the|a)\s+wrong\b|\b(?:accidentally|mistakenly|incorrectly|wrongly|carelessly|inadvertently)\b|\bby\s+(?:mistake|accident)\b|\bin\s+error\b|\bnot\s+properly\b|\bwithout\s+(?:(?:first|even|properly)\s+)?(?:testing|checking|reviewing|a\s+review|review|verifying|asking|approval)\b/iu;
// Finding and telling have no manner of their own that can go wrong: "Lorcan noticed the wrong timezone" tells what he
// found, where "restored the wrong backup" is the act done wrong.
const FOUND_OR_TOLD =
  /^\s*(?:(?:then|also|quickly|later|first|immediately)\s+)?(?:noticed|found|spotted|saw|discovered|detected|caught|traced|diagnosed|identified|investigated|confirmed|reported|flagged|raised|escalated|asked|said|explained|pointed\s+out|warned|documented|wrote\s+up)\b/iu;
// Verbs of finding, repairing and telling: "Hannah found the misconfigured role", "Kenji reverted the bad commit",
// "Ana asked whether the deploy had caused it". The fault words after them describe what the person dealt with.
const DEALT_WITH =
  /^\s*(?:(?:then|also|quickly|later|first|immediately)\s+)?(?:noticed|found|spotted|saw|discovered|detected|caught|traced|diagnosed|identified|investigated|confirmed|reported|flagged|raised|escalated|paged|alerted|asked|said|explained|pointed\s+out|warned|fixed|reverted|rolled\s+back|corrected|repaired|replaced|restored|recovered|mitigated|resolved|undid|cleaned\s+up|documented|wrote\s+up)\b/iu;

// Capitalised words that start sentences or name departments ("Management ignored the warnings" is about a group,
// which, like "the team", is not blame of a person).
const NOT_NAMES = new Set(
  'I We Our The A An This That It They There Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July August September October November December UTC Because Nobody Nothing Everyone Everything Someone Whoever Had If When After Before During Then Once Later Earlier Yesterday Today Management Leadership Legal Marketing Sales Support Engineering Security Finance Product Design Ops Operations Procurement Compliance'.split(
    ' ',
  ),
);

// Interjections that open a chat line before the question (chat shorthand: "lol", "lmao", "omg", "wtf", "ffs").
const ASKS_WHO =
  /^\W{0,3}(?:Q:\s*)?(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s+)?(?:(?:lol|lmao|omg|wtf|ok|so|hey|wait|seriously|ugh|ffs|um|uh)\W{1,3})?(who)\b/iu;
// "who pushed this", "who changed that": a chat question that asks for the one who did a past act to the thing at
// hand hunts for a culprit, whatever the act was.
const WHO_DID_THIS = /^\s+[a-z]+ed\s+(?:this|that|it)\b/iu;
// A person's own act followed by "which is why …", "and that is what caused …": the sentence makes their act the cause
// of the harm that the tail names.
// "The intern who ran the test is the reason the attacker got in": the person, with the relative clause that says what
// they did, is named as the cause.
const IS_THE_CAUSE =
  /^(?:,?\s+(?:who|that)\b[^.;!?]{0,100}?)?,?\s+(?:is|was)\s+(?:the|a)\s+(?:\w+\s+)?(?:reason|cause)\b(?![^.;!?]{0,80}?\b(?:recovered|stopped|caught|found|noticed|spotted|saved|survived|kept|know|learned|fixed|avoided|prevented|came\s+back|back\s+up)\b)/iu;
const CAUSAL_TAIL =
  /^[,;]?\s*(?:and\s+)?(?:which|that|this)\s+(?:is|was)\s+(?:why|how|what)\b([^.;!?]{0,120})|^[,;]?\s*(?:and\s+)?(?:that|this)(?:\s+(?:decision|change|choice|act|slip|mistake))?\s+(?:(?:is|was)\s+(?:the\s+)?(?:root\s+)?(cause)|(caused|led\s+to)\b)([^.;!?]{0,120})|^[,;]?\s*(?:and\s+)?(?:which|that|this)\s+((?:cost|caused|led\s+to|resulted\s+in|triggered)\b[^.;!?]{0,120})/iu;
const RECOVERY =
  /\b(?:stopped|ceased|cleared|recovered|resolved|fell|dropped|subsided|ended|went\s+away|returned|back\s+to\s+normal|fixed|avoided|prevented)\b/iu;
const HARM =
  /\b(?:outage|incident|fail\w*|broke\w*|break\w*|down|lost|loss|errors?|wrong|grew|backlog|corrupt\w*|delay\w*|crash\w*|caused|stalled|stuck|filled\s+up|ran\s+out|froze|frozen|wiped|offline|killed|nuked|downtime|mess|crack\w*|spoil\w*|flood\w*|damag\w*|leak\w*)\b/iu;
// A chat line's lower-case name may follow a time stamp ("14:02 ruairi force-pushed …") as a question may.
const LOWER_LEAD = /^\W{0,3}(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s+(?:[-–]\s+)?)?(\p{Ll}[\p{L}'’-]*)/u;

// Where a person stands in the sentence's structure decides more than which verb follows them. The checks below read
// that structure: the person as the reason given after "because", as the one thanked for a harm, as the one a cause
// label or a possessive "doing" points to, as the one "responsible", or as the subject whose act a causal tail ends in
// harm. Each needs a harm said in the sentence and no recovery, so the same shapes in good news stay silent.
// "The dispatch service ran out of connections because Beatriz halved the pool": a harm, then the person as the reason.
// A state of theirs ("because she was in the air", "because Kim was on leave") is a condition, not a cause.
const BECAUSE_ANY = /\bbecause\s+(?:of\s+)?$/iu;
const STATE_AFTER =
  /^\s+(?:was|were|is|are|had|has|have|did\s+not\s+have|didn['’]t\s+have|could|couldn['’]t|can['’]t|cannot|wasn['’]t|weren['’]t|needed|wanted|thought|believed|knew|followed|asked|got|lacked)\b/iu;
// "We can thank Tariq for the three hours of downtime", "Thanks to Jonas's shortcut, …": thanks said for a harm or
// for a slip. Thanks for catching, fixing or running something is thanks.
const THANKS_BEFORE = /\b(?:thank|thanks\s+to)\s+$/iu;
const THANKED_FOR_GOOD =
  /^\s+for\s+(?:\w+ly\s+)?(?:catching|spotting|finding|fixing|running|leading|writing|helping|noticing|reverting|rolling|restoring|saving|keeping|taking|handling|staying|jumping|calling|raising|flagging|owning|coordinating|driving|pairing|reviewing|the\s+(?:quick|fast|careful))\b/iu;
const THANKS_SLIP =
  /^['’]s\s+(?:[\w-]+\s+)?(?:shortcut|typo|mistake|oversight|hack|slip|fat[\s-]?finger|carelessness|haste|negligence|sloppiness)\b/iu;
// "The outage was Omar's doing": a harm said to be a person's doing ("the fix was Omar's doing" is credit).
const POSSESSIVE_DOING = /^['’]s\s+(?:own\s+)?doing\b/iu;
// "The engineer responsible has been spoken to": the role singled out as the one responsible, not for a duty.
const RESPONSIBLE_AFTER =
  /^\s+(?:responsible|at\s+fault|to\s+blame)\b(?!\s+for\b(?!\s+(?:the|this|that|our)\s+(?:[\w-]+\s+)?(?:outage|incident|failure|breakage|mistake|error|mess|data\s+loss)))/iu;
// "The person who caused this no longer works here."
const WHO_CAUSED_AFTER =
  /^,?\s+(?:who|that)\s+(?:\w+ly\s+)?(?:caused|broke|started|triggered|is\s+responsible\s+for|was\s+responsible\s+for)\s+(?:this|that|it|the\s+(?:[\w-]+\s+)?(?:outage|incident|failure|breakage|mess))\b/iu;
const OWN_FAULT_SAID =
  /^\s+(?:said|says|admitted|admits|told\s+\w+|wrote|agreed)\b(?:\s+that)?[^.;!?]{0,60}?\b(?:was|is)\s+(?:all\s+)?(?:his|her|their)\s+(?:own\s+)?(?:fault|doing|mistake|error)\b/iu;
// A question that hunts for the doer of a past act: "Who did it?", "who merged the thing that killed checkout".
const WHO_ACT =
  /^\s+(?:[a-z]+ed|broke|did|ran|made|wrote|took|left|killed|nuked|shipped|let|put|set|cut)\b/iu;
const WHO_DESTROYED = /^\s+(?:dropped|deleted|removed|wiped|killed|truncated|disabled|nuked|purged)\b/iu;
const WHO_OBJECT = /^\s+\S+\s+(?:this|that|it)\b/iu;
// The subject of the sentence, whose own act a causal tail ends in harm, however long the clause in between:
// "Lucas, who had been on call for fourteen hours, acknowledged the page and went back to sleep, which is why …".
const SUBJECT_TAIL = /,\s*(?:and\s+)?(?:which|that|this)\s+(?:is|was)\s+(?:why|how|what)\b([^.;!?]{0,120})/iu;
const AT_SUBJECT = /^\W{0,3}(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s+)?$/u;
const ACT_AFTER = /^(?:,\s*who\b[^.;!?]*?,)?\s*(?!(?:was|were|is|are|got|had\s+been)\b)(?:\w+ly\s+)?\w+/iu;

// Round ten: harm told as the result of a person's own act, in the clause after it. The person stands as the subject
// (at the start, after a time stamp or one lead word: "Yesterday Pavel …", or as a role in apposition to a name); their own clause is an act (not a state,
// not done to them, not finding, fixing or telling); the next clause opens with "and", "so" or a comma and says a harm
// with no recovery. A safeguard that did not act ("and the alert failed to fire", "and nobody noticed") is the
// system's part, not a result of the act, so it is not read ("Tom deployed and the alert failed to fire").
const SUBJECT_AT =
  /^\W{0,3}(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s+(?:[-–]\s+)?)?(?:(?:yesterday|today|then|later|tonight|finally),?\s+)?(?:\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*)?\s*,\s*)?$/iu;
const CONSEQUENCE_LEAD = /^\s*(?:,\s*(?:and\s+|so\s+)?|(?:and|so)\s+)(?:then\s+)?/iu;
// Harm said as a result, beyond HARM's words: an attacker in, a breach, data gone or stolen, something exposed, money wrongly taken, a disk
// filled, a date missed ("shipped a month late"), people kept waiting for hours, a filing struck out, nothing left to restore, a slide "downhill".
const RESULT_HARM =
  /\b(?:attacker|intruder|breach|compromised|gone|stolen|exposed|undercharged|overcharged|duplicated|double-charged|filled|downhill|late|struck\s+out|nothing\s+(?:left|to\s+restore)|waited\s+(?:[\w-]+\s+){1,2}(?:hours|days|weeks))\b/iu;
// A harm said not to have happened ("and nothing broke") is no result either.
const NOT_A_RESULT =
  /\bfail(?:ed|s)?\s+to\b|\b(?:did(?:n['’]t|\s+not)|never|nobody|no\s+one|nothing(?!\s+(?:left|to\s+restore))|none)\b/iu;
const OWN_ACT_NOT =
  /^\s*(?:was|were|is|are|had|has|have|got|could|couldn['’]t|can['’]t|cannot|would|will)\b/iu;
const harmIn = (s: string) =>
  (HARM.test(s) || RESULT_HARM.test(s)) && !RECOVERY.test(s) && !NOT_A_RESULT.test(s);

function resultOfOwnAct(agent: Agent, text: string): boolean {
  if (!SUBJECT_AT.test(text.slice(0, agent.start))) return false;
  const full = text.slice(agent.end);
  if (/^['’]s\b/u.test(full)) return false;
  // An apposition after the name ("Felicity, the release manager, shipped …") is skipped to reach the act.
  // and so is the comma that closes the role's own apposition ("Felicity, the release manager, shipped …").
  const rest = /,\s*$/u.test(text.slice(0, agent.start))
    ? full.replace(/^,\s*(?=\p{Ll})/u, '')
    : full.replace(/^,\s*(?:the|our|a|an|their)\s+[\w-]+(?:\s+[\w-]+){0,2}\s*,/iu, '');
  let cut = CLAUSE_END.exec(rest);
  if (!cut) return false;
  // A time clause of the act ("even after the warning banner", "after acknowledging the alert") belongs to it.
  if (/^\s*(?:after|before|until|when|while|once)\b/iu.test(rest.slice(cut.index))) {
    const comma = /,/u.exec(rest.slice(cut.index));
    if (!comma) return false;
    cut = { index: cut.index + comma.index } as RegExpExecArray;
  }
  const own = rest.slice(0, cut.index);
  if (
    own.trim() === '' ||
    OWN_ACT_NOT.test(own) ||
    ACTED_ON.test(own) ||
    DEALT_WITH.test(own) ||
    FOUND_OR_TOLD.test(own)
  )
    return false;
  const lead = CONSEQUENCE_LEAD.exec(rest.slice(cut.index));
  if (!lead) return false;
  const next = rest.slice(cut.index + lead[0].length);
  const end = /[.;!?]|\b(?:but|because|which|although|though|until)\b/iu.exec(next);
  return harmIn(next.slice(0, end ? end.index : next.length));
}

// "The outage traces to a decision by Imogen to bypass the change board", "Eero's decision to skip the canary": what the
// person decided is read for a lapse by its verb's lemma.
const DECISION_BY = /\b(?:decision|choice|call|order)\s+(?:by|of|from)\s+$/iu;
const DECIDED_TO = /^(?:['’]s\s+(?:\w+\s+)?(?:decision|choice|call)|(?:\s+\S+)?)\s+to\s+([^.;!?,]{3,80})/iu;
function decidedLapse(agent: Agent, text: string): boolean {
  const after = text.slice(agent.end);
  const possessive = /^['’]s\s+(?:\w+\s+)?(?:decision|choice|call)\s+to\b/iu.test(after);
  if (!possessive && !DECISION_BY.test(text.slice(0, agent.start))) return false;
  const m = DECIDED_TO.exec(after);
  return m?.[1] !== undefined && lapseByLemma(m[1]);
}

// "Because Leilani hard-coded the exchange rate, every order … was undercharged": the person's act given first as
// the reason, and the harm after the comma.
const FRONT_BECAUSE = /^\W{0,3}(?:because|since)\s+$/iu;
function frontedCause(agent: Agent, text: string): boolean {
  if (!FRONT_BECAUSE.test(text.slice(0, agent.start))) return false;
  const rest = text.slice(agent.end);
  const comma = rest.indexOf(',');
  if (comma < 0) return false;
  const own = rest.slice(0, comma);
  if (STATE_AFTER.test(own) || ACTED_ON.test(own) || DEALT_WITH.test(own)) return false;
  return harmIn(rest.slice(comma + 1));
}

// A person's change named by its possessive ("Kofi's migration", "Aoife's copy change"), read with the verb after it
// (damageByLemma) or with the harm before it ("Everything went downhill after Nkechi's hotfix").
const POSSESSIVE_CHANGE =
  /^['’]s\s+(?:[\w-]+\s+){0,2}?(?:change|deploy(?:ment)?|commit|push|rename|script|config|tweak|typo|shortcut|edit|migration|patch|query|command|merge|regex|pr|pull\s+request|upgrade|update|rollout|release|hotfix|fix|cleanup|refactor|rebase|cron(?:\s+job)?|rule|setting|flag|branch)\b((?:\s+(?:to|in|on|of|for)\s+(?:the\s+)?[\w-]+(?:\s+[\w-]+)?)?)/iu;
const AFTER_BEFORE = /\b(?:after|since|following|with)\s+$/iu;
function possessiveChangeHarm(agent: Agent, text: string): boolean {
  const after = text.slice(agent.end);
  const m = POSSESSIVE_CHANGE.exec(after);
  if (!m || AS_MEANT.test(text)) return false;
  const before = text.slice(0, agent.start);
  if (AFTER_BEFORE.test(before) && (HARM.test(before) || RESULT_HARM.test(before)) && !RECOVERY.test(before))
    return true;
  return damageByLemma(after.slice(m[0].length));
}

// Round ten: a sanction on the person told as the outcome ("Going forward, Ruairi will no longer have production
// access", "the administrator has been suspended", "proceedings against the clerk who …") makes them the cause by
// implication. Access taken from everyone ("production access will need a second approver") names no one.
const SANCTION_AFTER =
  /^\s+(?:will|shall|is\s+to)\s+no\s+longer\s+(?:have|be\s+(?:allowed|given|on))\b|^\s+(?:has|have)\s+(?:since\s+)?been\s+(?:let\s+go|dismissed|fired|suspended|disciplined|written\s+up|removed\s+from|moved\s+off|taken\s+off|relieved\s+of)\b/iu;
const SANCTION_BEFORE = /\bdisciplinary\b[^.;!?]{0,60}\bagainst\s+$/iu;

/** The structural readings above, for one person in the sentence. */
function causeByStructure(agent: Agent, text: string, lower: string): boolean {
  const before = text.slice(0, agent.start);
  const after = text.slice(agent.end);
  // Cheap word checks first: most sentences have none of the words these shapes need.
  if (
    lower.includes('because') &&
    BECAUSE_ANY.test(before) &&
    (HARM.test(before) || RESULT_HARM.test(before)) &&
    !RECOVERY.test(before) &&
    !STATE_AFTER.test(after)
  )
    return !ACTED_ON.test(after);
  if (lower.includes('thank') && THANKS_BEFORE.test(before)) {
    if (THANKS_SLIP.test(after)) return !RECOVERY.test(after);
    return (
      !THANKED_FOR_GOOD.test(after) && HARM.test(after.slice(0, 120)) && !RECOVERY.test(after.slice(0, 120))
    );
  }
  if (lower.includes('doing') && POSSESSIVE_DOING.test(after))
    return HARM.test(before) && !RECOVERY.test(before);
  if (RESPONSIBLE_AFTER.test(after) || WHO_CAUSED_AFTER.test(after)) return true;
  // "Omar said the outage was his fault": what the person says of themself, reported.
  if (OWN_FAULT_SAID.test(after)) return true;
  if (agent.text.toLowerCase() === 'who' && agent.start < 20 && WHO_ACT.test(after))
    return WHO_OBJECT.test(after) || HARM.test(after) || FAULT_AFTER.test(after) || WHO_DESTROYED.test(after);
  if (/\b(?:why|how|what)\b/u.test(lower) && AT_SUBJECT.test(before) && ACT_AFTER.test(after)) {
    const tail = SUBJECT_TAIL.exec(after);
    const own = tail ? after.slice(0, tail.index).replace(/^,\s*who\b[^.;!?]*?,/iu, '') : '';
    if (tail && !DEALT_WITH.test(own) && !ACTED_ON.test(own))
      return HARM.test(tail[1] ?? '') && !RECOVERY.test(tail[1] ?? '');
  }
  return false;
}
const capitalised = (w: string) => `${w.charAt(0).toUpperCase()}${w.slice(1)}`;

interface Agent {
  start: number;
  end: number;
  text: string;
  /** Unknown capitalised word: needs a name check before it counts as a person. */
  unsure: boolean;
  /** How an unsure agent is checked: a capitalised word (default), a lower-case chat name, or a role noun by shape. */
  kind?: 'lower' | 'role';
  /** For a role by shape, the noun that may be a person's job. */
  noun?: string;
}

const MACHINE_ROLE = new Set([
  'agent',
  'operator',
  'controller',
  'supervisor',
  'driver',
  'loader',
  'designer',
  'inspector',
]);
const TECH_WORD =
  /^(?:device|kernel|gpu|nic|network|storage|disk|database|db|jdbc|odbc|display|graphics|printer|csi|usb|class|data|bulk|module|process|erlang|otp|config|asset|image|batch|ingress|k8s|kubernetes|cluster|replication|cloud|form|report|schema|query|traffic|job|task|worker|service|system|package|plugin)$/iu;

const ONE_OF =
  /\b(?:[Oo]ne|[Aa]\s+member)\s+of\s+(?:(?:the|our|their|its|his|her)\s+)?(?:[\w'’-]+\s+){0,2}?(\p{Ll}{3,}(?:er|or|ist|ian|ant|man|men)s|staff)\b/gu;
function agentsIn(text: string, ctx: ProseContext): Agent[] {
  const agents: Agent[] = [];
  const roles = [...text.matchAll(ROLE)];
  // A role no list has ("the deckhand", "the radiographer", "the hospital porter"), read by its shape: checked only
  // once a fault is found next to it (isRoleNoun), so the cost falls on the few sentences that need it.
  // Nouns the lists already rule out ("the server", "the error") are dropped here, before any fault is looked for.
  const shaped = [...text.matchAll(ROLE_SHAPE)].filter((m) => {
    const noun = (m[1] ?? '').toLowerCase();
    if (NOT_ROLE.has(noun) || softwareTerms().has(noun)) return false;
    return !roles.some((r) => r.index <= m.index + m[0].length && m.index <= r.index + r[0].length);
  });
  for (const m of [...roles, ...shaped]) {
    // "the SRE team", "the on-call rotation": a role word naming a group or a schedule, not one person; "the operator
    // pod", "the admin console", "the lead time": a role word naming a thing.
    if (
      /^\s+(?:team|teams|rotation|schedule|channel|tooling|group|org|organi[sz]ation|pods?|controller|pattern|framework|console|panel|page|pool|process|daemon|binary|accounts?|roles?|api|ui|tools?|time|guide|docs|endpoint|access|rights|permissions|mode|dashboard|interface|credentials|token|keys?|user|policy|sdk|update|updates|upgrade|version|software|package|bug|crash|issue|code|files?|script|library|module|build|program|programme|run|phase|rollout|cohort|project|site)\b/iu.test(
        text.slice(m.index + m[0].length),
      )
    )
      continue;
    // Role words that also name software ("the Vault agent", "the Strimzi operator", "the NIC driver", "the class
    // loader", "the process supervisor") are that software when the word before them is a system or a technical term.
    // A capitalised word before the role is a product name when the software lists know it.
    const parts = m[0].split(/\s+/u);
    const before = MACHINE_ROLE.has((parts.at(-1) ?? '').toLowerCase()) ? (parts.at(-2) ?? '') : '';
    const lower = before.toLowerCase();
    if (
      parts.length > 2 &&
      (ctx.people.things.has(lower) ||
        TECH_WORD.test(lower) ||
        (/^\p{Lu}/u.test(before) && softwareTerms().has(lower)))
    )
      continue;
    const noun = m[1];
    agents.push({
      start: m.index,
      end: m.index + m[0].length,
      text: m[0],
      ...(noun === undefined ? { unsure: false } : { unsure: true, kind: 'role' as const, noun }),
    });
  }
  // Round ten: one person singled out of a group ("one of the vendor's engineers", "a member of staff"): a role by
  // shape in the plural after "one of", checked like any role noun once a fault is found.
  for (const m of text.matchAll(ONE_OF)) {
    const noun = m[1] === 'staff' ? 'staff member' : (m[1] ?? '').replace(/s$/u, '');
    // A noun the role list knows ("engineers") is a person's job as it is in the singular.
    const listed = `the ${noun}`.search(ROLE) === 0;
    agents.push({
      start: m.index,
      end: m.index + m[0].length,
      text: m[0],
      ...(listed ? { unsure: false } : { unsure: true, kind: 'role' as const, noun }),
    });
  }
  for (const m of text.matchAll(PRONOUN))
    agents.push({ start: m.index, end: m.index + m[0].length, text: m[0], unsure: false });
  // Chat-style notes: a question that hunts for the doer ("who merged this without a review?") and a listed person's
  // name written in lower case at the start ("dave broke staging again").
  const lead = ASKS_WHO.exec(text) ?? LOWER_LEAD.exec(text);
  const word = lead?.[1];
  if (lead && word) {
    const start = lead[0].length - word.length;
    // "Who could have guessed …" says nobody could have: a rhetorical question that hunts for no one.
    const rhetorical =
      word.toLowerCase() === 'who' &&
      /^\s*could\s+have\s+(?:guessed|known|predicted|foreseen|imagined)\b/iu.test(text.slice(lead[0].length));
    if (rhetorical) {
      // No agent: the question names nobody.
    } else if (word.toLowerCase() === 'who' || ctx.people.names.has(capitalised(word)))
      agents.push({ start, end: lead[0].length, text: word, unsure: false });
    // An unlisted name in lower case ("anya killed the wrong pid"): checked as a given name once a fault is found.
    else if (/^\p{Ll}{3,}$/u.test(word) && !ctx.people.things.has(word))
      agents.push({ start, end: lead[0].length, text: word, unsure: true, kind: 'lower' });
  }
  for (const m of text.matchAll(WORD)) {
    const word = m[0].replace(/['’]s$/u, '');
    if (NOT_NAMES.has(word) || ctx.people.things.has(word.toLowerCase())) continue;
    // A product, company or tool the software dictionaries know is not a person ("Terraform broke …").
    if (!ctx.people.names.has(word) && softwareTerms().has(word.toLowerCase())) continue;
    if (word.length > 1 && word === word.toUpperCase()) continue; // acronyms
    agents.push({
      start: m.index,
      end: m.index + word.length,
      text: word,
      unsure: !ctx.people.names.has(word),
    });
  }
  return agents.sort((a, b) => a.start - b.start);
}

// Verbs that only people do: an unknown capitalised word right before one is taken as a name. ("ignored" and
// "misconfigured" are not here: tools ignore annotations and misconfigure routes too.)
const HUMAN_VERB =
  /^\s*(?:forgot|neglected|botched|bungled|mistyped|misread|misjudged|misunderstood|messed\s+up|screwed\s+up|should\s+have)\b/iu;

// A role by its shape: after a determiner or possessive and up to one word ("the hospital porter"), a noun with a
// suffix of a person's job (-man, -hand, -keeper, -smith, -wright, -ist, -ician), or one compromise tags as an actor
// ("plumber", "cook", "attendant"), or an agent noun made from a verb ("porter", "conductor", "signaller"). Whether
// it is one is decided by isRoleNoun, after a fault is found.
const ROLE_SHAPE =
  /\b(?:[Tt]he|[Aa]n?|[Oo]ur|[Tt]heir|[Hh]is|[Hh]er|[Oo]ne|[Tt]hat|[Tt]his|[Yy]our|[Mm]y)\s+(?:(?!(?:the|a|an|every|each|any|some|no|to|of|for|by|with|and|or|from|on|in|at|was|is|were|new|old|same|other|first|last|whole|entire|only)\s)[\w'’-]+\s+)?(\p{Ll}{3,}(?:er|or|man|woman|hand|keeper|smith|wright|ist|ian|ant)|cook|chef|pilot|captain|midwife|crew\s+member)(?!['’]s)\b/gu;
const PERSON_SUFFIX = /(?:man|woman|hand|keeper|smith|wright|ist|ician)$/u;
// Agent nouns of things that the software lists do not have: machines, parts, documents and firms (a vendor, a
// supplier and a provider are companies; a company acting is a group's act, not one person's).
const NOT_ROLE = new Set(
  'scheduler parser sensor generator indexer loader installer updater adapter exporter importer collector allocator orchestrator replicator emitter fetcher poller watcher launcher reconciler publisher subscriber sender receiver printer scanner copier shredder mixer counter computer error former latter layer tower folder filter vendor supplier provider carrier manufacturer retailer partner tracker trigger header footer marker cluster master number order other letter paper water weather power border corner matter answer manner meter liter litre monitor sector factor vector mirror anchor elevator escalator radiator calculator simulator emulator compressor condenser transformer breaker charger starter timer heater cooler freezer boiler burner blender toaster container holder binder wrapper sticker blocker limiter throttler retrier rotator sharder splitter joiner merger finder reader writer player recorder register regulator iterator cursor rector picker packer coordinator shipper sampler selector chooser renderer dropper stepper switcher toggler viewer browser'.split(
    ' ',
  ),
);
const roleNouns = new Map<string, boolean>();
function isRoleNoun(noun: string): boolean {
  const w = noun.toLowerCase().replace(/\s+/gu, ' ');
  let known = roleNouns.get(w);
  if (known === undefined) {
    known = readRoleNoun(w);
    if (roleNouns.size > 5_000) roleNouns.clear();
    roleNouns.set(w, known);
  }
  return known;
}
function readRoleNoun(w: string): boolean {
  if (NOT_ROLE.has(w) || softwareTerms().has(w)) return false;
  if (w === 'crew member' || w === 'staff member' || PERSON_SUFFIX.test(w)) return true;
  if (nlp(`the ${w}`).has('#Actor')) return true;
  // "porter" ← port, "conductor" ← conduct, "signaller" ← signal, "plumber" ← plumb: an -er or -or noun made from a verb.
  const m = /^(\p{Ll}+?)(?:er|or)$/u.exec(w);
  if (!m?.[1] || !(isKnownWord(w, 'en-US') || isKnownWord(w, 'en-GB'))) return false;
  const stem = m[1];
  const stems = [stem, `${stem}e`, /(\p{Ll})\1$/u.test(stem) ? stem.slice(0, -1) : stem];
  return stems.some((v) => v.length >= 3 && nlp(`to ${v}`).has('#Verb'));
}

// A capitalised word no dictionary knows, that is not a product or tool, and that compromise reads as a noun (not a
// verb like "Quillgate", nor an adverb like "Fastly"): a given name nobody listed ("Oluwaseun", "Eun-ji"). A name the
// dictionary has only with a capital ("Ignatius") counts too. A title before it ("Dr.", "Mr.") makes it a person.
const TITLE_BEFORE = /\b(?:Dr|Mr|Mrs|Ms|Mx|Prof|Signor|Signora|Herr|Frau|Sr|Sra)\.?\s+$/u;
function looksLikeGivenName(word: string, after = ''): boolean {
  if (!/^\p{Lu}\p{Ll}{2,}(?:-\p{Ll}+)?$/u.test(word)) return false;
  // A name that stands before a noun names a thing ("the Hellman cluster failed to …"); a person's name is followed by
  // their act, a possessive, a comma, a relative pronoun or the end.
  // A negated auxiliary ("Aoife didn't even look") is read whole: cut at its apostrophe, "didn" looked like a noun.
  const next = /^\s+([\p{L}'’-]+)/u.exec(after)?.[1];
  if (next !== undefined && !/^(?:who|and|had|has|was|is|\w+n['’]t|never)$/iu.test(next)) {
    const tags =
      (nlp(`${word} ${next}`).json() as { terms: { tags: string[] }[] }[])[0]?.terms.at(-1)?.tags ?? [];
    if ((tags.includes('Noun') || tags.includes('Adjective')) && !tags.includes('Verb')) return false;
  }
  const lower = word.toLowerCase();
  if (softwareTerms().has(lower) || isKnownWord(lower, 'en-US') || isKnownWord(lower, 'en-GB')) return false;
  // Two English words run together ("Quillbot", "Brimwell", "Stonegate") make a product's or a place's name.
  for (let i = 4; i <= lower.length - 3; i += 1)
    if (isKnownWord(lower.slice(0, i), 'en-US') && isKnownWord(lower.slice(i), 'en-US')) return false;
  const tags = (nlp(word).json() as { terms: { tags: string[] }[] }[])[0]?.terms[0]?.tags ?? [];
  return tags.includes('Noun') && !tags.some((t) => t === 'Verb' || t === 'Adjective' || t === 'Adverb');
}

function isPersonName(agent: Agent, sentence: string): boolean {
  if (agent.kind === 'role') return isRoleNoun(agent.noun ?? '');
  if (agent.kind === 'lower') return looksLikeGivenName(capitalised(agent.text), sentence.slice(agent.end));
  if (HUMAN_VERB.test(sentence.slice(agent.end))) return true;
  if (
    TITLE_BEFORE.test(sentence.slice(0, agent.start)) ||
    looksLikeGivenName(agent.text, sentence.slice(agent.end))
  )
    return true;
  // compromise knows common given names and uses the words around the name to decide; a window keeps
  // a pathological run-on sentence from costing more than a normal one.
  const window = sentence.slice(Math.max(0, agent.start - 200), agent.end + 200);
  return nlp(window).match('#Person').has(agent.text);
}

/** The person's own clause, when it is their own act (not one done to them, nor their dealing with a fault), ends in a
 * causal tail naming harm: "Marek went back to sleep, which is why the queue grew". */
function causesHarm(text: string, from: number): boolean {
  const rest = text.slice(from);
  const cut = CLAUSE_END.exec(rest);
  // Only "which" or a punctuation mark may end the clause, and the tail must follow right there. A time clause of the
  // person's own act ("kept adding scope after the freeze, and that is why …") belongs to it: the tail may follow it.
  let tailAt = cut ? cut.index : rest.length;
  if (cut && /^\s*(?:after|before|until|when|while|once)\b/iu.test(rest.slice(cut.index))) {
    const comma = /[,;]/u.exec(rest.slice(cut.index));
    if (comma) tailAt = cut.index + comma.index;
  }
  const own = rest.slice(0, tailAt);
  if (ACTED_ON.test(own) || DEALT_WITH.test(own)) return false;
  const tail = CAUSAL_TAIL.exec(rest.slice(tailAt));
  // "…, which is why the errors stopped" tells what ended the harm: good news, not a cause.
  if (tail === null) return false;
  // "… and that is the root cause", "… and that decision caused everything that followed": the tail is the harm.
  if (tail[2] !== undefined || tail[3] !== undefined) return !RECOVERY.test(tail[4] ?? '');
  // "…, which cost us the quarter": a cost or a cause in the tail's own verb.
  if (tail[5] !== undefined) return !RECOVERY.test(tail[5]) && !/\bnothing\b/iu.test(tail[5]);
  return (HARM.test(tail[1] ?? '') || RESULT_HARM.test(tail[1] ?? '')) && !RECOVERY.test(tail[1] ?? '');
}

function clauseAfter(text: string, from: number, start = from): string {
  // The comma that closes an apposition the person stands in ("The dispatcher, Jonas, pushed …") opens no clause.
  const closing = /,\s*$/u.test(text.slice(0, start)) ? /^,\s+(?=\p{Ll})/u.exec(text.slice(from)) : null;
  const rest = text.slice(from + (closing ? closing[0].length : 0));
  // Skip ", who" and an apposition such as "Our DBA, Ivan, ran …" so the verb after it is read.
  const lead =
    /^,\s*who\b|^,\s*(?:\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*)?|(?:the|our|a)\s+[\w-]+(?:\s+[\w-]+)?)\s*,/iu.exec(
      rest,
    );
  const body = lead ? rest.slice(lead[0].length) : rest;
  const cut = CLAUSE_END.exec(body);
  let clause = cut ? body.slice(0, cut.index) : body;
  // Acted on, or dealing with a fault someone else met: only a further verb of theirs after "and" is read. The manner
  // of their own act still counts, whatever the verb: "restored the wrong backup", "reverted it without checking".
  // Telling or escalating "to the wrong queue" is the act done wrong, where "noticed the wrong timezone" is what was found.
  const ownManner = (c: string) =>
    OWN_MANNER.test(c) && (!FOUND_OR_TOLD.test(c) || /\b(?:to|into)\s+the\s+wrong\b/iu.test(c));
  if (ACTED_ON.test(clause) || (DEALT_WITH.test(clause) && !ownManner(clause))) {
    const and = /\s(?:and|then)\s+(?!(?:the|a|an)\b)/iu.exec(clause);
    clause = and ? clause.slice(and.index + and[0].length) : '';
    if (DEALT_WITH.test(clause) && !ownManner(clause)) clause = '';
  }
  return clause.split(/\s+/u).slice(0, 14).join(' ');
}

const participles = new Map<string, string | undefined>();
function participleOf(verb: string): string | undefined {
  const key = verb.toLowerCase();
  if (!participles.has(key)) {
    if (participles.size > 5_000) participles.clear();
    const forms = nlp(key).verbs().conjugate()[0] as Record<string, string> | undefined;
    participles.set(key, forms?.Participle ?? forms?.PastTense);
  }
  return participles.get(key);
}

function systemicRewrite(agent: Agent, sentence: string): string | undefined {
  const m =
    /^\s*(?:did(?:n['’]t| not)|fail(?:ed)?\s+to|forgot\s+to|neglected\s+to|never)\s+(\w+)\s+(\S.*?)[.!]?$/iu.exec(
      sentence.slice(agent.end),
    );
  if (!m || !/^\s*$/u.test(sentence.slice(0, agent.start))) return undefined;
  const [, verb = ''] = m;
  const rest = (m[2] ?? '').split(/,|;|\s(?:which|because|so|and then|but)\s/u)[0]?.trim() ?? '';
  if (rest === '') return undefined;
  const participle = participleOf(verb);
  if (!participle) return undefined;
  const object = rest.replace(/^(?:the|a|an)\s+/iu, (d) => d.toLowerCase());
  const subject = `${object.charAt(0).toUpperCase()}${object.slice(1)}`;
  const found = /(?:properly|correctly|in time|on time)$/iu.exec(subject);
  const adverb = found && /\s$/u.test(subject.slice(0, found.index)) ? found : undefined;
  const core = adverb ? subject.slice(0, adverb.index).trimEnd() : subject;
  return `${core} was not ${participle}${adverb ? ` ${adverb[0]}` : ''}.`;
}

const ADVICE =
  'Describe what the system, process or tooling allowed, not who slipped: say which condition existed and which safeguard was missing.';

/**
 * The blame rule's parts as separate signals for the statistical model (prose/model.ts): whether a sentence has a
 * singled-out role, a pronoun for one person, a fault pattern, self-blame, "human error", culprit wording or a
 * clearing of someone, each on its own and wherever it stands. The rule needs them together and in place.
 */
export function blameSignals(text: string): string[] {
  const s: string[] = [];
  if (text.search(ROLE) >= 0) s.push('role');
  if (text.search(PRONOUN) >= 0) s.push('pronoun');
  if (FAULT_AFTER.test(text)) s.push('fault');
  if (text.search(SELF_BLAME) >= 0) s.push('self-blame');
  if (text.search(HUMAN_ERROR) >= 0) s.push('human-error');
  if (EXONERATED.test(text)) s.push('exonerated');
  if (/\b(?:culprit|offending|guilty|to\s+blame|at\s+fault|fault|blame)\b/iu.test(text)) s.push('culprit');
  if (FAULT_THING.test(text)) s.push('fault-thing');
  return s;
}

/**
 * The people a sentence has as agents (names, singled-out roles, "he", "I"; an unknown word only once it reads as a
 * name), each with the clause that follows them: their own act. scripts/blame-embedding-probe.ts reads these.
 */
export function personClauses(text: string, ctx: ProseContext): { agent: string; clause: string }[] {
  if (EXONERATED.test(text)) return [];
  return agentsIn(text, ctx)
    .filter((agent) => !agent.unsure || isPersonName(agent, text))
    .map((agent) => ({ agent: agent.text, clause: clauseAfter(text, agent.end, agent.start) }));
}

export const blameRule: SentenceRule = {
  id: 'blame',
  check(sentence: Sentence, ctx: ProseContext): SentenceHit[] {
    const text = sentence.text;
    const hits: SentenceHit[] = [];
    for (const m of text.matchAll(HUMAN_ERROR)) {
      hits.push({
        start: m.index,
        end: m.index + m[0].length,
        message: `"${m[0]}" puts the failure on a person; name the condition that made the mistake possible and easy.`,
        suggestion: ADVICE,
      });
    }
    for (const m of text.matchAll(SELF_BLAME)) {
      hits.push({
        start: m.index,
        end: m.index + m[0].length,
        message: `"${m[0]}" takes the blame personally; the report should explain what made the slip possible, not who slipped.`,
        suggestion: ADVICE,
      });
      break;
    }
    if (hits.length > 0) return hits;
    if (EXONERATED.test(text)) return hits;
    const lower = text.toLowerCase();
    for (const agent of agentsIn(text, ctx)) {
      const before = text.slice(0, agent.start);
      const after = text.slice(agent.end);
      const faulty =
        POSSESSIVE_FAULT.test(after) ||
        FAULT_AFTER.test(clauseAfter(text, agent.end, agent.start)) ||
        (SHORTCUT.test(clauseAfter(text, agent.end, agent.start)) &&
          !WENT_WELL.test(text) &&
          !RECOVERY.test(text)) ||
        (POSSESSIVE_ACT_HARM.test(after) && !AS_MEANT.test(text)) ||
        lapseByLemma(clauseAfter(text, agent.end, agent.start)) ||
        UNMET_DUTY.test(after) ||
        resultOfOwnAct(agent, text) ||
        frontedCause(agent, text) ||
        possessiveChangeHarm(agent, text) ||
        decidedLapse(agent, text) ||
        SANCTION_AFTER.test(after) ||
        SANCTION_BEFORE.test(before) ||
        BECAUSE_BEFORE.test(before) ||
        FAULT_BY_BEFORE.test(before) ||
        (ACT_BY_BEFORE.test(before) && FAULT_THING.test(before)) ||
        ANY_ACT_BY_BEFORE.test(before) ||
        CULPRIT_BEFORE.test(before) ||
        causesHarm(text, agent.end) ||
        (IS_THE_CAUSE.test(after) && !RECOVERY.test(after.slice(0, 160))) ||
        (agent.text.toLowerCase() === 'who' && agent.start < 20 && WHO_DID_THIS.test(after)) ||
        (ON_PERSON_BEFORE.test(before) && FAULT_WORD.test(before)) ||
        (COUNTERFACTUAL_BEFORE.test(before) && WOULD_HAVE.test(text)) ||
        (FAULT_NOUN_BEFORE.test(before) && MADE_AFTER.test(after)) ||
        (CLEFT_BEFORE.test(before) && WHO_AFTER.test(after) && CLEFT_FAULT.test(after)) ||
        (CLEFT_BEFORE.test(before) && CLEFT_OWNER_AFTER.test(after) && CULPRIT_THING.test(before)) ||
        causeByStructure(agent, text, lower);
      if (!faulty) continue;
      // "I must have clicked the wrong link": the writer guessing what they did, not saying it caused the failure.
      if (/^i$/iu.test(agent.text) && /\bI\s+(?:must|may|might)\s+have\b/iu.test(text)) continue;
      // "Marek's deploy broke …": a deploy, commit or typo of one's own marks an unknown word as a person's name.
      if (agent.unsure && !HUMAN_ACT_OF.test(after) && !isPersonName(agent, text)) continue;
      const rewrite = systemicRewrite(agent, text);
      hits.push({
        start: agent.start,
        end: agent.end,
        message: `"${agent.text}" is presented as the cause of the failure; blame hides the conditions that let it happen.`,
        suggestion: rewrite
          ? `Reword around the system, for example: "${rewrite}" Then say what would have caught it.`
          : ADVICE,
        // The systemic wording replaces the sentence when the person applies the fix.
        ...(rewrite ? { rewrite } : {}),
      });
      break; // one finding per sentence is enough to make the point
    }
    return hits;
  },
};
