// A load worker on the run controller's own thread, for a run of one worker in a process that
// does nothing else meanwhile (the `barrage run` CLI). A new worker thread costs a V8 isolate,
// Node's internal modules compiled again and the driver's modules loaded a second time: measured
// ≈ 0.3–0.5 CPU-s, about half of what `barrage run` spent before its first request (see
// docs/PERFORMANCE.md, "Start-up"). Inline, the same driver code runs behind the same protocol
// (loadServer.ts), with the messages handed over in a microtask instead of a MessagePort, and
// structured-cloned as postMessage would (once per run and per second: nothing per request).
//
// What is given up: a thread's isolation. The controller's own per-second work (merging a
// sample, the history's row, a progress line: well under a millisecond) now shares the event
// loop with the load; that is why only a one-worker run in a process that serves nothing else
// uses it. A driver that does not wind down cannot be terminated, only abandoned (the run still
// ends at its grace deadline); a thread would have been.
import { loadServer } from './worker/loadServer.ts';
import type { FromWorker, ToWorker } from './worker/workerProtocol.ts';
import type { LoadWorker, WorkerListener } from './workerPool.ts';

export class InlineWorker implements LoadWorker {
  private listener: WorkerListener | null = null;
  private discarded = false;
  private readonly serve = loadServer((message: FromWorker) => {
    const copy = structuredClone(message);
    queueMicrotask(() => {
      if (!this.discarded) this.listener?.message(copy);
    });
  });

  attach(listener: WorkerListener): void {
    this.listener = listener;
  }

  post(message: ToWorker): void {
    if (this.discarded) return;
    const copy = structuredClone(message);
    queueMicrotask(() => this.serve(copy));
  }

  release(): void {
    this.listener = null;
  }

  discard(): void {
    if (this.discarded) return;
    this.discarded = true;
    this.listener = null;
    // An abandoned driver is told to stop; whatever it still sends goes nowhere.
    this.serve({ type: 'stop' });
  }
}
