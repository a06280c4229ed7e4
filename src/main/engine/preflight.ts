// Checks made once, on the controller, before any load: does the machine have the file
// descriptors for the connections asked for, does the host name resolve, does its TLS
// certificate verify. The workers then connect to the resolved address without DNS.
import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { freemem } from 'node:os';
import tls from 'node:tls';
import type { ErrorKind } from '../../shared/runResult.ts';
import type { FlowScenario, Scenario } from '../../shared/scenario.ts';
import { RUNNABLE_STEP_KINDS } from './flow/runnableKinds.ts';
import { redactedFields, secretFieldLabel } from '../../shared/storedSecrets.ts';
import { REDACTED } from '../../shared/redact.ts';
import { classifyError } from './errorKinds.ts';
import { ephemeralPortRange } from './ws/localPorts.ts';
import { FD_RESERVE, planScale, scaleRequestOf, type MachineLimits, type ScalePlan } from './scalePlan.ts';

/** Resolves a host name to one address; injectable so tests never query real DNS. */
export type HostLookup = (hostname: string) => Promise<string>;

export const systemLookup: HostLookup = async (hostname) => (await dns.lookup(hostname)).address;

export { FD_RESERVE };

export class PreflightError extends Error {
  override name = 'PreflightError';
}

/** Soft limit on open files of this process, where the OS tells (Linux); undefined elsewhere. */
export function fileDescriptorLimit(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = line?.split(/\s{2,}/)[1];
    const n = Number(soft);
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/** Ephemeral ports per source address. */
export function ephemeralPortCount(): number {
  const { low, high } = ephemeralPortRange();
  return high - low + 1;
}

/** This machine's limits for a run's plan (scalePlan.ts). */
export function machineLimits(fdLimit = fileDescriptorLimit()): MachineLimits {
  return { fdLimit, ephemeralPorts: ephemeralPortCount(), availableMemory: freemem() };
}

/**
 * How the run fits on this machine (worker threads, or child processes beyond the fd limit);
 * throws a PreflightError naming the field when it cannot (fds × processes, ports × source
 * addresses, memory).
 */
export function checkCapacity(scenario: Scenario, fdLimit: number | undefined | MachineLimits = fileDescriptorLimit()): ScalePlan {
  const limits = typeof fdLimit === 'object' ? fdLimit : machineLimits(fdLimit);
  const verdict = planScale(scaleRequestOf(scenario), limits);
  if (!verdict.ok) throw new PreflightError(verdict.error);
  return verdict.plan;
}

/**
 * Throws a PreflightError naming the field when the scenario still holds the placeholder of a
 * redacted secret (a stored run's copy, storedSecrets.ts): it would go out as
 * `Authorization: ***` and measure a wall of 401s instead of the target.
 */
export function checkNoRedactedSecrets(scenario: Scenario): void {
  const fields = redactedFields(scenario).map(secretFieldLabel);
  if (fields.length === 0) return;
  throw new PreflightError(
    `${fields.join(', ')}: ${fields.length === 1 ? 'is' : 'are'} the placeholder ${REDACTED} of a secret the stored run did not keep; ` +
      'give the secret to run it again (runs keep secrets only with --store-secrets)',
  );
}

/** Everything checked before a run without the network: file descriptors, no redacted secret. */
export function checkRunnable(scenario: Scenario, fdLimit = fileDescriptorLimit()): void {
  checkNoRedactedSecrets(scenario);
  if (scenario.protocol === 'flow') checkFlowRunnable(scenario);
  checkCapacity(scenario, fdLimit);
}

export type Reachability = { ok: true; address: string } | { ok: false; kind: ErrorKind; message: string };

export function hostOf(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

export async function resolveTarget(url: URL, lookup: HostLookup): Promise<Reachability> {
  const host = hostOf(url);
  if (isIP(host)) return { ok: true, address: host };
  try {
    return { ok: true, address: await lookup(host) };
  } catch (err) {
    return { ok: false, kind: 'dns', message: `cannot resolve host ${host} (${(err as Error).message})` };
  }
}

/** Verifies the target's certificate once, since autocannon itself never rejects one. */
export function probeTls(url: URL, address: string, timeoutMs: number): Promise<Reachability> {
  const host = hostOf(url);
  const port = Number(url.port || 443);
  return new Promise((resolve) => {
    const socket = tls.connect({
      host: address,
      port,
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: true,
      ALPNProtocols: ['http/1.1'],
    });
    const done = (r: Reachability) => {
      socket.destroy();
      clearTimeout(timer);
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: true, address }), timeoutMs);
    socket.once('secureConnect', () => done({ ok: true, address }));
    socket.once('error', (err) => {
      const kind = classifyError(err);
      // Only a certificate problem is decided here; refused, reset and the like are measured
      // by the load itself.
      done(kind === 'tls' ? { ok: false, kind, message: `TLS: ${err.message}` } : { ok: true, address });
    });
  });
}

export async function checkReachability(scenario: Scenario, lookup: HostLookup): Promise<Reachability> {
  const url = new URL(scenario.url);
  const resolved = await resolveTarget(url, lookup);
  if (!resolved.ok) return resolved;
  if ((url.protocol === 'https:' || url.protocol === 'wss:') && !scenario.insecure) {
    return probeTls(url, resolved.address, Math.min(scenario.timeoutSec * 1000, 5000));
  }
  return resolved;
}

/**
 * A flow with a step kind that has no executor yet is refused before the run, naming the step,
 * rather than failing in every worker. (A set of kinds, not a trial compile: the executors'
 * modules would load into every process that loads the engine.)
 */
function checkFlowRunnable(scenario: FlowScenario): void {
  for (const step of [...scenario.setup, ...scenario.steps, ...scenario.teardown]) {
    if (!RUNNABLE_STEP_KINDS.has(step.type)) throw new PreflightError(`${step.name}: ${step.type} steps cannot run yet (issue #12 is in progress)`);
  }
}
