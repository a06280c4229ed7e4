// OpenAPI 3 / Swagger 2 into saved scenarios: one HTTP scenario per operation. The document is
// read, $ref-resolved and validated by @apidevtools/swagger-parser (a hand-written reader would
// miss half of the two specs' corners); this module only turns each operation into a scenario:
// the URL from the servers (or host + basePath), path parameters from their examples or defaults,
// an example JSON body from the request-body schema, and the security schemes' credentials as
// visible {{PLACEHOLDERS}} the user must fill in — Barrage never guesses a secret.
import SwaggerParser from '@apidevtools/swagger-parser';
import { isLoopbackTarget } from '../engine/index.ts';
import { parseScenario, HTTP_METHODS, type ScenarioInput } from '../../shared/scenario.ts';

import type { ImportedOperation, OpenApiImport, OpenApiImportResult } from '../../shared/openapiImport.ts';
import type { RunStore } from '../store/runStore.ts';

export type { ImportedOperation, OpenApiImport, OpenApiImportResult };

type Json = Record<string, unknown>;

/** A document that cannot be imported: the message is one line naming the problem. */
export class OpenApiImportError extends Error {
  override name = 'OpenApiImportError';
}

const MAX_DOCUMENT_BYTES = 20 * 1024 * 1024;
/** Where an uploaded document "lives" for swagger-parser; never shown to the user. */
const UPLOAD_BASE = 'upload:///';
const FETCH_TIMEOUT_MS = 10_000;
const OPENAPI_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface OpenApiImportOptions {
  /** Replaces the document's server URL (needed when it gives none, or a relative one, for a file). */
  baseUrl?: string;
  /** How the caller's user gives that URL, for messages: "--base-url" (the CLI) or "a base URL" (the app). */
  baseUrlHint?: string;
}

/** The document's location as swagger-parser resolves it, and which resolvers it may use. */
interface DocumentLocation {
  /** Named in messages: the path, URL or uploaded file's name. */
  label: string;
  /** What swagger-parser reads first. */
  parserPath: string;
  isUrl: boolean;
  /** Local files may be read ($refs to files, the document itself): the CLI yes, the app never. */
  files: boolean;
  /** The document's text when the caller already has it (a file the app's renderer read). */
  text?: string;
}

/**
 * Reads a document from a file path or an http(s) URL on loopback. A URL elsewhere is refused:
 * this importer must not become a way to make the app fetch arbitrary hosts, and $refs inside the
 * document that point off loopback are refused the same way.
 */
export async function importOpenApi(source: string, options: OpenApiImportOptions = {}): Promise<OpenApiImport> {
  const isUrl = /^https?:\/\//i.test(source);
  if (isUrl && !isLoopbackTarget(source)) throw new OpenApiImportError(`${source}: only URLs on loopback (127.0.0.1, ::1, localhost) can be imported; save the document to a file instead`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(source) && !isUrl) throw new OpenApiImportError(`${source}: give a file or an http(s) URL on loopback`);
  return importFrom({ label: source, parserPath: source, isUrl, files: true }, options);
}

/**
 * The app's import: the text of a file the renderer read (the app never reads a path it is
 * given: in `barrage serve` that would hand the server's files to a browser), or an http(s) URL
 * on loopback. Neither may pull in local files through a $ref.
 */
export async function importOpenApiForApp(source: { fileName?: string; text?: string; url?: string }, options: OpenApiImportOptions = {}): Promise<OpenApiImport> {
  const hinted = { baseUrlHint: 'a base URL', ...options };
  if (source.url !== undefined) {
    const url = source.url.trim();
    if (!/^https?:\/\//i.test(url)) throw new OpenApiImportError(`${url}: give an http(s) URL on loopback (e.g. http://127.0.0.1:8080/openapi.json), or choose a file`);
    if (!isLoopbackTarget(url)) throw new OpenApiImportError(`${url}: only URLs on loopback (127.0.0.1, ::1, localhost) can be imported; save the document to a file and choose it instead`);
    return importFrom({ label: url, parserPath: url, isUrl: true, files: false }, hinted);
  }
  const fileName = (source.fileName ?? 'document').replace(/[\\/]/g, '_');
  // A made-up address swagger-parser can resolve relative $refs against; only the document itself
  // is served at it, so a $ref to another file fails with swagger-parser's own message.
  return importFrom({ label: fileName, parserPath: `${UPLOAD_BASE}${encodeURIComponent(fileName)}`, isUrl: false, files: false, text: source.text ?? '' }, hinted);
}

async function importFrom(at: DocumentLocation, options: OpenApiImportOptions): Promise<OpenApiImport> {
  const source = at.label;
  const isUrl = at.isUrl;
  let doc: Json;
  try {
    const resolve: Record<string, unknown> = { http: false, loopbackHttp: { order: 1, canRead: /^https?:\/\//i, read: readLoopback } };
    if (!at.files) resolve.file = false;
    if (at.text !== undefined) {
      const text = at.text;
      resolve.upload = { order: 0, canRead: (file: { url: string }) => file.url === at.parserPath, read: () => text };
    }
    doc = (await SwaggerParser.validate(at.parserPath, { resolve, dereference: { circular: true } } as unknown as SwaggerParser.Options)) as unknown as Json;
  } catch (err) {
    // The parser names the file in its own message too; say it once.
    const message = describeParserError(err).split(at.parserPath).join('').split(source).join('').split(UPLOAD_BASE).join('');
    throw new OpenApiImportError(`${source}: ${message.replace(/^[\s:]+/, '').replace(/^Error parsing\s*:?\s*/i, 'cannot be parsed: ')}`);
  }
  const swagger2 = typeof doc.swagger === 'string';
  const spec = swagger2 ? `Swagger ${String(doc.swagger)}` : `OpenAPI ${String(doc.openapi)}`;
  const info = obj(doc.info);
  const baseUrl = resolveBaseUrl(doc, swagger2, source, isUrl, options.baseUrl, options.baseUrlHint ?? '--base-url');
  const operations: ImportedOperation[] = [];
  const paths = obj(doc.paths);
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = obj(rawItem);
    for (const method of OPENAPI_METHODS) {
      if (item[method] === undefined) continue;
      operations.push(operationToScenario(doc, swagger2, baseUrl, path, method, item, obj(item[method])));
    }
  }
  return { spec, title: typeof info.title === 'string' ? info.title : '', baseUrl, operations };
}

/**
 * Saves operations as scenarios named `prefix + operation id`; a scenario of the same name is
 * replaced (importing a document again updates what it made). Operations that cannot be a
 * scenario are left out; the caller has listed them with their reason.
 */
export function saveImportedOperations(store: RunStore, operations: readonly ImportedOperation[], prefix = ''): OpenApiImportResult {
  const saved: OpenApiImportResult['saved'] = [];
  const placeholders = new Set<string>();
  for (const op of operations) {
    if (!op.scenario) continue;
    const name = `${prefix}${op.scenario.name}`.slice(0, 200);
    const updated = store.getScenario(name)?.name === name;
    const s = store.saveScenario(name, { ...op.scenario, name });
    saved.push({ id: s.id, name: s.name, operation: op.id, updated });
    op.placeholders.forEach((p) => placeholders.add(p));
  }
  return { saved, placeholders: [...placeholders] };
}

async function readLoopback(file: { url: string }): Promise<string> {
  if (!isLoopbackTarget(file.url)) throw new OpenApiImportError(`refers to ${file.url}, which is not on loopback`);
  const res = await fetch(file.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), redirect: 'error' });
  if (!res.ok) throw new OpenApiImportError(`${file.url} answered HTTP ${res.status}`);
  return readCapped(res, file.url);
}

/**
 * The body as text, refused as soon as it passes the size limit: a server that streams a huge
 * (or endless) document is cut off there instead of being read whole into memory first.
 */
async function readCapped(res: Response, url: string): Promise<string> {
  const tooLarge = () => new OpenApiImportError(`${url} is larger than 20 MiB`);
  if (Number(res.headers.get('content-length') ?? 0) > MAX_DOCUMENT_BYTES) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_DOCUMENT_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** swagger-parser's messages can span many lines (one per schema error): the first says what is wrong. */
function describeParserError(err: unknown): string {
  const e = err as { message?: unknown; code?: unknown; cause?: unknown };
  if (err instanceof OpenApiImportError) return err.message;
  const cause = e.cause as { message?: unknown } | undefined;
  if (cause && typeof cause.message === 'string' && cause.message.includes('loopback')) return cause.message;
  const raw = typeof e.message === 'string' ? e.message : String(err);
  if (/ENOENT/.test(raw)) return 'no such file';
  if (/is not a valid Openapi API definition/.test(raw)) return 'paths: is missing (not a valid OpenAPI document)';
  const lines = raw.split('\n').map((l) => l.trim()).filter(Boolean);
  // "Swagger schema validation failed." is followed by the first real problem: keep both.
  const first = lines[0] ?? 'cannot be read';
  const detail = lines.length > 1 && /validation failed/i.test(first) ? ` ${lines[1]}` : '';
  return `${first}${detail}`.replace(/\s+/g, ' ').slice(0, 300);
}

function resolveBaseUrl(doc: Json, swagger2: boolean, source: string, isUrl: boolean, override: string | undefined, hint: string): string {
  let base: string;
  if (override !== undefined) {
    base = override;
  } else if (swagger2) {
    const schemes = Array.isArray(doc.schemes) ? doc.schemes.map(String) : [];
    const scheme = schemes.includes('https') ? 'https' : schemes.includes('http') ? 'http' : isUrl ? new URL(source).protocol.slice(0, -1) : 'https';
    const basePath = typeof doc.basePath === 'string' ? doc.basePath : '';
    if (typeof doc.host === 'string' && doc.host) base = `${scheme}://${doc.host}${basePath}`;
    else if (isUrl) base = new URL(basePath || '/', source).href;
    else throw new OpenApiImportError(`${source}: the document names no host; give ${hint} (e.g. http://127.0.0.1:8080${basePath})`);
  } else {
    const server = obj(Array.isArray(doc.servers) ? doc.servers[0] : undefined);
    let url = typeof server.url === 'string' ? server.url : '/';
    // Server variables ({region}) take their defaults, which OpenAPI requires each to have.
    for (const [name, v] of Object.entries(obj(server.variables))) url = url.split(`{${name}}`).join(String(obj(v).default ?? ''));
    // swagger-parser (13.1) already made a relative server absolute for a document read from a
    // URL, but from the URL's host name without its port: put the port back.
    if (isUrl && /^https?:\/\//i.test(url)) {
      const from = new URL(source);
      const made = new URL(url);
      if (from.port && !made.port && made.protocol === from.protocol && made.hostname === from.hostname) url = from.origin + made.pathname + made.search;
    }
    if (/^https?:\/\//i.test(url)) base = url;
    else if (isUrl) base = new URL(url, source).href;
    else throw new OpenApiImportError(`${source}: servers[0].url "${url}" is not an absolute URL; give ${hint} (e.g. http://127.0.0.1:8080${url === '/' ? '' : url})`);
  }
  try {
    const u = new URL(base);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
  } catch {
    throw new OpenApiImportError(`base URL "${base}" is not an http(s) URL`);
  }
  return base.replace(/\/+$/, '');
}

function operationToScenario(doc: Json, swagger2: boolean, baseUrl: string, path: string, method: string, item: Json, op: Json): ImportedOperation {
  const METHOD = method.toUpperCase();
  const id = typeof op.operationId === 'string' && op.operationId.trim() ? op.operationId.trim() : `${METHOD} ${path}`;
  const result: ImportedOperation = { id, method: METHOD, path, placeholders: [], notes: [] };
  if (typeof op.summary === 'string') result.summary = op.summary;
  if (!(HTTP_METHODS as readonly string[]).includes(METHOD)) {
    result.skipped = `${METHOD} is not a method Barrage sends`;
    return result;
  }
  const params = mergedParameters(item, op);
  const headers: Record<string, string> = {};
  const query: Array<[string, string]> = [];
  let urlPath = path;
  for (const p of params) {
    const where = String(p.in);
    const name = String(p.name);
    if (where === 'path') {
      const value = parameterValue(p, swagger2, result.notes);
      urlPath = urlPath.split(`{${name}}`).join(encodeURIComponent(value));
    } else if (where === 'query' && p.required === true) {
      query.push([name, parameterValue(p, swagger2, result.notes)]);
    } else if (where === 'header' && p.required === true) {
      headers[name] = parameterValue(p, swagger2, result.notes);
    }
  }

  const body = requestBody(swagger2, doc, op, params, result.notes);
  if (body?.contentType) headers['Content-Type'] = body.contentType;
  applySecurity(doc, swagger2, op, headers, query, result);

  const url = new URL(baseUrl + urlPath);
  for (const [k, v] of query) url.searchParams.append(k, v);
  // URLSearchParams would percent-encode the braces of a {{PLACEHOLDER}}: keep them readable.
  const href = url.href.replace(/%7B%7B([A-Z0-9_]+)%7D%7D/g, '{{$1}}');
  const config: ScenarioInput & { name: string } = {
    protocol: 'http',
    name: id.slice(0, 200),
    url: href,
    method: METHOD as (typeof HTTP_METHODS)[number],
    headers,
    ...(body ? { body: body.text, bodyType: body.json ? ('json' as const) : ('text' as const) } : {}),
  };
  const parsed = parseScenario(config);
  if (!parsed.ok) result.skipped = parsed.error.split('\n')[0];
  else result.scenario = config;
  return result;
}

/** Path-level parameters apply to every operation; the operation's own override them (same name and place). */
function mergedParameters(item: Json, op: Json): Json[] {
  const byKey = new Map<string, Json>();
  for (const list of [item.parameters, op.parameters]) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const p = obj(raw);
      byKey.set(`${String(p.in)}:${String(p.name)}`, p);
    }
  }
  return [...byKey.values()];
}

/** The document's example (any of the places the two specs put one), else a made-up value noted. */
function parameterValue(p: Json, swagger2: boolean, notes: string[]): string {
  const schema = swagger2 ? p : obj(p.schema);
  const candidates: unknown[] = [p.example, firstExample(p.examples), p['x-example'], schema.example, schema.default, Array.isArray(schema.enum) ? schema.enum[0] : undefined];
  for (const c of candidates) if (c !== undefined && c !== null) return typeof c === 'string' ? c : JSON.stringify(c);
  const made = sample(schema, 0, new Set());
  notes.push(`${String(p.in)} parameter "${String(p.name)}" has no example; used ${JSON.stringify(made)}`);
  return typeof made === 'string' ? made : JSON.stringify(made);
}

function firstExample(examples: unknown): unknown {
  const first = Object.values(obj(examples))[0];
  return first === undefined ? undefined : obj(first).value;
}

interface Body {
  text: string;
  json: boolean;
  contentType?: string;
}

function requestBody(swagger2: boolean, doc: Json, op: Json, params: Json[], notes: string[]): Body | undefined {
  if (swagger2) {
    const bodyParam = params.find((p) => p.in === 'body');
    if (bodyParam) {
      const consumes = (Array.isArray(op.consumes) ? op.consumes : Array.isArray(doc.consumes) ? doc.consumes : ['application/json']).map(String);
      const type = consumes.find(isJsonType);
      if (!type) {
        notes.push(`request body of type ${consumes.join(', ')} not generated (JSON only); add one before running`);
        return undefined;
      }
      const schema = obj(bodyParam.schema);
      return { text: JSON.stringify(schema.example ?? sample(schema, 0, new Set()), null, 2), json: true, contentType: type };
    }
    if (params.some((p) => p.in === 'formData')) notes.push('form parameters not generated (JSON bodies only); add a body before running');
    return undefined;
  }
  const rb = obj(op.requestBody);
  const content = obj(rb.content);
  const types = Object.keys(content);
  if (types.length === 0) return undefined;
  const type = types.find(isJsonType);
  if (!type) {
    notes.push(`request body of type ${types.join(', ')} not generated (JSON only); add one before running`);
    return undefined;
  }
  const media = obj(content[type]);
  const schema = obj(media.schema);
  const example = media.example ?? firstExample(media.examples) ?? schema.example ?? sample(schema, 0, new Set());
  return { text: JSON.stringify(example, null, 2), json: true, contentType: type };
}

function isJsonType(t: string): boolean {
  return /^application\/(?:[\w.-]+\+)?json\b/i.test(t);
}

const MAX_SAMPLE_DEPTH = 8;

/**
 * An example value from a JSON schema: its example/default/enum, else one of its type. The
 * dereferenced document can be circular (a Category with child Categories), hence `seen`.
 */
export function sample(schemaIn: unknown, depth: number, seen: Set<unknown>): unknown {
  const schema = obj(schemaIn);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (seen.has(schemaIn) || depth > MAX_SAMPLE_DEPTH) return null;
  const inner = new Set(seen).add(schemaIn);
  if (Array.isArray(schema.allOf)) {
    const merged: Json = {};
    for (const part of schema.allOf) {
      const v = sample(part, depth + 1, inner);
      if (v && typeof v === 'object' && !Array.isArray(v)) Object.assign(merged, v);
    }
    return merged;
  }
  for (const key of ['oneOf', 'anyOf'] as const) {
    const list = schema[key];
    if (Array.isArray(list) && list.length > 0) return sample(list[0], depth + 1, inner);
  }
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined)) {
    case 'object': {
      const out: Json = {};
      for (const [name, prop] of Object.entries(obj(schema.properties))) {
        if (obj(prop).readOnly === true) continue; // the server sets it; a request must not
        out[name] = sample(prop, depth + 1, inner);
      }
      return out;
    }
    case 'array':
      return [sample(schema.items, depth + 1, inner)];
    case 'integer':
      return typeof schema.minimum === 'number' ? Math.ceil(schema.minimum) : 1;
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1.5;
    case 'boolean':
      return true;
    case 'string':
      return sampleString(String(schema.format ?? ''));
    default:
      return null;
  }
}

function sampleString(format: string): string {
  switch (format) {
    case 'date-time':
      return '2024-01-01T00:00:00Z';
    case 'date':
      return '2024-01-01';
    case 'email':
      return 'user@example.com';
    case 'uuid':
      return '00000000-0000-4000-8000-000000000000';
    case 'uri':
    case 'url':
      return 'https://example.com/';
    default:
      return 'string';
  }
}

/**
 * The first security requirement of the operation (else the document's) becomes headers or query
 * parameters holding {{SCHEME_NAME}} placeholders: visible in the scenario, never a made-up secret.
 */
function applySecurity(doc: Json, swagger2: boolean, op: Json, headers: Record<string, string>, query: Array<[string, string]>, result: ImportedOperation): void {
  const requirements = Array.isArray(op.security) ? op.security : Array.isArray(doc.security) ? doc.security : [];
  if (requirements.length === 0) return;
  const schemes = swagger2 ? obj(doc.securityDefinitions) : obj(obj(doc.components).securitySchemes);
  const cookies: string[] = [];
  for (const schemeName of Object.keys(obj(requirements[0]))) {
    const scheme = obj(schemes[schemeName]);
    const placeholder = `{{${schemeName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '').toUpperCase() || 'CREDENTIAL'}}}`;
    const type = String(scheme.type);
    const httpScheme = String(scheme.scheme ?? '').toLowerCase();
    if (type === 'apiKey') {
      const name = String(scheme.name);
      if (scheme.in === 'header') headers[name] = placeholder;
      else if (scheme.in === 'query') query.push([name, placeholder]);
      else if (scheme.in === 'cookie') cookies.push(`${name}=${placeholder}`);
    } else if (type === 'basic' || (type === 'http' && httpScheme === 'basic')) {
      headers.Authorization = `Basic ${placeholder}`;
    } else if (type === 'http' && httpScheme === 'bearer') {
      headers.Authorization = `Bearer ${placeholder}`;
    } else if (type === 'oauth2' || type === 'openIdConnect') {
      headers.Authorization = `Bearer ${placeholder}`;
    } else {
      result.notes.push(`security scheme "${schemeName}" (${type}${httpScheme ? ` ${httpScheme}` : ''}) not translated; add its credentials before running`);
      continue;
    }
    if (!result.placeholders.includes(placeholder)) result.placeholders.push(placeholder);
  }
  if (cookies.length > 0) headers.Cookie = cookies.join('; ');
}

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}
