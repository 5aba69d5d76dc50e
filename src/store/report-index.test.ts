import { describe, expect, it } from 'vitest';
import { FRONT_MATTER_KEYS, reportSchema } from '../domain/index.js';
import { completeReport } from '../../test/reports.js';
import { searchEntry } from './report-index.js';

describe('the search entry of a report', () => {
  it('leaves out every front matter field (the list filters find those) and keeps the prose', () => {
    const report = reportSchema.parse(
      completeReport({
        id: 'PM-7781',
        state: 'draft',
        severity: 'SEV1',
        detection: 'customer',
        authors: ['Quentin Quill'],
        facilitator: 'Fenna Fjord',
        reviewers: ['Rosalind Rook'],
        involved: ['Ingo Isle'],
        tags: ['tangerine'],
        systems: ['sycamore-api'],
        visibility: 'restricted',
        members: ['mira.moss@example.test'],
        related: ['PM-1234'],
        period: { start: '2024-03-01T14:00:00Z', end: '2024-03-01T15:00:00Z', timezone: 'Europe/Oslo' },
      }),
    );
    const { title, body } = searchEntry(report);
    expect(title).toBe(report.title);
    expect(body).toContain('Checkout returned errors for one hour');
    for (const key of FRONT_MATTER_KEYS) {
      const value = report[key];
      const strings: string[] = [];
      const collect = (v: unknown): void => {
        if (typeof v === 'string') strings.push(v);
        else if (v && typeof v === 'object') Object.values(v).forEach(collect);
      };
      collect(value);
      for (const s of strings) expect(body, `${key}: ${s}`).not.toContain(s);
    }
  });
});
