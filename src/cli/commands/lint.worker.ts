// A thread of `hindsight lint` over many files (see lint.parallel.ts): lints the files it is sent, recording the
// words each asked suggestions for instead of computing them, then computes the suggestions it is asked for.
import { parentPort, workerData } from 'node:worker_threads';
import { isAppError } from '../../domain/index.js';
import { loadConfigFile, type LoadedConfig } from '../../lint/config.loader.js';
import { suggestWord } from '../../lint/prose/spelling.js';
import { lintFileIn } from './lint.file.js';
import type { SuggestCall, WorkerInput, WorkerJob, WorkerReply } from './lint.parallel.js';

const input = workerData as WorkerInput;
const fixed = input.configFile ? loadConfigFile(input.configFile) : undefined;
const cache = new Map<string, LoadedConfig>();
const reply = (r: WorkerReply) => parentPort?.postMessage(r);

parentPort?.on('message', (job: WorkerJob) => {
  if (job.kind === 'suggest') {
    reply({ kind: 'suggest', lists: job.words.map(({ word, language }) => suggestWord(word, language)) });
    return;
  }
  const calls: SuggestCall[] = [];
  const suggest = (words: string[], language: SuggestCall['language']) => {
    calls.push({ words, language });
    return new Map<string, string[]>();
  };
  try {
    reply({
      kind: 'lint',
      index: job.index,
      outcome: { result: lintFileIn(job.file, fixed, cache, { suggest }) },
      calls,
    });
  } catch (e) {
    if (isAppError(e))
      reply({
        kind: 'lint',
        index: job.index,
        outcome: { error: { message: e.message, exitCode: e.exitCode } },
        calls,
      });
    else reply({ kind: 'lint', index: job.index, fatal: e instanceof Error ? e.message : String(e) });
  }
});
