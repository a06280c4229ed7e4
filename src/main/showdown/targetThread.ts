// Entry of the worker thread that serves the demo target during a showdown. In its own thread
// the target's CPU meter (GET /_barrage/cpu, process.threadCpuUsage) counts the server alone:
// not the load generator, not the showdown's bookkeeping on the main thread.
import { parentPort } from 'node:worker_threads';
import { startDemoTarget } from '../target/demoTarget.ts';

const port = parentPort;
if (!port) throw new Error('targetThread must run in a worker thread');

const target = await startDemoTarget();
port.on('message', (message: { type: 'close' }) => {
  if (message.type !== 'close') return;
  void target.close().then(() => {
    port.postMessage({ type: 'closed' });
    port.close();
  });
});
port.postMessage({ type: 'ready', httpUrl: target.httpUrl, wsUrl: target.wsUrl });
