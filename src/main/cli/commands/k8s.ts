// `barrage k8s SCENARIO --shards N`: the Kubernetes manifests of a sharded run (a ConfigMap and an
// Indexed Job, printed as YAML for `kubectl apply -f -`); `barrage k8s collect JOB`: the pods'
// results, read with kubectl, merged into one stored run. docs/DISTRIBUTED.md walks through it.
import { parseArgs } from 'node:util';
import { formatIssues, scenarioSchema, plannedDurationSec, type Scenario } from '../../../shared/scenario.ts';
import { isSecretHeader } from '../../../shared/redact.ts';
import { shardScenario } from '../../engine/index.ts';
import { DEFAULT_IMAGE, DNS_LABEL, dnsLabel, manifestsYaml, shardedJobManifests } from '../../k8s/k8sManifests.ts';
import { collectShardLogs, CollectError, execRunner, type CommandRunner } from '../../k8s/k8sCollect.ts';
import { mergeShardFiles, ImportError } from '../../store/runExchange.ts';
import { MergeError } from '../../store/shardMerge.ts';
import { withHistory } from '../history.ts';
import { integerOption } from '../argParsing.ts';
import { EXIT } from '../exitCodes.ts';
import { MAX_SHARDS } from '../shardFlags.ts';
import { UsageError } from '../usageError.ts';
import { readScenarioFile } from './run.ts';

export const K8S_HELP = `Usage: barrage k8s SCENARIO --shards N [options]
       barrage k8s collect JOB [options]

Runs one scenario as N shards on a Kubernetes cluster, each pod one shard, all starting at the
same instant, and merges their results exactly (docs/DISTRIBUTED.md).

barrage k8s SCENARIO      print the manifests (YAML) for kubectl apply -f -: a ConfigMap holding
                          the scenario (a JSON file, as barrage run --scenario reads) and an
                          Indexed Job whose pod k runs barrage run --shard k+1/N --start-at T
      --shards N          how many pods (shards) split the load (required)
      --image I           the container image with barrage as its entrypoint (default
                          ${DEFAULT_IMAGE}; see the README's Dockerfile)
      --namespace NS      the namespace of the objects (default: kubectl's current one)
      --start-in D        how long after now every shard starts, e.g. 60s, 5m (default 60s):
                          time enough for the cluster to schedule the pods and pull the image
      --name JOB          the Job's name (default barrage-<scenario name>-<time>)

barrage k8s collect JOB   read each pod's result with kubectl logs and merge them into one
                          stored run (as barrage runs merge)
      --namespace NS      the Job's namespace (default: kubectl's current one)
      --name NAME         the merged run's scenario name (default: the scenario's)
      --db FILE           the run history (default: $BARRAGE_DB, else the app's database)
      --json              print {id, duplicate, shards} as JSON

Exit codes: 0 done, 1 kubectl or a pod failed, 2 bad input.
`;

const MIN_START_IN_SEC = 5;
const MAX_START_IN_SEC = 24 * 3600;

export function main(args: string[]): Promise<number> {
  if (args[0] === 'collect') return collectCommand(args.slice(1));
  return manifestsCommand(args);
}

async function manifestsCommand(args: string[], now = Date.now()): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      shards: { type: 'string' },
      image: { type: 'string' },
      namespace: { type: 'string' },
      'start-in': { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length === 0) {
    process.stdout.write(K8S_HELP);
    return values.help ? EXIT.ok : EXIT.usage;
  }
  if (positionals.length > 1) throw new UsageError(`expected one scenario file, got ${positionals.length}: ${positionals.join(' ')}`);
  if (values.shards === undefined) throw new UsageError('--shards N is required (how many pods split the load)');
  const shards = integerOption(values.shards, '--shards')!;
  if (shards < 1 || shards > MAX_SHARDS) throw new UsageError(`--shards: must be 1 to ${MAX_SHARDS.toLocaleString('en-US')}`);
  const parsed = scenarioSchema.safeParse(readScenarioFile(positionals[0]));
  if (!parsed.success) throw new UsageError(`${positionals[0]}: ${formatIssues(parsed.error).split('\n').join('; ')}`);
  const scenario = parsed.data;
  // Every shard must get a share: said now, not by N pods failing on the cluster.
  for (let k = 1; k <= shards; k++) {
    try {
      shardScenario(scenario, { index: k, count: shards });
    } catch (err) {
      throw new UsageError(`--shards: ${(err as Error).message}`);
    }
  }
  const startInSec = durationSeconds(values['start-in'] ?? '60s', '--start-in');
  if (startInSec < MIN_START_IN_SEC || startInSec > MAX_START_IN_SEC) throw new UsageError(`--start-in: must be ${MIN_START_IN_SEC} s to 24 h (pods need time to be scheduled and pull the image)`);
  const startAt = Math.ceil((now + startInSec * 1000) / 1000) * 1000;
  const name = values.name ?? defaultJobName(scenario, now);
  if (!DNS_LABEL.test(name) || name.length > 52) {
    // 52: room for the pods' generated suffixes (the Job controller refuses longer names in Indexed mode).
    throw new UsageError(`--name: "${name}" is not a Job name (lower-case letters, digits and '-', at most 52 characters, starting and ending with a letter or digit)`);
  }
  if (values.namespace !== undefined && !DNS_LABEL.test(values.namespace)) throw new UsageError(`--namespace: "${values.namespace}" is not a namespace name`);
  const image = values.image ?? DEFAULT_IMAGE;
  if (image.trim() === '' || /\s/.test(image)) throw new UsageError(`--image: "${image}" is not an image reference`);
  let objects;
  try {
    objects = shardedJobManifests({ name, namespace: values.namespace, image, shards, startAt, scenario });
  } catch (err) {
    throw new UsageError(`the manifests do not validate: ${(err as Error).message}`);
  }
  process.stdout.write(manifestsYaml(objects));
  if (holdsSecrets(scenario)) {
    process.stderr.write('warning: the scenario holds credentials (a URL password or credential headers); a ConfigMap is readable by anyone who may read the namespace\n');
  }
  const ns = values.namespace ? ` --namespace ${values.namespace}` : '';
  const planned = plannedDurationSec(scenario);
  process.stderr.write(
    `Job ${name}: ${shards} shard${shards === 1 ? '' : 's'} starting at ${new Date(startAt).toISOString()}${planned === undefined ? '' : `, running ${planned} s`}.\n` +
      `Apply this output with kubectl apply -f FILE (or pipe it to kubectl apply -f -) before then.\nWhen the Job has finished: barrage k8s collect ${name}${ns}\n`,
  );
  return EXIT.ok;
}

/** The pods' results merged into one stored run; `runner` runs kubectl (tests replace it). */
export async function collectCommand(args: string[], runner: CommandRunner = execRunner): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { namespace: { type: 'string' }, name: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(K8S_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('collect needs the Job\'s name: barrage k8s collect JOB');
  const job = positionals[0];
  if (!DNS_LABEL.test(job)) throw new UsageError(`"${job}" is not a Job name`);
  let logs;
  try {
    logs = await collectShardLogs(job, values.namespace, runner);
  } catch (err) {
    if (!(err instanceof CollectError)) throw err;
    process.stderr.write(`barrage k8s collect: ${err.message}\n`);
    return EXIT.failed;
  }
  return withHistory(values.db, (store) => {
    let outcome;
    try {
      outcome = mergeShardFiles(store, logs.map((l) => ({ name: `pod/${l.pod}`, text: l.text })), { name: values.name?.trim() || undefined });
    } catch (err) {
      if (err instanceof ImportError || err instanceof MergeError) throw new UsageError(err.message);
      throw err;
    }
    if (values.json) process.stdout.write(`${JSON.stringify(outcome, null, 2)}\n`);
    else if (outcome.duplicate) process.stdout.write(`Job ${job} was collected before: run ${outcome.id} (barrage runs show ${outcome.id})\n`);
    else process.stdout.write(`Merged ${outcome.shards} shards of job ${job} into run ${outcome.id} (barrage runs show ${outcome.id})\n`);
    return EXIT.ok;
  });
}

/** "60s", "5m", "1h", "90" (seconds). */
function durationSeconds(raw: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|m|h)?\s*$/.exec(raw);
  if (!m) throw new UsageError(`${flag}: "${raw}" is not a duration (e.g. 60s, 5m, 1h)`);
  return Number(m[1]) * (m[2] === 'h' ? 3600 : m[2] === 'm' ? 60 : 1);
}

function defaultJobName(scenario: Scenario, now: number): string {
  const stamp = new Date(now).toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${dnsLabel(`barrage-${scenario.name ?? 'run'}`, 52 - stamp.length - 1)}-${stamp}`;
}

function holdsSecrets(s: Scenario): boolean {
  try {
    if (new URL(s.url).password !== '') return true;
  } catch {
    /* the schema checked it */
  }
  return Object.keys(s.headers ?? {}).some(isSecretHeader);
}
