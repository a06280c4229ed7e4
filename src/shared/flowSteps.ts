// The steps of a user flow (issue #12): HTTP requests and WebSocket connect / send / await /
// close, with variables, extractions, checks and think time. A flow scenario (`protocol:
// "flow"` in scenario.ts) holds setup steps (once per virtual user), iteration steps (repeated)
// and teardown steps (once per virtual user at the end). See docs/FLOWS.md.
//
// Only shapes and the rules a flow must satisfy before it runs are here; the engine that runs
// them is src/main/engine/flow/. Every rule names the step and the field, so a flow that cannot
// work is refused before the run instead of failing thousands of times during it.
import { z } from 'zod';
import { strictObject } from './strictObject.ts';
import { headersSchema } from './headersSchema.ts';
import { groupThousands } from './units.ts';

export const FLOW_LIMITS = {
  steps: 200,
  extractions: 50,
  checks: 50,
  thinkMs: 600_000,
  expectTimeoutMs: 600_000,
  messagesPerSend: 1_000_000,
  inFlight: 1000,
  dataRows: 1_000_000,
  dataColumns: 200,
  bodyBytes: 10 * 1024 * 1024,
} as const;

export const FLOW_HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

export { BUILTIN_VARIABLES, VARIABLE_NAME, scanTemplate, type BuiltinVariable, type TemplateProblem, type TemplateReference } from './flowTemplate.ts';
import { BUILTIN_VARIABLES, VARIABLE_NAME, scanTemplate } from './flowTemplate.ts';

// Every schema of a flow is built on its first use. A `barrage run` of HTTP or WebSocket loads
// this module (scenario.ts needs it for the flow protocol) but never parses a step, and building
// these ≈ 40 zod schemas at load was ≈ 8% of its start-up to the first request (docs/PERFORMANCE.md,
// "Start-up"). Parsing is unchanged: a lazy schema runs the one it built, messages and paths included.

/** Names of the flow schemas built so far (diagnostics; tests/unit/lazySchemas.test.ts). */
export const builtFlowSchemas = new Set<string>();

/** `build()`'s schema, built when something first parses with it (or asks for its shape). */
function builtOnFirstUse<T extends z.ZodType>(name: string, build: () => T): z.ZodLazy<T> {
  return z.lazy(() => {
    builtFlowSchemas.add(name);
    return build();
  });
}

const stepName = z
  .string({ error: 'is required (a name for the step, e.g. "login")' })
  .trim()
  .min(1, { error: 'cannot be empty' })
  .max(100, { error: 'must be at most 100 characters' })
  // The name appears in thresholds (`p99{step:login}`) and reports; quotes and braces there would
  // make those ambiguous.
  .refine((n) => !/["{}]/.test(n), { error: 'cannot contain " { or }' });

const variableName = z
  .string({ error: 'is required' })
  .regex(VARIABLE_NAME, { error: 'must be a variable name: letters, digits and _, not starting with a digit' })
  .refine((n) => !(BUILTIN_VARIABLES as readonly string[]).includes(n), { error: `is a built-in variable (${BUILTIN_VARIABLES.join(', ')})` });

const jsonPath = z
  .string({ error: 'is required (a JSON path such as $.token)' })
  .trim()
  .min(1, { error: 'is required (a JSON path such as $.token)' })
  .refine((p) => p.startsWith('$'), { error: 'must start with $ (e.g. $.token or $.items[0].id)' });

const regexSource = z
  .string({ error: 'is required' })
  .min(1, { error: 'cannot be empty' })
  .superRefine((source, ctx) => {
    try {
      new RegExp(source);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: `is not a valid regular expression (${(err as Error).message})` });
    }
  });

/** Think time after a step: `thinkMs` alone is fixed; with `thinkMaxMs`, uniform in [thinkMs, thinkMaxMs]. */
const think = {
  thinkMs: z.number({ error: 'must be a number of milliseconds' }).min(0, { error: 'cannot be negative' }).max(FLOW_LIMITS.thinkMs, { error: 'must be at most 600,000 (10 minutes)' }).optional(),
  thinkMaxMs: z.number({ error: 'must be a number of milliseconds' }).min(0, { error: 'cannot be negative' }).max(FLOW_LIMITS.thinkMs, { error: 'must be at most 600,000 (10 minutes)' }).optional(),
};

/** What a failed step (an error, a failed check or extraction) does to the rest of the iteration. */
export const ON_FAILURE = ['abandon', 'continue'] as const;
const onFailure = z.enum(ON_FAILURE, { error: 'must be "abandon" (skip the rest of the iteration) or "continue"' }).default('abandon');

export const extractionSchema = builtOnFirstUse('extractionSchema', () =>
  z.discriminatedUnion(
    'from',
    [
      strictObject({ from: z.literal('json'), var: variableName, path: jsonPath }),
      strictObject({ from: z.literal('header'), var: variableName, header: z.string().trim().min(1, { error: 'is required (a header name)' }) }),
      strictObject({
        from: z.literal('regex'),
        var: variableName,
        pattern: regexSource,
        /** Capture group whose text is taken; 0 is the whole match. */
        group: z.number().int().min(0).max(99).default(1),
      }),
    ],
    { error: 'from must be "json", "header" or "regex"' },
  ),
);
export type Extraction = z.output<typeof extractionSchema>;

/** `200`, `2xx`, or a list such as `200,201,204` (classes allowed in the list). */
export const STATUS_RULE = /^\s*([1-5](\d\d|xx))\s*(,\s*([1-5](\d\d|xx))\s*)*$/i;

export const checkSchema = builtOnFirstUse('checkSchema', () =>
  z.discriminatedUnion(
    'type',
    [
      strictObject({
        type: z.literal('status'),
        status: z.string({ error: 'is required, e.g. "200", "2xx" or "200,201"' }).regex(STATUS_RULE, { error: 'must be a status (200), a class (2xx) or a list (200,201,204)' }),
      }),
      strictObject({
        type: z.literal('jsonPath'),
        path: jsonPath,
        op: z.enum(['exists', 'equals', 'matches'], { error: 'must be "exists", "equals" or "matches"' }).default('exists'),
        /** For equals: the value as text (compared with the found value's JSON text or string); for matches: a regular expression. */
        value: z.string().optional(),
      }),
      strictObject({ type: z.literal('bodyContains'), text: z.string().min(1, { error: 'cannot be empty' }) }),
      strictObject({ type: z.literal('header'), header: z.string().trim().min(1, { error: 'is required (a header name)' }) }),
      strictObject({ type: z.literal('latency'), maxMs: z.number({ error: 'must be a number of milliseconds' }).gt(0, { error: 'must be greater than 0' }).max(600_000) }),
    ],
    { error: 'type must be "status", "jsonPath", "bodyContains", "header" or "latency"' },
  ),
);
export type Check = z.output<typeof checkSchema>;

const extract = z.array(extractionSchema).max(FLOW_LIMITS.extractions, { error: `at most ${FLOW_LIMITS.extractions} extractions` }).default([]);
const checks = z.array(checkSchema).max(FLOW_LIMITS.checks, { error: `at most ${FLOW_LIMITS.checks} checks` }).default([]);

export const httpStepSchema = builtOnFirstUse('httpStepSchema', () =>
  strictObject({
    type: z.literal('http'),
    name: stepName,
    method: z.enum(FLOW_HTTP_METHODS, { error: `must be one of ${FLOW_HTTP_METHODS.join(', ')}` }).default('GET'),
    /** An absolute http(s) URL, or a path resolved against the scenario's base URL (`url`). */
    url: z.string({ error: 'is required (a path such as /items, or a full URL)' }).trim().min(1, { error: 'is required (a path such as /items, or a full URL)' }),
    headers: headersSchema,
    body: z.string().max(FLOW_LIMITS.bodyBytes, { error: 'is larger than 10 MiB' }).optional(),
    bodyType: z.enum(['text', 'json'], { error: 'must be "text" or "json"' }).default('text'),
    extract,
    checks,
    ...think,
    onFailure,
  }),
);

/** Opens the virtual user's WebSocket; later ws-send / ws-await steps use it until ws-close. */
export const wsConnectStepSchema = builtOnFirstUse('wsConnectStepSchema', () =>
  strictObject({
    type: z.literal('ws-connect'),
    name: stepName,
    /** ws(s) URL, or a path resolved against the base URL with its scheme turned into ws(s). */
    url: z.string({ error: 'is required (a path such as /ws/rpc, or a ws:// URL)' }).trim().min(1, { error: 'is required (a path such as /ws/rpc, or a ws:// URL)' }),
    headers: headersSchema,
    subprotocols: z.array(z.string().min(1)).default([]),
    checks: z.array(checkSchema).max(FLOW_LIMITS.checks).default([]),
    ...think,
    onFailure,
  }),
);

/**
 * How an answer is matched to the message that asked for it: the answer's JSON value at `path`
 * equals the sent message's value at `sentPath` (default: the same path) — JSON-RPC's `id` — or
 * the answer matches a regular expression (which may use variables).
 */
export const matchSchema = builtOnFirstUse('matchSchema', () =>
  z.union(
    [
      strictObject({ path: jsonPath, sentPath: jsonPath.optional() }),
      strictObject({ regex: z.string().min(1, { error: 'cannot be empty' }) }),
    ],
    { error: 'must be {"path": "$.id"} (the answer\'s id equals the sent one) or {"regex": "…"}' },
  ),
);
export type Match = z.output<typeof matchSchema>;

/**
 * Sends `count` messages from a template, keeping at most `inFlight` awaiting their answers
 * when `expect` is given. With `expect`, each message and its answer is an exchange timed from
 * the send (its own µs histogram under the step's name); answers may come in any order.
 */
export const wsSendStepSchema = builtOnFirstUse('wsSendStepSchema', () =>
  strictObject({
    type: z.literal('ws-send'),
    name: stepName,
    message: z.string({ error: 'is required (the message template)' }).max(FLOW_LIMITS.bodyBytes, { error: 'is larger than 10 MiB' }),
    expect: strictObject({
      match: matchSchema,
      timeoutMs: z.number({ error: 'must be a number of milliseconds' }).gt(0, { error: 'must be greater than 0' }).max(FLOW_LIMITS.expectTimeoutMs).default(10_000),
    }).optional(),
    count: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(FLOW_LIMITS.messagesPerSend).default(1),
    inFlight: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(FLOW_LIMITS.inFlight).default(1),
    /** From the (last) answer; needs `expect`. */
    extract,
    /** On each answer; needs `expect`. Status and header checks do not apply. */
    checks,
    ...think,
    onFailure,
  }),
);

/** Waits for `count` pushed messages (optionally only those that match); lag from a timestamp field when given. */
export const wsAwaitStepSchema = builtOnFirstUse('wsAwaitStepSchema', () =>
  strictObject({
    type: z.literal('ws-await'),
    name: stepName,
    count: z.number({ error: 'must be a number' }).int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(FLOW_LIMITS.messagesPerSend).default(1),
    match: matchSchema.optional(),
    timeoutMs: z.number({ error: 'must be a number of milliseconds' }).gt(0, { error: 'must be greater than 0' }).max(FLOW_LIMITS.expectTimeoutMs).default(10_000),
    /** JSON path of an epoch-ms timestamp in each message: its delivery lag is what the step records. */
    lagPath: jsonPath.optional(),
    extract,
    checks,
    ...think,
    onFailure,
  }),
);

export const wsCloseStepSchema = builtOnFirstUse('wsCloseStepSchema', () =>
  strictObject({
    type: z.literal('ws-close'),
    name: stepName,
    ...think,
  }),
);

export const flowStepSchema = builtOnFirstUse('flowStepSchema', () =>
  z.discriminatedUnion('type', [httpStepSchema, wsConnectStepSchema, wsSendStepSchema, wsAwaitStepSchema, wsCloseStepSchema], {
    error: 'type must be "http", "ws-connect", "ws-send", "ws-await" or "ws-close"',
  }),
);
export type FlowStep = z.output<typeof flowStepSchema>;
export type FlowStepInput = z.input<typeof flowStepSchema>;
export type HttpStep = z.output<typeof httpStepSchema>;
export type WsConnectStep = z.output<typeof wsConnectStepSchema>;
export type WsSendStep = z.output<typeof wsSendStepSchema>;
export type WsAwaitStep = z.output<typeof wsAwaitStepSchema>;
export type WsCloseStep = z.output<typeof wsCloseStepSchema>;
export type FlowStepType = FlowStep['type'];

/** How data rows are handed out: one per virtual user, the next one per iteration, or a random one per iteration. */
export const DATA_ASSIGN = ['per-vu', 'sequential', 'random'] as const;
export type DataAssign = (typeof DATA_ASSIGN)[number];

const dataValue = z.union([z.string(), z.number(), z.boolean()], { error: 'must be text, a number or true/false' });

/**
 * A data file's rows, bound to variables by column name. The CLI reads `file` (CSV or JSON)
 * into `rows` before the scenario is validated (src/main/flowData/); the stored scenario keeps
 * the rows themselves, so a run stays reproducible after the file changes.
 */
export const flowDataSchema = builtOnFirstUse('flowDataSchema', () =>
  strictObject(
    {
      /** Where the rows came from (a path, as given); informational once `rows` are present. */
      file: z.string().min(1).optional(),
      format: z.enum(['csv', 'json'], { error: 'must be "csv" or "json"' }).optional(),
      assign: z.enum(DATA_ASSIGN, { error: `must be one of ${DATA_ASSIGN.join(', ')}` }).default('per-vu'),
      rows: z
        .array(z.record(z.string(), dataValue, { error: 'must be an object of column: value' }), { error: 'must be a list of rows' })
        .min(1, { error: 'needs at least one row' })
        .max(FLOW_LIMITS.dataRows, { error: `at most ${groupThousands(FLOW_LIMITS.dataRows)} rows` })
        .optional(),
      /** SHA-256 (hex) of the rows' canonical JSON: shown with the row count, to tell data files apart. */
      sha256: z.string().regex(/^[0-9a-f]{64}$/, { error: 'must be 64 hex digits' }).optional(),
    },
    'must be an object such as {"file": "users.csv", "assign": "per-vu"}',
  ),
);
export type FlowData = z.output<typeof flowDataSchema>;

/** The part of a flow scenario the step rules look at. */
export interface FlowShape {
  setup: FlowStep[];
  steps: FlowStep[];
  teardown: FlowStep[];
  data?: FlowData;
}

type Phase = 'setup' | 'steps' | 'teardown';

/** The columns of the data rows; refuses rows whose columns differ from the first row's, naming the row. */
function dataColumns(data: FlowData | undefined, ctx: z.RefinementCtx): string[] {
  if (data === undefined) return [];
  if (data.rows === undefined) {
    ctx.addIssue({ code: 'custom', path: ['data'], message: `has no rows; give "file" (read by barrage run --scenario) or "rows"` });
    return [];
  }
  const columns = Object.keys(data.rows[0]);
  if (columns.length > FLOW_LIMITS.dataColumns) ctx.addIssue({ code: 'custom', path: ['data', 'rows', 0], message: `has more than ${FLOW_LIMITS.dataColumns} columns` });
  for (const c of columns) {
    if (!VARIABLE_NAME.test(c)) ctx.addIssue({ code: 'custom', path: ['data', 'rows', 0], message: `column "${c}" is not a variable name (letters, digits and _)` });
    else if ((BUILTIN_VARIABLES as readonly string[]).includes(c)) ctx.addIssue({ code: 'custom', path: ['data', 'rows', 0], message: `column "${c}" is a built-in variable's name; rename it` });
  }
  const expected = [...columns].sort().join(',');
  for (let i = 1; i < data.rows.length; i++) {
    const got = Object.keys(data.rows[i]);
    if (got.length !== columns.length || [...got].sort().join(',') !== expected) {
      ctx.addIssue({ code: 'custom', path: ['data', 'rows', i], message: `has columns ${got.join(', ') || '(none)'}; the first row has ${columns.join(', ')}` });
      break; // one is enough to say the file is malformed; thousands would bury it
    }
  }
  return columns;
}

/** The templates of a step, with the field each sits in. */
function templatesOf(step: FlowStep): Array<{ field: Array<string | number>; text: string }> {
  const out: Array<{ field: Array<string | number>; text: string }> = [];
  const add = (field: Array<string | number>, text: string | undefined) => {
    if (text !== undefined) out.push({ field, text });
  };
  switch (step.type) {
    case 'http':
      add(['url'], step.url);
      for (const [k, v] of Object.entries(step.headers)) add(['headers', k], v);
      add(['body'], step.body);
      step.checks.forEach((c, i) => {
        if (c.type === 'jsonPath') add(['checks', i, 'value'], c.value);
        if (c.type === 'bodyContains') add(['checks', i, 'text'], c.text);
      });
      break;
    case 'ws-connect':
      add(['url'], step.url);
      for (const [k, v] of Object.entries(step.headers)) add(['headers', k], v);
      break;
    case 'ws-send':
      add(['message'], step.message);
      if (step.expect && 'regex' in step.expect.match) add(['expect', 'match', 'regex'], step.expect.match.regex);
      step.checks.forEach((c, i) => {
        if (c.type === 'jsonPath') add(['checks', i, 'value'], c.value);
        if (c.type === 'bodyContains') add(['checks', i, 'text'], c.text);
      });
      break;
    case 'ws-await':
      if (step.match && 'regex' in step.match) add(['match', 'regex'], step.match.regex);
      step.checks.forEach((c, i) => {
        if (c.type === 'jsonPath') add(['checks', i, 'value'], c.value);
        if (c.type === 'bodyContains') add(['checks', i, 'text'], c.text);
      });
      break;
    case 'ws-close':
      break;
  }
  return out;
}

/**
 * The rules a flow must satisfy before it runs, each naming the step and field:
 * - every `{{variable}}` is a built-in, a data column, or extracted by an earlier step (setup
 *   steps' variables are known to the iteration and teardown; an iteration's to the teardown);
 * - step names are unique (thresholds and reports address steps by name);
 * - ws-send / ws-await / ws-close come after a ws-connect with no ws-close in between;
 * - extractions and checks on a ws-send need its `expect`; status and header checks are HTTP's;
 * - think time ranges are ordered; data rows all have the same columns.
 */
export function checkFlow(flow: FlowShape, ctx: z.RefinementCtx): void {
  const known = new Set<string>([...BUILTIN_VARIABLES, ...dataColumns(flow.data, ctx)]);
  const names = new Map<string, string>();
  let connected = false;
  const phases: Phase[] = ['setup', 'steps', 'teardown'];
  if (flow.steps.length === 0) ctx.addIssue({ code: 'custom', path: ['steps'], message: 'needs at least one step (the iteration)' });
  const total = flow.setup.length + flow.steps.length + flow.teardown.length;
  if (total > FLOW_LIMITS.steps) ctx.addIssue({ code: 'custom', path: ['steps'], message: `at most ${FLOW_LIMITS.steps} steps in setup, steps and teardown together` });
  for (const phase of phases) {
    // An iteration starts with the connection state its previous iteration left; the teardown
    // with the last iteration's. Statically only "connected at the start of the phase" is
    // known for setup; for the iteration it is what setup left.
    const list = flow[phase];
    list.forEach((step, i) => {
      const at = (field: Array<string | number> = []) => [phase, i, ...field];
      const where = `${phase}[${i}] "${step.name}"`;
      const previous = names.get(step.name);
      if (previous !== undefined) ctx.addIssue({ code: 'custom', path: at(['name']), message: `"${step.name}" is also the name of ${previous}; step names must be unique` });
      else names.set(step.name, `${phase}[${i}]`);

      for (const { field, text } of templatesOf(step)) {
        const { references, problems } = scanTemplate(text);
        for (const p of problems) ctx.addIssue({ code: 'custom', path: at(field), message: p.message });
        for (const r of references) {
          if (!known.has(r.name)) {
            ctx.addIssue({
              code: 'custom',
              path: at(field),
              message: `uses {{${r.name}}}, which no earlier step extracts and no data column or built-in provides (${where})`,
            });
          }
        }
      }

      if (step.type === 'ws-connect') {
        if (connected) ctx.addIssue({ code: 'custom', path: at(['type']), message: 'the WebSocket is already open here; add a ws-close step before connecting again' });
        connected = true;
      } else if (step.type === 'ws-send' || step.type === 'ws-await' || step.type === 'ws-close') {
        if (!connected) ctx.addIssue({ code: 'custom', path: at(['type']), message: `${step.type} needs an open WebSocket: add a ws-connect step before it` });
        if (step.type === 'ws-close') connected = false;
      }

      if (step.type === 'ws-send' && step.expect === undefined) {
        if (step.extract.length > 0) ctx.addIssue({ code: 'custom', path: at(['extract']), message: 'needs "expect": there is no answer to extract from' });
        if (step.checks.length > 0) ctx.addIssue({ code: 'custom', path: at(['checks']), message: 'needs "expect": there is no answer to check' });
        if (step.inFlight > 1) ctx.addIssue({ code: 'custom', path: at(['inFlight']), message: 'needs "expect": without answers nothing is in flight' });
      }
      if (step.type === 'ws-send' || step.type === 'ws-await' || step.type === 'ws-connect') {
        step.checks.forEach((c, k) => {
          if (step.type === 'ws-connect' ? c.type !== 'latency' : c.type === 'status' || c.type === 'header') {
            ctx.addIssue({ code: 'custom', path: at(['checks', k, 'type']), message: `a ${c.type} check does not apply to a ${step.type} step` });
          }
        });
      }
      if (step.thinkMaxMs !== undefined) {
        if (step.thinkMs === undefined) ctx.addIssue({ code: 'custom', path: at(['thinkMs']), message: 'is required with thinkMaxMs (the range is thinkMs to thinkMaxMs)' });
        else if (step.thinkMaxMs < step.thinkMs) ctx.addIssue({ code: 'custom', path: at(['thinkMaxMs']), message: 'must not be less than thinkMs' });
      }
      // A step's extractions are known to the steps after it (not to itself).
      if ('extract' in step) for (const e of step.extract) known.add(e.var);
    });
  }
}
