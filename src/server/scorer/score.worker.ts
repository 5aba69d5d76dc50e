// The background scorer's thread (see background-scorer.ts): scores the reports it is sent, one at a time, with the
// linter loaded here, so that a lint (tens of ms, seconds the first time a report's words are seen) never runs on
// the server's event loop.
import { parentPort } from 'node:worker_threads';
import type { Report } from '../../domain/index.js';
import { qualityScore } from '../../lint/index.js';
import type { ScoreReply, ScoreRequest } from './background-scorer.js';

parentPort?.on('message', (job: ScoreRequest) => {
  let reply: ScoreReply;
  try {
    const report = JSON.parse(job.content) as Report;
    reply = { id: job.id, score: qualityScore(report, { scale: job.scale, network: job.network }) };
  } catch (e) {
    reply = { id: job.id, error: e instanceof Error ? e.message : String(e) };
  }
  parentPort?.postMessage(reply);
});
