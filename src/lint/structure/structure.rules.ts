import {
  DEFAULT_INTERNAL_NETWORK,
  findLeaks,
  isWithinInternal,
  peopleOf,
  type InternalNetwork,
  type LeakKind,
} from '../../domain/audience.js';
import { checkReport, type ReportProblem } from '../../domain/checks.js';
import { IMPACT_CATEGORIES, SECTION_KEYS, type ImpactFigure } from '../../domain/report.schema.js';
import { DEFAULT_SEVERITY_SCALE, type SeverityScale } from '../../domain/severity.js';
import type { LintConfig } from '../config.js';
import type { ModelPath, Report, SectionKey, Severity } from '../types.js';

/** A structure finding before configuration sets its severity. */
export interface StructureHit {
  ruleId: string;
  path: ModelPath;
  section: SectionKey;
  message: string;
  suggestion?: string;
  /** Overrides the rule's severity for this hit (e.g. a missing owner is worse than two owners). */
  severity?: Severity;
}

export interface StructureContext {
  config: LintConfig;
  scale: SeverityScale;
  /** What counts as inside the organisation (settings internalNetwork), for the public-leak rule. */
  network: InternalNetwork;
  /** Semantic checks from the domain, computed once per lint run. */
  problems: ReportProblem[];
}

/** Which section a model path belongs to; metadata goes with the summary, severity with the event details. */
export function sectionOfPath(path: ModelPath): SectionKey {
  const head = path[0];
  if ((SECTION_KEYS as readonly unknown[]).includes(head)) return head as SectionKey;
  if (head === 'severity' || head === 'systems' || head === 'detection') return 'details';
  return 'summary';
}

const CODE_TO_RULE: Record<string, string> = {
  'timeline-order': 'timeline-order',
  'unknown-severity': 'severity-scale',
  'action-owner': 'action-owner',
  'action-deadline': 'action-deadline',
};

const wordCount = (s: string | undefined) =>
  s ? s.split(/\s+/u).filter((w) => /[\p{L}\p{N}]/u.test(w)).length : 0;
const NUMBER = /\d/u;

function fromChecks(section: SectionKey, ctx: StructureContext): StructureHit[] {
  return ctx.problems
    .filter((p) => sectionOfPath(p.path) === section)
    .map((p) => ({
      ruleId: CODE_TO_RULE[p.code] ?? 'consistency',
      path: p.path,
      section,
      message: p.message.charAt(0).toUpperCase() + p.message.slice(1) + '.',
    }));
}

const SECTION_RULES: Record<SectionKey, (r: Report, ctx: StructureContext) => StructureHit[]> = {
  summary(r, ctx) {
    const s = r.summary;
    const hits: StructureHit[] = [];
    const parts = [s.whatHappened, s.impact, s.coreIssue, s.keyLessons, s.nextSteps];
    if (parts.every((p) => p === undefined)) {
      hits.push({
        ruleId: 'summary-missing',
        path: ['summary'],
        section: 'summary',
        message: 'The executive summary is empty.',
        suggestion:
          'Write a few sentences a busy reader can take in at a glance: what happened and when, the impact, the core issue, and what comes next.',
      });
      if (!saysWhen(r)) hits.push(noWhen());
      return hits;
    }
    const words = parts.reduce((n, p) => n + wordCount(p), 0);
    if (words > ctx.config.summaryWordLimit) {
      hits.push({
        ruleId: 'summary-length',
        path: ['summary'],
        section: 'summary',
        message: `The executive summary has ${words} words; keep it to ${ctx.config.summaryWordLimit} or fewer.`,
        suggestion:
          'Move detail into the sections below and keep only what a reader needs to decide whether to read on.',
      });
    }
    if (!saysWhen(r)) hits.push(noWhen());
    const missing: [keyof typeof s, string][] = [
      ['impact', 'the impact in brief'],
      ['coreIssue', 'the core issue'],
      ['nextSteps', 'the next steps'],
    ];
    for (const [key, what] of missing) {
      if (s[key] === undefined) {
        hits.push({
          ruleId: 'summary-parts',
          path: ['summary', key],
          section: 'summary',
          message: `The executive summary does not give ${what}.`,
        });
      }
    }
    return hits;
  },
  details(r) {
    const hits: StructureHit[] = [];
    const t = r.details.timeline;
    if (r.severity === undefined) {
      hits.push({
        ruleId: 'severity-missing',
        path: ['severity'],
        section: 'details',
        message: 'The report has no severity level.',
        suggestion: 'Pick the level of your organization’s scale that matches the worst point of the event.',
      });
    }
    if (t.length === 0) {
      hits.push({
        ruleId: 'timeline-missing',
        path: ['details', 'timeline'],
        section: 'details',
        message: 'The report has no timeline.',
        suggestion:
          'List the key moments with times: when it started, was detected, responded to, mitigated and resolved.',
      });
      return hits;
    }
    if (!t.some((e) => e.kind === 'detected')) {
      hits.push({
        ruleId: 'timeline-detection',
        path: ['details', 'timeline'],
        section: 'details',
        message: 'No timeline event is marked as the detection of the problem.',
        suggestion: 'Mark the event where someone or something first noticed the problem as "detected".',
      });
    }
    if (!t.some((e) => e.kind === 'resolved')) {
      hits.push({
        ruleId: 'timeline-resolution',
        path: ['details', 'timeline'],
        section: 'details',
        message: 'No timeline event is marked as the resolution.',
        suggestion: 'Mark the event where service was fully restored or the work was closed as "resolved".',
      });
    }
    t.forEach((e, i) => {
      if (e.at === null) {
        hits.push({
          ruleId: 'timeline-zone',
          path: ['details', 'timeline', i, 'at'],
          section: 'details',
          message: `Event ${i + 1} has no usable time.`,
          suggestion: 'Give the time with its zone, e.g. 2024-03-01 14:05 UTC, even if approximate.',
        });
      }
      const zone = AMBIGUOUS_ZONE.exec(e.text);
      if (zone) {
        hits.push({
          ruleId: 'timeline-zone',
          path: ['details', 'timeline', i, 'text'],
          section: 'details',
          message: `Event ${i + 1} mentions "${zone[0]}", a zone abbreviation that means different offsets in different places.`,
          suggestion: 'Write times in UTC or with a numeric offset such as +05:30.',
        });
      }
    });
    return hits;
  },
  impact(r) {
    const hits: StructureHit[] = [];
    const m = r.impact;
    const byCategory = new Map<string, ImpactFigure[]>();
    for (const f of m.figures) byCategory.set(f.category, [...(byCategory.get(f.category) ?? []), f]);
    for (const cat of IMPACT_CATEGORIES) {
      const text = m[cat];
      if (text === undefined) continue;
      if ((byCategory.get(cat)?.length ?? 0) > 0 || NUMBER.test(text)) continue;
      hits.push({
        ruleId: 'impact-number',
        path: ['impact', cat],
        section: 'impact',
        message: `The ${cat} impact is described without any figure.`,
        suggestion: `Add at least one ${cat} figure (a count, duration or amount, estimated if need be) in the text or as a figure.`,
      });
    }
    return hits;
  },
  analysis(r) {
    const hits: StructureHit[] = [];
    const a = r.analysis;
    if (!a.primaryCause) {
      hits.push({
        ruleId: 'rca-primary-cause',
        path: ['analysis', 'primaryCause'],
        section: 'analysis',
        message: 'The root cause analysis does not name a primary root cause.',
        suggestion:
          'State the underlying condition that, had it been different, would have prevented the event.',
      });
    }
    if (a.fiveWhys.length + a.fishbone.length + a.barriers.length + a.changes.length === 0) {
      hits.push({
        ruleId: 'rca-method',
        path: ['analysis'],
        section: 'analysis',
        message:
          'The root cause analysis shows no method: no 5 Whys chain, fishbone, barrier analysis or list of changes.',
        suggestion: 'Add at least one: a 5 Whys chain is the quickest to write.',
      });
    }
    a.fiveWhys.forEach((w, i) => {
      if (w.steps.length < 3) {
        hits.push({
          ruleId: 'five-whys-depth',
          path: ['analysis', 'fiveWhys', i, 'steps'],
          section: 'analysis',
          message: `The 5 Whys chain "${w.problem}" stops after ${w.steps.length} ${w.steps.length === 1 ? 'why' : 'whys'}; causes this shallow are usually symptoms.`,
          suggestion:
            'Keep asking why until the answer is a condition of the system or process, not an event.',
        });
      }
    });
    return hits;
  },
  lessons(r) {
    if (r.lessons.wentWell.length > 0) return [];
    return [
      {
        ruleId: 'lessons-went-well',
        path: ['lessons', 'wentWell'],
        section: 'lessons',
        message: 'The lessons name nothing that went well.',
        suggestion: 'Record what helped (an alert, a runbook, a quick decision) so the team keeps doing it.',
      },
    ];
  },
  actions(r) {
    const hits: StructureHit[] = [];
    const items = r.actions.items;
    if (items.length === 0) {
      hits.push({
        ruleId: 'actions-missing',
        path: ['actions', 'items'],
        section: 'actions',
        message: 'The report has no action items.',
        suggestion:
          'Add at least one action per root cause and contributing factor, each with an owner and a deadline.',
      });
    }
    items.forEach((a, i) => {
      const where = ['actions', 'items', i];
      if (a.owner && MANY_OWNERS.test(a.owner)) {
        hits.push({
          ruleId: 'action-owner',
          path: [...where, 'owner'],
          section: 'actions',
          severity: 'warning',
          message: `Action ${a.id} has more than one owner ("${a.owner}"); shared ownership tends to mean no ownership.`,
          suggestion: 'Name one person who answers for the action; others can help.',
        });
      }
      if (!a.successCriterion) {
        hits.push({
          ruleId: 'action-success-criterion',
          path: [...where, 'successCriterion'],
          section: 'actions',
          message: `Action ${a.id} has no measurable success criterion.`,
          suggestion:
            'Say how anyone can check it worked, e.g. "alert fires within 2 minutes in a game-day test".',
        });
      } else if (!NUMBER.test(a.successCriterion) && !MEASURABLE.test(a.successCriterion)) {
        hits.push({
          ruleId: 'action-success-criterion',
          path: [...where, 'successCriterion'],
          section: 'actions',
          message: `The success criterion of action ${a.id} has nothing to measure: no number, threshold or check.`,
          suggestion: 'Add a threshold, a count or a test that passes or fails.',
        });
      }
      if (!a.category) {
        hits.push({
          ruleId: 'action-category',
          path: [...where, 'category'],
          section: 'actions',
          message: `Action ${a.id} has no category (immediate fix, process, systemic change or documentation).`,
        });
      }
      if (a.status === 'completed' && !a.verificationPlan && !a.verification && !a.declinedReason) {
        hits.push({
          ruleId: 'action-verification-plan',
          path: [...where, 'verificationPlan'],
          section: 'actions',
          message: `Action ${a.id} is completed but has no verification plan: nobody has said how to tell whether it worked.`,
          suggestion:
            'Add a plan with a date to look, e.g. "Verification plan: no pool exhaustion alert in 30 days; Verify by: 2024-06-01".',
        });
      }
    });
    const addressed = new Set(items.flatMap((a) => a.addresses));
    const causes: [ModelPath, string, string][] = [];
    if (r.analysis.primaryCause)
      causes.push([['analysis', 'primaryCause'], 'RC', 'The primary root cause (RC)']);
    r.analysis.factors.forEach((f, i) =>
      causes.push([['analysis', 'factors', i], f.id, `Contributing factor ${f.id} ("${f.text}")`]),
    );
    for (const [, id, label] of causes) {
      if (addressed.has(id)) continue;
      hits.push({
        ruleId: 'cause-unaddressed',
        path: ['actions', 'items'],
        section: 'actions',
        message: `${label} is not addressed by any action item.`,
        suggestion: `Add an action that lists ${id} in what it addresses, or explain why none is needed.`,
      });
    }
    return hits;
  },
  materials() {
    return [];
  },
};

const AMBIGUOUS_ZONE = /\b(?:CST|CDT|IST|BST|AST|ADT|EST|EDT|PST|PDT|MST|MDT|CET|CEST|EET|SST|GST)\b/u;
const MANY_OWNERS = /\s(?:and|&|\+)\s|[,;/]|\bteam\b|\beveryone\b|\ball\b/iu;
const MEASURABLE =
  /\b(?:zero|no|none|every|each|all|within|under|below|above|at least|at most|less than|more than|passes|fails|alert|test)\b/iu;

// A date in words or ISO form: "On 3 October 2025", "October 3, 2025", "2025-10-03".
const MONTH =
  '(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)';
const DATE_IN_WORDS = new RegExp(
  `\\b\\d{4}-\\d{2}-\\d{2}\\b|\\b${MONTH}\\.?\\s+\\d{1,2}\\b|\\b\\d{1,2}(?:st|nd|rd|th)?\\s+${MONTH}\\b`,
  'u',
);

/**
 * True when the report says when it happened: a period start, a timeline event with a time (an import often has
 * the times only there), or a date in the summary's account of what happened.
 */
function saysWhen(r: Report): boolean {
  return (
    r.period.start !== undefined ||
    r.details.timeline.some((e) => e.at !== null) ||
    DATE_IN_WORDS.test(r.summary.whatHappened ?? '')
  );
}

function noWhen(): StructureHit {
  return {
    ruleId: 'summary-parts',
    path: ['period', 'start'],
    section: 'summary',
    message: 'The report does not say when it happened: the period has no start.',
    suggestion: 'Give the start (and end) of the event with a time zone.',
  };
}

const APPENDIX_REF = /\bAppendix\s+([A-Z]{1,2})\b/gu;

function appendixHits(
  r: Report,
  section: SectionKey,
  texts: { path: ModelPath; text: string }[],
): StructureHit[] {
  const have = new Set(r.materials.appendices.map((a) => a.id));
  const hits: StructureHit[] = [];
  for (const { path, text } of texts) {
    for (const m of text.matchAll(APPENDIX_REF)) {
      const id = m[1] as string;
      if (have.has(id)) continue;
      hits.push({
        ruleId: 'appendix-missing',
        path,
        section,
        message: `The text refers to Appendix ${id}, which the report does not have.`,
        suggestion: `Add Appendix ${id} under supporting materials, or correct the reference.`,
      });
    }
  }
  return hits;
}

/** Build the context structure rules share; runs the domain's semantic checks once. */
export function structureContext(
  report: Report,
  config: LintConfig,
  scale: SeverityScale = DEFAULT_SEVERITY_SCALE,
  network: InternalNetwork = DEFAULT_INTERNAL_NETWORK,
): StructureContext {
  return { config, scale, network, problems: checkReport(report, { scale }) };
}

/** Structure findings for one section; `texts` are the section's prose fields for the appendix check. */
export function structureHits(
  report: Report,
  section: SectionKey,
  ctx: StructureContext,
  texts: { path: ModelPath; text: string }[],
): StructureHit[] {
  return [
    ...SECTION_RULES[section](report, ctx),
    ...fromChecks(section, ctx),
    ...appendixHits(report, section, texts),
    ...publicLeakHits(report, section, ctx, texts),
  ];
}

const LEAK_WORDS: Record<LeakKind, string> = {
  name: 'a person’s name',
  email: 'an e-mail address',
  host: 'an internal host name',
  ip: 'an IP address',
  url: 'an internal link',
  money: 'an amount of money',
};

/**
 * Names, e-mail addresses, internal hosts, IP addresses and internal links in text that goes public (fields
 * and items not marked internal). The public version takes them out; this says where they are, so the writer
 * can rewrite the sentence or mark the field internal instead of leaving a placeholder in it.
 */
function publicLeakHits(
  report: Report,
  section: SectionKey,
  sctx: StructureContext,
  texts: { path: ModelPath; text: string }[],
): StructureHit[] {
  const ctx = { names: peopleOf(report), network: sctx.network };
  const hits: StructureHit[] = [];
  for (const { path, text } of texts) {
    if (path.length > 1 && isWithinInternal(report, path)) continue;
    for (const leak of findLeaks(text, ctx, ['name', 'email', 'host', 'ip', 'url'])) {
      hits.push({
        ruleId: 'public-leak',
        path,
        section,
        message: `"${leak.text}" is ${LEAK_WORDS[leak.kind]} in text that goes into the public version.`,
        suggestion:
          leak.kind === 'name'
            ? 'Name the role instead, or mark this field internal so the public version leaves it out.'
            : 'Describe it in general words ("the primary database", "our monitoring"), or mark this field internal.',
      });
    }
  }
  return hits;
}
