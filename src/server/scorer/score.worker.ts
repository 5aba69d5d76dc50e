// The background scorer's thread (see background-scorer.ts): scores the reports it is sent, one at a time, with the
// linter loaded here, so that a lint (tens of ms, seconds the first time a report's words are seen) never runs on
// the server's event loop.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import type { Report } from '../../domain/index.js';
import { qualityScore } from '../../lint/index.js';
import type { ScoreReply, ScoreRequest } from './background-scorer.js';

// The lowest CPU priority for this thread alone, so that on a busy machine requests get the cores first. On Linux a
// nice value belongs to a thread, and /proc/thread-self names this one's id; elsewhere the scorer's pauses bound it.
try {
  const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
  if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19);
} catch {
  // Not Linux, or not allowed: the pace set in background-scorer.ts still holds.
}

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
