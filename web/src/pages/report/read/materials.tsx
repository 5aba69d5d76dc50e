import type { ReactNode } from 'react';
import { labelOf } from '../../../../../src/domain/labels.js';
import type { Report } from '../../../../../src/domain/report.schema.js';

/** The supporting materials, linked (nothing when there are none). */
export function materialsBody(r: Report): ReactNode {
  return (
    r.materials.items.length > 0 && (
      <ul>
        {r.materials.items.map((m) => (
          <li key={m.id}>
            {m.id} ({labelOf(m.kind)}):{' '}
            {m.link?.startsWith('attachment:') ? (
              <a href={`/api/attachments/${encodeURIComponent(m.link.slice(11))}`}>{m.title}</a>
            ) : m.link && /^https?:\/\//.test(m.link) ? (
              <a href={m.link} rel="noreferrer noopener">
                {m.title}
              </a>
            ) : (
              m.title
            )}
            {m.description && ` — ${m.description}`}
          </li>
        ))}
      </ul>
    )
  );
}
