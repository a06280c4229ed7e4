// A curl command (what a browser's devtools "Copy as cURL (bash)" gives, or one typed by hand)
// read into a request: method, URL, headers and body, with curl's own rules — `-d` makes a POST
// with a form content type, several `-d` join with `&`, `-G` moves them into the query, `-u`
// becomes Basic authorization, `-b` a Cookie header, `--json` sets the JSON content type and
// accept. The words come from shellWords.ts (shell-quote, `$'…'` and line continuations).
//
// Nothing is dropped silently: options that change how curl prints, retries or follows redirects
// (`--compressed`, `-s`, `-L`…) are listed as ignored; options this reader does not know are
// listed by name as left out; a file curl would read (`-d @body.json`, `-F f=@photo.png`,
// `-T`) is refused or left out with its name, since a step carries text.
import { shellWords } from './shellWords.ts';
import { isFlowMethod, toHttpStep, type HttpStepInput, type ImportedRequest, type StepOptions } from './importedStep.ts';
import { FLOW_HTTP_METHODS } from '../flowSteps.ts';

export interface CurlRequest {
  request: ImportedRequest;
  /** `-k` / `--insecure` was given. */
  insecure: boolean;
  /** Options that do not change the request, as written (`--compressed`, `-s`). */
  ignored: string[];
  /** Options this reader does not know, as written: left out. */
  unknown: string[];
  /** Other things the user should know (a cookie file left out, `-k`…), one sentence each. */
  notes: string[];
}

export type CurlResult = ({ ok: true } & CurlRequest) | { ok: false; error: string };

type Handler =
  | 'request' | 'header' | 'data' | 'data-raw' | 'data-binary' | 'data-urlencode' | 'json' | 'form' | 'form-string'
  | 'user' | 'cookie' | 'user-agent' | 'referer' | 'url' | 'url-query' | 'oauth2-bearer' | 'range'
  | 'get' | 'head' | 'insecure' | 'ignore' | 'ignore-value' | 'upload' | 'config' | 'next';

/** Long options this reader knows, with what each does. */
const LONG: Record<string, Handler> = {
  request: 'request',
  header: 'header',
  data: 'data',
  'data-ascii': 'data',
  'data-raw': 'data-raw',
  'data-binary': 'data-binary',
  'data-urlencode': 'data-urlencode',
  json: 'json',
  form: 'form',
  'form-string': 'form-string',
  user: 'user',
  cookie: 'cookie',
  'user-agent': 'user-agent',
  referer: 'referer',
  url: 'url',
  'url-query': 'url-query',
  'oauth2-bearer': 'oauth2-bearer',
  range: 'range',
  get: 'get',
  head: 'head',
  insecure: 'insecure',
  'upload-file': 'upload',
  config: 'config',
  next: 'next',
  // How curl behaves, prints, retries, follows or connects: not part of the request a step sends.
  compressed: 'ignore', silent: 'ignore', 'show-error': 'ignore', verbose: 'ignore', include: 'ignore', location: 'ignore',
  'location-trusted': 'ignore', fail: 'ignore', 'fail-with-body': 'ignore', 'http1.0': 'ignore', 'http1.1': 'ignore',
  http2: 'ignore', 'http2-prior-knowledge': 'ignore', http3: 'ignore', 'no-buffer': 'ignore', 'no-progress-meter': 'ignore',
  'progress-bar': 'ignore', ipv4: 'ignore', ipv6: 'ignore', 'tcp-nodelay': 'ignore', 'path-as-is': 'ignore', globoff: 'ignore',
  'no-keepalive': 'ignore', raw: 'ignore', 'remote-name': 'ignore', 'remote-header-name': 'ignore', 'no-alpn': 'ignore',
  'ssl-no-revoke': 'ignore', 'tlsv1.2': 'ignore', 'tlsv1.3': 'ignore', parallel: 'ignore', 'no-styled-output': 'ignore',
  // …the same with a value, which is skipped with it.
  output: 'ignore-value', 'max-time': 'ignore-value', 'connect-timeout': 'ignore-value', retry: 'ignore-value',
  'retry-delay': 'ignore-value', 'retry-max-time': 'ignore-value', 'write-out': 'ignore-value', cacert: 'ignore-value',
  capath: 'ignore-value', cert: 'ignore-value', key: 'ignore-value', resolve: 'ignore-value', 'connect-to': 'ignore-value',
  proxy: 'ignore-value', 'proxy-user': 'ignore-value', 'limit-rate': 'ignore-value', 'cookie-jar': 'ignore-value',
  'dump-header': 'ignore-value', 'max-redirs': 'ignore-value', interface: 'ignore-value', 'local-port': 'ignore-value',
  'dns-servers': 'ignore-value', 'expect100-timeout': 'ignore-value', trace: 'ignore-value', 'trace-ascii': 'ignore-value',
  stderr: 'ignore-value', ciphers: 'ignore-value', 'tls-max': 'ignore-value', 'keepalive-time': 'ignore-value',
};

/** Short options and their long names. */
const SHORT: Record<string, string> = {
  X: 'request', H: 'header', d: 'data', F: 'form', u: 'user', b: 'cookie', A: 'user-agent', e: 'referer', r: 'range',
  G: 'get', I: 'head', k: 'insecure', T: 'upload-file', K: 'config', ':': 'next',
  s: 'silent', S: 'show-error', v: 'verbose', i: 'include', L: 'location', f: 'fail', '0': 'http1.0', N: 'no-buffer',
  '#': 'progress-bar', '4': 'ipv4', '6': 'ipv6', g: 'globoff', O: 'remote-name', J: 'remote-header-name', Z: 'parallel',
  o: 'output', m: 'max-time', w: 'write-out', E: 'cert', x: 'proxy', U: 'proxy-user', c: 'cookie-jar', D: 'dump-header',
};

const TAKES_VALUE = new Set<Handler>([
  'request', 'header', 'data', 'data-raw', 'data-binary', 'data-urlencode', 'json', 'form', 'form-string', 'user', 'cookie',
  'user-agent', 'referer', 'url', 'url-query', 'oauth2-bearer', 'range', 'ignore-value', 'upload', 'config',
]);

/** curl's --data-urlencode encoding: everything but unreserved characters, space as %20. */
const urlEncode = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** Base64 of the text's UTF-8 bytes (btoa alone takes Latin-1 only). */
function base64Utf8(text: string): string {
  let binary = '';
  for (const b of new TextEncoder().encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** Boundary of the multipart bodies made from -F (fixed, so the same command gives the same step). */
export const FORM_BOUNDARY = '------------------------barrageFormBoundary7d3a';

interface FormPart {
  name: string;
  value: string;
  type?: string;
}

function multipartBody(parts: FormPart[]): string {
  let body = '';
  for (const p of parts) {
    body += `--${FORM_BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name.replace(/"/g, '%22')}"\r\n`;
    if (p.type) body += `Content-Type: ${p.type}\r\n`;
    body += `\r\n${p.value}\r\n`;
  }
  return `${body}--${FORM_BOUNDARY}--\r\n`;
}

/** The first word of the text tells a Windows flavour of "Copy as cURL" apart from bash's. */
function notBash(text: string): string | undefined {
  const t = text.trimStart();
  if (/^(Invoke-WebRequest|Invoke-RestMethod|iwr|irm)\b/i.test(t)) return 'is a PowerShell command; use the browser\'s "Copy as cURL (bash)"';
  if (/^curl(\.exe)?\s/i.test(t) && /\^"/.test(t)) return 'is a Windows cmd command (^" quoting); use the browser\'s "Copy as cURL (bash)"';
  return undefined;
}

/** Reads a curl command. Errors are one sentence about the command ("-X TRACE: …"), for the field it was pasted in. */
export function parseCurl(text: string): CurlResult {
  const windows = notBash(text);
  if (windows) return { ok: false, error: windows };
  const split = shellWords(text);
  if (!split.ok) return split;
  const words = split.words;
  if (words.length === 0 || !/^curl(\.exe)?$/i.test(words[0].split('/').at(-1) ?? '')) {
    return { ok: false, error: `does not start with "curl" (it starts with "${(words[0] ?? '').slice(0, 40)}")` };
  }

  let method: string | undefined;
  let implicitMethod: 'POST' | 'HEAD' | undefined;
  let getMode = false;
  const urls: string[] = [];
  const headers: Array<[string, string]> = [];
  const data: string[] = [];
  let json = false;
  const form: FormPart[] = [];
  const queries: string[] = [];
  let insecure = false;
  const ignored: string[] = [];
  const unknown: string[] = [];
  const notes: string[] = [];
  let error: string | undefined;

  const fileRefused = (flag: string, value: string) => {
    error ??= `${flag} ${value}: reads a file, which a step cannot carry; paste the content instead (e.g. --data-raw '…')`;
  };

  const apply = (flag: string, handler: Handler, value: string) => {
    switch (handler) {
      case 'request':
        method = value.toUpperCase();
        break;
      case 'header': {
        if (value.startsWith('@')) return fileRefused(flag, value);
        const semi = /^([^:;\s]+);$/.exec(value.trim());
        if (semi) {
          headers.push([semi[1], '']);
          return;
        }
        const colon = value.indexOf(':');
        if (colon <= 0) {
          error ??= `${flag} "${value}": is not a header (expected "Name: value")`;
          return;
        }
        const name = value.slice(0, colon).trim();
        const v = value.slice(colon + 1).trim();
        // curl's "-H 'Name:'" removes a header curl would add; nothing to send.
        if (v === '') notes.push(`${flag} "${name}:" removes a header curl would add itself: nothing to import.`);
        else headers.push([name, v]);
        return;
      }
      case 'data':
      case 'data-binary':
        if (value.startsWith('@')) return fileRefused(flag, value);
        data.push(value);
        implicitMethod = 'POST';
        return;
      case 'data-raw':
        data.push(value);
        implicitMethod = 'POST';
        return;
      case 'json':
        if (value.startsWith('@')) return fileRefused(flag, value);
        data.push(value);
        json = true;
        implicitMethod = 'POST';
        return;
      case 'data-urlencode': {
        const eq = value.indexOf('=');
        if (eq < 0 && value.includes('@')) return fileRefused(flag, value);
        data.push(eq < 0 ? urlEncode(value) : eq === 0 ? urlEncode(value.slice(1)) : `${value.slice(0, eq)}=${urlEncode(value.slice(eq + 1))}`);
        implicitMethod = 'POST';
        return;
      }
      case 'form':
      case 'form-string': {
        const eq = value.indexOf('=');
        if (eq <= 0) {
          error ??= `${flag} "${value}": expected name=value`;
          return;
        }
        const name = value.slice(0, eq);
        let v = value.slice(eq + 1);
        if (handler === 'form' && (v.startsWith('@') || v.startsWith('<'))) {
          notes.push(`${flag} ${value}: a file upload; the part "${name}" is left out (a step's body is text).`);
          implicitMethod = 'POST';
          return;
        }
        let type: string | undefined;
        const typed = handler === 'form' ? /;type=([^;]+)$/.exec(v) : null;
        if (typed) {
          type = typed[1];
          v = v.slice(0, typed.index);
        }
        form.push({ name, value: v, type });
        implicitMethod = 'POST';
        return;
      }
      case 'user': {
        if (!value.includes(':')) notes.push(`${flag} "${value}" has no password (curl would ask for it); an empty password is used.`);
        headers.push(['Authorization', `Basic ${base64Utf8(value.includes(':') ? value : `${value}:`)}`]);
        return;
      }
      case 'cookie':
        if (!value.includes('=')) {
          notes.push(`${flag} ${value}: reads cookies from a file; left out (paste them as -b 'name=value').`);
          return;
        }
        headers.push(['Cookie', value]);
        return;
      case 'user-agent':
        headers.push(['User-Agent', value]);
        return;
      case 'referer':
        headers.push(['Referer', value.replace(/;auto$/, '')]);
        return;
      case 'oauth2-bearer':
        headers.push(['Authorization', `Bearer ${value}`]);
        return;
      case 'range':
        headers.push(['Range', `bytes=${value}`]);
        return;
      case 'url':
        urls.push(value);
        return;
      case 'url-query':
        queries.push(value.startsWith('+') ? value.slice(1) : value);
        return;
      case 'get':
        getMode = true;
        return;
      case 'head':
        implicitMethod = 'HEAD';
        return;
      case 'insecure':
        insecure = true;
        return;
      case 'ignore':
      case 'ignore-value':
        if (!ignored.includes(flag)) ignored.push(flag);
        return;
      case 'upload':
        return fileRefused(flag, value);
      case 'config':
        error ??= `${flag} ${value}: reads options from a file; paste the full command instead`;
        return;
      case 'next':
        error ??= `${flag}: the command holds more than one request; paste one at a time`;
        return;
    }
  };

  let optionsEnded = false;
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    const missing = (flag: string) => (error ??= `${flag}: expects a value after it`);
    if (optionsEnded || !w.startsWith('-') || w === '-') {
      urls.push(w);
      continue;
    }
    if (w === '--') {
      optionsEnded = true;
      continue;
    }
    if (w.startsWith('--')) {
      const name = w.slice(2);
      const handler = LONG[name];
      if (handler === undefined) {
        if (!unknown.includes(w)) unknown.push(w);
        continue;
      }
      if (TAKES_VALUE.has(handler)) {
        if (i + 1 >= words.length) missing(w);
        else apply(w, handler, words[++i]);
      } else apply(w, handler, '');
      continue;
    }
    // A cluster of short options: -sSL, -XPOST, -H'a: b'.
    for (let k = 1; k < w.length; k++) {
      const flag = `-${w[k]}`;
      const long = SHORT[w[k]];
      const handler = long === undefined ? undefined : LONG[long];
      if (handler === undefined) {
        if (!unknown.includes(flag)) unknown.push(flag);
        continue;
      }
      if (TAKES_VALUE.has(handler)) {
        const rest = w.slice(k + 1);
        if (rest !== '') apply(flag, handler, rest);
        else if (i + 1 >= words.length) missing(flag);
        else apply(flag, handler, words[++i]);
        break;
      }
      apply(flag, handler, '');
    }
  }
  if (error !== undefined) return { ok: false, error };

  if (urls.length === 0) return { ok: false, error: 'has no URL (curl \'https://…\')' };
  if (urls.length > 1) {
    const extra = urls.slice(1).map((u) => `"${u.slice(0, 60)}"`).join(', ');
    const hint = unknown.length ? ` (perhaps the value of ${unknown.join(', ')})` : '';
    return { ok: false, error: `has more than one URL: ${extra} besides "${urls[0].slice(0, 60)}"${hint}; paste one request` };
  }
  let urlText = urls[0];
  // curl takes a URL without a scheme as http://.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(urlText)) urlText = `http://${urlText}`;
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    return { ok: false, error: `"${urls[0].slice(0, 80)}" is not a URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, error: `"${url.protocol}" URLs are not HTTP requests; a step takes http:// or https://` };
  if (data.length > 0 && form.length > 0) return { ok: false, error: '-d and -F cannot be used together (curl refuses them too)' };

  const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);
  let body: string | undefined;
  if (getMode) {
    // -G: the data goes into the query string of a GET.
    queries.push(...data);
    implicitMethod = implicitMethod === 'HEAD' ? 'HEAD' : undefined;
  } else if (data.length > 0) {
    body = json ? data.join('') : data.join('&');
    if (json) {
      if (!has('content-type')) headers.push(['Content-Type', 'application/json']);
      if (!has('accept')) headers.push(['Accept', 'application/json']);
    } else if (!has('content-type')) headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
  } else if (form.length > 0) {
    body = multipartBody(form);
    const i = headers.findIndex(([n]) => n.toLowerCase() === 'content-type');
    const type = `multipart/form-data; boundary=${FORM_BOUNDARY}`;
    if (i >= 0) headers[i] = [headers[i][0], type];
    else headers.push(['Content-Type', type]);
  } else if (implicitMethod === 'POST') {
    // Only file parts: a POST with an empty multipart body.
    body = multipartBody([]);
    headers.push(['Content-Type', `multipart/form-data; boundary=${FORM_BOUNDARY}`]);
  }
  if (queries.length > 0) url.search = url.search ? `${url.search}&${queries.join('&')}` : `?${queries.join('&')}`;

  const finalMethod = method ?? (getMode ? (implicitMethod ?? 'GET') : (implicitMethod ?? 'GET'));
  if (!isFlowMethod(finalMethod)) return { ok: false, error: `-X ${finalMethod}: a step's method is one of ${FLOW_HTTP_METHODS.join(', ')}` };
  if (insecure) notes.push('-k: curl was told not to check certificates; a flow checks them unless its "insecure" setting (Accept invalid TLS certificates) is on.');

  return { ok: true, request: { method: finalMethod, url: url.href, headers, body }, insecure, ignored, unknown, notes };
}

export type CurlStepResult =
  | { ok: true; step: HttpStepInput; insecure: boolean; notes: string[]; origin: string }
  | { ok: false; error: string };

/**
 * A curl command made into a flow step (see importedStep.ts), with everything left out said in
 * `notes`: options ignored, options not understood, browser headers dropped. `origin` is the
 * request's scheme://host:port (the builder makes it the base URL of a flow that has none).
 */
export function curlStep(text: string, opts: Omit<StepOptions, 'status'>): CurlStepResult {
  const parsed = parseCurl(text);
  if (!parsed.ok) return parsed;
  const { step, droppedHeaders } = toHttpStep(parsed.request, opts);
  const notes: string[] = [];
  if (parsed.unknown.length) notes.push(`Not understood, left out: ${parsed.unknown.join(', ')}.`);
  if (parsed.ignored.length) notes.push(`Ignored (they change how curl runs, not the request): ${parsed.ignored.join(', ')}.`);
  if (droppedHeaders.length) notes.push(`Browser headers left out: ${droppedHeaders.join(', ')}.`);
  notes.push(...parsed.notes);
  return { ok: true, step, insecure: parsed.insecure, notes, origin: new URL(parsed.request.url).origin };
}
