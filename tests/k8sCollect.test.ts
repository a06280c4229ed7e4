// `barrage k8s collect JOB` against a simulated cluster: a fake kubectl first on PATH lists the
// Job's pods and prints each pod's log (a warning line, then the shard's --json --full result),
// and collect merges them into one stored run — or says which pod failed.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './support/cliProcess.ts';
import { shardRun } from './support/shardRecords.ts';
import { exportRunsJson } from '../src/main/store/runExchange.ts';
import { openStore } from '../src/main/store/runStore.ts';

function fakeCluster(phases: string[]): { dir: string; db: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'barrage-kubectl-'));
  const pods = phases.map((phase, i) => ({
    metadata: { name: `loadjob-${i}-abcde`, annotations: { 'batch.kubernetes.io/job-completion-index': String(i) } },
    status: { phase },
  }));
  writeFileSync(path.join(dir, 'pods.json'), JSON.stringify({ kind: 'List', items: pods }));
  phases.forEach((_, i) => {
    const run = shardRun(i + 1, phases.length, { errors: i });
    writeFileSync(path.join(dir, `loadjob-${i}-abcde.log`), `warning: a capacity warning on stderr\n${exportRunsJson([{ ...run, id: null }])}`);
  });
  // kubectl get pods … --selector job-name=loadjob --output json | kubectl logs [--namespace NS] POD
  writeFileSync(
    path.join(dir, 'kubectl'),
    `#!/bin/sh
echo "$@" >> "${dir}/calls"
case "$1" in
  get) case "$*" in *"job-name=loadjob"*) cat "${dir}/pods.json" ;; *) echo '{"items":[]}' ;; esac ;;
  logs) for last; do :; done; cat "${dir}/$last.log" ;;
  *) echo "unexpected: $*" >&2; exit 1 ;;
esac
`,
  );
  chmodSync(path.join(dir, 'kubectl'), 0o755);
  return { dir, db: path.join(dir, 'history.db') };
}

describe('barrage k8s collect', () => {
  it('reads every pod\'s log with kubectl and merges the shards into one stored run', async () => {
    const { dir, db } = fakeCluster(['Succeeded', 'Succeeded', 'Succeeded']);
    const out = await runCli(['k8s', 'collect', 'loadjob', '--namespace', 'load', '--db', db, '--json', '--name', 'from-k8s'], { PATH: `${dir}:${process.env.PATH}` });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ duplicate: false, shards: 3 });
    const store = openStore(db);
    try {
      const run = store.getRun(JSON.parse(out.stdout).id as number)!;
      const shards = [1, 2, 3].map((k) => shardRun(k, 3, { errors: k - 1 }));
      expect(run.scenarioName).toBe('from-k8s');
      expect(run.summary.throughput.total).toBe(shards.reduce((a, s) => a + s.summary.throughput.total, 0));
      expect(run.summary.errors.total).toBe(3);
      expect(run.environment.shards!.map((e) => e.shard!.index)).toEqual([1, 2, 3]);
    } finally {
      store.close();
    }
  }, 30_000);

  it('names the pod that did not succeed, and exits 1', async () => {
    const { dir, db } = fakeCluster(['Succeeded', 'Failed']);
    const out = await runCli(['k8s', 'collect', 'loadjob', '--db', db], { PATH: `${dir}:${process.env.PATH}` });
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe('barrage k8s collect: cannot collect every shard of job loadjob: pod loadjob-1-abcde (shard 2) is Failed');
    const none = await runCli(['k8s', 'collect', 'otherjob', '--db', db], { PATH: `${dir}:${process.env.PATH}` });
    expect(none.stderr.trim()).toBe('barrage k8s collect: no pods of job otherjob (kubectl get pods --selector job-name=otherjob)');
  }, 30_000);
});
