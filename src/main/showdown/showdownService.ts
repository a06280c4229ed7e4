// Showdowns started from the app (Electron or `barrage serve`): one at a time, kept in memory
// for the session so the view can follow one and reopen its result; their runs are in the
// history for good.
import type { ShowdownConfig, ShowdownStatus } from '../../shared/showdown.ts';
import { RunService } from '../services/runService.ts';
import type { RunStore } from '../store/runStore.ts';
import { startShowdown, type ShowdownDeps, type ShowdownHandle } from './showdownRunner.ts';

/** Showdowns remembered per session (the oldest finished ones are forgotten first). */
const KEEP = 20;

export class ShowdownService {
  private readonly runs: RunService;
  private readonly store: RunStore | null;
  private readonly startTarget: ShowdownDeps['startTarget'];
  private readonly handles = new Map<string, ShowdownHandle>();
  private readonly statuses = new Map<string, ShowdownStatus>();
  private running: ShowdownHandle | null = null;

  constructor(runs: RunService, store: RunStore | null, startTarget?: ShowdownDeps['startTarget']) {
    this.runs = runs;
    this.store = store;
    this.startTarget = startTarget;
  }

  /** Throws MeasurementBusyError while anything else measures (another showdown, a run, an A/B run). */
  start(config: ShowdownConfig): ShowdownStatus {
    const handle = startShowdown(config, {
      // Unsaved showdowns still run through a run service, one without a history but with the
      // same measurement lock.
      runs: config.save ? this.runs : new RunService(null, {}, this.runs.lock),
      store: this.store,
      startTarget: this.startTarget,
      onStatus: (s) => this.statuses.set(s.id, s),
    });
    this.running = handle;
    this.handles.set(handle.id, handle);
    this.statuses.set(handle.id, handle.status());
    void handle.result.finally(() => {
      if (this.running === handle) this.running = null;
      this.statuses.set(handle.id, handle.status());
      this.forgetOld();
    });
    return handle.status();
  }

  get(id: string): ShowdownStatus | undefined {
    return this.statuses.get(id);
  }

  stop(id: string): boolean {
    const handle = this.handles.get(id);
    if (!handle || this.statuses.get(id)?.state !== 'running') return false;
    handle.stop();
    return true;
  }

  list(): ShowdownStatus[] {
    return [...this.statuses.values()].reverse();
  }

  /** Stops the running showdown and waits for it to wind down (the target closes). */
  async close(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.stop();
    await running.result;
  }

  private forgetOld(): void {
    for (const id of this.statuses.keys()) {
      if (this.statuses.size <= KEEP) break;
      if (this.statuses.get(id)?.state === 'running') continue;
      this.statuses.delete(id);
      this.handles.delete(id);
    }
  }
}
