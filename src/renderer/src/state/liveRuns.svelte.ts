// Runs in progress, as the app sees them: what was started, every progress event since, and the
// summary once 'run.finished' arrives. One subscription for the whole app, made at start, so a
// run keeps being recorded while the user looks at other screens and the Run view can always
// draw the whole series.
import type { ActiveRun } from '../../../shared/contract.ts';
import type { RunProgress, RunSummary } from '../../../shared/runResult.ts';
import { barrage } from '../api/barrage.ts';

export interface LiveRun {
  info: ActiveRun;
  progress: RunProgress[];
  /** Set when the run ended. */
  summary: RunSummary | null;
  /** Local clock time of the last progress event, to show elapsed time between events. */
  lastEventAt: number;
}

class LiveRuns {
  // Replaced, never mutated in place ($state.raw): a progress event per second makes a new
  // record, which is cheap, and spares deep proxies over thousands of samples.
  byId = $state.raw<Record<number, LiveRun>>({});
  /** The run the Run view shows when no run is named: the one started last. */
  latestId = $state<number | null>(null);
  private started = false;

  get running(): LiveRun[] {
    return Object.values(this.byId).filter((r) => r.summary === null);
  }

  get(id: number): LiveRun | undefined {
    return this.byId[id];
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    barrage.on('run.progress', (p) => {
      const { runId, ...progress } = p;
      const run = this.byId[runId];
      if (!run) {
        // Started elsewhere (another window, or before this page loaded): fetch what it has.
        void this.refresh();
        return;
      }
      // Events can repeat what runs.active() already returned; keep one sample per second.
      const last = run.progress.at(-1);
      if (last && last.sample.t >= progress.sample.t) return;
      this.put({ ...run, progress: [...run.progress, progress], lastEventAt: Date.now() });
    });
    barrage.on('run.finished', ({ runId, summary }) => {
      const run = this.byId[runId];
      if (run) this.put({ ...run, summary });
      this.prune();
    });
    barrage.on('runs.changed', ({ reason }) => {
      if (reason === 'started') void this.refresh();
    });
    void this.refresh();
  }

  /** Records a run this window started. */
  track(info: ActiveRun): void {
    if (!this.byId[info.runId]) {
      this.put({ info, progress: info.progress, summary: null, lastEventAt: Date.now() });
    }
    this.latestId = info.runId;
  }

  /** Marks a run as ended when its summary came some other way (runs.get). */
  markEnded(runId: number, summary: RunSummary): void {
    const run = this.byId[runId];
    if (run && !run.summary) this.put({ ...run, summary });
  }

  async refresh(): Promise<void> {
    try {
      const active = await barrage.runs.active();
      for (const info of active) {
        const known = this.byId[info.runId];
        if (!known) {
          this.put({ info, progress: info.progress, summary: null, lastEventAt: Date.now() });
        } else if (info.progress.length > known.progress.length) {
          this.put({ ...known, progress: info.progress });
        }
        if (this.latestId === null || info.runId > this.latestId) this.latestId = info.runId;
      }
    } catch {
      // The connection is down; the next event or request will try again.
    }
  }

  /**
   * Finished runs are kept only while they may still be on screen (the few latest); older ones
   * are read back from the history when opened, so a long session does not pile up samples.
   */
  private prune(keep = 3): void {
    const finished = Object.values(this.byId)
      .filter((r) => r.summary !== null)
      .sort((a, b) => b.info.runId - a.info.runId);
    if (finished.length <= keep) return;
    const next = { ...this.byId };
    for (const r of finished.slice(keep)) if (r.info.runId !== this.latestId) delete next[r.info.runId];
    this.byId = next;
  }

  private put(run: LiveRun): void {
    this.byId = { ...this.byId, [run.info.runId]: run };
  }
}

export const liveRuns = new LiveRuns();
