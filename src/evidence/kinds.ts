import type { Candidate, KindSuggestion } from './candidate.js';

/** Text rules, first match wins; each names what it saw so a person can judge the suggestion. */
export const KIND_RULES: { kind: KindSuggestion['kind']; pattern: RegExp; what: string }[] = [
  {
    kind: 'communicated',
    pattern:
      /\b(status ?page|statuspage|status update|posted an update|customer (notice|update|email)|notif(y|ied) (customers|users)|(customers|users) (were |have been )?(notified|informed|emailed)|incident (update|notice)|public update)\b/i,
    what: 'a status page or customer message',
  },
  {
    kind: 'mitigated',
    pattern:
      /\b(roll(ed|ing)? ?back|rollback|revert(ed|ing)?|deployed (a |the )?fix|hot ?fix(ed)?|fail(ed|ing)? ?over|failover|mitigat(ed|ion|ing)|disabled (the )?feature flag|scaled (up|out)|restarted)\b/i,
    what: 'a rollback, fix, failover or other mitigation',
  },
  {
    kind: 'resolved',
    pattern:
      /\b(resolved|all clear|fully recovered|recovered|back to normal|closing (the )?incident|incident closed)\b/i,
    what: 'a resolution',
  },
  {
    kind: 'responded',
    pattern:
      /\b(acknowledged|ack(ed)?|i'?m on it|on it|taking (a look|this)|i'?ll take (a look|it)|joining (the )?(bridge|call)|incident commander)\b/i,
    what: 'an acknowledgement or someone taking it on',
  },
  {
    // "error rate dropping" names the error rate, but it reports a recovery, not a new problem.
    kind: 'mitigated',
    pattern:
      /\b(recovering|(errors?|error rate|latency|failures?|5\d\d errors?|backlog|queue|load)( is| are)? (dropping|decreasing|falling|going down|coming down|improving|draining|subsiding)|(is |are )?(coming )?back up|looking (better|good|healthy)|improving|stabili[sz](ed|ing))\b/i,
    what: 'a recovery under way',
  },
  {
    kind: 'detected',
    pattern:
      /\b(firing|triggered|alert(ed|ing)?|paged|pager|outage|is down|went down|error rate|5\d\d errors?)\b/i,
    what: 'an alert or a first report of the problem',
  },
];

/** Matches where any rule matches. */
const ANY_RULE = new RegExp(KIND_RULES.map((r) => `(?:${r.pattern.source})`).join('|'), 'i');

/** Words saying a step did not work: "the restart did not help", "rollback failed". */
export const FAILED_ATTEMPT =
  /\b(did ?n[o']?t (help|work|fix|resolve|improve|change anything)|does ?n[o']?t (help|work)|no (effect|improvement|change)|without (success|effect)|unsuccessful|(rollback|roll back|revert|restart|failover|fix|hotfix|deploy)( has| had)? failed|made (it|things) worse|to no avail)\b/i;

/** Kinds a step said to have failed cannot have. */
export const OUTCOME_KINDS: ReadonlySet<string> = new Set(['mitigated', 'resolved']);

/**
 * Suggest a timeline kind for a candidate with the reason: what the source itself recorded (an
 * acknowledgement, a resolve) first, then words in the text, else `other`. A step the text says did not
 * work is no mitigation or resolution. A person makes the choice.
 */
export function suggestKind(c: Pick<Candidate, 'text' | 'hint' | 'level' | 'change'>): KindSuggestion {
  if (c.hint) return c.hint;
  // One pass over the text first: most lines of a large log match no rule at all.
  if (ANY_RULE.test(c.text)) {
    const failed = FAILED_ATTEMPT.exec(c.text);
    for (const rule of KIND_RULES) {
      if (failed && OUTCOME_KINDS.has(rule.kind)) continue;
      const m = rule.pattern.exec(c.text);
      if (m) return { kind: rule.kind, reason: `the text mentions ${rule.what} ("${m[0]}")` };
    }
    if (failed) return { kind: 'other', reason: `the text says a step did not work ("${failed[0]}")` };
  }
  return c.change ? CHANGE : NOTHING;
}

/** How many texts a suggester keeps the suggestion of. */
const KEPT_TEXTS = 4096;
/** The longest text kept (characters): 4,096 texts of up to LIMITS.text each could hold hundreds of MB. */
const KEPT_TEXT_LENGTH = 2000;

/**
 * suggestKind with the suggestion of each text kept: a log repeats its messages, and the rules' pattern, run
 * once per candidate, was a large share of a big window's time. Candidates with a hint or a change are judged
 * on more than their text and are not kept, nor texts longer than KEPT_TEXT_LENGTH. Once KEPT_TEXTS texts are kept with fewer hits than that, the
 * texts are taken to be all different and the suggester stops looking (so it costs little where it cannot
 * help). Candidates with the same text share one suggestion object, frozen as the shared answers are.
 */
export function kindSuggester(): (
  c: Pick<Candidate, 'text' | 'hint' | 'level' | 'change'>,
) => KindSuggestion {
  const known = new Map<string, KindSuggestion>();
  let hits = 0;
  let looking = true;
  return (c) => {
    if (!looking || c.hint || c.change || c.text.length > KEPT_TEXT_LENGTH) return suggestKind(c);
    let s = known.get(c.text);
    if (s !== undefined) {
      hits += 1;
      return s;
    }
    s = Object.freeze(suggestKind(c));
    if (known.size < KEPT_TEXTS) known.set(c.text, s);
    else if (hits < KEPT_TEXTS) {
      looking = false;
      known.clear();
    }
    return s;
  };
}

// Most candidates of a large log end here: one shared, frozen answer each instead of a new object per line.
const CHANGE: KindSuggestion = Object.freeze({
  kind: 'other',
  reason: 'a change (commit or deploy): consider it for the change analysis',
});
const NOTHING: KindSuggestion = Object.freeze({
  kind: 'other',
  reason: 'no alerting state or telling words',
});
