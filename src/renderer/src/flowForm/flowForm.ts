// The flow builder's model, without any DOM (issue #12): what the form holds (text as typed,
// so a half-typed number can be shown and explained), how it becomes a `protocol: "flow"`
// scenario input, how the shared schema's issues (paths `phase.index.field`, from
// src/shared/flowSteps.ts checkFlow) land on the steps' fields, and which variables each step
// may use. The builder validates with the very schema the main process applies to every save
// and run, so what the builder accepts the server accepts, in the same words the CLI prints.
import type { z } from 'zod';
import {
  BUILTIN_VARIABLES,
  FLOW_HTTP_METHODS,
  type Check,
  type Extraction,
  type FlowData,
  type FlowStep,
  type FlowStepType,
} from '../../../shared/flowSteps.ts';
import type { HttpStepInput } from '../../../shared/flowImport/importedStep.ts';
import { scenarioSchema, type FlowScenario, type Scenario } from '../../../shared/scenario.ts';
import { tryParseThreshold } from '../../../shared/thresholds.ts';
import { headerRow, stageRow, type HeaderRow, type StageRow } from '../scenarioForm/scenarioForm.ts';

export type Phase = 'setup' | 'steps' | 'teardown';
export const PHASES: readonly Phase[] = ['setup', 'steps', 'teardown'];
export type FlowMethod = (typeof FLOW_HTTP_METHODS)[number];

export interface ExtractionRow {
  id: number;
  from: Extraction['from'];
  var: string;
  /** json: the JSON path. */
  path: string;
  /** header: the header's name. */
  header: string;
  /** regex: the pattern and the capture group (text). */
  pattern: string;
  group: string;
}

export type CheckType = Check['type'];
export interface CheckRow {
  id: number;
  type: CheckType;
  /** status: "200", "2xx", "200,201". */
  status: string;
  /** jsonPath: path, op and value. */
  path: string;
  op: 'exists' | 'equals' | 'matches';
  value: string;
  /** bodyContains. */
  text: string;
  /** header present. */
  header: string;
  /** latency limit (ms, text). */
  maxMs: string;
}

/** One step as the builder edits it: every type's fields, the type choosing which count. */
export interface StepForm {
  /** Stable key for lists (steps move, are duplicated and deleted). */
  id: number;
  type: FlowStepType;
  name: string;
  // http, ws-connect
  method: FlowMethod;
  url: string;
  headers: HeaderRow[];
  body: string;
  bodyType: 'text' | 'json';
  /** ws-connect: comma-separated. */
  subprotocols: string;
  // ws-send, ws-await
  message: string;
  /** ws-send: expect an answer matched by a JSON path (JSON-RPC's id) or a regex, or none. ws-await: filter the pushes. */
  matchMode: 'none' | 'path' | 'regex';
  matchPath: string;
  sentPath: string;
  matchRegex: string;
  timeoutMs: string;
  count: string;
  inFlight: string;
  lagPath: string;
  extract: ExtractionRow[];
  checks: CheckRow[];
  thinkMode: 'none' | 'fixed' | 'range';
  thinkMs: string;
  thinkMaxMs: string;
  onFailure: 'abandon' | 'continue';
}

export interface FlowForm {
  name: string;
  /** Base URL: relative step URLs resolve against it. */
  url: string;
  /** Sent with every HTTP step (a step's own header of the same name wins). */
  headers: HeaderRow[];
  virtualUsers: string;
  loadModel: 'closed' | 'open';
  /** Open model: iterations per second. */
  rate: string;
  lengthMode: 'duration' | 'amount' | 'stages';
  durationSec: string;
  /** Iterations. */
  amount: string;
  stages: StageRow[];
  thresholds: string;
  timeoutSec: string;
  warmupSec: string;
  workers: string;
  insecure: boolean;
  /** The data file's rows as the schema keeps them (already parsed), or none. */
  data: FlowData | undefined;
  setup: StepForm[];
  steps: StepForm[];
  teardown: StepForm[];
  /** Fields of a loaded scenario the builder does not edit, sent back unchanged on save. */
  extra: Record<string, unknown>;
}

let nextId = 1;
const newId = () => nextId++;

export const extractionRow = (from: Extraction['from'] = 'json', variable = '', path = ''): ExtractionRow => ({
  id: newId(),
  from,
  var: variable,
  path,
  header: '',
  pattern: '',
  group: '1',
});

export const checkRow = (type: CheckType = 'status', status = '2xx'): CheckRow => ({
  id: newId(),
  type,
  status,
  path: '',
  op: 'exists',
  value: '',
  text: '',
  header: '',
  maxMs: '',
});

/** What a step of each type is called in the builder. */
export const STEP_TYPE_LABEL: Record<FlowStepType, string> = {
  http: 'HTTP request',
  'ws-connect': 'WebSocket connect',
  'ws-send': 'WebSocket send',
  'ws-await': 'WebSocket await pushes',
  'ws-close': 'WebSocket close',
};

const BASE_NAME: Record<FlowStepType, string> = {
  http: 'request',
  'ws-connect': 'connect',
  'ws-send': 'send',
  'ws-await': 'await',
  'ws-close': 'close',
};

/** `base`, or `base 2`, `base 3`… — the first not taken (step names are unique in a flow). */
export function uniqueStepName(base: string, taken: Iterable<string>): string {
  const names = new Set(taken);
  if (!names.has(base)) return base;
  const root = base.replace(/ \d+$/, '');
  for (let n = 2; ; n++) if (!names.has(`${root} ${n}`)) return `${root} ${n}`;
}

export const allSteps = (f: Pick<FlowForm, 'setup' | 'steps' | 'teardown'>): StepForm[] => [...f.setup, ...f.steps, ...f.teardown];

/** A new step of a type, named apart from the flow's others. */
export function newStep(type: FlowStepType, taken: Iterable<string> = []): StepForm {
  return {
    id: newId(),
    type,
    name: uniqueStepName(BASE_NAME[type], taken),
    method: 'GET',
    url: type === 'ws-connect' ? '/ws/rpc' : type === 'http' ? '/' : '',
    headers: [],
    body: '',
    bodyType: 'json',
    subprotocols: '',
    message: type === 'ws-send' ? '{"id":{{seq}},"method":"ping"}' : '',
    matchMode: type === 'ws-send' ? 'path' : 'none',
    matchPath: '$.id',
    sentPath: '',
    matchRegex: '',
    timeoutMs: '10000',
    count: '1',
    inFlight: '1',
    lagPath: '',
    extract: [],
    checks: type === 'http' ? [checkRow('status', '2xx')] : [],
    thinkMode: 'none',
    thinkMs: '',
    thinkMaxMs: '',
    onFailure: 'abandon',
  };
}

export function defaultFlowForm(): FlowForm {
  return {
    name: '',
    url: '',
    headers: [],
    virtualUsers: '10',
    loadModel: 'closed',
    rate: '',
    lengthMode: 'duration',
    durationSec: '10',
    amount: '',
    stages: [],
    thresholds: '',
    timeoutSec: '10',
    warmupSec: '1',
    workers: '',
    insecure: false,
    data: undefined,
    setup: [],
    steps: [newStep('http')],
    teardown: [],
    extra: {},
  };
}

// ---- editing the step lists ----------------------------------------------------------------

/** A copy of the step at `index` inserted after it, with a new id and a name of its own. */
export function duplicateStep(f: FlowForm, phase: Phase, index: number): StepForm {
  const step = f[phase][index];
  const copy: StepForm = {
    ...$plain(step),
    id: newId(),
    name: uniqueStepName(`${step.name.replace(/ \d+$/, '')} copy`.trim(), allSteps(f).map((s) => s.name)),
  };
  copy.headers = copy.headers.map((h) => headerRow(h.name, h.value));
  copy.extract = copy.extract.map((e) => ({ ...e, id: newId() }));
  copy.checks = copy.checks.map((c) => ({ ...c, id: newId() }));
  f[phase] = [...f[phase].slice(0, index + 1), copy, ...f[phase].slice(index + 1)];
  return copy;
}

/**
 * Moves a step up (-1) or down (+1). Past the start or end of its phase it crosses into the
 * phase before or after (the last setup step moved down becomes the iteration's first), so a
 * step can reach any place with the keyboard alone. Returns where it went, or null when it
 * cannot move (the first setup step up, the last teardown step down).
 */
export function moveStep(f: FlowForm, phase: Phase, index: number, delta: -1 | 1): { phase: Phase; index: number } | null {
  const list = [...f[phase]];
  const target = index + delta;
  if (target >= 0 && target < list.length) {
    [list[index], list[target]] = [list[target], list[index]];
    f[phase] = list;
    return { phase, index: target };
  }
  const p = PHASES.indexOf(phase) + delta;
  if (p < 0 || p >= PHASES.length) return null;
  const other = PHASES[p];
  const [step] = list.splice(index, 1);
  f[phase] = list;
  f[other] = delta > 0 ? [step, ...f[other]] : [...f[other], step];
  return { phase: other, index: delta > 0 ? 0 : f[other].length - 1 };
}

export function removeStep(f: FlowForm, phase: Phase, index: number): void {
  f[phase] = f[phase].filter((_, i) => i !== index);
}

/** Svelte's $state proxies cannot be structuredClone'd; a JSON round trip of plain text fields can. */
function $plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

// ---- variables -----------------------------------------------------------------------------

export interface OfferedVariable {
  /** What the picker inserts, e.g. `{{token}}` or `{{randomInt 1 100}}`. */
  insert: string;
  name: string;
  /** Where it comes from, in words. */
  source: string;
}

const BUILTIN_HELP: Record<(typeof BUILTIN_VARIABLES)[number], { insert: string; source: string }> = {
  vu: { insert: '{{vu}}', source: 'built-in: the virtual user’s number (1, 2, …)' },
  iteration: { insert: '{{iteration}}', source: 'built-in: the iteration’s number (0 in setup)' },
  seq: { insert: '{{seq}}', source: 'built-in: a per-user message counter (unique ids for WebSocket sends)' },
  uuid: { insert: '{{uuid}}', source: 'built-in: a random UUID' },
  now: { insert: '{{now}}', source: 'built-in: the time in ms since the epoch' },
  randomInt: { insert: '{{randomInt 1 100}}', source: 'built-in: a whole number in a range (edit the bounds)' },
};

/** The data file's columns (from its first row). */
export function dataColumnsOf(data: FlowData | undefined): string[] {
  return data?.rows?.length ? Object.keys(data.rows[0]) : [];
}

/**
 * The variables a step may use, in the order a user looks for them: extracted by earlier
 * steps (setup's are known to the iteration and teardown, the iteration's to the teardown),
 * then the data file's columns, then the built-ins — the same rule checkFlow applies.
 */
export function variablesAt(f: FlowForm, phase: Phase, index: number): OfferedVariable[] {
  const out: OfferedVariable[] = [];
  const seen = new Set<string>();
  const before: StepForm[] = [];
  for (const p of PHASES) {
    if (p === phase) {
      before.push(...f[p].slice(0, index));
      break;
    }
    before.push(...f[p]);
  }
  for (const step of before) {
    if (step.type === 'ws-close' || step.type === 'ws-connect') continue;
    for (const e of step.extract) {
      const name = e.var.trim();
      if (!name || seen.has(name)) continue;
      seen.add(name);
      out.push({ insert: `{{${name}}}`, name, source: `extracted by “${step.name}”` });
    }
  }
  for (const c of dataColumnsOf(f.data)) {
    if (seen.has(c)) continue;
    seen.add(c);
    out.push({ insert: `{{${c}}}`, name: c, source: 'data file column' });
  }
  for (const b of BUILTIN_VARIABLES) out.push({ name: b, ...BUILTIN_HELP[b] });
  return out;
}

// ---- form ↔ scenario -----------------------------------------------------------------------

const str = (n: number | undefined): string => (n === undefined ? '' : String(n));

function num(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t.replace(/[_\s]/g, ''));
  return Number.isFinite(n) ? n : t;
}

const lines = (text: string) =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function headersOf(rows: HeaderRow[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const row of rows) if (row.name.trim()) headers[row.name.trim()] = row.value;
  return headers;
}

function extractionToInput(e: ExtractionRow): Record<string, unknown> {
  if (e.from === 'json') return { from: 'json', var: e.var.trim(), path: e.path.trim() };
  if (e.from === 'header') return { from: 'header', var: e.var.trim(), header: e.header.trim() };
  return { from: 'regex', var: e.var.trim(), pattern: e.pattern, group: num(e.group) };
}

function checkToInput(c: CheckRow): Record<string, unknown> {
  switch (c.type) {
    case 'status':
      return { type: 'status', status: c.status.trim() };
    case 'jsonPath':
      return { type: 'jsonPath', path: c.path.trim(), op: c.op, value: c.op === 'exists' ? undefined : c.value };
    case 'bodyContains':
      return { type: 'bodyContains', text: c.text };
    case 'header':
      return { type: 'header', header: c.header.trim() };
    case 'latency':
      return { type: 'latency', maxMs: num(c.maxMs) };
  }
}

function thinkToInput(s: StepForm): Record<string, unknown> {
  if (s.thinkMode === 'none') return {};
  if (s.thinkMode === 'fixed') return { thinkMs: num(s.thinkMs) };
  return { thinkMs: num(s.thinkMs), thinkMaxMs: num(s.thinkMaxMs) };
}

/** The step input the form describes (before defaults and validation). */
export function stepToInput(s: StepForm): Record<string, unknown> {
  const name = s.name.trim();
  const think = thinkToInput(s);
  switch (s.type) {
    case 'http':
      return {
        type: 'http',
        name,
        method: s.method,
        url: s.url.trim(),
        headers: headersOf(s.headers),
        body: s.body === '' || s.method === 'GET' || s.method === 'HEAD' ? undefined : s.body,
        bodyType: s.bodyType,
        extract: s.extract.map(extractionToInput),
        checks: s.checks.map(checkToInput),
        ...think,
        onFailure: s.onFailure,
      };
    case 'ws-connect':
      return {
        type: 'ws-connect',
        name,
        url: s.url.trim(),
        headers: headersOf(s.headers),
        subprotocols: list(s.subprotocols),
        checks: s.checks.map(checkToInput),
        ...think,
        onFailure: s.onFailure,
      };
    case 'ws-send': {
      const match = s.matchMode === 'path' ? { path: s.matchPath.trim(), sentPath: s.sentPath.trim() || undefined } : s.matchMode === 'regex' ? { regex: s.matchRegex } : undefined;
      return {
        type: 'ws-send',
        name,
        message: s.message,
        expect: match ? { match, timeoutMs: num(s.timeoutMs) } : undefined,
        count: num(s.count),
        inFlight: num(s.inFlight),
        extract: s.extract.map(extractionToInput),
        checks: s.checks.map(checkToInput),
        ...think,
        onFailure: s.onFailure,
      };
    }
    case 'ws-await':
      return {
        type: 'ws-await',
        name,
        count: num(s.count),
        match: s.matchMode === 'path' ? { path: s.matchPath.trim(), sentPath: s.sentPath.trim() || undefined } : s.matchMode === 'regex' ? { regex: s.matchRegex } : undefined,
        timeoutMs: num(s.timeoutMs),
        lagPath: s.lagPath.trim() || undefined,
        extract: s.extract.map(extractionToInput),
        checks: s.checks.map(checkToInput),
        ...think,
        onFailure: s.onFailure,
      };
    case 'ws-close':
      return { type: 'ws-close', name, ...think };
  }
}

/** The scenario input the form describes (before defaults and validation). */
export function flowFormToInput(f: FlowForm): Record<string, unknown> {
  const input: Record<string, unknown> = {
    ...f.extra,
    protocol: 'flow',
    name: f.name.trim() || undefined,
    url: f.url.trim(),
    headers: headersOf(f.headers),
    virtualUsers: num(f.virtualUsers),
    timeoutSec: num(f.timeoutSec),
    warmupSec: num(f.warmupSec),
    workers: num(f.workers),
    insecure: f.insecure,
    thresholds: lines(f.thresholds),
    data: f.data,
    setup: f.setup.map(stepToInput),
    steps: f.steps.map(stepToInput),
    teardown: f.teardown.map(stepToInput),
  };
  if (f.lengthMode === 'stages') {
    input.stages = f.stages.map((r) => ({ durationSec: num(r.durationSec), target: num(r.target) }));
    input.stageTarget = f.loadModel === 'open' ? 'rate' : 'virtualUsers';
  } else {
    if (f.lengthMode === 'duration') input.durationSec = num(f.durationSec);
    else input.amount = num(f.amount);
    if (f.loadModel === 'open') input.rate = num(f.rate);
  }
  return input;
}

function extractionFromStep(e: Extraction): ExtractionRow {
  const row = extractionRow(e.from, e.var);
  if (e.from === 'json') row.path = e.path;
  if (e.from === 'header') row.header = e.header;
  if (e.from === 'regex') {
    row.pattern = e.pattern;
    row.group = String(e.group);
  }
  return row;
}

function checkFromStep(c: Check): CheckRow {
  const row = checkRow(c.type, '');
  if (c.type === 'status') row.status = c.status;
  if (c.type === 'jsonPath') {
    row.path = c.path;
    row.op = c.op;
    row.value = c.value ?? '';
  }
  if (c.type === 'bodyContains') row.text = c.text;
  if (c.type === 'header') row.header = c.header;
  if (c.type === 'latency') row.maxMs = String(c.maxMs);
  return row;
}

/** The form of one stored step. */
export function stepFromScenario(step: FlowStep): StepForm {
  const s = newStep(step.type);
  s.name = step.name;
  s.checks = [];
  if (step.thinkMs !== undefined) {
    s.thinkMode = step.thinkMaxMs !== undefined ? 'range' : 'fixed';
    s.thinkMs = str(step.thinkMs);
    s.thinkMaxMs = str(step.thinkMaxMs);
  }
  if (step.type !== 'ws-close') s.onFailure = step.onFailure;
  if (step.type === 'http' || step.type === 'ws-connect') {
    s.url = step.url;
    s.headers = Object.entries(step.headers).map(([k, v]) => headerRow(k, v));
    s.checks = step.checks.map(checkFromStep);
  }
  if (step.type === 'http') {
    s.method = step.method;
    s.body = step.body ?? '';
    s.bodyType = step.bodyType;
    s.extract = step.extract.map(extractionFromStep);
  }
  if (step.type === 'ws-connect') s.subprotocols = step.subprotocols.join(', ');
  if (step.type === 'ws-send' || step.type === 'ws-await') {
    s.count = str(step.count);
    s.extract = step.extract.map(extractionFromStep);
    s.checks = step.checks.map(checkFromStep);
    const match = step.type === 'ws-send' ? step.expect?.match : step.match;
    s.matchMode = match === undefined ? 'none' : 'regex' in match ? 'regex' : 'path';
    if (match && 'regex' in match) s.matchRegex = match.regex;
    if (match && 'path' in match) {
      s.matchPath = match.path;
      s.sentPath = match.sentPath ?? '';
    }
  }
  if (step.type === 'ws-send') {
    s.message = step.message;
    s.inFlight = str(step.inFlight);
    s.timeoutMs = str(step.expect?.timeoutMs ?? 10_000);
  }
  if (step.type === 'ws-await') {
    s.timeoutMs = str(step.timeoutMs);
    s.lagPath = step.lagPath ?? '';
  }
  return s;
}

/**
 * The form of a step made by an import (a pasted curl, a HAR entry; src/shared/flowImport/),
 * taken as it is: the schema's checks then show any problem at its field, as for a typed step.
 */
export function stepFormFromImport(step: HttpStepInput): StepForm {
  const s = newStep('http');
  s.name = step.name;
  s.method = step.method ?? 'GET';
  s.url = step.url;
  s.headers = Object.entries(step.headers ?? {}).map(([k, v]) => headerRow(k, v));
  s.body = step.body ?? '';
  if (step.bodyType !== undefined) s.bodyType = step.bodyType;
  s.checks = (step.checks ?? []).flatMap((c) => (c.type === 'status' ? [checkRow('status', c.status)] : []));
  return s;
}

/** Adds imported steps at the end of a phase; a flow without a base URL takes the requests' origin as its own. */
export function addImportedSteps(f: FlowForm, phase: Phase, steps: HttpStepInput[], origin?: string): StepForm[] {
  const forms = steps.map(stepFormFromImport);
  f[phase] = [...f[phase], ...forms];
  if (!f.url.trim() && origin) f.url = origin;
  return forms;
}

/** Config keys the builder edits; anything else is carried in `extra`. */
const EDITED = new Set([
  'protocol', 'name', 'url', 'headers', 'virtualUsers', 'rate', 'durationSec', 'amount', 'stages', 'stageTarget', 'thresholds',
  'timeoutSec', 'warmupSec', 'workers', 'insecure', 'data', 'setup', 'steps', 'teardown',
]);

/** The builder showing a saved flow. */
export function flowFormFromScenario(name: string, c: FlowScenario): FlowForm {
  const f = defaultFlowForm();
  f.name = name;
  f.url = c.url;
  f.headers = Object.entries(c.headers).map(([k, v]) => headerRow(k, v));
  f.virtualUsers = str(c.virtualUsers);
  f.loadModel = c.rate !== undefined || (c.stages !== undefined && c.stageTarget === 'rate') ? 'open' : 'closed';
  f.rate = str(c.rate);
  f.lengthMode = c.stages !== undefined ? 'stages' : c.amount !== undefined ? 'amount' : 'duration';
  f.durationSec = c.amount !== undefined ? '' : str(c.durationSec ?? 10);
  f.amount = str(c.amount);
  f.stages = (c.stages ?? []).map((s) => stageRow(String(s.durationSec), String(s.target)));
  f.thresholds = c.thresholds.join('\n');
  f.timeoutSec = str(c.timeoutSec);
  f.warmupSec = str(c.warmupSec);
  f.workers = str(c.workers);
  f.insecure = c.insecure;
  f.data = c.data;
  f.setup = c.setup.map(stepFromScenario);
  f.steps = c.steps.map(stepFromScenario);
  f.teardown = c.teardown.map(stepFromScenario);
  f.extra = Object.fromEntries(Object.entries(c).filter(([k]) => !EDITED.has(k)));
  return f;
}

// ---- validation ----------------------------------------------------------------------------

/**
 * Errors by key. Flow-level fields use their name (`url`, `virtualUsers`); a step's fields use
 * the schema's path with the phase and index (`steps.2.url`, `setup.0.checks.1.status`); a
 * step header's error its `…headers.<row id>`; `form` holds what fits no field.
 */
export type FlowErrors = Record<string, string>;

const sentence = (m: string) => (m ? m[0].toUpperCase() + m.slice(1) : m);

/** The error key of a schema issue's path, as the builder's fields are keyed. */
export function issueKey(path: ReadonlyArray<PropertyKey>, f: FlowForm): string {
  const parts = path.map(String);
  const [head] = parts;
  if ((PHASES as readonly string[]).includes(head) && parts.length >= 3) {
    const step = f[head as Phase][Number(parts[1])];
    if (step && parts[2] === 'headers' && parts[3] !== undefined) {
      const row = step.headers.find((r) => r.name.trim() === parts[3]);
      return row ? `${head}.${parts[1]}.headers.${row.id}` : `${head}.${parts[1]}.headers`;
    }
    // expect.match.path / expect.timeoutMs / match.regex: the builder has one field each.
    if (parts[2] === 'expect' || parts[2] === 'match') {
      const last = parts.at(-1)!;
      const field = last === 'regex' ? 'matchRegex' : last === 'path' ? 'matchPath' : last === 'sentPath' ? 'sentPath' : last === 'timeoutMs' ? 'timeoutMs' : 'matchPath';
      return `${head}.${parts[1]}.${field}`;
    }
    // A check or extraction is shown as one row: its first problem under it.
    if ((parts[2] === 'checks' || parts[2] === 'extract') && parts[3] !== undefined) return parts.slice(0, 4).join('.') + (parts[4] ? `.${parts[4]}` : '');
    return parts.slice(0, 3).join('.');
  }
  if (head === 'headers' && parts[1] !== undefined) {
    const row = f.headers.find((r) => r.name.trim() === parts[1]);
    return row ? `headers.${row.id}` : 'headers';
  }
  if (head === 'stageTarget') return 'stages';
  if (head === 'data') return 'data';
  return head ?? 'form';
}

function formProblems(f: FlowForm): FlowErrors {
  const errors: FlowErrors = {};
  if (!f.name.trim()) errors.name = 'A flow needs a name';
  const headerProblems = (rows: HeaderRow[], prefix: string) => {
    const seen = new Set<string>();
    for (const row of rows) {
      const name = row.name.trim();
      if (!name && row.value.trim()) errors[`${prefix}headers.${row.id}`] = 'Header name is missing';
      if (!name) continue;
      if (seen.has(name.toLowerCase())) errors[`${prefix}headers.${row.id}`] = `"${name}" is set twice`;
      seen.add(name.toLowerCase());
    }
  };
  headerProblems(f.headers, '');
  for (const phase of PHASES) f[phase].forEach((s, i) => headerProblems(s.headers, `${phase}.${i}.`));
  const bad = lines(f.thresholds)
    .map((t, i) => ({ i, r: tryParseThreshold(t) }))
    .filter((x) => !x.r.ok);
  if (bad.length) errors.thresholds = bad.map(({ i, r }) => `Line ${i + 1}: ${r.ok ? '' : r.error}`).join('\n');
  if (f.lengthMode === 'duration' && !f.durationSec.trim()) errors.durationSec = 'Is required (or choose a number of iterations)';
  if (f.lengthMode === 'amount' && !f.amount.trim()) errors.amount = 'Is required (or choose a duration)';
  if (f.loadModel === 'open' && f.lengthMode !== 'stages' && !f.rate.trim()) errors.rate = 'Is required in the open model (iterations per second)';
  return errors;
}

/**
 * Every issue at once. The schema's flow rules (checkFlow: variables, names, WebSocket order)
 * run only once the plain field checks pass, so a bad number in the load settings would hide
 * a variable used too early. Each further pass sets the flow-level fields already at fault
 * aside (a default, or a harmless URL) and parses again.
 */
function allIssues(f: FlowForm): { issues: z.ZodError['issues']; scenario?: Scenario } {
  const input = flowFormToInput(f);
  const first = scenarioSchema.safeParse(input);
  if (first.success) return { issues: [], scenario: first.data };
  const issues = [...first.error.issues];
  const setAside = new Set<string>();
  let current: Record<string, unknown> = { ...input };
  let latest = first.error.issues;
  for (let pass = 0; pass < 5; pass++) {
    const heads = latest
      .map((i) => String(i.path[0] ?? ''))
      .filter((h) => h && h !== 'protocol' && !(PHASES as readonly string[]).includes(h) && !setAside.has(h));
    if (!heads.length) break;
    current = { ...current };
    for (const head of heads) {
      setAside.add(head);
      if (head === 'url') current.url = 'http://example.invalid/';
      else delete current[head];
    }
    const next = scenarioSchema.safeParse(current);
    if (next.success) break;
    latest = next.error.issues.filter((i) => !setAside.has(String(i.path[0] ?? '')) && !issues.some((k) => k.path.join('.') === i.path.join('.') && k.message === i.message));
    issues.push(...latest);
  }
  return { issues };
}

export interface FlowValidation {
  ok: boolean;
  errors: FlowErrors;
  scenario?: FlowScenario;
}

export function validateFlowForm(f: FlowForm): FlowValidation {
  const { issues, scenario } = allIssues(f);
  const errors: FlowErrors = {};
  for (const issue of issues) {
    const key = issueKey(issue.path, f);
    // The first problem of a field is the one to fix first.
    errors[key] ??= key === 'form' ? issue.message : sentence(issue.message);
  }
  Object.assign(errors, formProblems(f));
  const ok = Object.keys(errors).length === 0 && scenario?.protocol === 'flow';
  return ok && scenario?.protocol === 'flow' ? { ok, errors, scenario } : { ok: false, errors };
}

/** The errors of one step (keys without the `phase.index.` prefix), to show in its editor. */
export function stepErrors(errors: FlowErrors, phase: Phase, index: number): Record<string, string> {
  const prefix = `${phase}.${index}.`;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(errors)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out;
}

/**
 * Errors the server returned for a save or run ("config.steps.1.url: …", one line per issue)
 * put back on the fields they name.
 */
export function serverErrorToFlowErrors(message: string, f: FlowForm): FlowErrors {
  const errors: FlowErrors = {};
  for (const line of message.split('\n')) {
    const m = /^(?:config\.)?([A-Za-z0-9_.-]+): (.*)$/.exec(line.trim());
    if (m) {
      const key = issueKey(m[1].split('.'), f);
      if (key !== 'form') {
        errors[key] ??= sentence(m[2]);
        continue;
      }
    }
    errors.form = errors.form ? `${errors.form}\n${line}` : line;
  }
  return errors;
}

/** A one-line summary of a step for the step list: `POST /login`, `send ×4 (4 in flight)`. */
export function stepSummary(s: StepForm): string {
  switch (s.type) {
    case 'http':
      return `${s.method} ${s.url.trim() || '(no URL yet)'}`;
    case 'ws-connect':
      return `connect ${s.url.trim() || '(no URL yet)'}`;
    case 'ws-send': {
      const n = s.count.trim() || '1';
      return `send ${n === '1' ? '1 message' : `${n} messages`}${s.matchMode === 'none' ? '' : `, await answers${Number(s.inFlight) > 1 ? ` (${s.inFlight} in flight)` : ''}`}`;
    }
    case 'ws-await':
      return `await ${s.count.trim() || '1'} push${s.count.trim() === '1' ? '' : 'es'}`;
    case 'ws-close':
      return 'close the WebSocket';
  }
}

/**
 * The summary a step's row shows beside its name: none when the name already says it (an
 * imported step is named after its request, "POST /login", which is also its summary), so the
 * row does not read "POST /login POST /login".
 */
export function stepRowSummary(s: StepForm): string {
  const summary = stepSummary(s);
  return summary === s.name.trim() ? '' : summary;
}


// ---- step thresholds -------------------------------------------------------------------------

/** Figures a threshold can hold one step to, with the unit and the side a good value is on. */
export const STEP_THRESHOLD_FIGURES = [
  { metric: 'p99', label: 'p99 latency', unit: 'ms', op: '<', value: '300' },
  { metric: 'p95', label: 'p95 latency', unit: 'ms', op: '<', value: '200' },
  { metric: 'p50', label: 'p50 latency', unit: 'ms', op: '<', value: '100' },
  { metric: 'p999', label: 'p99.9 latency', unit: 'ms', op: '<', value: '500' },
  { metric: 'max', label: 'max latency', unit: 'ms', op: '<', value: '1000' },
  { metric: 'errors', label: 'errors', unit: '%', op: '<', value: '1' },
  { metric: 'checks', label: 'checks passed', unit: '%', op: '>', value: '99' },
  { metric: 'rps', label: 'completions/s', unit: '', op: '>', value: '10' },
] as const;
export type StepThresholdMetric = (typeof STEP_THRESHOLD_FIGURES)[number]['metric'];

/**
 * One step's threshold as the parser reads it: `p99{step:login} < 300ms`; a name with spaces or
 * other characters a bare name cannot hold is quoted (`errors{step:"add to cart"} < 1%`).
 */
export function stepThresholdText(metric: StepThresholdMetric, step: string, op: '<' | '<=' | '>' | '>=', value: string): string {
  const figure = STEP_THRESHOLD_FIGURES.find((f) => f.metric === metric)!;
  const name = step.trim();
  const scope = /^[^\s{}":]+$/.test(name) ? name : `"${name}"`;
  return `${metric}{step:${scope}} ${op} ${value.trim()}${figure.unit}`;
}

/** The thresholds text with one more line (no blank line in between, none doubled). */
export function withThresholdLine(text: string, line: string): string {
  const existing = lines(text);
  if (existing.includes(line)) return text;
  return [...existing, line].join('\n');
}
