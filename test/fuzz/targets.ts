// Fuzz targets for the parsers that read outside input. Each takes one generated input and throws only when
// something is wrong: an error that is not an AppError (a crash), a broken round trip, or an input that
// took longer than its time budget (a hang or a super-linear pattern). Run a few thousand inputs in
// `npm test` (fuzz.test.ts) and as many as you like with `npm run fuzz -- --runs 1000000`.
import fc from 'fast-check';
import { isAppError } from '../../src/domain/index.js';
import { EVIDENCE_FORMATS, type EvidenceFormat } from '../../src/evidence/candidate.js';
import { bufferEntry, openZipBuffer } from '../../src/evidence/files.js';
import { extractEvidence } from '../../src/evidence/pipeline.js';
import { importForeignMarkdown } from '../../src/markdown/import/foreign.import.js';
import { parsePostmortem } from '../../src/markdown/postmortem.parse.js';
import { serializePostmortem } from '../../src/markdown/postmortem.serialize.js';
import { buildReport, reportArb } from '../factories.js';
import { makeZip } from '../zip.js';

/** Longest time one input may take, in ms: far above any normal input of these sizes. */
export const INPUT_BUDGET_MS = 2000;

export interface FuzzTarget {
  name: string;
  arbitrary: fc.Arbitrary<unknown>;
  run(input: unknown): Promise<void> | void;
}

/** Accept an expected refusal (AppError); anything else thrown is a finding. */
function refusalOnly(e: unknown): void {
  if (!isAppError(e)) throw e;
}

async function timed(what: string, work: () => Promise<void> | void): Promise<void> {
  const started = performance.now();
  await work();
  const took = performance.now() - started;
  if (took > INPUT_BUDGET_MS) throw new Error(`${what} took ${Math.round(took)} ms on one input`);
}

// Pieces that make the parsers take their less common paths: structure, tables, emphasis runs, dates.
const MD_PIECES = [
  '---\n',
  'title: T\n',
  'kind: outage\n',
  '# ',
  '## ',
  '### ',
  '#### ',
  '\n',
  '\n\n',
  '| ',
  ' |',
  '| --- |',
  '- ',
  '* ',
  '1. ',
  '12345678901. ',
  '**',
  '__',
  '*',
  '_',
  '`',
  '```\n',
  '<!-- ',
  ' -->',
  '> ',
  '\\',
  '    ',
  '\t',
  'May 30',
  '2024-03-05 14:09',
  '14:09 UTC',
  'Timeline',
  'Action items',
  'Root cause',
  'Owner:',
  'A1: ',
  '[x] ',
  '[link](http://x)',
  'é',
  '😀',
  '\u0000',
  '\r\n',
  ':',
  '...',
  'Z',
  '+02:00',
];
const mdText = fc
  .array(fc.oneof(fc.constantFrom(...MD_PIECES), fc.string({ maxLength: 12 })), { maxLength: 80 })
  .map((parts) => parts.join(''));

const FRONT = serializePostmortem(buildReport());

const LOG_PIECES = [
  '{',
  '}',
  '[',
  ']',
  '"time":',
  '"ts":',
  '"@timestamp":',
  '"level":',
  '"msg":',
  '"message":',
  ',',
  '1e30',
  '-1',
  '1709301600',
  '1709301600000',
  '1709301600000000000',
  '99999999999999999999',
  '"2024-03-01T14:00:00Z"',
  '"x"',
  'null',
  '\n',
  '<13>1 ',
  'Mar  1 14:00:00 host app: ',
  '"create_at":',
  '"createdAt":',
  '"type":"post"',
  '"post":{',
  '"alert":{',
  '"startsAt":',
  '"created_at":',
  'commit ',
  'Date: ',
  '\u0000',
  '\\',
  '"',
];
const logBytes = fc
  .array(fc.oneof(fc.constantFrom(...LOG_PIECES), fc.string({ maxLength: 10 })), { maxLength: 60 })
  .map((parts) => parts.join(''));

async function readAs(
  format: EvidenceFormat | undefined,
  name: string,
  data: Buffer | string,
): Promise<void> {
  try {
    await extractEvidence([{ type: 'file', entry: bufferEntry(name, data) }], format ? { format } : {});
  } catch (e) {
    refusalOnly(e);
  }
}

const SAMPLE_ZIP = makeZip([
  {
    name: 'app.jsonl',
    data: Buffer.from('{"level":"error","time":"2024-03-01T14:00:00Z","msg":"timeout"}\n'),
  },
  {
    name: 'channel/2024-03-01.json',
    data: Buffer.from('[{"type":"message","ts":"1709301600.000100","text":"hi"}]'),
  },
]);

export const TARGETS: FuzzTarget[] = [
  {
    name: 'Postmortem Markdown parser (any text)',
    arbitrary: fc.oneof(
      mdText,
      mdText.map((t) => FRONT + t),
      mdText.map((t) => FRONT.slice(0, FRONT.length / 2) + t),
    ),
    run: (text) =>
      timed('parsePostmortem', () => {
        parsePostmortem(text as string);
      }),
  },
  {
    name: 'Postmortem Markdown round trip (every valid report)',
    // Every report the API's schema accepts, with prose built to look like Markdown structure (factories.ts:
    // list-like digits and dots, indentation, fences, quotes, HTML, trailing spaces and backslashes).
    arbitrary: reportArb,
    run: (report) =>
      timed('round trip', () => {
        const md = serializePostmortem(report as ReturnType<typeof buildReport>);
        const parsed = parsePostmortem(md);
        if (parsed.problems.length > 0)
          throw new Error(
            `the export does not import back: ${parsed.problems[0]!.line}: ${parsed.problems[0]!.message}`,
          );
        if (JSON.stringify(parsed.report) !== JSON.stringify(report))
          throw new Error('the import differs from the report');
      }),
  },
  {
    name: 'foreign Markdown importer',
    arbitrary: mdText,
    run: (text) =>
      timed('importForeignMarkdown', () => {
        try {
          importForeignMarkdown(text as string);
        } catch (e) {
          refusalOnly(e);
        }
      }),
  },
  {
    name: 'evidence readers (each format, and detection)',
    arbitrary: fc.tuple(
      fc.constantFrom<EvidenceFormat | undefined>(undefined, ...EVIDENCE_FORMATS),
      logBytes,
    ),
    run: (input) => {
      const [format, text] = input as [EvidenceFormat | undefined, string];
      return timed(`reader ${format ?? 'detected'}`, () => readAs(format, 'input.jsonl', text));
    },
  },
  {
    name: 'zip opener (random and damaged archives)',
    arbitrary: fc.oneof(
      fc
        .uint8Array({ maxLength: 400 })
        .map((b) => Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.from(b)])),
      fc
        .array(fc.tuple(fc.nat({ max: SAMPLE_ZIP.length - 1 }), fc.integer({ min: 0, max: 255 })), {
          maxLength: 6,
        })
        .map((edits) => {
          const z = Buffer.from(SAMPLE_ZIP);
          for (const [at, byte] of edits) z[at] = byte;
          return z;
        }),
      fc.nat({ max: SAMPLE_ZIP.length }).map((n) => SAMPLE_ZIP.subarray(0, n)),
    ),
    run: (data) =>
      timed('openZipBuffer', async () => {
        try {
          const bundle = await openZipBuffer(data as Buffer, 'fuzz.zip');
          try {
            await extractEvidence([bundle]);
          } finally {
            await bundle.close?.();
          }
        } catch (e) {
          refusalOnly(e);
        }
      }),
  },
];
