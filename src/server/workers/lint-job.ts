// The editor's lint (POST /api/lint) as one function of plain data, run by the lint worker thread (lint.worker.ts):
// the report as the client sent it is checked against the model here too, so neither the check nor the lint of a
// large report holds the server's event loop. Its reply is the JSON text the route sends (so the main thread
// neither copies the findings' objects back nor stringifies them); a bad report comes back as the error the route
// would have thrown.
import type { z } from 'zod';
import {
  AppError,
  reportSchema,
  type ErrorCode,
  type ErrorDetail,
  type InternalNetwork,
  type SectionKey,
  type SeverityScale,
} from '../../domain/index.js';
import type { lintResultSchema } from '../../domain/api-contract.js';
import { lintReport, scoreReport, sortFindings } from '../../lint/index.js';
import { parseWith } from '../services/validation.js';

type LintResult = z.output<typeof lintResultSchema>;

export interface LintJob {
  /** The body's `report`, not yet checked. */
  report: unknown;
  section: SectionKey | undefined;
  scale: SeverityScale;
  network: InternalNetwork;
}

/** The reply's JSON text (JSON.stringify, as Fastify sends a route's object), made on the thread, or its error. */
export type LintReply =
  | { json: string }
  | { error: { code: ErrorCode; message: string; details: ErrorDetail[] } }
  /** A fault of the linter itself (not of the report): a 500, as it was on the main thread. */
  | { fault: string };

/** Check and lint one report as the editor asks: its findings (of one section, if named) and its score. */
export function runLintJob(job: LintJob): LintReply {
  try {
    const report = parseWith(reportSchema, job.report, 'the report is not valid');
    const all = lintReport(report, { scale: job.scale, network: job.network });
    const findings = sortFindings(job.section ? all.filter((f) => f.section === job.section) : all);
    const result: LintResult = { findings, score: scoreReport(report, all) };
    return { json: JSON.stringify(result) };
  } catch (e) {
    if (e instanceof AppError) return { error: { code: e.code, message: e.message, details: e.details } };
    return { fault: e instanceof Error ? (e.stack ?? e.message) : String(e) };
  }
}
