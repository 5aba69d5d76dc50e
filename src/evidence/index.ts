// Evidence → timeline candidates, as a library with no CLI or server knowledge.
//
// extractEvidence(inputs, options) is the one entry point: inputs are files (fileEntry), bytes
// (bufferEntry), one-shot upload streams (streamEntry), bundles (folderBundle, openZip, openZipBuffer for a
// Slack export) or git clones ({ type: 'git', dir }); it returns candidates sorted by time with a suggested
// kind and its reason, plus counters and messages. addEvidenceToReport(report, chosen) turns the candidates a
// person accepted into timeline events, supporting materials, an excerpt appendix and change-analysis entries.
export * from './candidate.js';
export * from './source.js';
export * from './files.js';
export * from './detect.js';
export * from './kinds.js';
export * from './merge.js';
export * from './pipeline.js';
export * from './to-report.js';
export { readGitLog, GIT_FORMAT } from './git-log.reader.js';
export { slackTsToMs, slackText } from './slack.reader.js';
export { parseLeadingStamp, parseTimeValue, checkZone } from './time.js';
export { wallToUtc } from '../domain/time.js';
