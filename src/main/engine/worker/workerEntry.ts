// Entry point of a load worker thread: the controller's messages arrive through the thread's
// port and are served by loadServer.ts (see there for the protocol).
import { parentPort } from 'node:worker_threads';
import { loadServer } from './loadServer.ts';
import type { FromWorker, ToWorker } from './workerProtocol.ts';

const port = parentPort;
if (!port) throw new Error('workerEntry must run in a worker thread');

const serve = loadServer((message: FromWorker) => port.postMessage(message));
port.on('message', (message: ToWorker) => serve(message));
