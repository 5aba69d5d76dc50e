import { createHash } from 'node:crypto';
import { AppError } from '../../domain/index.js';
import type { AttachmentRepository } from '../../store/index.js';
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

/** Files attached to reports, stored in the database. */
export class AttachmentService {
  constructor(
    private readonly reports: ReportService,
    private readonly repo: AttachmentRepository,
    private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, reportId: string) {
    await this.reports.visible(actor, reportId);
    return this.repo.listFor(reportId);
  }

  async upload(
    actor: Actor,
    reportId: string,
    file: { filename?: string; contentType: string; data: Buffer },
  ) {
    await this.reports.visible(actor, reportId);
    requireRole(actor, 'editor', 'uploading files');
    if (file.data.length === 0)
      throw new AppError('bad_request', 'the file is empty', [{ path: ['file'], message: 'empty' }]);
    const info = await this.repo.create({
      reportId,
      filename: cleanFilename(file.filename),
      contentType: safeContentType(file.contentType),
      sha256: createHash('sha256').update(file.data).digest('hex'),
      createdBy: actor.user.id,
      data: file.data,
    });
    await this.audit.record(
      actor,
      'attachment.create',
      { type: 'report', id: reportId },
      { attachment: info.id, size: info.size },
    );
    return info;
  }

  /** An attachment and its bytes, if its report is visible to the actor. */
  async download(actor: Actor, id: string) {
    const info = await this.repo.get(id);
    if (!info) throw new AppError('not_found', `attachment ${id} does not exist`);
    try {
      await this.reports.visible(actor, info.reportId);
    } catch {
      throw new AppError('not_found', `attachment ${id} does not exist`);
    }
    const data = await this.repo.data(id);
    if (!data) throw new AppError('not_found', `attachment ${id} does not exist`);
    return { info, data };
  }

  async remove(actor: Actor, id: string) {
    const { info } = await this.download(actor, id);
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
