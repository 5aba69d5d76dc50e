import type { ModelPath, Report, SectionKey } from './types.js';

/** A piece of prose in the report the prose rules read, with where it sits in the model. */
export interface ProseField {
  path: ModelPath;
  section: SectionKey;
  text: string;
}

type Push = (path: ModelPath, text: string | undefined) => void;

const COLLECT: Record<SectionKey, (r: Report, push: Push) => void> = {
  summary(r, push) {
    push(['title'], r.title);
    const s = r.summary;
    for (const key of ['whatHappened', 'impact', 'coreIssue', 'keyLessons', 'nextSteps', 'notes'] as const) {
      push(['summary', key], s[key]);
    }
  },
  details(r, push) {
    const d = r.details;
    d.timeline.forEach((e, i) => push(['details', 'timeline', i, 'text'], e.text));
    for (const key of ['severityRationale', 'affected', 'howFound', 'stepsTaken', 'notes'] as const) {
      push(['details', key], d[key]);
    }
  },
  impact(r, push) {
    const m = r.impact;
    m.financial.forEach((f, i) => push(['impact', 'financial', i, 'description'], f.description));
    m.figures.forEach((f, i) => push(['impact', 'figures', i, 'measure'], f.measure));
    for (const key of ['operational', 'reputational', 'customer', 'team', 'notes'] as const)
      push(['impact', key], m[key]);
  },
  analysis(r, push) {
    const a = r.analysis;
    push(['analysis', 'primaryCause'], a.primaryCause);
    a.factors.forEach((f, i) => push(['analysis', 'factors', i, 'text'], f.text));
    push(['analysis', 'causalChain'], a.causalChain);
    a.fiveWhys.forEach((w, i) => {
      push(['analysis', 'fiveWhys', i, 'problem'], w.problem);
      w.steps.forEach((s, j) => {
        push(['analysis', 'fiveWhys', i, 'steps', j, 'question'], s.question);
        push(['analysis', 'fiveWhys', i, 'steps', j, 'answer'], s.answer);
      });
      push(['analysis', 'fiveWhys', i, 'conclusion'], w.conclusion);
    });
    a.fishbone.forEach((f, i) => {
      push(['analysis', 'fishbone', i, 'cause'], f.cause);
      f.subCauses.forEach((s, j) => push(['analysis', 'fishbone', i, 'subCauses', j], s));
    });
    a.barriers.forEach((b, i) => {
      push(['analysis', 'barriers', i, 'barrier'], b.barrier);
      push(['analysis', 'barriers', i, 'why'], b.why);
    });
    a.changes.forEach((c, i) => push(['analysis', 'changes', i, 'change'], c.change));
    push(['analysis', 'notes'], a.notes);
  },
  lessons(r, push) {
    const l = r.lessons;
    for (const key of ['wentWell', 'wentWrong', 'couldImprove', 'lucky'] as const) {
      l[key].forEach((lesson, i) => push(['lessons', key, i, 'text'], lesson.text));
    }
    push(['lessons', 'notes'], l.notes);
  },
  actions(r, push) {
    r.actions.items.forEach((a, i) => {
      push(['actions', 'items', i, 'title'], a.title);
      push(['actions', 'items', i, 'details'], a.details);
      push(['actions', 'items', i, 'successCriterion'], a.successCriterion);
    });
    push(['actions', 'notes'], r.actions.notes);
  },
  materials(r, push) {
    const m = r.materials;
    m.items.forEach((item, i) => {
      push(['materials', 'items', i, 'title'], item.title);
      push(['materials', 'items', i, 'description'], item.description);
    });
    m.appendices.forEach((a, i) => {
      push(['materials', 'appendices', i, 'title'], a.title);
      push(['materials', 'appendices', i, 'content'], a.content);
    });
    push(['materials', 'notes'], m.notes);
  },
};

/** The prose fields of one section of a report, in reading order. */
export function proseFields(report: Report, section: SectionKey): ProseField[] {
  const out: ProseField[] = [];
  COLLECT[section](report, (path, text) => {
    if (text !== undefined && text.trim() !== '') out.push({ path, section, text });
  });
  return out;
}

/** Read the value at a model path, or undefined. */
export function valueAt(report: Report, path: ModelPath): unknown {
  let node: unknown = report;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}
