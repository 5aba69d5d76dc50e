import { reportSchema, type Report, type ReportKind } from './report.schema.js';

/** Words an executive summary should stay within, unless an organization configures another limit. */
export const SUMMARY_WORD_LIMIT = 150;

/** A block of a report that a person fills in; the keys the guidance is written for. */
export type GuidanceKey =
  | 'summary.whatHappened'
  | 'summary.impact'
  | 'summary.coreIssue'
  | 'summary.keyLessons'
  | 'summary.nextSteps'
  | 'details.timeline'
  | 'details.severityRationale'
  | 'details.affected'
  | 'details.howFound'
  | 'details.stepsTaken'
  | 'impact.financial'
  | 'impact.figures'
  | 'impact.operational'
  | 'impact.reputational'
  | 'impact.customer'
  | 'impact.team'
  | 'analysis.primaryCause'
  | 'analysis.factors'
  | 'analysis.causalChain'
  | 'analysis.fiveWhys'
  | 'analysis.fishbone'
  | 'analysis.barriers'
  | 'analysis.changes'
  | 'lessons.wentWell'
  | 'lessons.wentWrong'
  | 'lessons.couldImprove'
  | 'lessons.lucky'
  | 'actions.items'
  | 'materials.items'
  | 'materials.appendices';

const BASE: Record<GuidanceKey, string> = {
  'summary.whatHappened':
    'Two sentences a busy reader can take in at a glance: what broke or fell short, and for how long.',
  'summary.impact': 'The cost in brief, with numbers: people affected, money, hours, deadlines moved.',
  'summary.coreIssue': 'The underlying problem in one sentence, stated as a gap in systems or process.',
  'summary.keyLessons': 'The one or two things the organization now knows that it did not know before.',
  'summary.nextSteps': 'What will change, and by when. Details belong in the action items.',
  'details.timeline':
    'Verified facts in time order, from the first sign of trouble to the all-clear. Use UTC and mark the moments it was detected, mitigated and resolved.',
  'details.severityRationale': 'Which level of the severity scale applies and which facts put it there.',
  'details.affected':
    'The systems, teams and customer groups that felt it, as precisely as you can name them.',
  'details.howFound':
    'The first signal: an alert, a customer, a colleague. Note how long it took, since that measures the monitoring.',
  'details.stepsTaken': 'Each step taken to limit the damage and to fix it, and what each step achieved.',
  'impact.financial':
    'One row per amount: lost revenue, extra cost, penalties, refunds. Mark estimates as such.',
  'impact.figures':
    'Numbers for the other kinds of impact: minutes of downtime, users affected, hours spent, tickets opened.',
  'impact.operational': 'Downtime, work that stopped or slipped, people pulled away from planned work.',
  'impact.reputational':
    'What customers, partners or the press said, and any loss of trust you can point to.',
  'impact.customer': 'Who could not do what, for how long, and how many of them.',
  'impact.team': 'The toll on the people involved: overtime, pages at night, stress. Say it plainly.',
  'analysis.primaryCause':
    'The deepest cause you found that, once fixed, would have prevented this. Describe conditions, not culprits.',
  'analysis.factors': 'Conditions that made it more likely, larger, or slower to fix. One per line.',
  'analysis.causalChain': 'The story that links the root cause, through each factor, to what people saw.',
  'analysis.fiveWhys':
    'Start from the visible problem and keep asking why until the answer is something the organization can change.',
  'analysis.fishbone':
    'Sort possible causes by category: people, tools and equipment, process, materials, measurement, environment.',
  'analysis.barriers':
    'The safeguards that should have stopped this, and whether each held, failed or was missing.',
  'analysis.changes': 'What changed shortly before: deploys, configuration, traffic, staffing, suppliers.',
  'lessons.wentWell': 'What worked and is worth keeping: tools, habits, decisions that paid off.',
  'lessons.wentWrong': 'Where systems, process or communication broke down.',
  'lessons.couldImprove': 'Areas to get better at, drawn from what went wrong.',
  'lessons.lucky': 'Things that helped by chance and cannot be counted on next time.',
  'actions.items':
    'One heading per action: a clear result, one owner, a deadline, a category, and a test that shows it worked. Each should answer a cause, factor or lesson.',
  'materials.items':
    'Logs, dashboards, screenshots, chat exports, documents and interview notes, with links.',
  'materials.appendices': 'Longer excerpts that the report refers to, one appendix each.',
};

const BY_KIND: Partial<Record<ReportKind, Partial<Record<GuidanceKey, string>>>> = {
  security: {
    'summary.whatHappened':
      'What was exposed or attempted, through which weakness, and over which window of time.',
    'details.timeline':
      'Verified facts in time order: first malicious activity (if known), detection, containment, eradication, recovery. Use UTC.',
    'details.affected':
      'Systems, data sets and accounts involved, and the classification of any data exposed.',
    'impact.reputational': 'Notifications owed to customers or regulators, and what was said publicly.',
    'analysis.barriers':
      'Each control in the path of the attacker (patching, access control, monitoring, segmentation) and whether it held.',
  },
  launch: {
    'summary.whatHappened':
      'What was launched, what was expected, and how the results fell short (or beat it).',
    'details.timeline':
      'The key dates from planning to launch and the weeks after, with the decisions taken.',
    'impact.financial': 'Revenue against the forecast, extra spend, and refunds, each as its own row.',
    'analysis.changes': 'Changes of plan, scope, message or team before the launch.',
  },
  project: {
    'summary.whatHappened': 'What the project set out to deliver, what it delivered, and how far it slipped.',
    'details.timeline': 'Milestones as planned and as reached, and the decisions that moved them.',
    'impact.operational': 'Work delayed elsewhere, teams tied up, plans that had to change.',
  },
  success: {
    'summary.whatHappened': 'What went better than expected, and by how much.',
    'summary.coreIssue': 'The main reason it worked, stated so another team could repeat it.',
    'analysis.primaryCause': 'The conditions that made the success possible, so they can be created again.',
    'lessons.wentWell': 'The practices that made the difference. Be specific enough for others to copy.',
    'actions.items':
      'Steps that spread what worked: playbooks, training, tooling, each with an owner and a date.',
  },
};

/** Guidance for one block of a report of a given kind, written for the person filling it in. */
export function guidanceFor(kind: ReportKind, key: GuidanceKey): string {
  return BY_KIND[kind]?.[key] ?? BASE[key];
}

const TITLES: Record<ReportKind, string> = {
  outage: 'Outage: name the service and the date',
  security: 'Security incident: name what was affected and the date',
  launch: 'Launch review: name the launch',
  project: 'Project review: name the project',
  success: 'Success review: name what went well',
  other: 'Post-mortem: name the event and the date',
};

/** A new draft report of a kind, ready to be filled in; `title` replaces the placeholder title. */
export function newReport(kind: ReportKind, options: { title?: string; timezone?: string } = {}): Report {
  return reportSchema.parse({
    kind,
    title: options.title ?? TITLES[kind],
    state: 'draft',
    period: { timezone: options.timezone ?? 'UTC' },
    tags: kind === 'other' ? [] : [kind],
  });
}
