import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

// Words of the trade, from cspell's maintained dictionaries (software terms and tools, networking, web services,
// computing acronyms, full-stack web terms, company and product names) rather than a list of our own. They are
// plain word lists, one a line, some gzipped; lines starting with # are comments, and cspell's markers for
// forbidden (!) or compound-only (+, *, ~) entries are dropped with the marker.

const require = createRequire(import.meta.url);
const SOURCES: [string, string[]][] = [
  [
    '@cspell/dict-software-terms',
    [
      'dict/softwareTerms.txt.gz',
      'dict/software-tools.txt',
      'dict/networkingTerms.txt',
      'dict/webServices.txt',
      'dict/computing-acronyms.txt',
      'dict/coding-compound-terms.txt',
    ],
  ],
  ['@cspell/dict-k8s', ['dict/k8s.txt']],
  ['@cspell/dict-aws', ['dict/aws.txt']],
  ['@cspell/dict-fullstack', ['dict/fullstack.txt']],
  ['@cspell/dict-companies', ['dict/companies.txt']],
];

// Incident-response words that none of the dictionaries above has (checked against the versions in package.json):
// the old hand list of this linter, minus every word a dictionary now covers. "exfiltration" is here because
// security reports use it and the issue that replaced the hand list saw it flagged. "oncaller" and "on-caller"
// (the person on call, plural too) are here because the Kubernetes test-infra report of the evaluation corpus uses
// "oncaller" and no cspell dictionary has either form (checked: software terms, k8s, aws, fullstack, companies, en_us).
const OPS_WORDS =
  `oncall on-call oncaller oncallers on-caller on-callers failovers rollout rollouts hotfixes autoscaler autoscale healthcheck healthchecks uptime latencies
  sev slos slis slas rca mttr mttd ttd ttr post-mortem post-mortems liveness linters observability add-on add-ons
  nodepool nodepools cloudinit kube-proxy blindspot runup failback exfiltration`.split(/\s+/u);

let terms: Set<string> | undefined;

function packageDir(name: string): string {
  // The packages export only their cspell settings file; the word lists sit beside it.
  return dirname(require.resolve(`${name}/cspell-ext.json`));
}

/** Every term of the bundled cspell dictionaries, lower-cased. Read once per process (about 15 ms). */
export function softwareTerms(): ReadonlySet<string> {
  if (terms) return terms;
  const out = new Set<string>();
  for (const [pkg, files] of SOURCES) {
    const dir = packageDir(pkg);
    for (const file of files) {
      const raw = readFileSync(join(dir, file));
      const text = (file.endsWith('.gz') ? gunzipSync(raw) : raw).toString('utf8');
      for (const line of text.split('\n')) {
        const word = line.trim();
        if (word === '' || word.startsWith('#') || word.startsWith('!')) continue;
        out.add(word.replace(/^[+*~]|[+*]$/gu, '').toLowerCase());
      }
    }
  }
  for (const w of OPS_WORDS) out.add(w);
  terms = out;
  return out;
}
