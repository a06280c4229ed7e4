// Entry point of a load worker in a child process (processWorker.ts): the controller's messages
// arrive over the process's IPC channel and are served by loadServer.ts, exactly as in a worker
// thread. Under Electron's utilityProcess the channel is `process.parentPort` (messages wrapped
// in `{ data }`); under child_process.fork it is `process.send` / `process.on('message')`.
import { loadServer } from './loadServer.ts';
import type { FromWorker, ToWorker } from './workerProtocol.ts';

interface ParentPort {
  on(event: 'message', listener: (event: { data: ToWorker }) => void): void;
  postMessage(message: FromWorker): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (parentPort) {
  const serve = loadServer((message) => parentPort.postMessage(message));
  parentPort.on('message', (event) => serve(event.data));
} else if (process.send) {
  const send = process.send.bind(process);
  const serve = loadServer((message) => send(message));
  process.on('message', (message) => serve(message as ToWorker));
  // The controller is gone (it ended, or crashed): nothing is left to serve.
  process.on('disconnect', () => process.exit(0));
} else {
  throw new Error('processEntry must run as a child process with an IPC channel');
}
