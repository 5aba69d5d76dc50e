// Deterministic generator of realistic-looking reports for benchmarks: the same seed gives the same reports.
import type { ReportInput } from '../src/domain/index.js';

/** A small, fast, seedable PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Function words are everywhere; search drops them. Domain words come in themes, so each appears in a few
// per cent of reports, as words like "database" or "certificate" do in a real collection.
const FUNCTION_WORDS =
  'the a of to and in was for on with that by from at as after when during which were not this an'.split(' ');
const DOMAIN =
  `service database cache queue deploy deployment config configuration traffic latency errors error alert alerts
customers users requests timeout timeouts retry retries network region cluster node nodes disk memory cpu load
rollback release version upgrade migration certificate dns proxy gateway api payment checkout login search
monitoring dashboard on-call engineer team incident outage degraded failed failure recovered restored mitigated`.split(
    /\s+/,
  );
const SYLLABLES =
  'ka lo mi ra tu ve zo pe si na qu ex ban tor lin gar fen mos pol ric dav sul hen tro wix'.split(' ');

/** The searchable words: real incident terms followed by made-up ones, `size` in all. */
export function vocabulary(size = 4000, seed = 7): string[] {
  const rnd = prng(seed);
  const words = new Set(DOMAIN);
  while (words.size < size) {
    const n = 2 + Math.floor(rnd() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLLABLES[Math.floor(rnd() * SYLLABLES.length)];
    if (!FUNCTION_WORDS.includes(w)) words.add(w);
  }
  return [...words];
}

/** The theme words of a report: three themes of 60 words each. */
function themeOf(rnd: () => number, vocab: string[]): string[] {
  const out: string[] = [];
  for (let t = 0; t < 3; t++) {
    const start = Math.floor(rnd() * vocab.length);
    for (let k = 0; k < 60; k++) out.push(vocab[(start + k * 67) % vocab.length]!);
  }
  return out;
}

/** A search query as a person types it: one or two domain words, now and then with a function word. */
export function generateQuery(rnd: () => number, vocab: string[]): string {
  const w = () => vocab[Math.floor(rnd() * vocab.length)]!;
  const words = rnd() < 0.5 ? [w()] : [w(), w()];
  if (rnd() < 0.1) words.unshift(FUNCTION_WORDS[Math.floor(rnd() * FUNCTION_WORDS.length)]!);
  return words.join(' ');
}

/** A word that occurs in 95% of generated reports (not a stop word). */
export const COMMON_WORD = 'platform';

const pad = (n: number) => String(n).padStart(2, '0');

/** Generate report number `i`: every section has text, a timeline, action items, tags and people. */
export function generateReport(i: number, vocab: string[], rnd: () => number): ReportInput {
  const theme = themeOf(rnd, vocab);
  const words = (n: number) => {
    const out: string[] = [];
    for (let k = 0; k < n; k++) {
      out.push(
        rnd() < 0.4
          ? FUNCTION_WORDS[Math.floor(rnd() * FUNCTION_WORDS.length)]!
          : theme[Math.floor(rnd() * theme.length)]!,
      );
    }
    const s = out.join(' ');
    return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
  };
  const day = new Date(Date.UTC(2020, 0, 1) + (i % 2000) * 86_400_000);
  const date = `${day.getUTCFullYear()}-${pad(day.getUTCMonth() + 1)}-${pad(day.getUTCDate())}`;
  const at = (h: number, m: number) => `${date}T${pad(h)}:${pad(m)}:00Z`;
  const kinds = ['outage', 'security', 'launch', 'project', 'success', 'other'] as const;
  const owners = ['Team Atlas', 'Team Borealis', 'Team Cygnus', 'Team Draco', 'Team Eridanus'];
  return {
    kind: kinds[i % kinds.length]!,
    title: `${words(5).slice(0, -1)} (#${i})`,
    severity: `SEV${1 + (i % 4)}`,
    period: { start: at(10, 0), end: at(12, 30) },
    tags: [vocab[i % 50]!, vocab[50 + (i % 30)]!],
    systems: [vocab[100 + (i % 40)]!],
    authors: [owners[i % owners.length]!],
    visibility: i % 20 === 0 ? 'restricted' : 'internal',
    members: i % 20 === 0 ? ['team.atlas@example.test'] : [],
    // One word in 19 of every 20 reports: the hardest common word a search meets (see COMMON_WORD).
    summary: {
      whatHappened: i % 20 === 19 ? words(30) : `${words(30)} The ${COMMON_WORD} was affected.`,
      impact: words(15),
      coreIssue: words(12),
    },
    details: {
      timeline: [
        { at: at(10, 0), kind: 'detected', text: words(8) },
        { at: at(10, 12), kind: 'responded', text: words(8) },
        { at: at(11, 5), kind: 'mitigated', text: words(8) },
        { at: at(12, 30), kind: 'resolved', text: words(8) },
      ],
      stepsTaken: words(40),
    },
    analysis: { primaryCause: words(25), factors: [{ id: 'CF1', text: words(10) }], causalChain: words(40) },
    lessons: { wentWell: [{ id: 'L1', text: words(10) }], wentWrong: [{ id: 'L2', text: words(10) }] },
    actions: {
      items: [
        {
          id: 'A1',
          title: words(6).slice(0, -1),
          owner: owners[(i + 1) % owners.length],
          deadline: date,
          addresses: ['RC'],
        },
        {
          id: 'A2',
          title: words(6).slice(0, -1),
          owner: owners[(i + 2) % owners.length],
          status: 'completed',
        },
      ],
    },
  };
}
