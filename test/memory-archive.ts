// A generated archive with known relations and known recurring factors, for the shared-memory tests: pairs of
// reports planted to be related (same system, a similar cause in other words, the same factor category and
// fishbone category) among reports that share some of those things by chance.
import type { ReportInput } from '../src/domain/index.js';

/** A small seedable PRNG (mulberry32), so a failing case can be run again. */
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

const SYLLABLES =
  'ka lo mi ra tu ve zo pe si na ex ban tor lin gar fen mos pol ric dav sul hen tro wix'.split(' ');
const COMMON_WORDS = `service database cache queue deploy config traffic latency errors timeout retry network
region cluster node disk memory load release version upgrade migration certificate proxy gateway payment
checkout login search monitoring dashboard alert capacity limit pool connection thread lock index schema`.split(
  /\s+/,
);
export const SYSTEMS = ['checkout', 'payments', 'search', 'login', 'catalog', 'email', 'billing', 'ledger'];
export const CATEGORIES = ['Capacity', 'Change management', 'Monitoring gaps', 'Dependencies', 'Knowledge'];
const FISHBONE = ['people', 'tools', 'process', 'materials', 'measurement', 'environment'] as const;
const TAGS = ['customer-facing', 'data', 'infra', 'mobile', 'web', 'internal'];

export interface Archive {
  reports: ReportInput[];
  /** Index pairs planted as related. */
  pairs: [number, number][];
}

/** `pairs` planted pairs, each with a near miss, among `noise` other reports. */
export function generateArchive(pairs: number, noise: number, seed = 17): Archive {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const made = new Set<string>();
  const madeUp = () => {
    for (;;) {
      let w = '';
      for (let i = 0; i < 3; i++) w += pick(SYLLABLES);
      if (!made.has(w)) {
        made.add(w);
        return w;
      }
    }
  };
  // Mid-frequency words: each appears in a few reports, planted or not.
  const pool = Array.from({ length: 150 }, madeUp);
  const sentence = (words: string[]) => `The ${words.join(' and ')} failed.`;
  const base = (i: number): ReportInput => {
    const day = new Date(Date.UTC(2023, 0, 1) + Math.floor(rnd() * 700) * 86_400_000)
      .toISOString()
      .slice(0, 10);
    const words = [pick(COMMON_WORDS), pick(COMMON_WORDS), pick(pool), pick(pool), pick(COMMON_WORDS)];
    return {
      kind: 'outage',
      title: `Incident ${i}`,
      severity: `SEV${1 + Math.floor(rnd() * 4)}`,
      period: { start: `${day}T10:00:00Z`, end: `${day}T12:00:00Z` },
      systems: [pick(SYSTEMS)],
      tags: [pick(TAGS)],
      analysis: {
        primaryCause: sentence([pick(COMMON_WORDS), pick(pool), pick(COMMON_WORDS)]),
        factors: [{ id: 'CF1', text: sentence(words), category: pick(CATEGORIES) }],
        fishbone: [{ category: pick(FISHBONE), cause: `${pick(COMMON_WORDS)} ${pick(COMMON_WORDS)}` }],
      },
    };
  };
  const reports: ReportInput[] = [];
  const planted: [number, number][] = [];
  for (let p = 0; p < pairs; p++) {
    const a = base(reports.length);
    const signature = [madeUp(), madeUp(), madeUp(), pick(pool)];
    const category = pick(CATEGORIES);
    const fishbone = pick(FISHBONE);
    const system = pick(SYSTEMS);
    a.systems = [system];
    a.analysis = {
      primaryCause: sentence([signature[0]!, pick(COMMON_WORDS), signature[1]!]),
      factors: [{ id: 'CF1', text: sentence([signature[2]!, pick(COMMON_WORDS), signature[3]!]), category }],
      fishbone: [{ category: fishbone, cause: `${pick(COMMON_WORDS)} ${signature[0]}` }],
    };
    const b = base(reports.length + 1);
    b.systems = [system, pick(SYSTEMS)];
    // The same cause in other words: some of the signature, in another order, among other words.
    b.analysis = {
      primaryCause: sentence([pick(COMMON_WORDS), signature[2]!, pick(pool)]),
      factors: [{ id: 'CF1', text: sentence([signature[1]!, pick(COMMON_WORDS), signature[0]!]), category }],
      fishbone: [{ category: fishbone, cause: `${pick(COMMON_WORDS)} ${pick(pool)}` }],
    };
    b.tags = [pick(TAGS)];
    // A near miss: everything in common with the first but the cause, which shares one word only.
    const decoy = base(reports.length + 2);
    decoy.systems = [system];
    decoy.tags = a.tags;
    decoy.analysis = {
      primaryCause: sentence([pick(COMMON_WORDS), signature[3]!, pick(pool)]),
      factors: [{ id: 'CF1', text: sentence([pick(pool), pick(COMMON_WORDS), pick(pool)]), category }],
      fishbone: [{ category: fishbone, cause: `${pick(COMMON_WORDS)} ${pick(pool)}` }],
    };
    planted.push([reports.length, reports.length + 1]);
    reports.push(a, b, decoy);
  }
  for (let n = 0; n < noise; n++) reports.push(base(reports.length));
  // Shuffle, keeping track of the planted pairs.
  const order = reports.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const where = new Map(order.map((from, to) => [from, to]));
  return {
    reports: order.map((i) => ({ ...reports[i]!, title: `Incident ${where.get(i)}` })),
    pairs: planted.map(([a, b]) => [where.get(a)!, where.get(b)!]),
  };
}
