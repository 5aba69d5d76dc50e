import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePostmortem } from '../postmortem.parse.js';
import { serializePostmortem } from '../postmortem.serialize.js';
import { linkActionsToCauses } from './action-links.js';
import { formatRecognition } from './recognition.js';
import { importForeignMarkdown } from './foreign.import.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

interface Labelled {
  file: string;
  split: 'dev' | 'held-out';
  links: [string, string, string][];
  optional: [string, string, string][];
  unaddressed: Record<string, string>;
}
const labels = JSON.parse(readFileSync(new URL('./fixtures/links/labels.json', import.meta.url), 'utf8')) as {
  reports: Labelled[];
};

const importOf = (file: string) => importForeignMarkdown(readFileSync(`${root}${file}`, 'utf8'), { file });

describe('linkActionsToCauses', () => {
  it('links an action that provides what a factor says is missing', () => {
    const links = linkActionsToCauses(
      [
        { id: 'CF1', text: 'No canary stage for the billing service deploys' },
        { id: 'CF2', text: 'The pager rota had a gap over the holiday' },
      ],
      [{ id: 'A1', title: 'Add a canary stage to billing service deploys' }],
    );
    expect(links.map((l) => [l.action, l.cause])).toEqual([['A1', 'CF1']]);
    expect(links[0]?.reason).toMatch(/canary/);
  });

  it('links one action to each factor it answers, but not to a factor that shares only the system name', () => {
    const two = linkActionsToCauses(
      [
        { id: 'CF1', text: 'Disk usage on the build cache volumes was not monitored' },
        { id: 'CF2', text: 'Build cache volumes filled up because nothing pruned old artifacts' },
        { id: 'CF3', text: 'The release train ran late' },
      ],
      [
        {
          id: 'A1',
          title: 'Prune old artifacts from the build cache volumes nightly and alert on disk usage above 80%',
        },
      ],
    );
    expect(two.map((l) => l.cause)).toEqual(['CF1', 'CF2']);
    const one = linkActionsToCauses(
      [
        { id: 'CF1', text: 'Orders database failover drills were skipped this year' },
        { id: 'CF2', text: 'The orders database replica lag alert had no owner and no runbook' },
      ],
      [{ id: 'A1', title: 'Alert on orders database replica lag, with an owner and a runbook' }],
    );
    expect(one.map((l) => l.cause)).toEqual(['CF2']);
  });

  it('makes no link from one shared common word or a shared system name alone', () => {
    const links = linkActionsToCauses(
      [{ id: 'CF1', text: 'QA config differs from production' }],
      [
        { id: 'A1', title: 'Add coverage for the mailer to the QA test suite' },
        { id: 'A2', title: 'Improve the process and ensure it is better' },
      ],
    );
    expect(links).toEqual([]);
  });

  it('ignores link targets and URLs, which name no cause', () => {
    const links = linkActionsToCauses(
      [{ id: 'CF1', text: 'See https://example.com/storage/quota/limits for the storage quota limits' }],
      [{ id: 'A1', title: 'Write the [runbook](https://example.com/storage/quota/limits)' }],
    );
    expect(links).toEqual([]);
  });

  it('links an action to at most five causes, and nothing at all past the pair limit, quickly', () => {
    const causes = Array.from({ length: 60 }, (_, i) => ({
      id: `CF${i + 1}`,
      text: 'No canary stage for the billing service deploys',
    }));
    const links = linkActionsToCauses(causes, [
      { id: 'A1', title: 'Add a canary stage to billing service deploys' },
    ]);
    expect(links).toHaveLength(5);
    const many = Array.from({ length: 1000 }, (_, i) => ({
      id: `CF${i + 1}`,
      text: 'No canary stage for billing',
    }));
    const actions = many.map((c, i) => ({ id: `A${i + 1}`, title: 'Add a canary stage for billing' }));
    const started = performance.now();
    expect(linkActionsToCauses(many, actions)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('returns nothing when there are no causes or no actions', () => {
    expect(linkActionsToCauses([], [{ id: 'A1', title: 'Add a canary' }])).toEqual([]);
    expect(linkActionsToCauses([{ id: 'RC', text: 'No canary' }], [])).toEqual([]);
  });
});

describe('import: actions linked to the causes they address', () => {
  it('writes the links as Addresses, says why in the recognition report, and keeps them through a round trip', () => {
    const src = [
      '# Checkout errors',
      '',
      '## Contributing factors',
      '',
      '- No rate limit on the coupon validation endpoint',
      '- The dashboards for checkout latency were in a folder nobody watched',
      '',
      '## Action items',
      '',
      '- Add a rate limit to the coupon validation endpoint',
      '- Buy the team lunch',
      '',
    ].join('\n');
    const { report, recognition } = importForeignMarkdown(src);
    expect(report.actions.items.map((a) => a.addresses)).toEqual([['CF1'], []]);
    expect(recognition.links).toEqual([
      { action: 'A1', cause: 'CF1', reason: expect.stringMatching(/rate limit/) },
    ]);
    expect(formatRecognition(recognition)).toMatch(/A1 → CF1: .*rate/);
    const again = parsePostmortem(serializePostmortem(report));
    expect(again.problems).toEqual([]);
    expect(again.report?.actions.items.map((a) => a.addresses)).toEqual([['CF1'], []]);
  });
});

// The labelled set: precision and recall of the links, and how many causes with no action the rule still
// finds, on the development reports and on the held-out ones (scored, never tuned to).
describe('links on the labelled reports', () => {
  const score = (split: Labelled['split']) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let gaps = 0;
    let gapsFound = 0;
    let falseGaps = 0;
    for (const r of labels.reports.filter((x) => x.split === split)) {
      const { report, recognition } = importOf(r.file);
      const key = (c: string, a: string) => `${c}>${a}`;
      const gold = new Set(r.links.map(([c, a]) => key(c, a)));
      const optional = new Set(r.optional.map(([c, a]) => key(c, a)));
      const made = new Set(recognition.links.map((l) => key(l.cause, l.action)));
      for (const k of made) {
        if (gold.has(k)) tp += 1;
        else if (!optional.has(k)) fp += 1;
      }
      for (const k of gold) if (!made.has(k)) fn += 1;
      const addressed = new Set(report.actions.items.flatMap((a) => a.addresses));
      const causes = [
        ...(report.analysis.primaryCause ? ['RC'] : []),
        ...report.analysis.factors.map((f) => f.id),
      ];
      for (const id of causes) {
        if (id in r.unaddressed) {
          gaps += 1;
          if (!addressed.has(id)) gapsFound += 1;
        } else if (!addressed.has(id)) falseGaps += 1;
      }
    }
    return {
      split,
      links: tp + fn,
      made: tp + fp,
      precision: tp / Math.max(1, tp + fp),
      recall: tp / Math.max(1, tp + fn),
      gaps,
      gapsFound,
      falseGaps,
    };
  };

  it('prints precision and recall for both halves and keeps them', () => {
    const dev = score('dev');
    const held = score('held-out');
    for (const s of [dev, held])
      console.log(
        `action→cause links (${s.split}): ${s.made} made, ${s.links} labelled; precision ${s.precision.toFixed(2)}, recall ${s.recall.toFixed(2)}; causes no action addresses: ${s.gapsFound} of ${s.gaps} still flagged; addressed causes still flagged: ${s.falseGaps}`,
      );
    expect(dev.precision).toBeGreaterThanOrEqual(0.9);
    expect(dev.recall).toBeGreaterThanOrEqual(0.8);
    expect(held.precision).toBeGreaterThanOrEqual(0.9);
    expect(held.recall).toBeGreaterThanOrEqual(0.8);
  });
});
