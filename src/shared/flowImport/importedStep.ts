// A request read from a curl command or a HAR entry, made into a flow's HTTP step: the URL
// relative to the flow's base URL when it is on the same origin, browser noise left out of the
// headers, a name from the method and path (unique in the flow), a JSON body marked as JSON and
// a status check. Both importers end here, so a curl and a HAR entry of the same request give
// the same step.
import { FLOW_HTTP_METHODS, type FlowStepInput } from '../flowSteps.ts';
import { cleanHeaders, headerValue } from './browserNoise.ts';

export type FlowHttpMethod = (typeof FLOW_HTTP_METHODS)[number];
export type HttpStepInput = Extract<FlowStepInput, { type: 'http' }>;

/** A request as recorded: method as written, absolute URL, headers in order, body as text. */
export interface ImportedRequest {
  method: string;
  url: string;
  headers: Array<readonly [string, string]>;
  body?: string;
}

export interface StepOptions {
  /** The flow's base URL; a request on the same origin gets a relative URL. Empty: none yet. */
  baseUrl: string;
  /** Leave out the Cookie header. */
  dropCookies: boolean;
  /** Send to the base URL whatever host was recorded (a recording of staging replayed on loopback): the path and query alone. */
  rebase?: boolean;
  /** Names the flow already has (the new step's name differs from them). */
  takenNames: Iterable<string>;
  /** The status check: the recorded answer's class (`2xx`, `3xx`…), default `2xx`. */
  status?: number;
}

export interface ImportedStep {
  step: HttpStepInput;
  /** Header names left out (browser noise, cookies when asked). */
  droppedHeaders: string[];
}

export const isFlowMethod = (m: string): m is FlowHttpMethod => (FLOW_HTTP_METHODS as readonly string[]).includes(m);

/** The origin (scheme://host:port) of an absolute http(s) URL, or undefined. */
export function originOf(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The URL a step gets: the path and query alone when the request is on the base URL's origin
 * (the engine resolves it with `new URL(path, base)`, so a path starting with `/` is exact
 * whatever path the base URL has) or when asked to send it to the base URL, else the absolute URL.
 */
export function stepUrl(url: string, baseUrl: string, rebase = false): string {
  const base = originOf(baseUrl.trim());
  const u = new URL(url);
  if (base !== undefined && (rebase || u.origin === base)) return `${u.pathname}${u.search}`;
  return u.href;
}

/** Step names appear in thresholds and reports: `"`, `{` and `}` are not allowed, 100 characters at most. */
export function stepNameFor(method: string, url: string, taken: Iterable<string>): string {
  let path: string;
  try {
    path = decodeURI(new URL(url).pathname);
  } catch {
    path = url;
  }
  const base = `${method} ${path}`.replace(/["{}]/g, '').replace(/\s+/g, ' ').slice(0, 90).trim();
  const names = new Set(taken);
  if (!names.has(base)) return base;
  for (let n = 2; ; n++) if (!names.has(`${base} ${n}`)) return `${base} ${n}`;
}

const looksJson = (contentType: string | undefined, body: string): boolean => {
  if (contentType !== undefined && /[/+]json\b/i.test(contentType)) return true;
  if (contentType !== undefined) return false;
  const t = body.trim();
  if (!/^[[{]/.test(t)) return false;
  try {
    JSON.parse(t);
    return true;
  } catch {
    return false;
  }
};

const statusClass = (status: number | undefined): string => (status !== undefined && status >= 100 && status <= 599 ? `${Math.floor(status / 100)}xx` : '2xx');

/** The HTTP step of a request (its method must be one a flow step takes: see isFlowMethod). */
export function toHttpStep(req: ImportedRequest, opts: StepOptions): ImportedStep {
  const method = req.method.toUpperCase() as FlowHttpMethod;
  const { headers, dropped } = cleanHeaders(req.headers, { dropCookies: opts.dropCookies });
  const body = req.body !== undefined && req.body !== '' && method !== 'GET' && method !== 'HEAD' ? req.body : undefined;
  const step: HttpStepInput = {
    type: 'http',
    name: stepNameFor(method, req.url, opts.takenNames),
    method,
    url: stepUrl(req.url, opts.baseUrl, opts.rebase),
    headers,
    ...(body !== undefined ? { body, bodyType: looksJson(headerValue(headers, 'content-type'), body) ? 'json' : 'text' } : {}),
    checks: [{ type: 'status', status: statusClass(opts.status) }],
  };
  return { step, droppedHeaders: dropped };
}
