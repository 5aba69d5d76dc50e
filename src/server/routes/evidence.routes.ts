import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError, isTimeZone } from '../../domain/index.js';
import { bufferEntry, extractEvidence, openZipBuffer, type EvidenceInput } from '../../evidence/index.js';
import { actor } from '../auth.hook.js';
import { requireRole } from '../services/access.js';
import type { Services } from '../services/index.js';

/** Most candidates one upload returns: more than anyone reviews by hand in a browser. */
export const MAX_EVIDENCE_CANDIDATES = 2000;

/**
 * Evidence for the web editor: one uploaded file (chat export, alert history, log, or a zip such as a Slack
 * export) read into timeline candidates with a suggested kind each. Nothing is stored; the person picks
 * what goes into the report, which is then saved like any other edit.
 */
export function evidenceRoutes(_services: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api/evidence',
      {
        schema: {
          tags: ['evidence'],
          summary:
            'Read one evidence file (multipart field "file"; optional field "zone" for stamps without one) into timeline candidates',
        },
      },
      async (request) => {
        requireRole(actor(request), 'editor', 'reading evidence');
        if (!request.isMultipart()) {
          throw new AppError('unsupported', 'upload the evidence as multipart/form-data', [
            { path: ['file'], message: 'missing' },
          ]);
        }
        const part = await request.file();
        if (!part)
          throw new AppError('bad_request', 'the form has no file', [{ path: ['file'], message: 'missing' }]);
        const name = part.filename || 'evidence';
        const data = await part.toBuffer();
        const zoneField = part.fields.zone;
        const zone =
          zoneField && !Array.isArray(zoneField) && zoneField.type === 'field' ? String(zoneField.value) : '';
        if (zone && !isTimeZone(zone)) {
          throw new AppError('bad_request', `${zone} is not a time zone; use a name such as Europe/Berlin`, [
            { path: ['zone'], message: 'unknown time zone' },
          ]);
        }
        const isZip = data.length > 3 && data[0] === 0x50 && data[1] === 0x4b && data[2] === 0x03;
        const input: EvidenceInput = isZip
          ? await openZipBuffer(data, name)
          : { type: 'file', entry: bufferEntry(name, data) };
        const { candidates, stats, inputs } = await extractEvidence([input], {
          maxCandidates: MAX_EVIDENCE_CANDIDATES,
          ...(zone ? { zone } : {}),
        });
        return {
          inputs,
          stats,
          candidates: candidates.map((c) => ({
            at: c.at,
            kind: c.suggestion?.kind ?? 'other',
            reason: c.suggestion?.reason ?? '',
            text: c.text,
            ...(c.actor ? { actor: c.actor } : {}),
            source: c.source,
            link: c.link,
            ...(c.level ? { level: c.level } : {}),
          })),
        };
      },
    );
  };
}
