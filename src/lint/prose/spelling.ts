import dictionaryEn from 'dictionary-en';
import nspell, { type NSpell } from 'nspell';
import type { PluginMessage } from './analyse.js';
import type { PeopleIndex } from './people.js';

// Words of the trade that general dictionaries lack; a project adds its own in `words.dictionary`.
const TECH = new Set(
  `kubernetes k8s kubectl kubelet etcd coredns containerd dockerd docker dockershim helm istio envoy nginx haproxy
  redis memcached postgres postgresql mysql mariadb mongodb cassandra kafka rabbitmq zookeeper elasticsearch opensearch
  kibana grafana prometheus alertmanager pagerduty opsgenie statuspage datadog sentry splunk cloudwatch cloudfront
  terraform ansible jenkins github gitlab bitbucket circleci argocd fluentd fluentbit logstash loki jaeger
  aws gcp azure eks gke aks ec2 s3 rds iam vpc lambda dynamodb sqs sns ecs fargate route53 cdn dns
  api apis sdk sdks cli json yaml toml csv http https tcp udp tls ssl url urls uri ip ipv4 ipv6 cidr subnet subnets
  frontend backend middleware microservice microservices monorepo repo repos runbook runbooks playbook playbooks
  postmortem postmortems oncall on-call failover failovers rollout rollouts rollback rollbacks rollover hotfix hotfixes
  deploy deploys deployment redeploy redeployed autoscaler autoscaling autoscale upscale downscale config configs
  namespace namespaces workload workloads daemonset statefulset ingress egress loadbalancer healthcheck healthchecks
  timestamp timestamps timeout timeouts async webhook webhooks cron crontab cronjob stdout stderr syslog
  login logins logout signup dashboard dashboards uptime downtime latencies p50 p90 p95 p99 ms
  hindsight sev sev1 sev2 sev3 sev4 slo slos sli slis sla slas rca mttr mttd ttd ttr post-mortem post-mortems
  balancer balancers backoff liveness linter linters hardcoded observability nullable datacenter datacenters kubelets
  misconfigured misconfiguration misconfigurations add-on add-ons addon addons nodepool nodepools lgtm bazel cloudinit
  kube-proxy blindspot runup changelog changelogs codebase dataset datasets failback geo int ints`.split(
    /\s+/u,
  ),
);

/** Keep the spelling messages that are likely real misspellings, dropping names, systems and identifiers. */
export function realMisspellings(
  messages: PluginMessage[],
  people: PeopleIndex,
  dictionary: ReadonlySet<string>,
): PluginMessage[] {
  return messages.filter((m) => {
    const word = m.word.replace(/['’]s$/u, '');
    const lower = word.toLowerCase();
    if (word.length <= 2 || /[\d_./@]/u.test(word)) return false;
    if (word.replace(/s$/u, '') === word.replace(/s$/u, '').toUpperCase()) return false; // acronyms (and "PRs"): the jargon rule's business
    if (/\p{Ll}\p{Lu}/u.test(word)) return false; // CamelCase product names
    if (people.names.has(word) || people.things.has(lower) || dictionary.has(lower) || TECH.has(lower))
      return false;
    // Hyphenated words whose parts are all known words or terms.
    if (
      lower.includes('-') &&
      lower.split('-').every((p) => TECH.has(p) || people.things.has(p) || dictionary.has(p))
    ) {
      return false;
    }
    return true;
  });
}

let speller: NSpell | undefined;
const suggestions = new Map<string, string[]>();
/** How many new words one lint run may compute suggestions for; later ones get theirs on a later run. */
export const SUGGESTION_BUDGET = 8;

/** Suggestions for misspelled words, cached per process and computed for at most SUGGESTION_BUDGET new words. */
export function suggestFor(words: string[]): Map<string, string[]> {
  let budget = SUGGESTION_BUDGET;
  const out = new Map<string, string[]>();
  for (const word of words) {
    const cached = suggestions.get(word);
    if (cached) {
      out.set(word, cached);
    } else if (budget > 0 && word.length <= 40) {
      budget -= 1;
      speller ??= nspell(dictionaryEn);
      const list = speller.suggest(word).slice(0, 3);
      if (suggestions.size > 10_000) suggestions.clear();
      suggestions.set(word, list);
      out.set(word, list);
    }
  }
  return out;
}
