// A thread of the editor's lint (see lint-pool.ts): loads the linter's dictionaries, says it is ready, then answers
// each job with runLintJob's reply.
import { parentPort } from 'node:worker_threads';
import { warmUpProse } from '../../lint/index.js';
import { runLintJob, type LintJob } from './lint-job.js';

warmUpProse();
parentPort?.on('message', ({ id, job }: { id: number; job: LintJob }) => {
  parentPort?.postMessage({ id, reply: runLintJob(job) });
});
parentPort?.postMessage({ ready: true });
