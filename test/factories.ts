// Builders for tests: plain report builders and fast-check arbitraries that exercise every optional field.
import fc from 'fast-check';
import {
  ACTION_CATEGORIES,
  ACTION_PRIORITIES,
  ACTION_STATUSES,
  BARRIER_STATUSES,
  BASES,
  DETECTION_METHODS,
  EVENT_KINDS,
  FINANCIAL_KINDS,
  FISHBONE_CATEGORIES,
  formatInstant,
  IMPACT_CATEGORIES,
  LIFECYCLE_STATES,
  lineSchema,
  MATERIAL_KINDS,
  REPORT_KINDS,
  reportSchema,
  textSchema,
  VERIFICATION_RESULTS,
  type Report,
  type ReportInput,
} from '../src/domain/index.js';

/** A complete, valid report with every section filled in, for tests that need realistic content. */
export function buildReport(overrides: Partial<ReportInput> = {}): Report {
  return reportSchema.parse({
    id: 'PM-2024-007',
    title: 'Checkout unavailable after payment gateway upgrade',
    kind: 'outage',
    state: 'draft',
    severity: 'SEV2',
    period: { start: '2024-03-05T14:02:00Z', end: '2024-03-05T16:31:00Z', timezone: 'Europe/Berlin' },
    detection: 'automated',
    authors: ['Robin Example'],
    facilitator: 'Sam Example',
    reviewers: ['Kim Example'],
    involved: ['Robin Example', 'Lee Example'],
    tags: ['payments', 'checkout'],
    systems: ['checkout-api', 'payment-gateway'],
    summary: {
      whatHappened: 'Checkout returned errors for 2 h 29 min after a gateway client upgrade.',
      impact: 'About 4,100 orders failed; an estimated 61,000 EUR of revenue was delayed or lost.',
      coreIssue: 'The new client library rejected the gateway certificate chain used in production.',
      keyLessons: 'Staging did not use the production certificate chain.',
      nextSteps: 'Mirror the production chain in staging and add a synthetic checkout probe by 2024-04-15.',
    },
    details: {
      timeline: [
        {
          at: '2024-03-05T14:02:00Z',
          kind: 'other',
          text: 'Gateway client 5.2 deployed',
          source: 'deploy log',
        },
        {
          at: '2024-03-05T14:09:00Z',
          kind: 'detected',
          text: 'Error-rate alert fired for checkout-api',
          actor: 'Alertmanager',
        },
        {
          at: '2024-03-05T14:12:00Z',
          kind: 'responded',
          text: 'On-call engineer acknowledged the page',
          actor: 'PagerDuty',
        },
        { at: '2024-03-05T15:40:00Z', kind: 'mitigated', text: 'Rolled back to client 5.1', evidence: 'M1' },
        { at: '2024-03-05T16:31:00Z', kind: 'resolved', text: 'Error rate back to baseline for 30 minutes' },
      ],
      severityRationale: 'A core purchase path failed for most customers.',
      affected: 'checkout-api and every web and mobile client that pays by card.',
      howFound: 'An error-rate alert, 7 minutes after the deploy.',
      stepsTaken: 'Rolled back the client library, then replayed failed payment intents.',
    },
    impact: {
      financial: [
        {
          kind: 'lost_revenue',
          description: 'Orders not completed',
          amount: 61000,
          currency: 'EUR',
          basis: 'estimate',
        },
        {
          kind: 'cost',
          description: 'Gateway retry fees',
          amount: 1250.5,
          currency: 'EUR',
          basis: 'confirmed',
        },
      ],
      figures: [
        { category: 'customer', measure: 'failed orders', value: 4100, unit: 'orders', basis: 'confirmed' },
        { category: 'operational', measure: 'downtime', value: 149, unit: 'minutes', basis: 'confirmed' },
      ],
      operational: 'Checkout was unavailable for 149 minutes.',
      customer: '4,100 customers saw a payment error.',
    },
    analysis: {
      primaryCause:
        'Staging used a different certificate chain from production, so the upgrade was never tested against it.',
      factors: [
        { id: 'CF1', text: 'No synthetic checkout probe ran after deploys' },
        { id: 'CF2', text: 'The rollback procedure needed a manual approval step' },
      ],
      causalChain: 'The upgrade passed staging, met the production chain, and failed every TLS handshake.',
      fiveWhys: [
        {
          problem: 'Why did checkout fail?',
          steps: [
            { question: 'Why did payments fail?', answer: 'TLS handshakes to the gateway failed' },
            {
              question: 'Why did handshakes fail?',
              answer: 'The client rejected the intermediate certificate',
            },
            { question: 'Why was it not caught?', answer: 'Staging used another chain' },
          ],
          conclusion: 'Environments drift because their certificates are managed by hand',
        },
      ],
      fishbone: [
        {
          category: 'environment',
          cause: 'Certificate chains differ between environments',
          subCauses: ['Manual renewal'],
        },
      ],
      barriers: [{ barrier: 'Staging tests', status: 'failed', why: 'Different certificate chain' }],
      changes: [
        {
          at: '2024-03-05T14:02:00Z',
          change: 'Gateway client 5.1 → 5.2',
          source: 'git',
          link: 'https://git.example/commit/abc',
        },
      ],
    },
    lessons: {
      wentWell: [{ id: 'L1', text: 'The alert fired within 7 minutes' }],
      wentWrong: [{ id: 'L2', text: 'Rollback waited 60 minutes for approval' }],
      couldImprove: [{ id: 'L3', text: 'Automate certificate distribution' }],
      lucky: [{ id: 'L4', text: 'The incident happened outside the evening peak' }],
    },
    actions: {
      items: [
        {
          id: 'A1',
          title: 'Use the production certificate chain in staging',
          category: 'systemic',
          priority: 'high',
          owner: 'Platform team',
          deadline: '2024-04-15',
          status: 'in_progress',
          addresses: ['RC'],
          successCriterion: 'A chain mismatch fails the staging pipeline',
          tracker: 'https://tracker.example/PLAT-12',
        },
        {
          id: 'A2',
          title: 'Add a synthetic checkout probe after each deploy',
          category: 'immediate',
          priority: 'critical',
          owner: 'Checkout team',
          deadline: '2024-03-20',
          status: 'completed',
          addresses: ['CF1', 'CF2'],
          successCriterion: 'Probe failure pages on-call within 2 minutes',
          verificationPlan: { how: 'Count bad deploys the probe catches in a month', by: '2024-04-20' },
          verification: {
            result: 'effective',
            on: '2024-04-02',
            by: 'Kim Example',
            notes: 'Caught a bad deploy on 2024-03-30',
            evidence: ['https://ci.example/runs/981', 'M1'],
          },
        },
      ],
    },
    materials: {
      items: [{ id: 'M1', kind: 'log', title: 'Rollback log', link: 'https://logs.example/q/rollback' }],
      appendices: [
        { id: 'A', title: 'Error sample', content: 'x509: certificate signed by unknown authority' },
      ],
    },
    ...overrides,
  });
}

// ── arbitraries ───────────────────────────────────────────────────────────────────────────────────

// Characters that have meaning in Markdown, YAML or our own format, mixed with ordinary and non-ASCII text.
const TRICKY = [
  '1. ',
  '12345678901. ',
  '1) ',
  '+ ',
  '~~~',
  '```',
  '<div>',
  '</p>',
  '\\',
  '|',
  '\\',
  '\\|',
  '#',
  '## ',
  '### ',
  '*',
  '**',
  '_',
  '`',
  '-',
  '- ',
  ':',
  ': ',
  '<!--',
  '-->',
  '<!-- x -->',
  '[',
  ']',
  '(',
  ')',
  '"',
  "'",
  '---',
  '!',
  '&',
  '%',
  '@',
  '{',
  '}',
  '>',
  'unknown',
  'é',
  'ß',
  '漢字',
  '😀',
  '\u00a0',
  'null',
  'true',
  '1e3',
  '0x1F',
  '2024-01-01',
  ' ',
];

const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 4, arbitrary: fc.string({ minLength: 1, maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }) },
);

/** Any valid single-line field value. */
export const lineArb: fc.Arbitrary<string> = fc
  .array(piece, { minLength: 1, maxLength: 8 })
  .map((parts) =>
    parts
      .join('')
      .replaceAll(/[\n\r\t\u2028\u2029]/g, ' ')
      .trim(),
  )
  .filter((s) => lineSchema.safeParse(s).success);

// How a one-line value may start: everything the parser reads by a leading marker in a list item, a field line
// or a table cell (a factor's [category], task boxes, ids, field labels, times, headings, comments, escapes).
const VALUE_STARTS = [
  '[Network] ',
  '[x] ',
  '[ ] ',
  '[ x ] ',
  '[a] [b] ',
  '[a] (b) ',
  '[runbook](https://x.example) ',
  '[',
  '(',
  '\\[',
  '\\[Network] ',
  '\\\\[x] ',
  '\\(',
  '- [ ] ',
  '**CF9** ',
  '**L9** ',
  '**Owner:** ',
  'Owner: ',
  '**Conclusion:** ',
  '**People:** ',
  'A2: ',
  'Appendix B: ',
  '~',
  '~2024-01-01 10:00 ',
  'unknown ',
  '# ',
  '#### ',
  '<!-- ',
  '<!-- x --> ',
  '| ',
  '- ',
];

/** A one-line value that often starts with a marker the Postmortem Markdown parser reads. */
const markedLineArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: lineArb },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...VALUE_STARTS), fc.oneof(fc.constant(''), lineArb))
      .map(([start, rest]) => (start + rest).trim())
      .filter((s) => lineSchema.safeParse(s).success),
  },
);

/** A contributing factor's category: a line of at most 80 characters without square brackets. */
const factorCategoryArb = fc.oneof(
  fc.constantFrom('Network', 'Capacity', 'People (on call)', 'x', '(a)', '\\'),
  lineArb.filter((s) => s.length <= 80 && !/[[\]]/.test(s)),
);

// How a line of prose may start: everything Markdown or our format could read as structure (list items with
// many digits, code by indentation, headings, quotes, rules, fences, tables, HTML, comments).
const LINE_STARTS = [
  '',
  '1. ',
  '1.',
  '12345678901. ',
  '1234567890.',
  '1) ',
  '12345678901)',
  '0.5 ',
  '... ',
  '. . . ',
  '1.2.3. ',
  '# ',
  '## ',
  '### ',
  '#### ',
  '#',
  '\\# ',
  '\\\\## ',
  '> ',
  '>',
  '- ',
  '* ',
  '+ ',
  '-',
  '| ',
  '|',
  '---',
  '***',
  '___',
  '===',
  '```',
  '```js',
  '~~~',
  '<div>',
  '</div>',
  '<br>',
  '<!-- ',
  '<!-- note -->',
  '-->',
  '[x] ',
  '- [ ] ',
  '\u00a0',
  '\u00a0\u00a0\u00a0\u00a0',
  ' ',
  '  ',
  '   ',
  '    ',
  '     ',
  '\t',
  '\t\t',
  ' \t',
  '  1. ',
  '    - ',
  '\t# ',
];
// How it may end: trailing spaces (a hard break), a backslash (another), NBSP, tabs, emphasis, pipes.
const LINE_ENDS = [
  '',
  '',
  '',
  ' ',
  '  ',
  '   ',
  '\\',
  '\\\\',
  '\u00a0',
  '\t',
  ' |',
  '**',
  '_',
  '`',
  ' #',
  ' ##',
];

// Long runs of one such start: many digits or dots (not list markers), deep indentation (code, not nesting),
// and real markers repeated past the schema's nesting limit (which the schema must then refuse).
const longRun = fc
  .tuple(
    fc.constantFrom(
      '1',
      '9',
      '.',
      ' ',
      '\t',
      '\u00a0',
      '1.',
      '12345678901.',
      '1. ',
      '1) ',
      '> ',
      '- ',
      '>',
      '+ ',
    ),
    fc.integer({ min: 1, max: 700 }),
  )
  .map(([piece, n]) => piece.repeat(n));

const hostileLine = fc
  .tuple(
    fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...LINE_STARTS) }, { weight: 1, arbitrary: longRun }),
    fc.oneof(
      fc.constant(''),
      fc.stringMatching(/^[0-9. )\t]{1,24}[a-z]{0,4}$/),
      lineArb,
      fc.string({ maxLength: 12 }),
    ),
    fc.constantFrom(...LINE_ENDS),
  )
  .map(([start, body, end]) => start + body + end);

const proseLine = fc.oneof(
  { weight: 2, arbitrary: lineArb },
  { weight: 5, arbitrary: hostileLine },
  { weight: 1, arbitrary: fc.constantFrom('', '', '   ', '\t', '\u00a0') },
);

// Line ends the schema refuses (CR, the Unicode separators) are generated too, rarely: the property is about
// whatever the API accepts, so the filter below is the API's own rule.
const lineBreak = fc.oneof(
  { weight: 30, arbitrary: fc.constant('\n') },
  { weight: 1, arbitrary: fc.constantFrom('\r\n', '\r', '\u2028', '\u2029') },
);

/** Any valid multi-line prose value, with lines that look like Markdown structure. */
export const textArb: fc.Arbitrary<string> = fc
  .array(fc.tuple(proseLine, lineBreak), { minLength: 1, maxLength: 8 })
  .map((lines) =>
    lines
      .map(([l, br]) => l + br)
      .join('')
      .trim(),
  )
  .filter((s) => textSchema.safeParse(s).success);

const instantArb = fc
  .tuple(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2099, 11, 31) }), fc.boolean())
  .map(([ms, keepMs]) => formatInstant(keepMs ? ms : ms - (ms % 60_000)));

const dateArb = fc
  .integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2099, 11, 31) })
  .map((ms) => new Date(ms).toISOString().slice(0, 10));

const numberArb = fc.oneof(
  fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (Object.is(n, -0) ? 0 : n)),
);

const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined, freq: 3 });
const list = <T>(arb: fc.Arbitrary<T>, max = 4) => fc.array(arb, { maxLength: max });

/** Remove keys whose value is undefined, as the schema's output has them. */
function clean<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clean) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, clean(v)]),
    ) as T;
  }
  return value;
}

const withIds = <T extends object>(items: T[], prefix: string, start = 1) =>
  items.map((item, i) => ({ id: `${prefix}${start + i}`, ...item }));

/** Any valid report, with every optional field sometimes present and sometimes absent. */
export const reportArb: fc.Arbitrary<Report> = fc
  .record({
    id: opt(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/)),
    title: lineArb,
    kind: fc.constantFrom(...REPORT_KINDS),
    state: fc.constantFrom(...LIFECYCLE_STATES),
    severity: opt(lineArb),
    period: fc.record({
      start: opt(instantArb),
      end: opt(instantArb),
      timezone: fc.constantFrom('UTC', 'Europe/Copenhagen', 'America/Los_Angeles', 'Asia/Kolkata'),
    }),
    detection: opt(fc.constantFrom(...DETECTION_METHODS)),
    authors: list(lineArb),
    facilitator: opt(lineArb),
    reviewers: list(lineArb),
    involved: list(lineArb),
    tags: list(lineArb),
    systems: list(lineArb),
    visibility: fc.constantFrom('internal', 'restricted' as const),
    members: list(lineArb),
    related: list(lineArb),
    internal: fc.uniqueArray(
      fc.constantFrom(
        'impact.team',
        'summary.notes',
        'A1',
        'CF2',
        'M1',
        'appendix.B',
        'details.timeline.0',
        'impact.financial.1',
        'impact.figures.0',
        'analysis.barriers.0',
        'analysis.changes.2',
        'analysis.fishbone.0',
        'analysis.fiveWhys.1',
        'analysis.fiveWhys.0.steps.2',
        'analysis.fishbone.1.subCauses.0',
        'authors.0',
        'involved.1',
        'tags.0',
        'systems.2',
        'related.0',
      ),
      {
        maxLength: 6,
      },
    ),
    recurrenceOf: opt(list(fc.constantFrom('pm-1', 'db.2024-03', 'A_b-9'))),
    summary: fc.record({
      whatHappened: opt(textArb),
      impact: opt(textArb),
      coreIssue: opt(textArb),
      keyLessons: opt(textArb),
      nextSteps: opt(textArb),
      notes: opt(textArb),
    }),
    details: fc.record({
      timeline: list(
        fc
          .record({
            at: fc.option(instantArb, { nil: null }),
            approximate: opt(fc.constant(true as const)),
            // A rough end only exists with an end: the Time cell writes `~` before the end it marks.
            span: opt(fc.record({ end: instantArb, endApproximate: opt(fc.constant(true as const)) })),
            kind: fc.constantFrom(...EVENT_KINDS),
            text: markedLineArb,
            actor: opt(markedLineArb),
            source: opt(markedLineArb),
            evidence: opt(markedLineArb),
          })
          .map(({ span, ...event }) => ({ ...event, ...span })),
        6,
      ),
      severityRationale: opt(textArb),
      affected: opt(textArb),
      howFound: opt(textArb),
      stepsTaken: opt(textArb),
      notes: opt(textArb),
    }),
    impact: fc.record({
      financial: list(
        fc.record({
          kind: fc.constantFrom(...FINANCIAL_KINDS),
          description: opt(markedLineArb),
          amount: numberArb,
          currency: fc.constantFrom('USD', 'EUR', 'DKK', 'JPY'),
          basis: fc.constantFrom(...BASES),
        }),
      ),
      figures: list(
        fc.record({
          category: fc.constantFrom(...IMPACT_CATEGORIES),
          measure: markedLineArb,
          value: numberArb,
          unit: opt(markedLineArb),
          basis: fc.constantFrom(...BASES),
        }),
      ),
      operational: opt(textArb),
      reputational: opt(textArb),
      customer: opt(textArb),
      team: opt(textArb),
      notes: opt(textArb),
    }),
    analysis: fc.record({
      primaryCause: opt(textArb),
      factors: list(fc.record({ text: markedLineArb, category: opt(factorCategoryArb) })).map((f) =>
        withIds(f, 'CF'),
      ),
      causalChain: opt(textArb),
      fiveWhys: list(
        fc.record({
          problem: markedLineArb,
          steps: list(fc.record({ question: opt(markedLineArb), answer: markedLineArb }), 6),
          conclusion: opt(markedLineArb),
        }),
        3,
      ),
      fishbone: list(
        fc.record({
          category: fc.constantFrom(...FISHBONE_CATEGORIES),
          cause: markedLineArb,
          subCauses: list(markedLineArb, 3),
        }),
      ),
      barriers: list(
        fc.record({
          barrier: markedLineArb,
          status: fc.constantFrom(...BARRIER_STATUSES),
          why: opt(markedLineArb),
        }),
      ),
      changes: list(
        fc.record({
          at: opt(instantArb),
          change: markedLineArb,
          source: opt(markedLineArb),
          link: opt(markedLineArb),
        }),
      ),
      notes: opt(textArb),
    }),
    lessons: fc
      .record({
        wentWell: list(fc.record({ text: markedLineArb })),
        wentWrong: list(fc.record({ text: markedLineArb })),
        couldImprove: list(fc.record({ text: markedLineArb })),
        lucky: list(fc.record({ text: markedLineArb })),
        notes: opt(textArb),
      })
      .map((l) => {
        let n = 1;
        const ids = <T extends object>(items: T[]) => items.map((item) => ({ id: `L${n++}`, ...item }));
        return {
          ...l,
          wentWell: ids(l.wentWell),
          wentWrong: ids(l.wentWrong),
          couldImprove: ids(l.couldImprove),
          lucky: ids(l.lucky),
        };
      }),
    actions: fc.record({
      items: list(
        fc.record({
          title: markedLineArb,
          details: opt(markedLineArb),
          category: opt(fc.constantFrom(...ACTION_CATEGORIES)),
          priority: opt(fc.constantFrom(...ACTION_PRIORITIES)),
          owner: opt(markedLineArb),
          deadline: opt(dateArb),
          status: fc.constantFrom(...ACTION_STATUSES),
          addresses: list(fc.constantFrom('RC', 'CF1', 'CF2', 'L1', 'L3')),
          successCriterion: opt(markedLineArb),
          tracker: opt(markedLineArb),
          verificationPlan: opt(fc.record({ how: markedLineArb, by: opt(dateArb) })),
          verification: opt(
            fc.record({
              result: fc.constantFrom(...VERIFICATION_RESULTS),
              on: opt(dateArb),
              by: opt(markedLineArb),
              notes: opt(markedLineArb),
              evidence: opt(
                fc.array(
                  fc.constantFrom('https://grafana.example/d/abc?from=1,2', 'M1', 'https://ci.example/run/7'),
                  { minLength: 1, maxLength: 3 },
                ),
              ),
            }),
          ),
          declinedReason: opt(markedLineArb),
        }),
      ).map((items) => withIds(items, 'A')),
      notes: opt(textArb),
    }),
    materials: fc.record({
      items: list(
        fc.record({
          kind: fc.constantFrom(...MATERIAL_KINDS),
          title: markedLineArb,
          link: opt(markedLineArb),
          description: opt(markedLineArb),
        }),
      ).map((items) => withIds(items, 'M')),
      appendices: list(fc.record({ title: markedLineArb, content: opt(textArb) }), 3).map((items) =>
        items.map((a, i) => ({ id: String.fromCharCode(65 + i), ...a })),
      ),
      notes: opt(textArb),
    }),
  })
  .map((r) => reportSchema.parse(clean(r)));
