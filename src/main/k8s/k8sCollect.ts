// `barrage k8s collect JOB`: the shard results of an Indexed Job's pods, read with `kubectl`
// (the user's own, with their cluster access), ready to be merged into one run. The command
// runner is injected, so tests simulate kubectl.
import { execFile } from 'node:child_process';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program with arguments (no shell) and gives back what it printed. */
export type CommandRunner = (program: string, args: readonly string[]) => Promise<CommandResult>;

export const execRunner: CommandRunner = (program, args) =>
  new Promise((resolve) => {
    execFile(program, [...args], { maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' }, (err, stdout, stderr) => {
      // An exit status arrives as a number in `code`; a program that cannot start, as a string.
      const code = (err as { code?: number | string } | null)?.code;
      if (!err) resolve({ code: 0, stdout, stderr });
      else if (code === 'ENOENT') resolve({ code: 127, stdout: '', stderr: `${program}: not found on PATH` });
      else resolve({ code: typeof code === 'number' ? code : 1, stdout, stderr: stderr || err.message });
    });
  });

export class CollectError extends Error {
  override name = 'CollectError';
}

export interface ShardLog {
  pod: string;
  /** The pod's 0-based completion index, when Kubernetes gave one. */
  index: number | null;
  /** The result document found in the pod's log. */
  text: string;
}

interface PodList {
  items?: Array<{ metadata?: { name?: string; annotations?: Record<string, string>; labels?: Record<string, string> }; status?: { phase?: string } }>;
}

/**
 * Lists the Job's pods and reads each one's log. A pod that did not succeed, or whose log holds
 * no result, is named in the error; the merge then says which shards are missing if the user
 * merges what there is by hand.
 */
export async function collectShardLogs(job: string, namespace: string | undefined, run: CommandRunner): Promise<ShardLog[]> {
  const ns = namespace === undefined ? [] : ['--namespace', namespace];
  const listed = await run('kubectl', ['get', 'pods', ...ns, '--selector', `job-name=${job}`, '--output', 'json']);
  if (listed.code !== 0) throw new CollectError(`kubectl get pods failed (exit ${listed.code}): ${oneLine(listed.stderr) || 'no message'}`);
  let pods: PodList;
  try {
    pods = JSON.parse(listed.stdout) as PodList;
  } catch {
    throw new CollectError('kubectl get pods --output json did not print JSON');
  }
  const items = (pods.items ?? []).filter((p) => p.metadata?.name);
  if (items.length === 0) throw new CollectError(`no pods of job ${job}${namespace ? ` in namespace ${namespace}` : ''} (kubectl get pods --selector job-name=${job})`);
  const problems: string[] = [];
  const logs: ShardLog[] = [];
  for (const pod of items) {
    const name = pod.metadata!.name!;
    const raw = pod.metadata?.annotations?.['batch.kubernetes.io/job-completion-index'] ?? pod.metadata?.labels?.['batch.kubernetes.io/job-completion-index'];
    const index = raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : null;
    const phase = pod.status?.phase;
    if (phase !== undefined && phase !== 'Succeeded') {
      problems.push(`pod ${name}${index === null ? '' : ` (shard ${index + 1})`} is ${phase}`);
      continue;
    }
    const out = await run('kubectl', ['logs', ...ns, name]);
    if (out.code !== 0) {
      problems.push(`kubectl logs ${name} failed: ${oneLine(out.stderr) || `exit ${out.code}`}`);
      continue;
    }
    const text = resultDocumentIn(out.stdout);
    if (text === null) {
      problems.push(`the log of pod ${name} holds no Barrage result (it ends: ${oneLine(out.stdout.slice(-200)) || 'empty'})`);
      continue;
    }
    logs.push({ pod: name, index, text });
  }
  if (problems.length > 0) throw new CollectError(`cannot collect every shard of job ${job}: ${problems.join('; ')}`);
  return logs.sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
}

/**
 * The result document (`barrage run --json --full`) in a pod's log: the log may hold warnings
 * before it (stderr and stdout share a container's log), so it is the text from the line that
 * opens the document to the end.
 */
export function resultDocumentIn(log: string): string | null {
  const lines = log.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '{') continue;
    const text = lines.slice(i).join('\n');
    try {
      const doc = JSON.parse(text) as { format?: unknown };
      if (doc.format === 'barrage-run') return text;
    } catch {
      /* not here: keep looking */
    }
  }
  return null;
}

function oneLine(text: string): string {
  return text.trim().split(/\r?\n/).slice(-3).join(' / ');
}
