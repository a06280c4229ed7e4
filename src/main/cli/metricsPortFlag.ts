// `--metrics-port N` for the commands that run several runs (`barrage capacity`, `barrage ab`):
// one Prometheus endpoint on 127.0.0.1 for the whole command, every run of it exposed in turn
// (the app's session endpoint, src/main/liveMetrics/sessionMetricsEndpoint.ts). `barrage run`
// opens its single-run endpoint itself (src/main/cli/commands/run.ts), with the same check of the
// flag. The endpoint (prom-client, node:http) is loaded only when the flag is given: `barrage run`
// imports this module on its way to the first request.
import type { SessionMetricsEndpoint } from '../liveMetrics/sessionMetricsEndpoint.ts';
import type { RunService } from '../services/runService.ts';
import { integerOption } from './argParsing.ts';
import { UsageError } from './usageError.ts';

export const METRICS_PORT_FLAG = { 'metrics-port': { type: 'string' } } as const;

export const METRICS_PORT_HELP = `      --metrics-port N    serve each run's figures for Prometheus (OpenMetrics) at
                          http://127.0.0.1:N/metrics while the command runs (docs/OBSERVABILITY.md)`;

/** The port given, checked before anything runs (a usage error names the flag). */
export function metricsPortOption(raw: string | undefined): number | undefined {
  const port = integerOption(raw, '--metrics-port');
  if (port !== undefined && (port < 1 || port > 65535)) throw new UsageError(`--metrics-port: must be from 1 to 65535, not ${port}`);
  return port;
}

/** Listens on the port and adds the endpoint's sink to every run of `runs`; close it at the end. */
export async function openSessionMetrics(port: number, runs: RunService, quiet: boolean): Promise<SessionMetricsEndpoint> {
  const { MetricsPortError, SessionMetricsEndpoint } = await import('../liveMetrics/sessionMetricsEndpoint.ts');
  const endpoint = new SessionMetricsEndpoint();
  try {
    await endpoint.configure(port);
  } catch (err) {
    if (err instanceof MetricsPortError) throw new UsageError(`--metrics-port: ${err.message}`);
    throw err;
  }
  runs.addSessionSink((config) => endpoint.sinkFor(config));
  if (!quiet) process.stderr.write(`Metrics for Prometheus at ${endpoint.status().url}\n`);
  return endpoint;
}
