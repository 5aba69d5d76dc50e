import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { reportSchema } from '../../domain/index.js';
import { importForeignMarkdown } from './foreign.import.js';
import { missingBlocks } from './survival.js';

// Headings the import knows, variants it should still know, and ones it must keep as appendices.
const HEADINGS = [
  'Summary',
  'Overview',
  'Impact',
  'Timeline',
  'Timeline (UTC)',
  'Root Causes',
  'Contributing Factors',
  'Trigger',
  'Resolution',
  'Detection',
  'Remediation',
  'Action Items',
  'Follow-ups',
  'Lessons Learned',
  'What went well',
  'What went poorly',
  'Where we got lucky',
  'Stats',
  'Attendees',
  'Short-term improvements',
  'Appendix',
  'Chat log',
  'Background notes',
  'Q&A',
];
const WORDS = [
  'disk',
  'node',
  'alert',
  'paged',
  'rolled',
  'back',
  'restored',
  'queue',
  'quota',
  'latency',
  'done',
  'owner',
  '@sam',
  'ticket',
  'v1.2',
  '42',
  'Pipeline',
  'CDN',
  'retry',
];

const sentence = fc
  .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 12 })
  .map((w) => `${w.join(' ')}.`);
const stamp = fc.oneof(
  fc.constant(''),
  fc
    .tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }))
    .map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')} `),
  fc.constant('[???] '),
  fc.constant('2024-02-03 --:-- '),
  fc
    .tuple(fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 23 }))
    .map(([d, h]) => `2024-03-${String(d).padStart(2, '0')} ${String(h).padStart(2, '0')}:15 `),
);
const item = fc
  .tuple(stamp, fc.array(sentence, { minLength: 1, maxLength: 2 }))
  .map(([s, t]) => `${s}${t.join(' ')}`);
const block = fc.oneof(
  fc.array(sentence, { minLength: 1, maxLength: 3 }).map((s) => s.join(' ')),
  fc.array(item, { minLength: 1, maxLength: 5 }).map((items) => items.map((i) => `- ${i}`).join('\n')),
  fc
    .array(item, { minLength: 1, maxLength: 4 })
    .map((items) => items.map((i, n) => `${n + 1}. ${i}`).join('\n')),
  fc.array(item, { minLength: 1, maxLength: 3 }).map((items) => items.map((i) => `- [x] ${i}`).join('\n')),
  sentence.map((s) => `\`\`\`\n${s}\n\`\`\``),
  sentence.map((s) => `> ${s}`),
  fc
    .array(fc.tuple(stamp, sentence), { minLength: 1, maxLength: 4 })
    .map(
      (rows) =>
        `| Time | Event |\n| --- | --- |\n${rows.map(([s, e]) => `| ${s.trim() || '?'} | ${e} |`).join('\n')}`,
    ),
);
const section = fc.tuple(
  fc.integer({ min: 2, max: 4 }),
  fc.constantFrom(...HEADINGS),
  fc.array(block, { minLength: 0, maxLength: 3 }),
);
const document = fc
  .tuple(
    fc.option(sentence, { nil: undefined }),
    fc.option(fc.constant('All times in UTC.'), { nil: undefined }),
    fc.array(section, { minLength: 0, maxLength: 8 }),
  )
  .map(([title, zone, sections]) =>
    [
      title ? `# ${title}` : '',
      zone ?? '',
      ...sections.map(([depth, heading, blocks]) =>
        [`${'#'.repeat(depth)} ${heading}`, ...blocks].join('\n\n'),
      ),
    ]
      .filter(Boolean)
      .join('\n\n'),
  );

describe('importForeignMarkdown on generated reports', () => {
  it('always returns a valid report and drops no paragraph, item, code block or cell', () => {
    const seen = { events: 0, unknown: 0, actions: 0, lessons: 0, appendices: 0 };
    fc.assert(
      fc.property(
        document,
        fc.option(fc.integer({ min: 2000, max: 2030 }), { nil: undefined }),
        (md, year) => {
          const { report, recognition } = importForeignMarkdown(md, year === undefined ? {} : { year });
          expect(reportSchema.parse(report)).toEqual(report);
          expect(missingBlocks(md, report)).toEqual([]);
          expect(recognition.timeline.events).toBe(report.details.timeline.length);
          expect(recognition.timeline.unknownTimes).toBe(
            report.details.timeline.filter((e) => e.at === null).length,
          );
          seen.events += report.details.timeline.length;
          seen.unknown += recognition.timeline.unknownTimes;
          seen.actions += report.actions.items.length;
          seen.lessons += recognition.lessons;
          seen.appendices += report.materials.appendices.length;
        },
      ),
      { numRuns: 300 },
    );
    // The generator must reach the structured paths, not only prose.
    for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(20);
  });
});

describe('missingBlocks', () => {
  it('names the blocks whose words are not in the report', () => {
    expect(
      missingBlocks('para one\n\n- item two\n\n| a |\n|---|\n| cell three |\n', { x: ['para one'] }),
    ).toEqual([
      { line: 3, text: 'item two' },
      { line: 7, text: '| cell three |' },
    ]);
    expect(missingBlocks('para one', { x: 'a para one b' })).toEqual([]);
    expect(missingBlocks('para one', { x: 'para ones' })).toEqual([{ line: 1, text: 'para one' }]);
  });
});
