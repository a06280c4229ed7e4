// A protocol's load generator as it runs inside one worker thread.
import type { Http2Figures, PollFigures } from '../../../shared/runResult.ts';
import type { SecondRecorder } from '../metrics/secondRecorder.ts';
import type { SseWorkerFigures, WorkerJob } from './workerProtocol.ts';

export interface LoadDriver {
  /** Resolves when the load is over: the deadline passed, the amount was reached, or stop() was called. */
  run(): Promise<void>;
  /** Ends the load now; run() then resolves promptly with everything recorded so far. */
  stop(): void;
  /** A polling driver's counters, sent with the worker's `done`. */
  pollFigures?(): PollFigures;
  /** An HTTP/2 driver's protocol figures, sent with the worker's `done`. */
  http2Figures?(): Http2Figures;
  /** An event-stream driver's counters, sent with the worker's `done`. */
  sseFigures?(): SseWorkerFigures;
}

export type LoadDriverFactory = (job: WorkerJob, recorder: SecondRecorder) => LoadDriver;
