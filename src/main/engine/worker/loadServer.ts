// What a load worker does with the run controller's messages, wherever it runs: in a worker
// thread (workerEntry.ts, the usual case) or on the controller's own thread (inlineWorker.ts, a
// one-worker CLI run, which saves the ≈ 0.3–0.5 CPU-s of a new isolate before its first request).
// A worker serves one run after another: `prepare` loads a protocol's load generator (once per
// thread) and answers `ready`; `start` runs the worker's share of a run, streaming one sample per
// second back to the run controller, and ends with `done`, after which it waits for its next run.
import type { Protocol } from '../../../shared/scenario.ts';
import { SecondRecorder } from '../metrics/secondRecorder.ts';
import type { LoadDriver, LoadDriverFactory } from './loadDriver.ts';
import type { FromWorker, ToWorker, WorkerJob } from './workerProtocol.ts';

// Drivers are loaded on `prepare`, before the worker reports ready: the run's start instant is
// fixed after every worker is ready, and module loading after it would delay the first requests.
// Module loading is per thread, so one cache serves every server on the thread.
const drivers = new Map<Protocol, Promise<LoadDriverFactory>>();

function driverFor(protocol: Protocol): Promise<LoadDriverFactory> {
  let loading = drivers.get(protocol);
  if (!loading) {
    loading =
      protocol === 'http'
        ? // An HTTP scenario with `poll` is driven by the polling driver, one with `sse` by the
          // event-stream driver, one with `http2` by the HTTP/2 driver; all four load with http.
          Promise.all([import('../http/httpLoad.ts'), import('../poll/pollLoad.ts'), import('../http2/h2Load.ts'), import('../sse/sseLoad.ts')]).then(
            ([h, p, h2, e]): LoadDriverFactory =>
              (job, recorder) =>
                job.scenario.protocol === 'http' && job.scenario.http2 === true
                  ? h2.createH2Load(job, recorder)
                  : job.scenario.protocol === 'http' && job.scenario.poll !== undefined
                    ? p.createPollLoad(job, recorder)
                    : job.scenario.protocol === 'http' && job.scenario.sse !== undefined
                      ? e.createSseLoad(job, recorder)
                    : h.createHttpLoad(job, recorder),
          )
        : protocol === 'ws'
          ? import('../ws/wsSwarm.ts').then((m) => m.createWsSwarm)
          : import('../flow/flowLoad.ts').then((m): LoadDriverFactory => (job, recorder) => m.createFlowLoad(job, recorder));
    drivers.set(protocol, loading);
  }
  return loading;
}

/**
 * Serves the controller's messages: returns the handler for each message to this worker; `post`
 * sends this worker's messages back.
 */
export function loadServer(post: (message: FromWorker) => void): (message: ToWorker) => void {
  /** The run in progress (undefined between runs). */
  let driver: LoadDriver | undefined;
  let stopRequested = false;
  const fatal = (err: unknown) => post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });

  async function start(job: WorkerJob): Promise<void> {
    const create = await driverFor(job.scenario.protocol);
    const recorder = new SecondRecorder(job.startAt, (sample) => post({ type: 'sample', sample }), job.scenario.protocol === 'ws');
    const load = create(job, recorder);
    driver = load;
    recorder.start();
    if (stopRequested) load.stop();
    try {
      await load.run();
    } finally {
      driver = undefined;
    }
    recorder.finish();
    post({ type: 'done', poll: load.pollFigures?.(), http2: load.http2Figures?.(), sse: load.sseFigures?.() });
  }

  return (message: ToWorker) => {
    switch (message.type) {
      case 'prepare':
        driverFor(message.protocol).then(() => post({ type: 'ready', protocol: message.protocol }), fatal);
        break;
      case 'start':
        // A stop meant for an earlier run (it crossed that run's `done`) must not end this one.
        stopRequested = false;
        start(message.job).catch(fatal);
        break;
      case 'stop':
        stopRequested = true;
        driver?.stop();
        break;
    }
  };
}
