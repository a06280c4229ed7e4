// What differs between the configurations of runs being compared, and whether they make a
// before/after at all. Comparing GET / at 10 connections with POST /echo at 20 shows changes
// that are the configuration's doing, not the system's; this module says so above the figures
// (CLI `barrage compare`, the app's Compare view, the HTML compare report). Pure: no I/O.
// Secrets never appear: URLs and header values go through redact.ts.

import { redactHeaders, redactUrl } from './redact.ts';
import { DEFAULT_HTTP2_STREAMS, stageTargetOf, type Scenario } from './scenario.ts';

/**
 * What a field belongs to. A difference in `target` (protocol, URL, method, WebSocket mode) or
 * `load` (connections, rate, stages, …) means the runs are not a before/after; `request` (headers,
 * body) and `run` (duration, warm-up, timeouts, workers) differences are shown but do not.
 */
export type ConfigFieldKind = 'target' | 'load' | 'request' | 'run';

export interface ConfigFieldDiff {
  /** Stable key, e.g. `url`, `connections`, `header:x-api-key`. */
  key: string;
  /** For people, e.g. "URL", "connections", "header X-Api-Key". */
  label: string;
  kind: ConfigFieldKind;
  /** One value per run, in the order given; "—" when the run does not set it. */
  values: string[];
}

export interface ConfigDiff {
  /** Fields whose values are not all equal, in a fixed order (target, load, request, run). */
  fields: ConfigFieldDiff[];
  /** Same target and load shape: the figures' changes can be read as the system's. */
  comparable: boolean;
  /** Labels of the target/load fields that differ (empty when comparable). */
  breaking: string[];
  /** One line for people: "same target and load shape" or "not a before/after: these runs differ in URL, method". */
  verdict: string;
}

const ABSENT = '—';

interface FieldSpec {
  key: string;
  label: string;
  kind: ConfigFieldKind;
  value: (s: Scenario) => string | undefined;
}

function num(n: number | undefined): string | undefined {
  return n === undefined ? undefined : String(n);
}

function bool(b: boolean | undefined): string | undefined {
  return b === undefined ? undefined : b ? 'yes' : 'no';
}

/** A body shown in full when short; a long one by its length and a prefix (it may be megabytes). */
function bodyText(body: string | undefined): string | undefined {
  if (body === undefined || body === '') return undefined;
  return body.length <= 60 ? body : `${body.slice(0, 40)}… (${body.length.toLocaleString('en-US')} chars)`;
}

const FIELDS: FieldSpec[] = [
  { key: 'protocol', label: 'protocol', kind: 'target', value: (s) => s.protocol },
  { key: 'url', label: 'URL', kind: 'target', value: (s) => redactUrl(s.url) },
  { key: 'http2', label: 'HTTP version', kind: 'target', value: (s) => (s.protocol === 'http' ? (s.http2 === true ? 'HTTP/2' : 'HTTP/1.1') : undefined) },
  { key: 'method', label: 'method', kind: 'target', value: (s) => (s.protocol === 'http' ? s.method : undefined) },
  { key: 'mode', label: 'mode', kind: 'target', value: (s) => (s.protocol === 'ws' ? s.mode : undefined) },
  { key: 'connections', label: 'connections', kind: 'load', value: (s) => (s.protocol === 'flow' || (s.stages && stageTargetOf(s) === 'connections') ? undefined : num(s.connections)) },
  { key: 'virtualUsers', label: 'virtual users', kind: 'load', value: (s) => (s.protocol !== 'flow' || (s.stages && stageTargetOf(s) === 'connections') ? undefined : num(s.virtualUsers)) },
  { key: 'rate', label: 'rate', kind: 'load', value: (s) => num(s.rate) },
  {
    key: 'stages',
    label: 'stages',
    kind: 'load',
    value: (s) => (s.stages ? s.stages.map((st) => `${st.durationSec}s→${st.target}`).join(', ') : undefined),
  },
  { key: 'stageTarget', label: 'stages set', kind: 'load', value: (s) => (s.stages ? stageTargetOf(s) : undefined) },
  { key: 'amount', label: 'amount', kind: 'load', value: (s) => num(s.amount) },
  { key: 'pipelining', label: 'pipelining', kind: 'load', value: (s) => (s.protocol === 'http' ? num(s.pipelining) : undefined) },
  { key: 'streams', label: 'HTTP/2 streams per connection', kind: 'load', value: (s) => (s.protocol === 'http' && s.http2 === true ? num(s.streams ?? DEFAULT_HTTP2_STREAMS) : undefined) },
  {
    key: 'newConnectionPerRequest',
    label: 'new connection per request',
    kind: 'load',
    value: (s) => (s.protocol === 'http' ? bool(s.newConnectionPerRequest) : undefined),
  },
  { key: 'inFlight', label: 'in flight per connection', kind: 'load', value: (s) => (s.protocol === 'ws' ? num(s.inFlight) : undefined) },
  { key: 'connectRate', label: 'connect rate', kind: 'load', value: (s) => (s.protocol === 'ws' ? num(s.connectRate) : undefined) },
  { key: 'maxConnecting', label: 'handshakes in flight at most', kind: 'load', value: (s) => (s.protocol === 'ws' ? num(s.maxConnecting) : undefined) },
  { key: 'body', label: 'body', kind: 'request', value: (s) => (s.protocol === 'http' ? bodyText(s.body) : undefined) },
  { key: 'bodyType', label: 'body type', kind: 'request', value: (s) => (s.protocol === 'http' && s.body ? s.bodyType : undefined) },
  { key: 'message', label: 'message', kind: 'request', value: (s) => (s.protocol === 'ws' && s.mode !== 'push' ? bodyText(s.message) : undefined) },
  { key: 'durationSec', label: 'duration (s)', kind: 'run', value: (s) => num(s.stages ? undefined : s.durationSec) },
  { key: 'warmupSec', label: 'warm-up (s)', kind: 'run', value: (s) => num(s.warmupSec) },
  { key: 'timeoutSec', label: 'timeout (s)', kind: 'run', value: (s) => num(s.timeoutSec) },
  { key: 'workers', label: 'workers', kind: 'run', value: (s) => num(s.workers) },
];

/** Header names compared case-insensitively; each is its own field (values redacted). */
function headerFields(configs: Scenario[]): FieldSpec[] {
  const names = new Map<string, string>();
  for (const c of configs) for (const name of Object.keys(c.headers ?? {})) if (!names.has(name.toLowerCase())) names.set(name.toLowerCase(), name);
  return [...names.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([lower, shown]) => ({
      key: `header:${lower}`,
      label: `header ${shown}`,
      kind: 'request' as const,
      value: (s: Scenario) => {
        const redacted = redactHeaders(s.headers ?? {});
        const hit = Object.keys(redacted).find((k) => k.toLowerCase() === lower);
        return hit === undefined ? undefined : redacted[hit];
      },
    }));
}

/**
 * The fields that differ between two or more run configurations and whether they are a
 * before/after. Secret header values are all "***", so a changed token is not reported (it
 * cannot be shown, and a credential does not change the load).
 */
export function diffConfigs(configs: Scenario[]): ConfigDiff {
  if (configs.length < 2) return { fields: [], comparable: true, breaking: [], verdict: 'same target and load shape' };
  const specs = [...FIELDS.filter((f) => f.kind === 'target' || f.kind === 'load'), ...headerFields(configs), ...FIELDS.filter((f) => f.kind === 'request' || f.kind === 'run')];
  const fields: ConfigFieldDiff[] = [];
  for (const spec of specs) {
    const values = configs.map((c) => spec.value(c) ?? ABSENT);
    if (values.every((v) => v === values[0])) continue;
    fields.push({ key: spec.key, label: spec.label, kind: spec.kind, values });
  }
  const breaking = fields.filter((f) => f.kind === 'target' || f.kind === 'load').map((f) => f.label);
  const comparable = breaking.length === 0;
  const verdict = comparable
    ? fields.length === 0
      ? 'same configuration'
      : `same target and load shape (differ only in ${fields.map((f) => f.label).join(', ')})`
    : `not a before/after: these runs differ in ${breaking.join(', ')}`;
  return { fields, comparable, breaking, verdict };
}

/**
 * Plain-text lines for a terminal or a markdown-free report: the verdict, then one line per
 * differing field with each run's value, e.g. `  URL: run 18 http://…/  ·  run 23 http://…/echo`.
 */
export function formatConfigDiff(diff: ConfigDiff, runLabels: string[]): string[] {
  const head = diff.comparable ? `Configuration: ${diff.verdict}` : `Configuration: ${diff.verdict.replace(/^not/, 'NOT')}`;
  const lines = [head];
  for (const f of diff.fields) lines.push(`  ${f.label}: ${f.values.map((v, i) => `${runLabels[i] ?? `#${i + 1}`} ${v}`).join('  ·  ')}`);
  return lines;
}
