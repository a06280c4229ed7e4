// The Kubernetes manifests of a sharded run (`barrage k8s SCENARIO --shards N`): a ConfigMap
// holding the scenario and an Indexed Job whose N pods each run one shard, all starting at one
// instant. Built and validated with kubernetes-models (typed objects checked against the API's
// JSON schemas) rather than string templates, so a manifest that kubectl would reject fails here.
// Kubernetes is the distributed engine: Barrage adds no coordinator of its own (docs/DISTRIBUTED.md).
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { stringify } from 'yaml';
import type { Scenario } from '../../shared/scenario.ts';

/** Where each pod finds the scenario (the ConfigMap mounted as a folder). */
export const SCENARIO_DIR = '/etc/barrage';
export const SCENARIO_FILE = 'scenario.json';
/** The image the README's Dockerfile builds, tagged as it suggests. */
export const DEFAULT_IMAGE = 'barrage:latest';
/** Label every object of one sharded run carries; `barrage k8s collect` finds the pods by the Job's own `job-name` label. */
export const RUN_LABEL = 'barrage.run/job';

export interface ShardedJobPlan {
  /** The Job's name (a DNS-1123 label); the ConfigMap is `<name>-scenario`. */
  name: string;
  /** Absent: kubectl's current namespace. */
  namespace?: string;
  image: string;
  shards: number;
  /** The common start instant of every shard (epoch ms). */
  startAt: number;
  scenario: Scenario;
}

/** A DNS-1123 label of at most `max` characters: lower case letters, digits and '-', starting and ending alphanumeric. */
export function dnsLabel(text: string, max = 63): string {
  const label = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
  return label === '' ? 'barrage' : label;
}

export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The shell line each pod runs. The Job's completion index is 0-based and shards are numbered
 * from 1, and a container's `$(VAR)` expansion does no arithmetic: so a POSIX shell adds the one,
 * then `exec`s barrage (the container's entrypoint is barrage, which this command replaces).
 */
export function shardCommand(plan: Pick<ShardedJobPlan, 'shards' | 'startAt'>): string {
  return [
    'exec barrage run',
    `--scenario ${SCENARIO_DIR}/${SCENARIO_FILE}`,
    `--shard "$((JOB_COMPLETION_INDEX + 1))/${plan.shards}"`,
    `--start-at ${new Date(plan.startAt).toISOString()}`,
    // The result on stdout is what `kubectl logs` (and so `barrage k8s collect`) reads; no
    // progress lines, and no history inside a pod that is thrown away.
    '--json --full --quiet --no-save',
  ].join(' ');
}

/** The ConfigMap and the Indexed Job, validated against the Kubernetes API schemas (throws when invalid). */
export function shardedJobManifests(plan: ShardedJobPlan): [ConfigMap, Job] {
  const labels = { 'app.kubernetes.io/name': 'barrage', 'app.kubernetes.io/component': 'load-shard', [RUN_LABEL]: plan.name };
  const namespaced = plan.namespace === undefined ? {} : { namespace: plan.namespace };
  const configMapName = `${plan.name.slice(0, 63 - '-scenario'.length).replace(/-+$/, '')}-scenario`;
  const configMap = new ConfigMap({
    metadata: { name: configMapName, ...namespaced, labels },
    data: { [SCENARIO_FILE]: `${JSON.stringify(plan.scenario, null, 2)}\n` },
  });
  const job = new Job({
    metadata: { name: plan.name, ...namespaced, labels },
    spec: {
      completionMode: 'Indexed',
      completions: plan.shards,
      parallelism: plan.shards,
      // A retried shard would start after the common instant and be refused (--start-at in the
      // past): retries only waste a node. A missing shard makes `collect` say which one.
      backoffLimit: 0,
      // The pods (and their logs, which collect reads) stay a day after the Job finishes.
      ttlSecondsAfterFinished: 24 * 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'barrage',
              image: plan.image,
              command: ['/bin/sh', '-c', shardCommand(plan)],
              volumeMounts: [{ name: 'scenario', mountPath: SCENARIO_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: 'scenario', configMap: { name: configMapName } }],
        },
      },
    },
  });
  configMap.validate();
  job.validate();
  return [configMap, job];
}

/** The manifests as one YAML stream (`kubectl apply -f -`). */
export function manifestsYaml(objects: ReadonlyArray<{ toJSON(): unknown }>): string {
  return objects.map((o) => stringify(o.toJSON(), { lineWidth: 0 })).join('---\n');
}
