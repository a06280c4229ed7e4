// A HAR 1.2 file (devtools' "Save all as HAR") read into a list of requests to choose from and
// then into flow steps: validated with a zod schema of the fields used (the message names the
// field, `log.entries.3.request.url: …`), listed with method, path, status, mime type and size,
// filtered to one host (the most frequent API host by default), static assets (images, fonts,
// CSS, JavaScript, source maps, media) and CORS preflights hidden, in the recorded order.
//
// No maintained HAR schema package fits: har-validator (JSON Schema on ajv 6) is deprecated and
// har-schema is its unmaintained data; the HAR fields that matter here are few, and zod is what
// every other input of Barrage is checked with.
import { z } from 'zod';
import { staticAssetReason } from './browserNoise.ts';
import { isFlowMethod, toHttpStep, type HttpStepInput, type ImportedRequest, type StepOptions } from './importedStep.ts';

/** A HAR larger than this is refused before it is read (a browser session's HAR with bodies can be huge). */
export const HAR_MAX_BYTES = 50 * 1024 * 1024;

const nameValue = z.object({ name: z.string({ error: 'is required (text)' }), value: z.string({ error: 'is required (text)' }) });

const harEntrySchema = z.object({
  request: z.object(
    {
      method: z.string({ error: 'is required (GET, POST…)' }).min(1, { error: 'cannot be empty' }),
      url: z.string({ error: 'is required' }).min(1, { error: 'cannot be empty' }),
      headers: z.array(nameValue, { error: 'must be a list of {name, value}' }),
      postData: z
        .object({
          mimeType: z.string().default(''),
          text: z.string().optional(),
          params: z.array(z.object({ name: z.string(), value: z.string().optional(), fileName: z.string().optional() })).optional(),
        })
        .optional(),
    },
    { error: 'is required (an object)' },
  ),
  response: z.object(
    {
      status: z.number({ error: 'is required (a number)' }),
      content: z.object({ size: z.number().optional(), mimeType: z.string().optional() }).optional(),
      bodySize: z.number().optional(),
    },
    { error: 'is required (an object)' },
  ),
  /** Chrome's resource type (xhr, fetch, document, script, image, preflight, websocket…). */
  _resourceType: z.string().optional(),
});

export const harSchema = z.object(
  {
    log: z.object(
      {
        version: z.string().optional(),
        entries: z.array(harEntrySchema, { error: 'is required (the list of recorded requests)' }),
      },
      { error: 'is required (a HAR file is {"log": {"entries": […]}})' },
    ),
  },
  { error: 'must be a JSON object (a HAR file is {"log": {"entries": […]}})' },
);
export type Har = z.output<typeof harSchema>;
type HarEntry = Har['log']['entries'][number];

export type HarReadResult = { ok: true; har: Har } | { ok: false; error: string };

/** Reads a HAR file's text. The error is one line naming the field or the JSON position. */
export function readHar(text: string, fileName = 'the file'): HarReadResult {
  if (text.length > HAR_MAX_BYTES) return { ok: false, error: `${fileName}: larger than ${HAR_MAX_BYTES / 1024 / 1024} MiB; save a HAR of fewer requests (filter the Network panel first)` };
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    return { ok: false, error: `${fileName}: not JSON (${(err as Error).message})` };
  }
  const parsed = harSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length ? issue.path.map(String).join('.') : '(top level)';
    const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
    return { ok: false, error: `${fileName}: ${field}: ${issue.message}${more}` };
  }
  return { ok: true, har: parsed.data };
}

/** One recorded request as the preview lists it. */
export interface HarRow {
  /** Index in log.entries (the recorded order). */
  index: number;
  method: string;
  url: string;
  /** host[:port] of an http(s) URL; '' otherwise. */
  host: string;
  /** Path and query. */
  path: string;
  status: number;
  mimeType: string;
  /** Response body bytes as recorded (content.size, else bodySize); -1 when unknown. */
  size: number;
  /** Why it is hidden with "hide static" (a static asset or a CORS preflight), or undefined. */
  staticReason?: string;
  /** Why it cannot be a step (not http(s), a WebSocket, an unsupported method), or undefined. */
  problem?: string;
}

const headerOf = (e: HarEntry, name: string) => e.request.headers.find((h) => h.name.toLowerCase() === name)?.value;

export function harRows(har: Har): HarRow[] {
  return har.log.entries.map((e, index) => {
    const method = e.request.method.toUpperCase();
    const mimeType = e.response.content?.mimeType ?? '';
    const size = e.response.content?.size ?? e.response.bodySize ?? -1;
    let url: URL | undefined;
    try {
      url = new URL(e.request.url);
    } catch {
      url = undefined;
    }
    const row: HarRow = { index, method, url: e.request.url, host: '', path: e.request.url, status: e.response.status, mimeType, size };
    if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      row.problem = url?.protocol === 'ws:' || url?.protocol === 'wss:' ? 'a WebSocket: add ws-connect steps' : 'not an http(s) request';
      return row;
    }
    row.host = url.host;
    row.path = `${url.pathname}${url.search}`;
    if (e._resourceType === 'websocket' || e.response.status === 101) row.problem = 'a WebSocket: add ws-connect steps';
    else if (!isFlowMethod(method)) row.problem = `${method} is not a step method`;
    const preflight = method === 'OPTIONS' && (e._resourceType === 'preflight' || headerOf(e, 'access-control-request-method') !== undefined);
    row.staticReason = preflight ? 'CORS preflight' : staticAssetReason(mimeType, e.request.url, e._resourceType);
    return row;
  });
}

export interface HarHost {
  host: string;
  /** Requests to it that can be steps and are not static. */
  requests: number;
  /** All requests to it. */
  all: number;
}

/** The hosts of the recorded requests, the one with the most API requests (not static, importable) first; ties in recorded order. */
export function harHosts(rows: HarRow[]): HarHost[] {
  const hosts = new Map<string, HarHost>();
  for (const r of rows) {
    if (!r.host) continue;
    const h = hosts.get(r.host) ?? { host: r.host, requests: 0, all: 0 };
    h.all++;
    if (!r.problem && !r.staticReason) h.requests++;
    hosts.set(r.host, h);
  }
  return [...hosts.values()].sort((a, b) => b.requests - a.requests || b.all - a.all);
}

/** The rows the preview shows: one host, static assets and preflights hidden unless asked. */
export function visibleRows(rows: HarRow[], host: string, hideStatic: boolean): HarRow[] {
  return rows.filter((r) => r.host === host && (!hideStatic || r.staticReason === undefined));
}

/** The recorded request of an entry: form params made into a urlencoded body when no text was recorded. */
function requestOf(e: HarEntry): { request: ImportedRequest; notes: string[] } {
  const notes: string[] = [];
  let body = e.request.postData?.text;
  const params = e.request.postData?.params;
  if (body === undefined && params && params.length > 0) {
    const files = params.filter((p) => p.fileName !== undefined).map((p) => p.name);
    if (files.length) notes.push(`file parts left out: ${files.join(', ')}`);
    body = params
      .filter((p) => p.fileName === undefined)
      .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(p.value ?? '')}`)
      .join('&');
  }
  return { request: { method: e.request.method.toUpperCase(), url: e.request.url, headers: e.request.headers.map((h) => [h.name, h.value] as const), body }, notes };
}

export type HarStepOptions = Omit<StepOptions, 'status'>;

export interface HarStepsResult {
  steps: HttpStepInput[];
  /** Header names left out of any step (browser noise; cookies when asked). */
  droppedHeaders: string[];
  /** One line per thing to know, naming the step. */
  notes: string[];
}

/** The steps of the chosen entries (by index in log.entries), in the recorded order; entries that cannot be steps are skipped. */
export function harSteps(har: Har, indices: Iterable<number>, opts: HarStepOptions): HarStepsResult {
  const chosen = [...new Set(indices)].sort((a, b) => a - b);
  const rows = harRows(har);
  const taken = [...opts.takenNames];
  const steps: HttpStepInput[] = [];
  const dropped: string[] = [];
  const notes: string[] = [];
  for (const i of chosen) {
    const entry = har.log.entries[i];
    const row = rows[i];
    if (entry === undefined || row.problem) continue;
    const { request, notes: entryNotes } = requestOf(entry);
    const { step, droppedHeaders } = toHttpStep(request, { ...opts, takenNames: taken, status: entry.response.status });
    taken.push(step.name);
    steps.push(step);
    for (const d of droppedHeaders) if (!dropped.includes(d)) dropped.push(d);
    for (const n of entryNotes) notes.push(`${step.name}: ${n}`);
  }
  return { steps, droppedHeaders: dropped, notes };
}
