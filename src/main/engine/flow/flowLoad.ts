// The flow load driver of a worker (issue #12): this worker's share of the virtual users, each
// running its setup once, then iterations, then its teardown when the run ends.
//
// Closed model: every user loops its iterations back to back. Stages with stageTarget
// "virtualUsers" ramp how many users loop: a user above the plan's count finishes its
// iteration and waits (keeping what its setup gave it) until the plan wants it again.
// Open model (`rate`, or stages ramping the rate): arrivals are scheduled from the integral of
// the rate (OpenModelPacer, wrk2's rule); each free user takes the next arrival and runs one
// iteration on it, so an arrival that finds no free user waits — and its first step's latency
// still counts from the arrival's scheduled time, so a stalled target shows in the tail.
// Arrivals due but not started are the second's backlog (`behind`), as in the HTTP open model.
import { ArrivalCurve } from '../../../shared/loadProfile.ts';
import type { FlowScenario } from '../../../shared/scenario.ts';
import { stageTargetOf } from '../../../shared/scenarioLoad.ts';
import { systemClock, type Clock } from '../../clock.ts';
import { OpenModelPacer } from '../http/openModelPacer.ts';
import type { SecondRecorder } from '../metrics/secondRecorder.ts';
import { SocketLedger } from '../metrics/socketLedger.ts';
import type { ConnectionHooks } from './stepExecutor.ts';
import type { LoadDriver } from '../worker/loadDriver.ts';
import type { WorkerJob } from '../worker/workerProtocol.ts';
import { connectionTargetAt, splitEvenly } from '../workerShares.ts';
import { maxConnections } from '../../../shared/scenarioLoad.ts';
import { bindRow, DataRows } from './dataRows.ts';
import { compileFlow, pause, runPhase, stepList, type CompiledFlow } from './flowRunner.ts';
import { VirtualUser } from './virtualUser.ts';

/** How long the virtual users' teardowns may take after the run's end (the controller's grace is 5 s). */
export const TEARDOWN_BUDGET_MS = 3000;
/** A user whose setup failed tries it again after this pause (not in a tight loop against a dead target). */
export const SETUP_RETRY_MS = 1000;
/** How often a ramping plan is followed (ms). */
const FOLLOW_PLAN_MS = 100;

export function createFlowLoad(job: WorkerJob, recorder: SecondRecorder, clock: Clock = systemClock): LoadDriver {
  const scenario = job.scenario as FlowScenario;
  const stop = new AbortController();
  // The pacer's and the plan's timers are this driver's, so stop() cancels them.
  const timers = new Set<() => void>();
  const ownClock: Clock = {
    now: () => clock.now(),
    after(ms, fn) {
      const cancel = clock.after(ms, () => {
        timers.delete(cancel);
        fn();
      });
      timers.add(cancel);
      return () => {
        timers.delete(cancel);
        cancel();
      };
    },
  };
  const recorders = recorder.flowSteps(stepList(scenario));
  const ledger = new SocketLedger();
  recorder.setByteCounter(() => ledger.totals());
  const connections: ConnectionHooks = {
    opened(socket, connectUs) {
      ledger.add(socket);
      recorder.connectionOpened(connectUs);
      socket.once('close', () => recorder.connectionClosed());
    },
    failed: () => recorder.connectionFailed(),
  };
  const flow: CompiledFlow = compileFlow(scenario, { scenario, baseUrl: new URL(scenario.url), address: job.address, clock, tracing: false, connections }, recorders);
  const rows = scenario.data?.rows;
  const data = rows ? new DataRows(rows, scenario.data!.assign, job.workerIndex, job.workerCount) : undefined;
  const total = maxConnections(scenario);
  // Users are numbered over the whole run: this worker's come after the earlier workers' shares.
  let firstVu = 1;
  for (let w = 0; w < job.workerIndex; w++) firstVu += splitEvenly(total, job.workerCount, w);
  const users = Array.from({ length: job.connections }, (_, i) => new VirtualUser(firstVu + i));
  const vuStages = scenario.stages !== undefined && stageTargetOf(scenario) === 'connections' ? scenario.stages : undefined;
  const pacer = job.rateStages
    ? new OpenModelPacer(job.startAt, new ArrivalCurve(job.rateStages), job.endAt, job.amount, ownClock)
    : job.rate !== undefined
      ? new OpenModelPacer(job.startAt, job.rate, job.endAt, job.amount, ownClock)
      : undefined;
  if (pacer) recorder.setSchedule((at) => pacer.dueBy(at));
  /** Closed model with an amount: iterations this worker may still start. */
  let closedLeft = pacer ? Infinity : (job.amount ?? Infinity);
  /** With stages ramping users: how many of this worker's users the plan wants now. */
  let wanted = users.length;
  const wake = new Set<() => void>();
  let steps = 0;
  const afterStep = () => {
    if ((++steps & 255) === 0) recorder.catchUp();
  };

  async function iteration(vu: VirtualUser, originMs?: number): Promise<void> {
    const start = originMs ?? clock.now();
    vu.iteration++;
    bindRow(vu.vars, data?.forIteration());
    recorder.iterationStarted();
    const r = await runPhase('steps', flow.steps, { vu, clock: ownClock, signal: stop.signal, originMs, afterStep });
    if (r.stopped) return;
    recorder.iterationEnded(Math.round((clock.now() - start) * 1000), r.abandonedAt !== undefined);
  }

  /** Setup until it succeeds (or the run stops); false when the run stopped first. */
  async function setUp(vu: VirtualUser): Promise<boolean> {
    bindRow(vu.vars, data?.forUser(vu.vu));
    for (;;) {
      if (stop.signal.aborted) return false;
      const r = await runPhase('setup', flow.setup, { vu, clock: ownClock, signal: stop.signal, afterStep });
      if (r.stopped) return false;
      if (r.abandonedAt === undefined) return true;
      await pause(ownClock, SETUP_RETRY_MS, stop.signal);
    }
  }

  /** Waits until the plan wants user `index` (or the run stops, or the amount is done). */
  function whenWanted(index: number): Promise<void> {
    const ready = () => index < wanted || stop.signal.aborted || closedLeft <= 0;
    if (ready()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!ready()) return;
        wake.delete(check);
        resolve();
      };
      wake.add(check);
    });
  }

  /** Users that finished their setup: they run the teardown at the end. */
  const setUpUsers: VirtualUser[] = [];

  async function closedUser(vu: VirtualUser, index: number): Promise<void> {
    await whenWanted(index);
    if (closedLeft <= 0 || !(await setUp(vu))) return;
    setUpUsers.push(vu);
    while (!stop.signal.aborted && closedLeft > 0) {
      if (index >= wanted) {
        await whenWanted(index);
        continue;
      }
      closedLeft--;
      await iteration(vu);
    }
    // The amount is done: users waiting for the plan have nothing left to do.
    for (const w of [...wake]) w();
  }

  /** Users waiting for their next arrival; resolved with undefined when the load ends. */
  const waiting = new Set<(origin: number | undefined) => void>();

  async function openUser(vu: VirtualUser): Promise<void> {
    if (!(await setUp(vu))) return;
    setUpUsers.push(vu);
    while (!stop.signal.aborted) {
      const origin = await new Promise<number | undefined>((resolve) => {
        const take = (o: number | undefined) => {
          waiting.delete(take);
          resolve(o);
        };
        waiting.add(take);
        if (!pacer!.sendNext(take)) take(undefined);
      });
      if (origin === undefined || stop.signal.aborted) break;
      recorder.scheduledSent();
      await iteration(vu, origin);
    }
  }

  function endLoad(): void {
    if (stop.signal.aborted) return;
    stop.abort();
    for (const cancel of [...timers]) cancel();
    timers.clear();
    for (const w of [...wake]) w();
    for (const w of [...waiting]) w(undefined);
  }

  function followPlan(): void {
    if (stop.signal.aborted || !vuStages) return;
    wanted = connectionTargetAt(vuStages, job.workerCount, job.workerIndex, (clock.now() - job.startAt) / 1000);
    for (const w of [...wake]) w();
    ownClock.after(FOLLOW_PLAN_MS, followPlan);
  }

  async function teardownAll(setUpUsers: readonly VirtualUser[]): Promise<void> {
    if (flow.teardown.length > 0) {
      // A fresh signal: the run's has aborted. The teardown is bounded, so a stalled target cannot hold the run.
      const budget = new AbortController();
      const cancel = clock.after(TEARDOWN_BUDGET_MS, () => budget.abort());
      await Promise.all(setUpUsers.map((vu) => runPhase('teardown', flow.teardown, { vu, clock, signal: budget.signal, afterStep })));
      cancel();
    }
    await Promise.all(users.map((vu) => vu.end()));
  }

  return {
    async run() {
      const wait = job.startAt - clock.now();
      if (wait > 0) await pause(ownClock, wait, stop.signal);
      if (job.endAt !== undefined) ownClock.after(Math.max(0, job.endAt - clock.now()), endLoad);
      if (vuStages) {
        wanted = connectionTargetAt(vuStages, job.workerCount, job.workerIndex, 0);
        ownClock.after(FOLLOW_PLAN_MS, followPlan);
      }
      await Promise.all(users.map((vu, i) => (pacer ? openUser(vu) : closedUser(vu, i))));
      // Every loop has ended: the amount is done, the arrivals ran out, the deadline passed or stop().
      endLoad();
      await teardownAll(setUpUsers);
    },
    stop: endLoad,
  };
}
