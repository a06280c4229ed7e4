// The one contract between the renderer and the main-process services. Every request channel
// names its input schema (validated in the main process, never trusted from the renderer) and
// its output type; every event names its payload. The preload (Electron) and the WebSocket
// transport (`barrage serve`) both build `window.barrage` from this list, so the two
// transports cannot drift apart, and the views have no transport-specific code.
import { z } from 'zod';
import { strictObject } from './strictObject.ts';
import { RUN_SORTS, RUN_STATUSES, type RunListItem, type StoredRun, type StoredScenario } from './history.ts';
import type { RunProgress, RunSummary } from './runResult.ts';
import { LIMITS, flowScenarioSchema, scenarioSchema, type Scenario } from './scenario.ts';
import type { FlowTrace } from './flowTrace.ts';
import type { StepsComparison } from './stepCompare.ts';
import { AB_DEFAULT_ROUNDS, AB_MAX_ROUNDS, AB_MIN_ROUNDS, AB_MIN_ROUNDS_WHY, type AbStatus } from './ab.ts';
import { compareOptionsSchema, type FigureComparison } from './stats/index.ts';
import { showdownInputSchema, type ShowdownStatus } from './showdown.ts';
import type { MeasuringJob } from './measuring.ts';
import type { CapacityStatus } from './capacity.ts';
import { openapiImportSchema, openapiPreviewSchema, type OpenApiImport, type OpenApiImportResult } from './openapiImport.ts';
import { settingsPatchSchema, type SettingsView } from './settings.ts';
import { shardMergeInputSchema, type ShardSetPreview } from './shardFiles.ts';

// ---- shapes handed to the renderer -------------------------------------------------------

/** Saved scenarios, stored runs and history rows: the history's own shapes. */
export type ScenarioRecord = StoredScenario;
export type RunRow = RunListItem;

export interface RunDetail extends StoredRun {
  /** Percentile distribution of the whole run (the "nines" plot). */
  percentiles: Array<{ percentile: number; us: number }>;
}

export interface ActiveRun {
  runId: number;
  scenarioName: string | null;
  config: Scenario;
  startedAt: string;
  plannedSec: number | null;
  /** Progress so far, so a view opened mid-run can draw the whole series. */
  progress: RunProgress[];
}

export interface AppInfo {
  version: string;
  versions: { node: string; electron: string | null; chrome: string | null; v8: string };
  platform: string;
  transport: 'electron' | 'browser';
  databasePath: string;
}

/** What measures now (the measurement lock's holder); `openable`: a job of this process the app can show. */
export type MeasuringNow = MeasuringJob & { openable: boolean };

/**
 * A data file read by the builder (flows.parseData): the rows as the scenario keeps them
 * (`data.rows`), their columns (the variables they give), count and SHA-256 (as `data.sha256`).
 */
export interface ParsedDataFile {
  name: string;
  format: 'csv' | 'json';
  rows: Array<Record<string, string | number | boolean>>;
  columns: string[];
  rowCount: number;
  sha256: string;
}

/** The largest data file text the builder sends (the rows then travel with the scenario in every save and run). */
export const DATA_TEXT_MAX_CHARS = 8 * 1024 * 1024;

export interface DemoTargetInfo {
  httpUrl: string;
  wsUrl: string;
}

// ---- request inputs ------------------------------------------------------------------------

const id = z.number().int().positive();
const idList = z.array(id).min(1, { error: 'select at least one run' }).max(10_000);
const name = z.string().trim().min(1, { error: 'cannot be empty' }).max(200, { error: 'is longer than 200 characters' });
const tag = z.string().trim().min(1).max(50).regex(/^[^,\s]+$/, { error: 'tags cannot contain spaces or commas' });
const showdownId = z.string().min(1).max(64);
const jobId = z.string().min(1).max(64);
const positive = (field: string) => z.number({ error: `${field} must be a number` }).positive({ error: `${field} must be greater than 0` });

/**
 * A capacity search from the app: a saved scenario or a URL (the default load), the SLOs and the
 * search's settings (src/shared/capacity.ts checks how they fit together, e.g. max ≥ start).
 */
export const capacityInputSchema = strictObject({
  scenarioId: id.optional(),
  url: z.string().trim().min(1, { error: 'cannot be empty' }).max(2000).optional(),
  slos: z.array(z.string().trim().min(1).max(200)).min(1, { error: 'give at least one SLO, e.g. p99<100ms' }).max(20),
  startRate: positive('start rate').max(10_000_000),
  maxRate: positive('max rate').max(10_000_000),
  stepSec: z.number().int().min(2, { error: 'must be at least 2 seconds (a warm-up second and a measured one)' }).max(3600),
  /** Relative: 0.05 = 5%. */
  precision: z.number().gt(0).max(1),
  growth: z.number().gt(1).max(100).optional(),
  budgetSec: z.number().int().positive().max(24 * 3600).optional(),
  /** Warm-up seconds of each step (the rate ramps up over them); default the scenario's. */
  warmupSec: z.number().int().min(0).max(3600).optional(),
  /** Keep URL passwords and credential header values in the stored runs' configurations (default: a redacted copy). */
  storeSecrets: z.boolean().optional(),
}).refine((v) => (v.scenarioId === undefined) !== (v.url === undefined), { error: 'give either a saved scenario or a URL' });

export const runListQuery = strictObject({
  scenario: z.string().max(200).optional(),
  tag: z.string().max(50).optional(),
  protocol: z.enum(['http', 'ws']).optional(),
  status: z.enum(RUN_STATUSES).optional(),
  text: z.string().max(200).optional(),
  /** true: runs whose thresholds all passed; false: runs with a failed threshold. */
  passed: z.boolean().optional(),
  /** Runs measured together: one showdown, one A/B run. */
  groupId: z.string().min(1).max(64).optional(),
  limit: z.number().int().min(1).max(1000).default(100),
  offset: z.number().int().min(0).default(0),
  sort: z.enum(RUN_SORTS).default('newest'),
  reverse: z.boolean().default(false),
});

// ---- the channels ----------------------------------------------------------------------------

/** A request channel: its input schema and (as a phantom) its output type. */
interface Channel<I extends z.ZodType, O> {
  input: I;
  output: O;
}
const returns =
  <O>() =>
  <I extends z.ZodType>(input: I): Channel<I, O> => ({ input, output: undefined as O });
const none = z.undefined();

export const channels = {
  'app.info': returns<AppInfo>()(none),
  'target.demo': returns<DemoTargetInfo>()(none),
  /**
   * What holds the measurement lock now (a run, an A/B run, a showdown — of this process or of
   * another one sharing the history, such as the CLI), or null. Every start is refused while
   * something measures; the refusal's message says what and how to stop it.
   */
  'app.measuring': returns<MeasuringNow | null>()(none),

  'scenarios.list': returns<ScenarioRecord[]>()(none),
  'scenarios.get': returns<ScenarioRecord>()(id),
  /** Creates (no id) or updates (id) a scenario. */
  'scenarios.save': returns<ScenarioRecord>()(strictObject({ id: id.optional(), name, config: scenarioSchema })),
  'scenarios.duplicate': returns<ScenarioRecord>()(id),
  'scenarios.rename': returns<ScenarioRecord>()(strictObject({ id, name })),
  'scenarios.delete': returns<boolean>()(id),
  'scenarios.setBaseline': returns<boolean>()(strictObject({ scenarioId: id, runId: id.nullable() })),
  /**
   * Reads an OpenAPI 3 / Swagger 2 document — the text of a file the renderer read, or an
   * http(s) URL on loopback that the main process fetches — and lists its operations with the
   * scenario each would become. Nothing is saved.
   */
  'scenarios.openapiPreview': returns<OpenApiImport>()(openapiPreviewSchema),
  /** Reads the document again and saves the chosen operations as scenarios (same name: replaced). */
  'scenarios.openapiImport': returns<OpenApiImportResult>()(openapiImportSchema),

  /** The app's settings and the state of what they switch on (the metrics endpoint). */
  'settings.get': returns<SettingsView>()(none),
  /**
   * Changes settings and applies them at once: a metrics port starts listening (refused with the
   * reason when the port is taken; the setting is then left as it was), null stops it.
   */
  'settings.set': returns<SettingsView>()(settingsPatchSchema),

  /** Starts a run of a saved scenario, or of an unsaved configuration. */
  'runs.start': returns<ActiveRun>()(
    strictObject({
        scenarioId: id.optional(),
        config: scenarioSchema.optional(),
        /** Stop the run as soon as one of its thresholds is breached by the figures so far. */
        abortOnFail: z.boolean().optional(),
        /** Run to the end even when every attempt fails the same way (stopped after 3 s otherwise). */
        keepGoing: z.boolean().optional(),
        /** Keep URL passwords and credential header values in the stored run's configuration (default: a redacted copy). */
        storeSecrets: z.boolean().optional(),
      })
      .refine((v) => (v.scenarioId === undefined) !== (v.config === undefined), {
        error: 'give either a scenario id or a configuration',
      }),
  ),
  'runs.stop': returns<boolean>()(id),
  'runs.active': returns<ActiveRun[]>()(none),
  'runs.list': returns<{ runs: RunRow[]; total: number }>()(runListQuery),
  'runs.get': returns<RunDetail>()(id),
  'runs.delete': returns<number[]>()(idList),
  'runs.setNotes': returns<boolean>()(strictObject({ id, notes: z.string().max(100_000) })),
  'runs.setTags': returns<string[]>()(strictObject({ id, tags: z.array(tag).max(50) })),
  'runs.tags': returns<Array<{ tag: string; runs: number }>>()(none),
  /** The file's contents; the renderer offers it as a download. */
  'runs.export': returns<{ fileName: string; mimeType: string; content: string }>()(
    strictObject({ ids: idList, format: z.enum(['json', 'csv']) }),
  ),
  'runs.compare': returns<RunDetail[]>()(idList),
  /**
   * Merges the result files of a sharded run (`barrage run --shard K/N --out FILE`, dropped on or
   * picked in the History view; the renderer reads them) into one stored run, as `barrage runs
   * merge` does. Refused with a message naming the files or shards when they do not belong together.
   */
  'runs.mergeShards': returns<{ id: number; duplicate: boolean; shards: number }>()(shardMergeInputSchema),
  /**
   * What the merge dialog lists before anything is stored: each file read (shard K/N, scenario,
   * start, samples, or why it is not a shard result) and whether the set merges — the same
   * checks as runs.mergeShards, so a refusal shows before the user presses Merge.
   */
  'runs.previewShards': returns<ShardSetPreview>()(shardMergeInputSchema),
  /**
   * Flow runs (issue #12): steps of the same name compared, each run cut down to the step and
   * judged by the whole run's verdict statistics — exactly what `barrage compare` prints per step
   * (src/shared/stepCompare.ts compareSteps). Null unless every run is a flow. The first id is
   * the reference.
   */
  'runs.compareSteps': returns<StepsComparison | null>()(
    strictObject({
      ids: z.array(id).min(2, { error: 'give at least two run ids: the reference, then the others' }).max(20, { error: 'at most 20 runs' }),
      options: compareOptionsSchema.optional(),
    }),
  ),
  /**
   * Verdicts per figure (throughput, p50, p99): two runs (`ids`: baseline, candidate) by block
   * bootstrap over their steady seconds, or two groups of runs (`groupA` baseline, `groupB`) on
   * two levels, rounds paired (stats/compareGroups.ts). `options` as in src/shared/stats/options.ts.
   */
  'runs.statistics': returns<FigureComparison[]>()(
    strictObject({
        ids: z.array(id).length(2, { error: 'give two run ids: the baseline, then the candidate' }).optional(),
        groupA: idList.optional(),
        groupB: idList.optional(),
        options: compareOptionsSchema.optional(),
        /** Two runs only: compare this stage (from 1) of each, on the stage's own seconds (src/shared/stageCompare.ts). */
        stage: z.number().int().min(1, { error: 'stages are numbered from 1' }).max(LIMITS.stages).optional(),
      })
      .refine((v) => (v.ids !== undefined) !== (v.groupA !== undefined && v.groupB !== undefined) && (v.groupA === undefined) === (v.groupB === undefined), {
        error: 'give either ids (two runs) or groupA and groupB',
      })
      .refine((v) => v.stage === undefined || v.ids !== undefined, { error: 'stage: compares two runs given by ids, not groups' }),
  ),
  /**
   * A self-contained HTML report: one id → the run's report; several → a comparison with the
   * first as the baseline; groupId → the A/B report of that group.
   */
  'runs.report': returns<{ fileName: string; mimeType: string; content: string }>()(
    strictObject({
        ids: z.array(id).min(1, { error: 'select at least one run' }).max(20, { error: 'at most 20 runs in one report' }).optional(),
        groupId: z.string().min(1).max(64).optional(),
        options: compareOptionsSchema.optional(),
      })
      .refine((v) => (v.ids === undefined) !== (v.groupId === undefined), { error: 'give either ids or a groupId' }),
  ),

  /**
   * Starts an A/B run of two saved scenarios: A B A B … `rounds` times each, the same warm-up,
   * every run stored with the A/B's group id and tags ab, ab:A / ab:B. Refused while anything
   * else measures. Returns the status at once; each later status is pushed as `ab.changed` until
   * its state is no longer 'running'; its `comparisons` then hold the verdicts of B against A.
   */
  'ab.start': returns<AbStatus>()(
    strictObject({
      scenarioA: id,
      scenarioB: id,
      rounds: z
        .number()
        .int()
        .min(AB_MIN_ROUNDS, { error: `must be at least ${AB_MIN_ROUNDS}: ${AB_MIN_ROUNDS_WHY}` })
        .max(AB_MAX_ROUNDS)
        .default(AB_DEFAULT_ROUNDS),
      warmupSec: z.number().int().min(0).max(3600).optional(),
      options: compareOptionsSchema.optional(),
      /** Keep URL passwords and credential header values in the stored runs' configurations (default: a redacted copy). */
      storeSecrets: z.boolean().optional(),
    }),
  ),
  'ab.get': returns<AbStatus>()(z.string().min(1).max(64)),
  /** Stops an A/B run: the run going now ends early, no further round starts. */
  'ab.stop': returns<boolean>()(z.string().min(1).max(64)),
  /** The A/B runs of this session, newest first (their runs stay in the history for good). */
  'ab.list': returns<AbStatus[]>()(none),

  /**
   * Starts a REST vs WebSocket showdown (refused while anything else measures). Returns its
   * status at once; each later status (the step, the run ids as they come, at the end the
   * result) is pushed as `showdown.changed`; each measured run also sends run.progress.
   */
  'showdown.start': returns<ShowdownStatus>()(showdownInputSchema),
  'showdown.get': returns<ShowdownStatus>()(showdownId),
  /** Stops a running showdown: its current run ends early, the remaining modes do not run. */
  'showdown.stop': returns<boolean>()(showdownId),
  /** The showdowns of this session, newest first (their runs stay in the history for good). */
  'showdown.list': returns<ShowdownStatus[]>()(none),

  /**
   * Starts a capacity search (refused while anything else measures; it holds the measurement
   * lock from its first step to its last). Returns its status at once; each later status (a
   * step started, a step judged, the answer) is pushed as `capacity.changed`; each step is an
   * ordinary run (run.progress), stored in the search's group with tag `capacity`.
   */
  'capacity.start': returns<CapacityStatus>()(capacityInputSchema),
  'capacity.get': returns<CapacityStatus>()(jobId),
  /** Stops a search: the step going now ends early, no further step starts; what was measured stays. */
  'capacity.stop': returns<boolean>()(jobId),
  /** The capacity searches of this session, newest first (their runs stay in the history for good). */
  'capacity.list': returns<CapacityStatus[]>()(none),

  /**
   * Try once (issue #12): one virtual user's setup, one iteration and its teardown against the
   * target, returning each step's request as sent, response, extractions and checks. Nothing is
   * stored. It holds the measurement lock while it runs (at most a minute): refused while a run
   * measures — its times would be the run's queueing, and its requests would land in the run's
   * figures — and a run is refused until it has ended.
   */
  'flows.tryOnce': returns<FlowTrace>()(strictObject({ config: flowScenarioSchema })),
  /**
   * A data file's text (uploaded, dropped or pasted in the builder) parsed as the CLI reads
   * `data.file` (src/main/flowData/dataFile.ts parseDataText: csv-parse, or JSON rows): the rows,
   * columns, count and SHA-256, or an error naming the file and line. `format` defaults to the
   * name's extension. Nothing is stored: the builder puts the rows into the scenario.
   */
  'flows.parseData': returns<ParsedDataFile>()(
    strictObject({
      name: z.string().trim().min(1, { error: 'is required (the file name, e.g. users.csv)' }).max(500, { error: 'is longer than 500 characters' }),
      text: z.string().max(DATA_TEXT_MAX_CHARS, { error: `is larger than ${DATA_TEXT_MAX_CHARS / 1024 / 1024} MiB; give a larger file to barrage run --scenario as data.file` }),
      format: z.enum(['csv', 'json'], { error: 'must be "csv" or "json"' }).optional(),
    }),
  ),
} as const;

export type ChannelName = keyof typeof channels;
export type ChannelInput<C extends ChannelName> = z.input<(typeof channels)[C]['input']>;
export type ChannelParsed<C extends ChannelName> = z.output<(typeof channels)[C]['input']>;
export type ChannelOutput<C extends ChannelName> = (typeof channels)[C]['output'];

/** Events pushed from the main process; at most one progress event per run per second. */
export interface Events {
  'run.progress': RunProgress & { runId: number };
  'run.finished': { runId: number; summary: RunSummary };
  'runs.changed': { reason: 'started' | 'finished' | 'deleted' | 'imported' | 'updated' };
  /** An A/B run's status at each step (a run started or ended, the end with its verdicts). */
  'ab.changed': AbStatus;
  /** A showdown's status at each step (its step, run ids as they come, the result at the end). */
  'showdown.changed': ShowdownStatus;
  /** A capacity search's status at each step (a step started, a step judged, the answer at the end). */
  'capacity.changed': CapacityStatus;
}
export type EventName = keyof Events;

// ---- the API object the views use ------------------------------------------------------------

type Split<S extends string> = S extends `${infer A}.${infer B}` ? [A, B] : never;
type Domain = Split<ChannelName>[0];
type MethodsOf<D extends string> = {
  [C in ChannelName as Split<C>[0] extends D ? Split<C>[1] : never]: undefined extends ChannelInput<C>
    ? (input?: ChannelInput<C>) => Promise<ChannelOutput<C>>
    : (input: ChannelInput<C>) => Promise<ChannelOutput<C>>;
};

/** `window.barrage`: one method per channel (`barrage.runs.start(...)`), plus event subscriptions. */
export type BarrageApi = { [D in Domain]: MethodsOf<D> } & {
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
};

/** What a transport must provide; the API object is built on top of it. */
export interface Transport {
  invoke(channel: ChannelName, input: unknown): Promise<unknown>;
  subscribe(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** Errors crossing the boundary: a message for the user, and whether the input was at fault. */
export interface ApiErrorPayload {
  message: string;
  invalidInput: boolean;
  /** A start refused because something else measures: that job (ask `app.measuring` to open it). */
  busy?: MeasuringNow;
}

/** Builds `window.barrage` from the channel list over any transport. */
export function createApi(transport: Transport): BarrageApi {
  const api: Record<string, Record<string, (input?: unknown) => Promise<unknown>>> = {};
  for (const name of Object.keys(channels) as ChannelName[]) {
    const [domain, method] = name.split('.') as [string, string];
    api[domain] ??= {};
    api[domain][method] = (input?: unknown) => transport.invoke(name, input);
  }
  const on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void) =>
    transport.subscribe(event, listener as (payload: unknown) => void);
  return Object.assign(api, { on }) as unknown as BarrageApi;
}
