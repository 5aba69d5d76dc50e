// `hindsight lint` over many files in worker threads (issue 11: 1,000 reports in under 10 s). Each worker loads the
// linter once and takes the next file whenever it is free; the main thread keeps the files' order. The output is
// the same as a lint in one thread, byte for byte. The spelling suggestions (for the first 8 misspelled words of a
// file; see suggestFor) are costly, so the workers only record which words each file asked about, and the main
// thread then replays those requests in file order through its cache and has the workers compute the lists needed.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../fs/worker-entry.js';
import type { FileResult } from '../../lint/index.js';
import type { LocatedFinding } from '../../lint/locate.js';
import {
  spellingMessage,
  spellingSuggestion,
  suggestFor,
  type SpellingLanguage,
} from '../../lint/prose/spelling.js';

/** A file linted, or the one-line reason it could not be (as the command prints it). */
export type Outcome = { result: FileResult } | { error: { message: string; exitCode: number } };

/** The words one lint run asked suggestions for (the argument of the `suggest` option of lintReport). */
export interface SuggestCall {
  words: string[];
  language: SpellingLanguage;
}

export type WorkerJob =
  | { kind: 'lint'; index: number; file: string }
  | { kind: 'suggest'; words: { word: string; language: SpellingLanguage }[] };
export type WorkerReply =
  | { kind: 'lint'; index: number; outcome: Outcome; calls: SuggestCall[] }
  | { kind: 'lint'; index: number; fatal: string }
  | { kind: 'suggest'; lists: string[][] };
export interface WorkerInput {
  configFile?: string;
}

/** How many threads lint `files` files when --jobs is not given: one per core, from this many files on. */
export const PARALLEL_FROM = 48;
export function defaultJobs(files: number, cores: number): number {
  return files < PARALLEL_FROM ? 1 : Math.max(1, Math.min(cores, 4, Math.floor(files / (PARALLEL_FROM / 2))));
}

/** The worker's program is not beside this module (a dist/ copied without it): lint in one thread instead. */
export class LintWorkerMissing extends Error {
  constructor(readonly file: string) {
    super(`the lint worker ${file} is missing`);
  }
}

/** The lint worker's program; built, a missing file is LintWorkerMissing (the command then lints in one thread). */
function lintWorkerEntry(): URL | string {
  const entry = workerEntry(import.meta.url, 'lint.worker');
  if (entry instanceof URL && !existsSync(entry)) throw new LintWorkerMissing(fileURLToPath(entry));
  return entry;
}

/** A worker thread that answers one job at a time. */
class LintWorker {
  private readonly worker: Worker;
  private pending: ((reply: WorkerReply) => void) | undefined;
  private failed: ((e: Error) => void) | undefined;
  /** Why the worker stopped, when it did while no job was waiting on it. */
  private stopped: Error | undefined;

  constructor(input: WorkerInput) {
    this.worker = new Worker(lintWorkerEntry(), { workerData: input, execArgv: [] });
    this.worker.on('message', (reply: WorkerReply) => {
      const done = this.pending;
      this.pending = undefined;
      done?.(reply);
    });
    const fail = (e: Error) => {
      const failed = this.failed;
      this.pending = undefined;
      this.failed = undefined;
      this.stopped ??= e;
      failed?.(e);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`a lint worker stopped (exit code ${code})`)));
  }

  ask(job: WorkerJob): Promise<WorkerReply> {
    return new Promise((resolve, reject) => {
      // A job posted to a worker that has stopped would never be answered.
      if (this.stopped) return reject(this.stopped);
      this.pending = resolve;
      this.failed = reject;
      this.worker.postMessage(job);
    });
  }

  stop(): Promise<number> {
    this.failed = undefined;
    return this.worker.terminate();
  }
}

/** Lint `files` in `jobs` worker threads; the outcomes in file order, exactly as a lint in one thread gives them. */
export async function lintInWorkers(files: string[], input: WorkerInput, jobs: number): Promise<Outcome[]> {
  lintWorkerEntry();
  const workers = Array.from(
    { length: Math.max(1, Math.min(jobs, files.length)) },
    () => new LintWorker(input),
  );
  try {
    const outcomes: Outcome[] = new Array(files.length);
    const calls: SuggestCall[][] = new Array(files.length);
    let next = 0;
    await Promise.all(
      workers.map(async (worker) => {
        while (next < files.length) {
          const index = next;
          next += 1;
          const reply = await worker.ask({ kind: 'lint', index, file: files[index] as string });
          if (reply.kind !== 'lint') throw new Error('a lint worker answered out of turn');
          if ('fatal' in reply) throw new Error(reply.fatal);
          outcomes[reply.index] = reply.outcome;
          calls[reply.index] = reply.calls;
        }
      }),
    );

    // The suggestions: each file's requests replayed in order through this process's cache and budget. A word
    // new to the cache gets a list that is filled in below, once the workers have computed it.
    const wanted: { word: string; language: SpellingLanguage; list: string[] }[] = [];
    const listed = calls.map((fileCalls) =>
      fileCalls.map((call) =>
        suggestFor(call.words, call.language, (word, language) => {
          const list: string[] = [];
          wanted.push({ word, language, list });
          return list;
        }),
      ),
    );
    const shares = workers.map((_, w) => wanted.filter((_, i) => i % workers.length === w));
    await Promise.all(
      workers.map(async (worker, w) => {
        const share = shares[w] ?? [];
        if (share.length === 0) return;
        const reply = await worker.ask({
          kind: 'suggest',
          words: share.map(({ word, language }) => ({ word, language })),
        });
        if (reply.kind !== 'suggest') throw new Error('a lint worker answered out of turn');
        share.forEach((x, i) => x.list.push(...(reply.lists[i] ?? [])));
      }),
    );
    return outcomes.map((outcome, i) =>
      'result' in outcome ? { result: withSuggestions(outcome.result, listed[i] ?? []) } : outcome,
    );
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/** The file's spelling findings with the suggestions the engine would have put on them. */
function withSuggestions(result: FileResult, maps: Map<string, string[]>[]): FileResult {
  if (maps.length === 0) return result;
  const byMessage = new Map<string, { word: string; list: string[] }>();
  for (const map of maps)
    for (const [word, list] of map) if (list.length > 0) byMessage.set(spellingMessage(word), { word, list });
  if (byMessage.size === 0) return result;
  const findings = result.findings.map((f): LocatedFinding => {
    const hit = f.ruleId === 'spelling' && f.suggestion === undefined ? byMessage.get(f.message) : undefined;
    if (!hit) return f;
    // The key order of the engine's finding: the suggestion comes before the location.
    const { line, column, ...rest } = f;
    return { ...rest, suggestion: spellingSuggestion(hit.word, hit.list), line, column };
  });
  return { ...result, findings };
}
