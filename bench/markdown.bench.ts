// Parse, validate and serialize a ~200 KB Postmortem Markdown report. Target: median ≤ 20 ms.
// Baseline in the same run: JSON.parse + JSON.stringify of the same model, so a slow machine shows as a ratio.
// The code under test is the compiled output in dist/ (what the `hindsight` command runs), built by `npm run bench`.
import { reportSchema, type Report } from '../src/domain/index.js';
import type * as DomainModule from '../src/domain/index.js';
import type * as ParseModule from '../src/markdown/postmortem.parse.js';
import type * as SerializeModule from '../src/markdown/postmortem.serialize.js';
import { buildReport } from '../test/factories.js';

type Domain = typeof DomainModule;
type Parse = typeof ParseModule;
type Serialize = typeof SerializeModule;
const dist = new URL('../dist/', import.meta.url);
const { checkReport } = (await import(new URL('domain/index.js', dist).href)) as Domain;
const { parsePostmortem } = (await import(new URL('markdown/postmortem.parse.js', dist).href)) as Parse;
const { serializePostmortem } = (await import(
  new URL('markdown/postmortem.serialize.js', dist).href
)) as Serialize;

function bigReport(targetBytes: number): Report {
  const r = buildReport();
  const base = Date.parse('2024-03-05T14:00:00Z');
  let i = 0;
  while (Buffer.byteLength(serializePostmortem(r)) < targetBytes) {
    for (let k = 0; k < 50; k += 1, i += 1) {
      r.details.timeline.push({
        at: new Date(base + i * 20_000).toISOString().replace('.000Z', 'Z'),
        kind: i % 17 === 0 ? 'mitigated' : 'investigating',
        text: `Checked shard ${i} of the payment ledger; replication lag was ${i % 90} s and error rate ${(i % 7) / 10} %`,
        actor: `responder-${i % 9}`,
        source: 'slack #inc-checkout',
      });
    }
    r.actions.items.push({
      id: `A${r.actions.items.length + 1}`,
      title: `Follow-up ${i}: add an alert on ledger shard lag above 60 s`,
      category: 'systemic',
      priority: 'medium',
      owner: 'Payments team',
      deadline: '2024-05-01',
      status: 'open',
      addresses: ['CF1'],
      successCriterion: 'A lag above 60 s pages within 2 minutes in a drill',
    });
    r.materials.appendices.push({
      id:
        String.fromCharCode(66 + (r.materials.appendices.length % 24)) +
        (r.materials.appendices.length >= 24 ? 'Z' : ''),
      title: `Log excerpt ${i}`,
      content: Array.from(
        { length: 20 },
        (_, j) =>
          `2024-03-05T14:${String(j).padStart(2, '0')}:00Z ERROR ledger shard ${i} timeout after 30000 ms`,
      ).join('\n'),
    });
  }
  return reportSchema.parse(r);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
};

function time(fn: () => void, runs: number): number[] {
  for (let i = 0; i < 20; i += 1) fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const t = performance.now();
    fn();
    out.push(performance.now() - t);
  }
  return out;
}

const report = bigReport(200 * 1024);
const md = serializePostmortem(report);
const json = JSON.stringify(report);
const runs = 60;

const ours = time(() => {
  const parsed = parsePostmortem(md);
  if (!parsed.report) throw new Error(`bench report did not parse: ${parsed.problems[0]?.message}`);
  checkReport(parsed.report);
  serializePostmortem(parsed.report);
}, runs);
const baseline = time(() => {
  JSON.stringify(JSON.parse(json));
}, runs);

const m = median(ours);
const b = median(baseline);
console.log(
  `report size:                      ${(md.length / 1024).toFixed(0)} KB Markdown, ${report.details.timeline.length} events, ${report.actions.items.length} actions`,
);
console.log(
  `parse + validate + serialize:     median ${m.toFixed(2)} ms over ${runs} runs (target ≤ 20 ms) ${m <= 20 ? 'PASS' : 'FAIL'}`,
);
console.log(`baseline JSON.parse+stringify:    median ${b.toFixed(2)} ms`);
console.log(`ratio to baseline:                ${(m / b).toFixed(1)}×`);
if (m > 20) process.exitCode = 1;
