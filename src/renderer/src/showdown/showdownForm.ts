// The Showdown view's form, without any DOM: the text as typed, how it becomes a showdown input,
// and where the shared schema's issues land. It validates with showdownInputSchema, the schema
// the main process (and the CLI) apply, so what the form accepts the engine accepts, with the
// same words.
import { EXPERIMENTS, showdownInputSchema, type ExperimentId, type ShowdownConfig, type ShowdownInput } from '../../../shared/showdown.ts';

export interface ShowdownForm {
  /** Blank (both): the built-in demo target. */
  httpUrl: string;
  wsUrl: string;
  /** A server of your own: its HTTP/2 echo, the updates experiment's endpoints and the CPU meter (optional). */
  h2Url: string;
  pollUrl: string;
  pushUrl: string;
  /** Optional extras of the updates experiment on a server of your own. */
  longPollUrl: string;
  sseUrl: string;
  cpuUrl: string;
  payloadBytes: string;
  concurrency: string;
  durationSec: string;
  warmupSec: string;
  pollIntervalMs: string;
  eventRate: string;
  exchange: boolean;
  updates: boolean;
}

export type ShowdownField = keyof ShowdownForm | 'form';
export type ShowdownErrors = Partial<Record<ShowdownField, string>>;

export function defaultShowdownForm(): ShowdownForm {
  return {
    httpUrl: '',
    wsUrl: '',
    h2Url: '',
    pollUrl: '',
    pushUrl: '',
    longPollUrl: '',
    sseUrl: '',
    cpuUrl: '',
    payloadBytes: '64',
    concurrency: '10',
    durationSec: '5',
    warmupSec: '1',
    pollIntervalMs: '100',
    eventRate: '20',
    exchange: true,
    updates: true,
  };
}

const str = (n: number | undefined | null): string => (n === undefined || n === null ? '' : String(n));

/** The form showing an earlier showdown's settings ("Run again with these settings"). */
export function formFromConfig(c: ShowdownConfig): ShowdownForm {
  return {
    httpUrl: c.httpUrl ?? '',
    wsUrl: c.wsUrl ?? '',
    h2Url: c.h2Url ?? '',
    pollUrl: c.pollUrl ?? '',
    pushUrl: c.pushUrl ?? '',
    longPollUrl: c.longPollUrl ?? '',
    sseUrl: c.sseUrl ?? '',
    cpuUrl: c.cpuUrl ?? '',
    payloadBytes: str(c.payloadBytes),
    concurrency: str(c.concurrency),
    durationSec: str(c.durationSec),
    warmupSec: str(c.warmupSec),
    pollIntervalMs: str(c.pollIntervalMs),
    eventRate: str(c.eventRate),
    exchange: c.experiments.includes('exchange'),
    updates: c.experiments.includes('updates'),
  };
}

/**
 * Text → number for the schema. Blank is "not set" (the schema's default applies); text that is
 * not a number goes on as text, so the schema answers "must be a number" at that field.
 */
function num(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const n = Number(t.replace(/[_\s,]/g, ''));
  return Number.isFinite(n) ? n : t;
}
const url = (text: string): string | undefined => (text.trim() === '' ? undefined : text.trim());

/** The showdown input the form describes (before defaults and validation). */
export function showdownFormToInput(f: ShowdownForm): Record<string, unknown> {
  const experiments = EXPERIMENTS.filter((e: ExperimentId) => (e === 'exchange' ? f.exchange : f.updates));
  return {
    httpUrl: url(f.httpUrl),
    wsUrl: url(f.wsUrl),
    h2Url: url(f.h2Url),
    pollUrl: url(f.pollUrl),
    pushUrl: url(f.pushUrl),
    longPollUrl: url(f.longPollUrl),
    sseUrl: url(f.sseUrl),
    cpuUrl: url(f.cpuUrl),
    payloadBytes: num(f.payloadBytes),
    concurrency: num(f.concurrency),
    durationSec: num(f.durationSec),
    warmupSec: num(f.warmupSec),
    pollIntervalMs: num(f.pollIntervalMs),
    eventRate: num(f.eventRate),
    experiments,
  };
}

/** "must be at least 1" → "Must be at least 1": the message stands alone under its field. */
const sentence = (m: string) => (m ? m[0].toUpperCase() + m.slice(1) : m);

export interface ShowdownValidation {
  ok: boolean;
  errors: ShowdownErrors;
  /** The input to send (validated), when ok. */
  input?: ShowdownInput;
  /** The settings with the defaults applied, when ok. */
  config?: ShowdownConfig;
}

export function validateShowdownForm(f: ShowdownForm): ShowdownValidation {
  const input = showdownFormToInput(f);
  const errors: ShowdownErrors = {};
  // The cross-field rules (superRefine) run only once every field parses; parse again with the
  // faulty fields set aside so a bad number does not hide a missing URL.
  let current: Record<string, unknown> = { ...input };
  for (let pass = 0; pass < 4; pass++) {
    const parsed = showdownInputSchema.safeParse(current);
    if (parsed.success) {
      if (pass === 0) return { ok: true, errors, input: input as ShowdownInput, config: parsed.data };
      break;
    }
    const heads: string[] = [];
    for (const issue of parsed.error.issues) {
      const head = String(issue.path[0] ?? '');
      const key: ShowdownField = head === 'experiments' ? 'exchange' : head in f ? (head as keyof ShowdownForm) : 'form';
      errors[key] ??= key === 'form' && head ? `${head}: ${issue.message}` : sentence(issue.message);
      if (head) heads.push(head);
    }
    if (!heads.length) break;
    current = { ...current };
    for (const h of heads) delete current[h];
  }
  if (!f.exchange && !f.updates) errors.exchange = 'Choose at least one experiment';
  return { ok: false, errors };
}

/** Fields whose errors show in the form (the rest go in one line under it). */
export const SHOWDOWN_FIELDS: ReadonlyArray<keyof ShowdownForm> = [
  'httpUrl',
  'wsUrl',
  'pollUrl',
  'pushUrl',
  'longPollUrl',
  'sseUrl',
  'cpuUrl',
  'payloadBytes',
  'concurrency',
  'durationSec',
  'warmupSec',
  'pollIntervalMs',
  'eventRate',
  'exchange',
  'updates',
];

/** Errors the server returned ("durationSec: must be …", one line per issue) put on their fields. */
export function serverErrorToShowdownErrors(message: string): ShowdownErrors {
  const errors: ShowdownErrors = {};
  for (const line of message.split('\n')) {
    const m = /^([A-Za-z]+)(?:\.[^:]*)?: (.*)$/.exec(line.trim());
    const key = m?.[1] === 'experiments' ? 'exchange' : m?.[1];
    if (m && key && (SHOWDOWN_FIELDS as readonly string[]).includes(key)) errors[key as keyof ShowdownForm] ??= sentence(m[2]);
    else errors.form = errors.form ? `${errors.form}\n${line}` : line;
  }
  return errors;
}

/** Roughly how long the showdown will take, for the button's hint: warm-ups, runs and probes. */
export function estimatedSeconds(c: ShowdownConfig): number {
  const exchange = c.experiments.includes('exchange') ? 3 * (c.warmupSec + c.durationSec + 0.6) : 0;
  // Polling and push; long polling and SSE on the demo target, or where a server of your own has them.
  const updateModes = c.httpUrl === undefined ? 4 : c.pollUrl && c.pushUrl ? 2 + (c.longPollUrl ? 1 : 0) + (c.sseUrl ? 1 : 0) : 0;
  const updates = c.experiments.includes('updates') ? updateModes * (c.durationSec + 0.6) : 0;
  return Math.round(1 + exchange + updates);
}
