import type { CliIO } from './io.js';

/** What every command gets: its IO, and a way to set the process exit code without exiting. */
export interface CliContext {
  io: CliIO;
  /** Set the exit code; the highest code set during a run wins (2 over 1 over 0). */
  setExit(code: number): void;
}
