import type { LifecycleState } from './report.schema.js';

/** The moves a report may make between lifecycle states. */
export const TRANSITIONS: Record<LifecycleState, readonly LifecycleState[]> = {
  draft: ['in_review'],
  in_review: ['draft', 'published'],
  published: ['draft', 'closed'],
  closed: ['draft'],
};

/** True when a report in state `from` may move to state `to`. */
export function canTransition(from: LifecycleState, to: LifecycleState): boolean {
  return TRANSITIONS[from].includes(to);
}
