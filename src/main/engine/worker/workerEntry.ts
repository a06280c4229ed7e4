// Entry point of a load worker thread: loads its protocol's load generator, receives its share
// of the run, and streams one sample per second back to the run controller.
import { parentPort, workerData } from 'node:worker_threads';
import type { Protocol } from '../../../shared/scenario.ts';
import { SecondRecorder } from '../metrics/secondRecorder.ts';
import type { LoadDriver, LoadDriverFactory } from './loadDriver.ts';
import type { FromWorker, ToWorker, WorkerJob } from './workerProtocol.ts';

const port = parentPort;
if (!port) throw new Error('workerEntry must run in a worker thread');

const post = (message: FromWorker) => port.postMessage(message);
let driver: LoadDriver | undefined;
let stopRequested = false;

// Load the driver before reporting ready: the run's start instant is fixed after every worker is
// ready, and module loading after it would delay the first scheduled requests.
const protocol = (workerData as { protocol: Protocol }).protocol;
const create: LoadDriverFactory =
  protocol === 'http' ? (await import('../http/httpLoad.ts')).createHttpLoad : (await import('../ws/wsSwarm.ts')).createWsSwarm;

port.on('message', (message: ToWorker) => {
  if (message.type === 'start') {
    start(message.job).catch((err: unknown) => {
      post({ type: 'fatal', message: err instanceof Error ? err.message : String(err) });
    });
  } else if (message.type === 'stop') {
    stopRequested = true;
    driver?.stop();
  }
});
post({ type: 'ready' });

async function start(job: WorkerJob): Promise<void> {
  const recorder = new SecondRecorder(job.startAt, (sample) => post({ type: 'sample', sample }), job.scenario.protocol === 'ws');
  const load = create(job, recorder);
  driver = load;
  recorder.start();
  if (stopRequested) load.stop();
  await load.run();
  recorder.finish();
  post({ type: 'done' });
}
