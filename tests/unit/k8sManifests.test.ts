// The Kubernetes manifests of a sharded run: valid against the API schemas (kubernetes-models),
// an Indexed Job of N pods, and a pod command that turns the 0-based completion index into
// shard k+1 of N — checked by running that command in a real shell with a stand-in barrage.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Job } from 'kubernetes-models/batch/v1';
import { ConfigMap } from 'kubernetes-models/v1';
import { dnsLabel, manifestsYaml, shardCommand, shardedJobManifests, SCENARIO_FILE } from '../../src/main/k8s/k8sManifests.ts';
import { parseScenario } from '../../src/shared/scenario.ts';
import { scenarioOf } from '../support/runScenario.ts';

const scenario = scenarioOf({ protocol: 'http', name: 'Checkout API', url: 'http://checkout.internal:8080/cart', connections: 400, rate: 20000, durationSec: 120 });
const startAt = Date.parse('2026-11-30T10:00:00Z');

describe('barrage k8s manifests', () => {
  it('are a ConfigMap with the scenario and an Indexed Job of N pods, valid against the API schemas', () => {
    const [configMap, job] = shardedJobManifests({ name: 'barrage-checkout', namespace: 'load', image: 'registry.local/barrage:0.1.0', shards: 8, startAt, scenario });
    // Read back from the YAML kubectl would get, and validated again from there.
    const docs = manifestsYaml([configMap, job]).split(/^---$/m).map((d) => parse(d) as Record<string, unknown>);
    expect(docs.map((d) => d.kind)).toEqual(['ConfigMap', 'Job']);
    const cm = new ConfigMap(docs[0] as ConstructorParameters<typeof ConfigMap>[0]);
    const j = new Job(docs[1] as ConstructorParameters<typeof Job>[0]);
    expect(() => cm.validate()).not.toThrow();
    expect(() => j.validate()).not.toThrow();
    const stored = parseScenario(JSON.parse(cm.data![SCENARIO_FILE]));
    expect(stored.ok && stored.value).toEqual(scenario);
    expect(j.spec).toMatchObject({ completionMode: 'Indexed', parallelism: 8, completions: 8, backoffLimit: 0 });
    expect(j.metadata).toMatchObject({ name: 'barrage-checkout', namespace: 'load' });
    const pod = j.spec!.template.spec!;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers[0].image).toBe('registry.local/barrage:0.1.0');
    expect(pod.volumes![0].configMap!.name).toBe(cm.metadata!.name);
    expect(pod.containers[0].command!.slice(0, 2)).toEqual(['/bin/sh', '-c']);
  });

  it('the schemas refuse what kubectl would: a wrong completion mode', () => {
    const [, job] = shardedJobManifests({ name: 'barrage-x', image: 'barrage:latest', shards: 2, startAt, scenario });
    const broken = new Job({ metadata: job.metadata, spec: { ...job.spec!, completionMode: 'indexed' as 'Indexed' } });
    expect(() => broken.validate()).toThrow(/completionMode/);
  });

  it('each pod runs shard index+1 of N with the common start instant, as the shell expands it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'barrage-k8s-'));
    // A stand-in for the image's barrage: prints its arguments, one a line.
    writeFileSync(path.join(dir, 'barrage'), '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n');
    chmodSync(path.join(dir, 'barrage'), 0o755);
    const command = shardCommand({ shards: 3, startAt });
    const argsOf = (index: number) =>
      execFileSync('/bin/sh', ['-c', command], { env: { PATH: `${dir}:/usr/bin:/bin`, JOB_COMPLETION_INDEX: String(index) }, encoding: 'utf8' }).trim().split('\n');
    expect([0, 1, 2].map((i) => argsOf(i)[argsOf(i).indexOf('--shard') + 1])).toEqual(['1/3', '2/3', '3/3']);
    expect(argsOf(0)).toEqual(['run', '--scenario', '/etc/barrage/scenario.json', '--shard', '1/3', '--start-at', '2026-11-30T10:00:00.000Z', '--json', '--full', '--quiet', '--no-save']);
  });

  it('makes DNS-1123 labels of names', () => {
    expect(dnsLabel('barrage-Checkout API (v2)!')).toBe('barrage-checkout-api-v2');
    expect(dnsLabel('---')).toBe('barrage');
    expect(dnsLabel('a'.repeat(80), 10)).toBe('aaaaaaaaaa');
  });
});
