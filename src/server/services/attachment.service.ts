import { Readable } from 'node:stream';
import { AppError } from '../../domain/index.js';
import { DEFAULT_CHUNK_SIZE, type AttachmentRepository } from '../../store/index.js';
import { requireRole, type Actor } from './access.js';
import type { AuditService } from './audit.service.js';
import type { ReportService } from './report.service.js';

// Types a browser can show without running anything; everything else is served as opaque bytes.
const SAFE_TYPES = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'application/pdf',
  'text/plain',
  'text/csv',
  'text/markdown',
  'application/json',
  'application/zip',
  'application/gzip',
  'application/octet-stream',
]);

/** The content type to serve an upload with: its own when harmless, else opaque bytes. */
export function safeContentType(declared: string): string {
  const base = declared.split(';')[0]!.trim().toLowerCase();
  if (!SAFE_TYPES.has(base)) return 'application/octet-stream';
  return base.startsWith('text/') ? `${base}; charset=utf-8` : base;
}

/** A file name fit for storage and headers: no paths, no control characters, bounded length. */
export function cleanFilename(name: string | undefined): string {
  const base = (name ?? '').split(/[\\/]/).pop() ?? '';
  const cleaned = [...base]
    .filter((c) => c !== '"' && c.charCodeAt(0) >= 0x20 && c.charCodeAt(0) !== 0x7f)
    .join('')
    .trim()
    .slice(0, 200);
  return cleaned === '' || cleaned === '.' || cleaned === '..' ? 'file' : cleaned;
}

export interface AttachmentOptions {
  /** Bytes per stored chunk (default 256 KB): what one upload or download holds in memory, roughly twice. */
  chunkSize: number;
  /** An upload that writes nothing for this long is abandoned; its rows are swept (default 15 minutes). */
  abandonAfterMs: number;
}

export const DEFAULT_ATTACHMENT_OPTIONS: AttachmentOptions = {
  chunkSize: DEFAULT_CHUNK_SIZE,
  abandonAfterMs: 15 * 60_000,
};

/** An upload: what it says about itself, its bytes as they arrive, and the largest size allowed. */
export interface UploadSource {
  filename?: string;
  contentType: string;
  /** The bytes in order; throwing from it aborts the upload and leaves nothing stored. */
  stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
  /** Refuse (413) a file larger than this many bytes, checked as the bytes arrive. */
  maxBytes?: number;
}

/** The file field in error details: uploads arrive as the multipart field `file`. */
const FILE = ['file'];

/** Pass bytes through, refusing more than `maxBytes` and an empty file, before either is stored. */
async function* checked(
  stream: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  maxBytes: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  let total = 0;
  for await (const piece of stream) {
    total += piece.byteLength;
    if (total > maxBytes) {
      throw new AppError('too_large', `the file is larger than this server accepts (${maxBytes} bytes)`, [
        { path: FILE, message: `larger than ${maxBytes} bytes` },
      ]);
    }
    if (piece.byteLength > 0) yield piece;
  }
  if (total === 0) throw new AppError('bad_request', 'the file is empty', [{ path: FILE, message: 'empty' }]);
}

/**
 * Files attached to reports, stored in the database in chunks: uploads are written and downloads read a
 * chunk at a time, so memory does not grow with the file.
 */
export class AttachmentService {
  private readonly options: AttachmentOptions;

  constructor(
    private readonly reports: ReportService,
    private readonly repo: AttachmentRepository,
    private readonly audit: AuditService,
    options: Partial<AttachmentOptions> = {},
  ) {
    this.options = { ...DEFAULT_ATTACHMENT_OPTIONS, ...options };
  }

  async list(actor: Actor, reportId: string) {
    await this.reports.visible(actor, reportId);
    return this.repo.listFor(reportId);
  }

  /** Store a file that is already in memory (see `uploadStream`). */
  async upload(
    actor: Actor,
    reportId: string,
    file: { filename?: string; contentType: string; data: Buffer; maxBytes?: number },
  ) {
    const { data, ...rest } = file;
    return this.uploadStream(actor, reportId, { ...rest, stream: [data] });
  }

  /**
   * Store a file as its bytes arrive. Access is checked before the first byte is read. The attachment
   * becomes visible only once every byte is stored; on any failure (too large, empty, the source throws)
   * nothing is left behind.
   */
  async uploadStream(actor: Actor, reportId: string, file: UploadSource) {
    await this.reports.visible(actor, reportId);
    requireRole(actor, 'editor', 'uploading files');
    await this.sweep();
    const info = await this.repo.write(
      {
        reportId,
        filename: cleanFilename(file.filename),
        contentType: safeContentType(file.contentType),
        createdBy: actor.user.id,
      },
      checked(file.stream, file.maxBytes ?? Number.POSITIVE_INFINITY),
      { chunkSize: this.options.chunkSize },
    );
    await this.audit.record(
      actor,
      'attachment.create',
      { type: 'report', id: reportId },
      { attachment: info.id, size: info.size },
    );
    return info;
  }

  /** Delete uploads abandoned mid-way (their client went away and cleanup could not run); returns how many. */
  async sweep(now = Date.now()): Promise<number> {
    return this.repo.sweepPending(new Date(now - this.options.abandonAfterMs).toISOString());
  }

  /** An attachment's description, if its report is visible to the actor; else not found, as if absent. */
  async info(actor: Actor, id: string) {
    const info = await this.repo.get(id);
    if (!info) throw new AppError('not_found', `attachment ${id} does not exist`);
    try {
      await this.reports.visible(actor, info.reportId);
    } catch {
      throw new AppError('not_found', `attachment ${id} does not exist`);
    }
    return info;
  }

  /**
   * An attachment and a stream of its bytes, read a chunk at a time. The stream fails (rather than ending
   * early) if the stored bytes do not add up to the recorded size, so a Content-Length is never a lie.
   */
  async open(actor: Actor, id: string) {
    const info = await this.info(actor, id);
    const repo = this.repo;
    async function* bytes() {
      let sent = 0;
      for await (const chunk of repo.chunks(id)) {
        sent += chunk.length;
        if (sent > info.size) break;
        yield chunk;
      }
      if (sent !== info.size) {
        throw new Error(`attachment ${id} has ${sent} bytes stored, ${info.size} recorded`);
      }
    }
    return { info, stream: Readable.from(bytes(), { objectMode: false }) };
  }

  /** An attachment and all its bytes in memory, if its report is visible to the actor; for small files. */
  async download(actor: Actor, id: string) {
    const info = await this.info(actor, id);
    const data = await this.repo.data(id);
    if (!data) throw new AppError('not_found', `attachment ${id} does not exist`);
    return { info, data };
  }

  async remove(actor: Actor, id: string) {
    const info = await this.info(actor, id);
    requireRole(actor, 'editor', 'deleting files');
    await this.repo.softDelete(id);
    await this.audit.record(
      actor,
      'attachment.delete',
      { type: 'report', id: info.reportId },
      { attachment: id },
    );
  }
}
