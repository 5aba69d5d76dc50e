import { describe, expect, it } from 'vitest';
import { emptyReport } from '../../domain/report.schema.js';
import { parseLintConfig } from '../config.js';
import { lintSection } from '../engine.js';
import type { Finding } from '../types.js';
import { personClauses } from './blame.rule.js';
import { peopleOf } from './people.js';

// One test per class of mistake the linter used to make or miss on real post-mortems (issue 11), each in
// sentences written for this file.

const CONFIG = parseLintConfig({});
function lint(
  text: string,
  where: 'impact' | 'timeline' = 'impact',
  language?: 'en-US' | 'en-GB',
): Finding[] {
  const report = emptyReport('outage', 'Class test');
  report.involved = ['Maren Holt', 'Jonas Weber'];
  report.systems = ['Quillgate'];
  if (where === 'timeline') {
    report.details.timeline = [{ at: '2024-05-02T10:00:00Z', kind: 'responded', text }];
    return lintSection(report, 'details', language ? parseLintConfig({ language }) : CONFIG);
  }
  report.impact.operational = text;
  return lintSection(report, 'impact', language ? parseLintConfig({ language }) : CONFIG).filter(
    (f) => f.path.join('.') === 'impact.operational',
  );
}
const rules = (text: string, where?: 'impact' | 'timeline') => lint(text, where).map((f) => f.ruleId);

describe('blame names the whole role', () => {
  it('takes "the on-call engineer" as the agent, so the systemic rewrite replaces all of it', () => {
    const [blame] = lint('The on-call engineer failed to check the certificate expiry date.').filter(
      (f) => f.ruleId === 'blame',
    );
    expect(blame?.message).toMatch(/^"The on-call engineer" is presented as the cause/);
    expect(blame?.fix?.replacement).toBe('The certificate expiry date was not checked.');
  });
});

describe('words read in context', () => {
  it('does not judge technical compounds, "just" meaning "only", negations, quotes, links or label fields', () => {
    for (const text of [
      'The importer uses lazy evaluation, so a bad row fails only when it is read.',
      'Handlers are registered lazily at the first request.',
      'It was just a canary pool of two hosts.',
      'Just because the health check was green does not mean the queue drained.',
      'We saw no obvious pattern in the failed jobs.',
      'None of the people on the bridge call was careless; the console hid the prompt.',
      'The vendor called the release "a total disaster" in their notes.',
      'See [the embarrassing graph](https://example.com/g) for the spike.',
      'Root cause: human factors review pending',
    ])
      expect(
        rules(text).filter((r) => r === 'judgment' || r === 'blame'),
        text,
      ).toEqual([]);
  });

  it('still judges the same words where they judge', () => {
    expect(rules('The reviewer was lazy about the rollback plan.')).toContain('judgment');
    expect(rules('We just bounced the broker and hoped.')).toContain('judgment');
    expect(rules('Honestly, the cutover was a disaster.')).toContain('judgment');
  });

  it('reads "rather than" as a comparison and "rather" as a hedge', () => {
    expect(rules('We drained the node rather than rebooting it.')).not.toContain('weasel-words');
    expect(rules('Recovery was rather slow.')).toContain('weasel-words');
  });

  it('does not blame a person the sentence clears, and catches culprits and self-blame', () => {
    expect(
      rules('Maren was not the cause; the deploy job picked the wrong region by default.'),
    ).not.toContain('blame');
    expect(rules('Jonas had nothing to do with the expired token.')).not.toContain('blame');
    expect(rules('The culprit was Jonas, who merged the change.')).toContain('blame');
    expect(rules('My bad, I pointed the job at production.')).toContain('blame');
  });

  it('reads a fault as the person’s only when it is their own act, in their own clause', () => {
    for (const text of [
      // the fault is another subject's, after "and" or a subordinate clause
      'Jonas rotated the keys and the sidecar failed to reload them.',
      'Maren was on call when the backup job missed its window.',
      // the person is acted on
      'Jonas was handed the wrong runbook at the start of the shift.',
      // the person found, fixed or reported the fault
      'Maren spotted the misconfigured route and reverted it.',
      'Jonas reverted the broken migration within minutes.',
      'Someone asked whether the deploy had caused the spike.',
      // a guess, and responsibility for the follow-up rather than the failure
      'Someone must have restarted the pod before the alert fired.',
      'Maren is responsible for the incident review.',
      'The deploy was triggered by Jonas at 10:02, as planned.',
      'Quillbot ignored the annotation on the new pods.',
      'Maren did not expect the retry storm after the failover.',
      'The operator pod failed to reconcile the new volume.',
    ])
      expect(rules(text), text).not.toContain('blame');
    for (const text of [
      'Jonas was tired and skipped the canary stage.',
      'Maren is responsible for the outage on Tuesday.',
      'who deployed this without a review??',
      'jonas broke the staging cluster again',
      'Maren restored the wrong backup to the primary.',
      'Jonas was tired and then skipped the canary stage.',
      'The intern could have been more careful with the token.',
      'Jonas was responsible for the broken release.',
      'The regression was introduced by Maren last week.',
    ])
      expect(rules(text), text).toContain('blame');
  });
});

describe('vague impact read in context', () => {
  const vague = (text: string) => rules(text).includes('vague-impact');
  it('does not take good news, a count of one, or a hedge for vague harm', () => {
    for (const text of [
      'Sign-ups rose sharply after the newsletter went out.',
      'The error rate dropped significantly once the pool was resized.',
      'We scaled the workers down and customers kept checking out.',
      'The outage cost us a renewal with our biggest merchant.',
      'We emailed the affected customers within the hour.',
      'The customer database failed over to the standby region.',
    ])
      expect(vague(text), text).toBe(false);
  });
  it('still flags vague harm', () => {
    for (const text of [
      'Latency rose sharply for shoppers in Brazil.',
      'Conversions dropped for a portion of visitors.',
      'The booking site was down for hours.',
      'Several merchants threatened to cancel.',
      'Video calls were choppy for customers in Lagos.',
      'Our revenue took a painful hit.',
    ])
      expect(vague(text), text).toBe(true);
  });
});

describe('passive voice', () => {
  const passive = (text: string) => rules(text).includes('passive-voice');
  it('notes a passive that hides who did an act', () => {
    expect(passive('The retention policy was changed on Monday.')).toBe(true);
    expect(passive('The stale lock was never released.')).toBe(true);
    expect(passive('The replica count was set to one.')).toBe(true);
    expect(passive('The retention policy was changed by 10:00.')).toBe(true); // a time, not a doer
  });
  it('lets through passives that name their doer, describe a property, or tell of harm', () => {
    for (const text of [
      'The retention policy was changed by the cleanup job.',
      'The exporter is written in Rust and is hosted in two zones.',
      'The pool size is set to 40 connections.',
      'Shoppers were affected in every region.',
      'The archive was corrupted.',
      'The on-call engineer was tired after two pages.',
      'Disk throughput is limited in proportion to disk size.',
    ])
      expect(passive(text), text).toBe(false);
  });
});

describe('spelling that knows the field', () => {
  const spelled = (text: string, language?: 'en-US' | 'en-GB') =>
    lint(text, 'impact', language)
      .filter((f) => f.ruleId === 'spelling')
      .map((f) => /"([^"]+)"/u.exec(f.message)?.[1]);

  it('accepts British and American spellings, software terms, the report’s systems and code', () => {
    expect(spelled('The organisation normalised the colour of the catalog behavior panel.')).toEqual([]);
    expect(
      spelled('Grafana, Istio and kubectl showed the OIDC exfiltration attempt through Quillgate.'),
    ).toEqual([]);
    expect(spelled('The flag `dsbl_frobz` and https://example.com/qzxv were checked.')).toEqual([]);
    expect(spelled('jonas restarted the primary')).toEqual([]); // a listed person, written in lower case
    expect(
      spelled('The oncaller paged the on-caller of the storage team; both oncallers and on-callers agreed.'),
    ).toEqual([]);
  });

  it('keeps real typos, and picks one English when told', () => {
    expect(spelled('The alret was recieved late.')).toEqual(['alret', 'recieved']);
    expect(spelled('The colour of the dashboard changed.', 'en-US')).toEqual(['colour']);
    expect(spelled('The color of the dashboard changed.', 'en-GB')).toEqual(['color']);
  });
});

describe('new rules', () => {
  it('word-confusion catches look-alikes in clear frames only', () => {
    for (const text of [
      'Error rates were higher then the previous week.',
      'We where unable to fail over.',
      'The missing check let to a second outage.',
      'The queue was to long to drain overnight.',
      'We did not want to loose the buffered events.',
      'The patch will effect every tenant on the shard.',
      'Fixing the pager was more urgent then the dashboard.',
      'We checked were the traffic went.',
    ])
      expect(rules(text), text).toContain('word-confusion');
    for (const text of [
      'We restarted the consumers and then the brokers.',
      'We checked where the traffic went.',
      'The patch had no effect on latency.',
      'A loose cable caused the flapping link.',
      'More pods came up, and then the brokers rejoined.',
      'The logs we looked at were the only clue.',
    ])
      expect(rules(text), text).not.toContain('word-confusion');
  });

  it('counterfactual asks what made the choice reasonable then', () => {
    const f = lint('We should have paged the database team sooner.').find(
      (x) => x.ruleId === 'counterfactual',
    );
    expect(f?.severity).toBe('info');
    expect(f?.suggestion).toMatch(/sensible when it was made/u);
    expect(rules('The probe failed to connect to the sidecar.')).not.toContain('counterfactual');
    expect(rules('The on-call failed to acknowledge the second page.')).toContain('counterfactual');
  });

  it('person-named notes a listed person in the timeline, where a role would do', () => {
    expect(rules('Maren restarted the primary.', 'timeline')).toContain('person-named');
    expect(rules('The on-call engineer restarted the primary.', 'timeline')).not.toContain('person-named');
    expect(rules('Maren restarted the primary.')).not.toContain('person-named');
  });
});

describe('quotations', () => {
  it('does not judge a block quote, nor the lines that continue it, but reads the prose after it', () => {
    const text = [
      '> ops-bot [2:14 PM]',
      'this is insane, obviously the stupid cache again',
      '',
      'The cache was obviously the cause.',
    ].join('\n');
    const found = lint(text).filter((f) => f.ruleId === 'judgment');
    expect(found).toHaveLength(1);
    expect(text.slice(found[0]?.range?.start, found[0]?.range?.end)).toBe('obviously');
    expect(found[0]?.range?.start).toBeGreaterThan(text.indexOf('The cache'));
  });
});

describe('third round: passive voice of states', () => {
  it('lets through a participle in a compound adjective and work said to be done', () => {
    expect(rules('The ledger was read-only from 02:00 to 02:40.')).not.toContain('passive-voice');
    expect(rules('the reindex is done, 40k docs, all green')).not.toContain('passive-voice');
    expect(rules('The reindex was done at night to avoid load.')).toContain('passive-voice');
  });
});

describe('third round: roles, causes named by a tail, chat, shares of a whole, current English', () => {
  it('reads a role with its own words in front as one person, and a software agent as software', () => {
    expect(rules('The weekend support agent skipped the escalation step.')).toContain('blame');
    expect(rules('The agent on duty never opened the ticket queue.')).toContain('blame');
    expect(rules('The late-shift warehouse technician unplugged the wrong rack.')).toContain('blame');
    expect(rules('The trader who fat-fingered the quantity sent a 10x order.')).toContain('blame');
    expect(rules('The metrics agent failed to send data for 20 minutes.')).not.toContain('blame');
    expect(rules('The build agent ignored the cache key.')).not.toContain('blame');
    expect(rules('The field technician replaced the line card at 04:10.')).not.toContain('blame');
    expect(
      rules('The rollout forced every engineer to log in again, which failed for the contractors.'),
    ).not.toContain('blame');
  });

  it('takes "which is why" after a person’s own act as naming them the cause, but not after a fix or a find', () => {
    expect(
      rules('Jonas silenced the disk alert for the weekend, which is why the volume filled up unseen.'),
    ).toContain('blame');
    expect(
      rules('The contractor’s cleanup job removed the DNS zone, and that is what caused the outage.'),
    ).toContain('blame');
    expect(rules('Jonas found the stuck consumer, which is why the backlog cleared by noon.')).not.toContain(
      'blame',
    );
    expect(rules('Maren rolled back at 10:04, which is why the errors stopped.')).not.toContain('blame');
    expect(rules('The on-call engineer restarted the pods, which is why the errors stopped.')).not.toContain(
      'blame',
    );
    expect(rules('The user agent string changed, which is why the parser broke.')).not.toContain('blame');
  });

  it('reads a chat question that hunts for whoever did it', () => {
    expect(rules('omg who deleted that')).toContain('blame');
    expect(rules('who is on call for payments tonight')).not.toContain('blame');
  });

  it('reads a share said with a size word, and a spike or increase of a bad measure, as vague harm', () => {
    expect(rules('A sizeable share of bookings were declined at the card step.')).toContain('vague-impact');
    expect(rules('Timeouts spiked for a considerable portion of customers.')).toContain('vague-impact');
    expect(rules('The release caused a dramatic increase in checkout errors.')).toContain('vague-impact');
    expect(rules('Sign-ups increased substantially after the fix.')).not.toContain('vague-impact');
    expect(rules('A large share of the 12,000 bookings, 71%, were declined.')).not.toContain('vague-impact');
  });

  it('knows chat shorthand, chat speakers, and current English words, and keeps typos flagged', () => {
    expect(rules('fyi afaik the replay is done, acked the page, brb')).not.toContain('spelling');
    expect(rules('> zmarkov [3:02 PM] restarting the consumers now')).not.toContain('spelling');
    expect(rules('The responders checked the uplink and the retransmits graph.')).not.toContain('spelling');
    expect(rules('The responders checked the uplnik before the restart.')).toContain('spelling');
    expect(rules('The retransmits graph showed the colour change.', undefined)).not.toContain('spelling');
    expect(lint('The colour of the graph changed.', 'impact', 'en-US').map((f) => f.ruleId)).toContain(
      'spelling',
    );
  });
});

describe('fourth round: closed compounds, culprits singled out, words that sum up, look-alikes in new frames', () => {
  const spelled = (text: string) =>
    lint(text)
      .filter((f) => f.ruleId === 'spelling')
      .map((f) => f.message.match(/^"([^"]+)"/u)?.[1]);

  it('accepts a closed compound of two dictionary words, a verb of a known -ation noun and clipped chat shorthand', () => {
    expect(spelled('The keepalive probes and the autovacuum daemon both stalled on the primary.')).toEqual(
      [],
    );
    expect(
      spelled('The waitlist form and the backhaul circuit share one dataplane and one nodepool.'),
    ).toEqual([]);
    expect(spelled('The intruder exfiltrated two tables before the session expired.')).toEqual([]);
    expect(spelled("10:02 page ack'd by the secondary")).toEqual([]);
  });

  it('keeps typos flagged that split into a short word and a rest, or are common misspellings', () => {
    expect(spelled('The cache held alot of stale keys.')).toEqual(['alot']);
    expect(spelled('The retry ran everytime the token expired.')).toEqual(['everytime']);
    expect(spelled('The writting of the ledger stopped at noon.')).toEqual(['writting']);
    expect(spelled('The inpact on the ledger was small.')).toEqual(['inpact']);
  });

  it('takes a person singled out, named as the reason, or told to answer for it as blame', () => {
    for (const text of [
      'Jonas was the one who deleted the bucket policy.',
      'The contractor who rotated the keys without a plan is the reason checkout failed.',
      'The fault for the outage rests entirely with the release manager.',
      'I take full responsibility for the broken release.',
      'Whoever turned off the alert will have to explain themselves.',
      'The release manager merged the patch on Friday, against the advice of the on-call, and checkout broke.',
    ])
      expect(rules(text), text).toContain('blame');
    expect(rules('[09:14] who disabled this?', 'timeline')).toContain('blame');
  });

  it('does not take a person who found or fixed something as the one singled out, nor the reason for a recovery', () => {
    for (const text of [
      'Maren was the one who found the expired certificate.',
      'The engineer who spotted the queue growth is the reason we recovered within the hour.',
    ])
      expect(rules(text), text).not.toContain('blame');
  });

  it('reads "simply put", device names and "basically" before a full verb as no judgment, and a rookie mistake as one', () => {
    for (const text of [
      'Simply put, the cache was sized for last year’s traffic.',
      'The old kiosks are dumb terminals that talk to one server.',
      'The failures basically come down to one expired certificate.',
      'The retry loop messed up the ordering of the events.',
    ])
      expect(rules(text), text).not.toContain('judgment');
    for (const text of [
      'Hard-coding the region was a rookie mistake.',
      'The migration was basically a copy of last year’s script.',
      'The runbook was half-baked.',
    ])
      expect(rules(text), text).toContain('judgment');
  });

  it('finds then/than, affect/effect, to/too and where/were in further frames, and leaves the right words alone', () => {
    for (const text of [
      'The operator than restarted the broker by hand.',
      'The cut-over effected all tenants in the region.',
      'Backups ran less then twice a week.',
      'The alert fired to late, after the disk was full.',
      'Two of the brokers where restarted during the window.',
    ])
      expect(rules(text), text).toContain('word-confusion');
    for (const text of [
      'The broker handled more messages than expected.',
      'The rotation moved from early to late shifts in May.',
      'The zones where patched kernels run stayed healthy.',
      'The change effected a faster hand-over between regions.',
    ])
      expect(rules(text), text).not.toContain('word-confusion');
  });

  it('counts a hyphenated participle after "should have", and a better person who "would have" known', () => {
    expect(rules('We should have dry-run the migration on a copy.')).toContain('counterfactual');
    expect(rules('Any careful reviewer would have caught the missing index.')).toContain('counterfactual');
    expect(rules('Anyone would have been surprised by that default.')).not.toContain('counterfactual');
  });

  it('hears a hedge said as "it looks like" or "afaik", and lets a passive name its doer after a time', () => {
    expect(rules('It looks like the broker dropped the connection first.')).toContain('weasel-words');
    expect(rules('afaik nobody touched the firewall that week')).toContain('weasel-words');
    expect(rules('The patch was applied at 17:40 by the database team.')).not.toContain('passive-voice');
  });
});

// Round seven (issue 11): wording seen in the seventh batch's development half, each written again here in other words.
describe('round seven: blame in more wordings, and the cases that stay clear', () => {
  it('finds a culprit traced by possessive, a role singled out for a lapse, self-blame and a cause named', () => {
    for (const text of [
      "Tomasz's deploy took the search cluster offline.",
      'The payroll clerk mislabelled the batch, and that is the root cause.',
      'The vendor’s engineer, Ruth, reset the wrong switch.',
      'The duty editor sat on the warning until the paper went to print.',
      'Our DBA deleted the old partitions a week early.',
      'The root cause was Jonas skipping the schema check.',
      'The incident happened because Maren ignored the lag alert.',
      'Yours truly forgot to extend the certificate.',
      'That one is entirely on me.',
      'The analyst changed the export format and didn’t tell the finance team.',
    ])
      expect(rules(text), text).toContain('blame');
  });

  it('does not blame a person whose shortcut went well or was asked for, nor an act that ended the harm', () => {
    for (const text of [
      'Maren pushed the quota change straight to production, which ended the disk alerts.',
      'Jonas shipped the release a day early at the customer’s request, and nothing broke.',
      'The incident happened because the replica lagged behind the primary.',
      'The dispatcher, Jonas, rerouted the vans around the flooded road.',
      "Maren's fix took the error rate back to zero.",
    ])
      expect(rules(text), text).not.toContain('blame');
  });
});

describe('round seven: impact, confusions, counterfactuals and hedges', () => {
  it('reads a date as when, and a round number with a size word as no count', () => {
    expect(rules('On 12 June, checkout was badly degraded for shoppers.')).toContain('vague-impact');
    expect(rules('Several thousand subscribers lost their saved playlists.')).toContain('vague-impact');
    expect(rules('On 12 June, 318 shoppers could not check out.')).not.toContain('vague-impact');
    expect(rules('Nothing the customers use was affected.')).not.toContain('vague-impact');
  });

  it('finds "took to long", "doesn’t loose", a comparison "then it" and "Where you …?"', () => {
    for (const text of [
      'The resync took to long to finish.',
      'The agent doesn’t loose buffered events on restart.',
      'The queue was deeper then it had ever been.',
      'Where you paged for the second alert?',
    ])
      expect(rules(text), text).toContain('word-confusion');
    expect(rules('Where we run the batch, the disks are slower.')).not.toContain('word-confusion');
  });

  it('counts a safeguard that "would have caught" it and "should have had", not a plain "would have run"', () => {
    expect(rules('A schema diff in CI would have caught the dropped column.')).toContain('counterfactual');
    expect(rules('We should have had a second region ready.')).toContain('counterfactual');
    expect(rules('The nightly job would normally have run at 02:00.')).not.toContain('counterfactual');
  });

  it('hears "almost certainly" and harm that "may have" reached people as hedges', () => {
    expect(rules('The drift is almost certainly from the new base image.')).toContain('weasel-words');
    expect(rules('Readers may have noticed the missing page.')).toContain('weasel-words');
  });
});

describe('review of round seven: new wordings that must not fire on ordinary prose', () => {
  it('reads "Where we/they/you …" that opens a clause of place as no confusion, a question as one', () => {
    for (const text of [
      'Where we still had spare capacity, traffic moved to the healthy zone.',
      'Where they already had replicas, the failover took seconds.',
      'Where you at least have read access, the dashboard shows the lag.',
    ])
      expect(rules(text), text).not.toContain('word-confusion');
    expect(rules('Where they still on the bridge call at 03:00?')).toContain('word-confusion');
  });

  it('reads "fantasy" and "rookie" in names of products and leagues as no judgment, as scorn still as one', () => {
    for (const text of [
      'The fantasy football lineup service locked 2,400 rosters early.',
      'Entries to the rookie league stalled for 20 minutes.',
    ])
      expect(rules(text), text).not.toContain('judgment');
    for (const text of [
      'The capacity plan was a fantasy.',
      'Skipping the dry run was a rookie move.',
      'He made the change like a rookie.',
    ])
      expect(rules(text), text).toContain('judgment');
  });
});

describe('round eight: blame read from where the person stands in the sentence', () => {
  it('reads a person given as the reason for a harm, not a state of theirs nor a recovery', () => {
    expect(rules('The nightly export failed because Maren truncated the staging table.')).toContain('blame');
    for (const text of [
      'The export waited because Maren was at the dentist.',
      'The alerts cleared because Maren restarted the collector.',
    ])
      expect(rules(text), text).not.toContain('blame');
  });

  it('reads thanks for a harm and "X’s doing" said of a harm, not thanks for help nor credit', () => {
    expect(rules('We have Jonas to thank for the four hours of downtime.')).not.toContain('blame');
    expect(rules('We can thank Jonas for the weekend of downtime.')).toContain('blame');
    expect(rules('We can thank Jonas for spotting the bad release.')).not.toContain('blame');
    expect(rules('The data loss was all Maren’s doing.')).toContain('blame');
    expect(rules('The clean cut-over was Maren’s doing.')).not.toContain('blame');
  });

  it('reads a cause label, "the … responsible" and "the one who caused this" as singling a person out', () => {
    expect(rules('Root cause: Jonas')).toContain('blame');
    expect(rules('Root cause: a stale DNS record on the resolver')).not.toContain('blame');
    expect(rules('The technician responsible was moved to another site.')).toContain('blame');
    expect(rules('The technician responsible for the racks joined the call.')).not.toContain('blame');
    expect(rules('The contractor who caused the outage has left.')).toContain('blame');
  });

  it('reads the careless manner of a person’s own act, not the same act done with care', () => {
    for (const text of [
      'The storage admin resized the volume without taking a snapshot.',
      'The on-call engineer promoted the replica without a runbook.',
      'The office manager let the domain lapse.',
      'The night supervisor left the loading dock unlocked.',
      'The release engineer merged the branch in breach of the freeze.',
    ])
      expect(rules(text), text).toContain('blame');
    for (const text of [
      'The storage admin resized the volume without losing a write.',
      'The office manager renewed the domain in March.',
      'The night supervisor left the site at 22:00.',
      'The pharmacist checked the order twice.',
    ])
      expect(rules(text), text).not.toContain('blame');
  });

  it('reads a subject whose act a later causal tail ends in harm, past a relative clause', () => {
    expect(
      rules(
        'Jonas, who had covered two shifts in a row, snoozed the disk alert, which is how the volume ran out of space.',
      ),
    ).toContain('blame');
    expect(
      rules(
        'Jonas, who had covered two shifts in a row, resized the volume, which is how the errors stopped.',
      ),
    ).not.toContain('blame');
  });

  it('hears who-questions over a destructive act, and leaves other questions and clearings alone', () => {
    expect(rules('who wiped the config bucket?')).toContain('blame');
    expect(rules('who is on call tonight?')).not.toContain('blame');
    expect(rules('Maren did not cause the outage.')).not.toContain('blame');
    expect(rules('Jonas never saw the page; it went to an old number.')).not.toContain('blame');
  });

  it('does not take product and CI names, role words in compounds, or a planned take-down as people at fault', () => {
    for (const text of [
      'The pilot programme skipped the eastern depots.',
      'A driver update broke printing on the third floor.',
      'The build agent skipped the cache step.',
      'The irrigation controller ignored the sensor readings.',
      'Maren took the portal offline for the planned maintenance window.',
      'The Quillgate agent failed to renew its lease.',
      'The NIC driver failed to load after the kernel update.',
      'The process supervisor failed to restart the worker.',
      'The date picker broke on older browsers.',
    ])
      expect(rules(text), text).not.toContain('blame');
    expect(rules('The truck driver skipped the safety check.')).toContain('blame');
  });
});

describe('round eight: judgment verdicts in structures, and "just" after an auxiliary', () => {
  it('reads scorn said by structure and new verdict words', () => {
    for (const text of [
      'The vendor never bothered to reply.',
      'The reviewer did not bother to open the diff.',
      'Any competent engineer would have spotted the loop.',
      'The cut-over was rushed.',
      'The handover notes were shoddy.',
      'The paging design is naive about time zones.',
    ])
      expect(rules(text), text).toContain('judgment');
  });

  it('leaves "just" meaning "recently", named techniques and a speaker line’s label alone', () => {
    for (const text of [
      'We had just switched the resolver when the second zone failed.',
      'The classifier is a naive Bayes model trained weekly.',
      'The teams rushed to the bridge call at 02:00.',
    ])
      expect(rules(text), text).not.toContain('judgment');
    expect(rules('A: The old runbook, obviously.')).toContain('judgment');
  });
});

describe('round eight: an advice line and a blaming sentence state no vague impact', () => {
  it('reads neither as a vague impact', () => {
    expect(rules('Please do not just restart the pods when checkout is slow.')).not.toContain('vague-impact');
    expect(rules('Maren skipped the canary and checkout broke for customers.')).not.toContain('vague-impact');
    expect(rules('Checkout broke for customers.')).toContain('vague-impact');
  });
});

describe('round nine: blame reads people nobody listed', () => {
  it('takes an unlisted given name as a person when it acts, and leaves products and things alone', () => {
    for (const text of [
      'Yevgenia deployed the build without a canary.',
      'The outage was caused by Tadeusz deleting the routing table.',
      'tadeusz forgot to drain the node before the reboot',
    ])
      expect(rules(text), text).toContain('blame');
    for (const text of [
      'Yevgenia deployed the build to the canary hosts.',
      'tadeusz is draining the node now',
      'Fastly dropped requests without checking the origin.',
      'The new Brimwell cluster failed to schedule the jobs.',
    ])
      expect(rules(text), text).not.toContain('blame');
  });

  it('reads a role no list has by its shape, and not a machine or a thing', () => {
    for (const text of [
      'The boilerman forgot to bleed the radiators.',
      'The radiographer sent the images without checking the patient name.',
      'The signaller mistakenly cleared the occupied block.',
    ])
      expect(rules(text), text).toContain('blame');
    for (const text of [
      'The scheduler forgot the lease after the restart.',
      'The printer skipped every second page.',
      'The error caused a crash in the exporter.',
      'The boilerman logged the pressure every hour.',
    ])
      expect(rules(text), text).not.toContain('blame');
  });

  it('hears the writer as "I", but not a guess, nor I/O', () => {
    expect(rules('I pushed the wrong branch to production.')).toContain('blame');
    expect(rules('i forgot to bump the schema version')).toContain('blame');
    for (const text of [
      'I paged the database team at 02:10.',
      'I must have clicked the wrong link, because the job looked finished.',
      'Disk I/O failed to keep up with the compaction.',
    ])
      expect(rules(text), text).not.toContain('blame');
  });

  it('reads more faults of a person’s own act, and not finding one', () => {
    for (const text of [
      'Maren rushed the migration and the index was never built.',
      'Jonas misrouted the orders to the old warehouse.',
      'Maren disabled the checks to speed up the batch.',
      'Jonas merged his own change.',
      'Maren pasted the token into a public gist.',
      'Jonas entered the limit in bytes instead of megabytes.',
    ])
      expect(rules(text), text).toContain('blame');
    for (const text of [
      'Jonas noticed the wrong timezone in the job.',
      'Maren rushed to the bridge call at 02:00.',
      'Jonas restarted the pods at once and the errors stopped.',
    ])
      expect(rules(text), text).not.toContain('blame');
  });
});

describe('blame reads the fault side by lemma and by structure (round ten)', () => {
  it('reads a lapse verb in any tense or form, and a negated act anywhere in the person’s clause', () => {
    for (const text of [
      '11:20 Jonas skips the smoke test and promotes the build.',
      'The storekeeper disregarded the recall notice.',
      'Maren has not follow the handover checklist.',
      'Whoever rotated the key clearly did not update the consumers.',
      'Jonas bypassed the approval step.',
    ])
      expect(rules(text), text).toContain('blame');
    for (const text of [
      'Jonas could not reach the console from the hotel network.',
      'Maren did not know the flag was shared with billing.',
      'The proxy skips health checks for idle backends.',
      'Jonas skims the changelog every Monday.',
    ])
      expect(rules(text), text).not.toContain('blame');
  });

  it('reads harm told as the result of a person’s own act, but not a safeguard that did not act', () => {
    for (const text of [
      'Maren resized the volume during the backup window, and two nights of backups are gone.',
      'Jonas doubled the worker count and the database filled its connection slots.',
      'Because Maren hard-coded the tax rate, every invoice in Norway was overcharged.',
      'Jonas kept merging features after the code freeze, and that is why the release shipped late.',
    ])
      expect(rules(text), text).toContain('blame');
    for (const text of [
      'Jonas deployed the release and the alert failed to fire.',
      'Maren resized the volume, and nobody noticed the backups stopping.',
      'Jonas restarted the workers, and the queue drained within minutes.',
      'Because Maren was on leave, the renewal waited until Monday.',
    ])
      expect(rules(text), text).not.toContain('blame');
  });

  it('reads a person’s change by the verb after it, and a harm said before it', () => {
    for (const text of [
      "Jonas's cleanup truncated the audit table.",
      'Latency went downhill after Maren’s config tweak.',
      'The outage traces to a decision by Jonas to skip the canary.',
    ])
      expect(rules(text), text).toContain('blame');
    for (const text of [
      "Jonas's cleanup archived the audit table as planned.",
      'Latency improved after Maren’s config tweak.',
      'The outage traces to a decision by Jonas to add a canary, which the pipeline then ignored.',
    ])
      expect(rules(text), text).not.toContain('blame');
  });

  it('reads one person singled out of a group, an unmet duty, a sanction and a passive with its doer', () => {
    for (const text of [
      "One of the vendor's technicians unplugged the wrong rack.",
      'The outage is attributable to the carelessness of a member of staff.',
      'jonas was supposed to renew the certificate on Friday',
      'Going forward, Maren will no longer have write access to production.',
      'The wrong firmware was flashed by Jonas onto the gateways.',
    ])
      expect(rules(text), text).toContain('blame');
    for (const text of [
      "One of the vendor's technicians replaced the failed rack.",
      'Going forward, write access to production will need a second approver.',
      'The outage was found by Jonas while he checked the gateways.',
      'The bad firmware was found by Jonas on three gateways.',
      'jonas was supposed to be off that week, but joined the call',
    ])
      expect(rules(text), text).not.toContain('blame');
  });
});

describe('blame: the people a sentence has as agents, for the embedding probe (round twelve)', () => {
  const clauses = (text: string) => {
    const report = emptyReport('outage', 'Class test');
    report.involved = ['Maren Holt'];
    report.systems = ['Quillgate'];
    return personClauses(text, { report, config: CONFIG, people: peopleOf(report) });
  };
  it('gives each person with the clause of their own act, and no system or thing as a person', () => {
    expect(clauses('The courier dropped the backup tapes in the car park.')).toEqual([
      { agent: 'The courier', clause: ' dropped the backup tapes in the car park.' },
    ]);
    expect(clauses('Maren restarted Quillgate at noon.').map((p) => p.agent)).toEqual(['Maren']);
    expect(clauses('Quillgate dropped the connection pool at noon.')).toEqual([]);
    expect(clauses('The build agent dropped the cache.')).toEqual([]);
    // An unknown capitalised word counts only once it reads as a name.
    expect(clauses('The Frankfurt region went down.')).toEqual([]);
  });
  it('has none where the sentence says the person was not the cause', () => {
    expect(clauses('Maren was not the cause: the alert never fired.')).toEqual([]);
  });
});
