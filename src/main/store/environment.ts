// The environment fingerprint stored with every run: two runs are only comparable when they
// were measured with similar tools on similar machines, and this is how a user can tell.
import os from 'node:os';
import pkg from '../../../package.json' with { type: 'json' };
import type { Scenario } from '../../shared/scenario.ts';
import type { RunEnvironment } from '../../shared/history.ts';

export function collectEnvironment(config: Pick<Scenario, 'url'>, workers: number): RunEnvironment {
  const cpus = os.cpus();
  return {
    barrageVersion: pkg.version,
    nodeVersion: process.versions.node,
    electronVersion: (process.versions as { electron?: string }).electron ?? null,
    os: { platform: process.platform, release: os.release(), arch: process.arch },
    cpu: { model: cpus[0]?.model.trim() || 'unknown', count: os.availableParallelism() },
    workers,
    targetHost: hostOf(config.url),
  };
}

/** An environment with nothing known, for runs measured elsewhere (imports). */
export function unknownEnvironment(importedFrom: string, targetUrl: string, workers: number | null = null): RunEnvironment {
  return {
    barrageVersion: null,
    nodeVersion: null,
    electronVersion: null,
    os: null,
    cpu: null,
    workers,
    targetHost: hostOf(targetUrl),
    importedFrom,
  };
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}
