import type { RuleMeta } from './types.js';

/** Every rule the linter knows, with its default severity; configuration may change either. */
export const RULES: readonly RuleMeta[] = [
  // prose
  {
    id: 'blame',
    kind: 'prose',
    defaultSeverity: 'error',
    description:
      'A person is presented as the cause of the failure instead of the conditions that allowed it.',
  },
  {
    id: 'judgment',
    kind: 'prose',
    defaultSeverity: 'warning',
    description: 'A word that judges people or work, inflames, or makes the problem sound trivial.',
  },
  {
    id: 'vague-impact',
    kind: 'prose',
    defaultSeverity: 'warning',
    description: 'An effect is stated without a number, unit, duration or count.',
  },
  {
    id: 'word-confusion',
    kind: 'prose',
    defaultSeverity: 'warning',
    description:
      'A real word in place of its look-alike: then/than, where/were, affect/effect, to/too, led/let, loose/lose.',
  },
  {
    id: 'counterfactual',
    kind: 'prose',
    defaultSeverity: 'info',
    description:
      'The past is judged by what should or could have happened, instead of asking why it made sense then.',
  },
  {
    id: 'person-named',
    kind: 'prose',
    defaultSeverity: 'info',
    description: 'A person is named in the timeline or the analysis where their role would do.',
  },
  {
    id: 'passive-voice',
    kind: 'prose',
    defaultSeverity: 'info',
    description: 'A passive construction can hide what acted; say what did what when it is known.',
  },
  {
    id: 'weasel-words',
    kind: 'prose',
    defaultSeverity: 'info',
    description: 'A hedge or weasel word weakens a statement of fact.',
  },
  {
    id: 'undefined-jargon',
    kind: 'prose',
    defaultSeverity: 'info',
    description: 'An acronym is used without being spelled out in the report or the glossary.',
  },
  {
    id: 'spelling',
    kind: 'prose',
    defaultSeverity: 'info',
    description: 'A word is not in the dictionary, the project dictionary or the report’s systems and tags.',
  },
  {
    id: 'summary-readability',
    kind: 'prose',
    defaultSeverity: 'info',
    description: 'A sentence of the executive summary is hard to read at a glance.',
  },
  // structure
  {
    id: 'public-leak',
    kind: 'structure',
    defaultSeverity: 'info',
    description:
      'Text that goes into the public version names a person, an e-mail address, an internal host, an IP address or an internal link.',
  },
  {
    id: 'summary-missing',
    kind: 'structure',
    defaultSeverity: 'error',
    description: 'The executive summary is empty.',
  },
  {
    id: 'summary-length',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'The executive summary is longer than the configured word limit.',
  },
  {
    id: 'summary-parts',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'The executive summary does not say when, the impact, the core issue or the next steps.',
  },
  {
    id: 'timeline-missing',
    kind: 'structure',
    defaultSeverity: 'error',
    description: 'The report has no timeline.',
  },
  {
    id: 'timeline-detection',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'The timeline has no event marking when the problem was detected.',
  },
  {
    id: 'timeline-resolution',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'The timeline has no event marking when the problem was resolved.',
  },
  {
    id: 'timeline-order',
    kind: 'structure',
    defaultSeverity: 'error',
    description: 'Timeline events are not in chronological order.',
  },
  {
    id: 'timeline-zone',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'A timeline event has no usable time, or names a time with an ambiguous zone.',
  },
  {
    id: 'severity-missing',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'The report has no severity level.',
  },
  {
    id: 'severity-scale',
    kind: 'structure',
    defaultSeverity: 'error',
    description: 'The severity is not a level of the organization’s scale.',
  },
  {
    id: 'impact-number',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'An impact category is described without any figure.',
  },
  {
    id: 'rca-primary-cause',
    kind: 'structure',
    defaultSeverity: 'error',
    description: 'The root cause analysis does not name a primary root cause.',
  },
  {
    id: 'rca-method',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'The root cause analysis uses no method (5 Whys, fishbone, barriers or changes).',
  },
  {
    id: 'five-whys-depth',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'A 5 Whys chain stops before the third why.',
  },
  {
    id: 'action-owner',
    kind: 'structure',
    defaultSeverity: 'error',
    description: 'An action item has no owner, or more than one.',
  },
  {
    id: 'action-deadline',
    kind: 'structure',
    defaultSeverity: 'error',
    description: 'An action item has no deadline.',
  },
  {
    id: 'action-success-criterion',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'An action item has no measurable success criterion.',
  },
  {
    id: 'action-category',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'An action item has no category.',
  },
  {
    id: 'action-verification-plan',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'A completed action item has no plan for checking that it worked.',
  },
  {
    id: 'actions-missing',
    kind: 'structure',
    defaultSeverity: 'error',
    description: 'The report has no action items.',
  },
  {
    id: 'cause-unaddressed',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'A root cause or contributing factor is not addressed by any action item.',
  },
  {
    id: 'lessons-went-well',
    kind: 'structure',
    defaultSeverity: 'warning',
    description: 'The lessons name nothing that went well.',
  },
  {
    id: 'appendix-missing',
    kind: 'structure',
    defaultSeverity: 'error',
    description: 'The text refers to an appendix the report does not have.',
  },
  {
    id: 'consistency',
    kind: 'structure',
    defaultSeverity: 'error',
    description: 'The report contradicts itself: dates, ids or references do not agree.',
  },
];

/** Look up a rule's metadata by id. */
export function ruleMeta(id: string): RuleMeta | undefined {
  return RULES.find((r) => r.id === id);
}
