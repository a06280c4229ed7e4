// Try once (issue #12): one virtual user's setup, one iteration and its teardown against the
// target, returning what each step sent and got (src/shared/flowTrace.ts). Nothing is recorded
// or stored; think time is reported, not waited. The target is resolved (and a https
// certificate verified) as before a run; a target that does not resolve is a trace with the
// error on the first step rather than an exception.
import type { FlowTrace, StepTrace } from '../../../shared/flowTrace.ts';
import type { DemoTargetInfo } from '../../../shared/contract.ts';
import { isDemoUrl, resolveDemoUrl } from '../../../shared/demoAddress.ts';
import type { FlowScenario } from '../../../shared/scenario.ts';
import { systemClock } from '../../clock.ts';
import { checkReachability, systemLookup, type HostLookup } from '../preflight.ts';
import { bindRow, DataRows } from './dataRows.ts';
import { compileFlow, runPhase, stepList } from './flowRunner.ts';
import type { StepRecorder } from './stepExecutor.ts';
import { VirtualUser } from './virtualUser.ts';

/** Try once's own bound on the whole try (its steps' timeouts still apply within it). */
export const TRY_ONCE_LIMIT_MS = 60_000;

const discard: StepRecorder = { completed() {}, status() {}, error() {}, check() {}, unfinished() {}, outOfOrder() {}, unmatched() {} };

export interface TryOnceOptions {
  lookup?: HostLookup;
  /** The session's demo target, for a flow addressed to demo-target.invalid. */
  demoTarget?: () => Promise<DemoTargetInfo>;
  /** Ends the try early (e.g. the user closed the panel). */
  signal?: AbortSignal;
}

export async function runFlowOnce(given: FlowScenario, options: TryOnceOptions = {}): Promise<FlowTrace> {
  const started = performance.now();
  const scenario = isDemoUrl(given.url) && options.demoTarget ? { ...given, url: resolveDemoUrl(given.url, await options.demoTarget()) } : given;
  const traces: StepTrace[] = [];
  const vu = new VirtualUser(1);
  const reach = await checkReachability(scenario, options.lookup ?? systemLookup);
  if (!reach.ok) {
    const first = scenario.setup[0] ?? scenario.steps[0];
    const phase = scenario.setup.length > 0 ? 'setup' : 'steps';
    traces.push({ phase, index: 0, name: first.name, type: first.type, state: 'ran', failed: true, extractions: [], checks: [], errors: [{ kind: reach.kind, message: reach.message }], timeUs: 0 });
    return { steps: traces, variables: {}, completed: false, abandonedAt: { phase, index: 0, name: first.name }, totalUs: Math.round((performance.now() - started) * 1000) };
  }
  const env = { scenario, baseUrl: new URL(scenario.url), address: reach.address, clock: systemClock, tracing: true };
  const flow = compileFlow(scenario, env, stepList(scenario).map(() => discard));
  const limit = new AbortController();
  const timer = setTimeout(() => limit.abort(), TRY_ONCE_LIMIT_MS);
  const onAbort = () => limit.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = limit.signal;
  let abandonedAt: FlowTrace['abandonedAt'];
  const note = (phase: 'setup' | 'steps' | 'teardown', index: number | undefined) => {
    if (index !== undefined && !abandonedAt) abandonedAt = { phase, index, name: scenario[phase][index].name };
  };
  try {
    const rows = scenario.data?.rows;
    const data = rows ? new DataRows(rows, scenario.data!.assign, 0, 1) : undefined;
    bindRow(vu.vars, data?.forUser(1));
    const setup = await runPhase('setup', flow.setup, { vu, clock: systemClock, signal, traces });
    note('setup', setup.abandonedAt);
    let completed = false;
    if (setup.abandonedAt === undefined && !setup.stopped) {
      vu.iteration = 1;
      bindRow(vu.vars, data?.forIteration());
      const it = await runPhase('steps', flow.steps, { vu, clock: systemClock, signal, traces });
      note('steps', it.abandonedAt);
      completed = it.abandonedAt === undefined && !it.stopped;
    } else {
      for (const [i, c] of flow.steps.entries()) traces.push({ phase: 'steps', index: i, name: c.compiled.step.name, type: c.compiled.step.type, state: 'skipped', failed: false, extractions: [], checks: [], errors: [], timeUs: 0 });
    }
    // The teardown runs whatever happened, as at the end of a run.
    const down = await runPhase('teardown', flow.teardown, { vu, clock: systemClock, signal, traces });
    note('teardown', down.abandonedAt);
    return { steps: traces, variables: Object.fromEntries(vu.vars), completed, ...(abandonedAt ? { abandonedAt } : {}), totalUs: Math.round((performance.now() - started) * 1000) };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    await vu.end();
  }
}
