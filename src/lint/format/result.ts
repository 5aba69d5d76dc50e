import type { LocatedFinding } from '../locate.js';
import type { QualityScore } from '../score.js';

/** The outcome of linting one file, as every output format receives it. */
export interface FileResult {
  file: string;
  findings: LocatedFinding[];
  /** Absent when the file could not be read as a report at all. */
  score?: QualityScore;
}
