// What "Try once" shows (issue #12): one virtual user's setup, one iteration and its teardown
// run against the target, step by step — the request as sent (variables filled in, secrets
// redacted), the response, what each extraction captured and each check's verdict. Produced by
// the engine's runFlowOnce (src/main/engine/flow/tryOnce.ts); nothing of it is stored.
import type { Check, FlowStepType } from './flowSteps.ts';
import type { ErrorKind } from './runResult.ts';
import { formatUs } from './units.ts';

/** Bodies and messages in a trace are cut to this many bytes (UTF-8), so a huge answer cannot flood the UI. */
export const TRACE_BODY_LIMIT = 64 * 1024;

/** A body (request, response, WebSocket message) as far as the trace keeps it. */
export interface TracedBody {
  /** The text, at most TRACE_BODY_LIMIT bytes of it (a cut UTF-8 sequence is dropped). */
  text: string;
  /** The whole body's size in bytes. */
  bytes: number;
  truncated: boolean;
}

export interface TracedRequest {
  method: string;
  /** The URL as sent, variables filled in, a password in it redacted. */
  url: string;
  /** Headers as sent (the scenario's and the step's), credential values redacted (src/shared/redact.ts). */
  headers: Record<string, string>;
  body?: TracedBody;
}

export interface TracedResponse {
  status: number;
  headers: Record<string, string>;
  body: TracedBody;
  /** The step's latency: request start (open model: the arrival's scheduled time for the first step) to the response's last byte, µs. */
  timeUs: number;
}

/** A WebSocket message a step sent or received (ws steps). */
export interface TracedMessage {
  direction: 'sent' | 'received';
  body: TracedBody;
  /** For an answer or push: time since its send (answer) or the step's start (push), µs. */
  timeUs?: number;
}

export type TracedExtraction =
  | { var: string; from: 'json' | 'header' | 'regex'; ok: true; value: string }
  | { var: string; from: 'json' | 'header' | 'regex'; ok: false; reason: string };

export interface TracedCheck {
  /** The check as people read it ("status 2xx", "$.token exists"): see checkLabel. */
  name: string;
  passed: boolean;
  /** What was found, when it failed ("got 401"). */
  detail?: string;
}

export interface TracedError {
  kind: ErrorKind;
  message: string;
}

export interface StepTrace {
  phase: 'setup' | 'steps' | 'teardown';
  /** Index in its phase. */
  index: number;
  name: string;
  type: FlowStepType;
  /**
   * ran: the step ran (it may still have failed); skipped: an earlier step's failure abandoned
   * the iteration (setup: the virtual user) before it.
   */
  state: 'ran' | 'skipped';
  /** Whether the step failed: an error, a failed check or extraction, a missing variable. */
  failed: boolean;
  request?: TracedRequest;
  response?: TracedResponse;
  messages?: TracedMessage[];
  extractions: TracedExtraction[];
  checks: TracedCheck[];
  errors: TracedError[];
  /** The step's own time (µs): request to response, connect, send to last answer. */
  timeUs: number;
  /** Think time spent after the step, ms (Try once skips the wait but says what it would be). */
  thinkMs?: number;
}

export interface FlowTrace {
  steps: StepTrace[];
  /** Variables at the end (extracted ones and the data row's), values as captured. */
  variables: Record<string, string>;
  /** Whether the iteration ran every step (failed checks with onFailure "continue" included). */
  completed: boolean;
  /** The step that abandoned the iteration (or the setup), when one did. */
  abandonedAt?: { phase: 'setup' | 'steps' | 'teardown'; index: number; name: string };
  /** Wall time of the whole try, µs. */
  totalUs: number;
}

/**
 * A check as people read it — in traces, summaries, reports, JUnit: "status 2xx", "$.token
 * exists", "latency ≤ 200 ms". The one naming (result/flowFigures.ts's checkName is this).
 */
export function checkLabel(check: Check): string {
  switch (check.type) {
    case 'status':
      return `status ${check.status.replace(/\s+/g, '')}`;
    case 'jsonPath':
      if (check.op === 'exists') return `${check.path} exists`;
      if (check.op === 'equals') return `${check.path} equals ${check.value ?? ''}`;
      return `${check.path} matches /${check.value ?? ''}/`;
    case 'bodyContains':
      return `body contains "${check.text}"`;
    case 'header':
      return `header ${check.header.toLowerCase()} present`;
    case 'latency':
      return `latency ≤ ${formatUs(check.maxMs * 1000)}`;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });

/** The body as a trace keeps it: at most `limit` bytes of it. */
export function traceBody(body: string | Uint8Array, limit = TRACE_BODY_LIMIT): TracedBody {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body;
  if (bytes.length <= limit) return { text: typeof body === 'string' ? body : decoder.decode(bytes), bytes: bytes.length, truncated: false };
  // A UTF-8 sequence cut at the limit decodes as U+FFFD; drop it rather than show a false character.
  const text = decoder.decode(bytes.subarray(0, limit)).replace(/\uFFFD$/, '');
  return { text, bytes: bytes.length, truncated: true };
}
