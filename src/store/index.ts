export * from './database.js';
export * from './migrator.js';
export * from './viewer.js';
export * from './report.repository.js';
export * from './user.repository.js';
export * from './session.repository.js';
export * from './token.repository.js';
export * from './login-failure.repository.js';
export * from './comment.repository.js';
export * from './review.repository.js';
export * from './attachment.repository.js';
export * from './settings.repository.js';
export * from './audit.repository.js';
export { keyOf, membersOf } from './report-index.js';
export * from './memory.repository.js';
export * from './outbox.repository.js';
export { outboxRow } from './outbox-rows.js';
export * from './reminder.repository.js';
export * from './calendar.repository.js';
export * from './tracker.repository.js';
export {
  bumpInsights,
  forgetScores,
  jobsFor,
  resumeForgetScores,
  SCORE_BASIS_KEYS,
  scoreBasis,
  scoreUnscored,
  startForgettingScores,
  unscoredIds,
  writeScore,
  type ScoreJob,
} from './quality-scores.js';
