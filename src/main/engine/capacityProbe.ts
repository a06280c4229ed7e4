// Before an open-model HTTP run: can the connections carry the rate at all? A connection
// carries at most pipelining / latency requests a second, so N connections at a measured
// latency give an upper bound; a rate far above it will mostly be missed (counted, see
// runSummary.scheduleFigures), and the user is told before the run rather than after it.
//
// The probe sends a few sequential requests to the target on one keep-alive connection. Only
// for GET and HEAD: other methods may change something on the target, so they are not probed.
// require()d, not imported: see nodeHttp.ts (an ES import of node:http loads undici).
import { http, https } from '../nodeHttp.ts';
import type { Agent } from 'node:http';
import { isIP } from 'node:net';
import type { HttpScenario } from '../../shared/scenario.ts';
import { hostOf } from './preflight.ts';

/** Requests the probe sends (the first one opens the connection and is not counted). */
const PROBE_REQUESTS = 4;
/** The whole probe gives up after this long: a slow target is then measured by the run itself. */
const PROBE_BUDGET_MS = 2000;
/** Warn only when the rate is beyond this share of what the connections can carry. */
const WARN_ABOVE_SHARE = 0.9;

export interface CapacityEstimate {
  /** Median latency of the probe's requests (ms). */
  latencyMs: number;
  /** Requests per second the scenario's connections can carry at that latency. */
  capacityPerSec: number;
  /** Connections that would carry the rate at that latency (rate × latency). */
  neededConnections: number;
}

/** Measures the target's latency with a few requests; undefined when it cannot (or may not). */
export async function probeCapacity(scenario: HttpScenario, address: string): Promise<CapacityEstimate | undefined> {
  if (scenario.rate === undefined || (scenario.method !== 'GET' && scenario.method !== 'HEAD')) return undefined;
  const url = new URL(scenario.url);
  const secure = url.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 1, rejectUnauthorized: !scenario.insecure })
    : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const deadline = performance.now() + PROBE_BUDGET_MS;
  const times: number[] = [];
  try {
    for (let i = 0; i < PROBE_REQUESTS; i++) {
      const left = deadline - performance.now();
      if (left <= 0) break;
      const ms = await timedRequest(scenario, url, address, agent, secure, left);
      if (ms === undefined) return undefined;
      if (i > 0) times.push(ms);
    }
  } finally {
    agent.destroy();
  }
  if (times.length === 0) return undefined;
  times.sort((a, b) => a - b);
  const latencyMs = Math.max(0.001, times[Math.floor(times.length / 2)]);
  const perConnection = (scenario.pipelining * 1000) / latencyMs;
  return {
    latencyMs,
    capacityPerSec: scenario.connections * perConnection,
    neededConnections: Math.ceil(scenario.rate / perConnection),
  };
}

/** The warning for a rate the connections obviously cannot carry; undefined when they can. */
export function capacityWarning(scenario: HttpScenario, estimate: CapacityEstimate | undefined): string | undefined {
  if (!estimate || scenario.rate === undefined) return undefined;
  if (scenario.rate <= estimate.capacityPerSec * WARN_ABOVE_SHARE) return undefined;
  const carry = Math.floor(estimate.capacityPerSec).toLocaleString('en-US');
  const ms = estimate.latencyMs >= 10 ? Math.round(estimate.latencyMs).toString() : estimate.latencyMs.toFixed(1);
  return (
    `${scenario.connections} connection${scenario.connections === 1 ? '' : 's'} at the target's measured ${ms} ms per request ` +
    `carry at most about ${carry} requests/s, less than the ${scenario.rate.toLocaleString('en-US')}/s asked: ` +
    `the rest of the schedule will be missed; raise connections (-c) to about ${estimate.neededConnections.toLocaleString('en-US')} (rate × latency)`
  );
}

function timedRequest(
  scenario: HttpScenario,
  url: URL,
  address: string,
  agent: Agent,
  secure: boolean,
  timeoutMs: number,
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = (secure ? https : http).request(
      {
        host: address,
        port: url.port || (secure ? 443 : 80),
        path: url.pathname + url.search,
        method: scenario.method,
        headers: { ...scenario.headers, host: url.host },
        servername: secure && !isIP(hostOf(url)) ? hostOf(url) : undefined,
        agent,
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.once('end', () => resolve(performance.now() - started));
        res.once('error', () => resolve(undefined));
      },
    );
    req.once('timeout', () => {
      req.destroy();
      resolve(undefined);
    });
    req.once('error', () => resolve(undefined));
    req.end();
  });
}
