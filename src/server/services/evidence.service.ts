import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError, isTimeZone, staleVersion, type EventKind, type Report } from '../../domain/index.js';
import type { EvidenceCandidate } from '../../domain/api-contract.js';
import {
  addEvidenceToReport,
  bufferEntry,
  extractEvidence,
  openZipBuffer,
  type AddedEvidence,
  type Candidate,
  type EvidenceInput,
  type EvidenceFormat,
  type Extraction,
} from '../../evidence/index.js';
import type { StoredReport } from '../../store/index.js';
import { requireRole, type Actor } from './access.js';
import { cleanFilename, type AttachmentService } from './attachment.service.js';
import type { ReportService } from './report.service.js';
import { zodToAppError } from './validation.js';

/** Most candidates one upload returns: more than anyone reviews by hand in a browser. */
export const MAX_EVIDENCE_CANDIDATES = 2000;

/**
 * Read one uploaded evidence file (a zip, such as a Slack export, or a single file) into candidates. The
 * same bytes, name and zone always give the same candidates in the same order, which is what lets a later
 * request refer to a candidate by its position without the server keeping anything between requests.
 */
/** What a zip upload may unpack to on the server: a quarter of the CLI's allowance. */
export const SERVER_ZIP_LIMITS = { maxEntries: 10_000, maxUnpackedBytes: 256 * 1024 * 1024, maxRatio: 200 };

async function readEvidenceUpload(
  name: string,
  data: Buffer,
  zone?: string,
  format?: EvidenceFormat,
  signal?: AbortSignal,
): Promise<Extraction> {
  if (zone && !isTimeZone(zone)) {
    throw new AppError('bad_request', `${zone} is not a time zone; use a name such as Europe/Berlin`, [
      { path: ['zone'], message: 'unknown time zone' },
    ]);
  }
  if (data.length === 0)
    throw new AppError('bad_request', 'the file is empty', [{ path: ['file'], message: 'empty' }]);
  const isZip = data.length > 3 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03;
  const input: EvidenceInput = isZip
    ? await openZipBuffer(data, name, { ...SERVER_ZIP_LIMITS, ...(signal ? { signal } : {}) })
    : { type: 'file', entry: bufferEntry(name, data) };
  const read = await extractEvidence([input], {
    maxCandidates: MAX_EVIDENCE_CANDIDATES,
    ...(zone ? { zone } : {}),
    ...(format ? { format } : {}),
    formatHint: 'choose its format',
  });
  // What was read before the client left is of use to nobody (and must not be stored with the report).
  if (signal?.aborted) throw new AppError('io', `${name}: reading stopped: the request was cancelled`);
  return read;
}

/** A candidate as the API shows it for review: its position, suggested kind and why, and where it is from. */
function presentCandidate(c: Candidate): EvidenceCandidate;
function presentCandidate(c: Candidate, index: number): EvidenceCandidate & { index: number };
function presentCandidate(c: Candidate, index?: number): EvidenceCandidate {
  return {
    ...(index === undefined ? {} : { index }),
    at: c.at,
    kind: c.suggestion?.kind ?? 'other',
    reason: c.suggestion?.reason ?? '',
    text: c.text,
    ...(c.actor ? { actor: c.actor } : {}),
    source: c.source,
    link: c.link,
    ...(c.level ? { level: c.level } : {}),
  };
}

/** A fingerprint of the candidate list: a different list (other zone, other reader version) differs. */
function candidatesDigest(candidates: readonly Candidate[]): string {
  const h = createHash('sha256');
  for (const c of candidates) h.update(`${c.at}\u0000${c.text}\u0000${c.link}\u0001`);
  return h.digest('hex');
}

/** What the person chose: candidates by position, each with the kind its timeline event gets. */
export interface EvidenceChoices {
  version: number;
  choices: { index: number; kind: EventKind }[];
  /** The zone the file was read in when it was uploaded, if one was given. */
  zone?: string;
  /** The format it was read as when it was uploaded, if one was chosen. */
  format?: EvidenceFormat;
  /** The digest the upload returned: the file must still read to the same candidates. */
  digest: string;
}

/**
 * Evidence added to a saved report in two steps with nothing kept in between but the uploaded file: the
 * upload stores the file as an attachment of the report and returns its candidates; accepting re-reads
 * that attachment and adds the chosen candidates, with the chosen kinds, as one new revision.
 */
export class EvidenceService {
  constructor(
    private readonly reports: ReportService,
    private readonly attachments: AttachmentService,
  ) {}

  /** Read an uploaded file into candidates for review, storing nothing (editors and admins). */
  async read(
    actor: Actor,
    file: { filename?: string; data: Buffer },
    zone?: string,
    format?: EvidenceFormat,
    signal?: AbortSignal,
  ) {
    requireRole(actor, 'editor', 'reading evidence');
    const { candidates, stats, inputs } = await readEvidenceUpload(
      file.filename || 'evidence',
      file.data,
      zone,
      format,
      signal,
    );
    return { inputs, stats, candidates: candidates.map((c) => presentCandidate(c)) };
  }

  /** The report, if the actor may add evidence to it: 404 when hidden from them, 403 for readers. */
  async writable(actor: Actor, reportId: string): Promise<StoredReport> {
    const stored = await this.reports.visible(actor, reportId);
    requireRole(actor, 'editor', 'adding evidence to a report');
    return stored;
  }

  /** Read the file first (a file that cannot be read stores nothing), then keep it with the report. */
  async upload(
    actor: Actor,
    reportId: string,
    file: { filename?: string; contentType: string; data: Buffer },
    zone?: string,
    format?: EvidenceFormat,
    signal?: AbortSignal,
  ) {
    await this.writable(actor, reportId);
    // The stored name is the one the file is read under, now and when candidates are accepted.
    const filename = cleanFilename(file.filename);
    const { candidates, stats, inputs } = await readEvidenceUpload(filename, file.data, zone, format, signal);
    const attachment = await this.attachments.upload(actor, reportId, { ...file, filename });
    return {
      attachment,
      ...(zone ? { zone } : {}),
      ...(format ? { format } : {}),
      digest: candidatesDigest(candidates),
      inputs,
      stats,
      candidates: candidates.map((c, i) => presentCandidate(c, i)),
    };
  }

  /** Add the chosen candidates of an uploaded evidence file to the report, as one revision. */
  async accept(
    actor: Actor,
    reportId: string,
    attachmentId: string,
    body: EvidenceChoices,
  ): Promise<{ stored: StoredReport; added: AddedEvidence & { candidates: number[] } }> {
    const current = await this.writable(actor, reportId);
    const file = await this.evidenceFile(actor, reportId, attachmentId);
    if (current.version !== body.version) {
      throw staleVersion(reportId, body.version, current.version);
    }
    const { candidates } = await readEvidenceUpload(file.filename, file.data, body.zone, body.format);
    if (body.digest !== candidatesDigest(candidates)) {
      throw new AppError(
        'conflict',
        `${file.filename} no longer reads to the candidates you reviewed (another time zone, or the server was updated); read it again`,
        [{ path: ['body', 'digest'], message: 'does not match the file as read now' }],
      );
    }
    const kinds = new Map<Candidate, EventKind>();
    const seen = new Set<number>();
    const chosen = body.choices.map((choice, i) => {
      const c = candidates[choice.index];
      const path = ['body', 'choices', i, 'index'];
      if (!c) {
        throw new AppError(
          'bad_request',
          `choices.${i}.index: ${file.filename} has ${candidates.length} candidate(s), numbered from 0; there is no ${choice.index}`,
          [{ path, message: `must be below ${candidates.length}` }],
        );
      }
      if (seen.has(choice.index)) {
        throw new AppError('bad_request', `choices.${i}.index: candidate ${choice.index} is chosen twice`, [
          { path, message: 'chosen twice' },
        ]);
      }
      seen.add(choice.index);
      kinds.set(c, choice.kind);
      return c;
    });

    let next: { report: Report; added: AddedEvidence };
    try {
      next = addEvidenceToReport(current.report, chosen, {
        kindOf: (c) => kinds.get(c) ?? 'other',
        attachment: { id: file.id, filename: file.filename },
        title: `Evidence excerpts from ${file.filename}`,
      });
    } catch (e) {
      if (e instanceof z.ZodError) throw zodToAppError(e, 'the report cannot take these events');
      throw e;
    }
    const added = { ...next.added, candidates: body.choices.map((c) => c.index) };
    // Everything chosen is in the report already: no new revision for nothing.
    if (next.added.events === 0 && next.added.changes === 0 && next.added.materials === 0)
      return { stored: current, added };
    const stored = await this.reports.update(
      actor,
      reportId,
      body.version,
      next.report,
      `added ${next.added.events} event(s) from evidence ${file.filename}`,
    );
    return { stored, added };
  }

  /** The attachment and its bytes; 404 naming it when it is missing or belongs to another report. */
  private async evidenceFile(actor: Actor, reportId: string, attachmentId: string) {
    const missing = () =>
      new AppError('not_found', `report ${reportId} has no attachment ${attachmentId}`, [
        { path: ['params', 'attachmentId'], message: 'no such attachment on this report' },
      ]);
    let found: Awaited<ReturnType<AttachmentService['download']>>;
    try {
      found = await this.attachments.download(actor, attachmentId);
    } catch (e) {
      if (e instanceof AppError && e.code === 'not_found') throw missing();
      throw e;
    }
    if (found.info.reportId !== reportId) throw missing();
    return { id: found.info.id, filename: found.info.filename, data: found.data };
  }
}
