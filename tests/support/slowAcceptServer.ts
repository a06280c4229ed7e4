// A WebSocket server that cannot accept for a while, with a small listen backlog: what a target
// looks like to a generator whose connect ramp outruns the target's accept loop. The server runs
// in a worker thread whose event loop is blocked (Atomics.wait) for `stallMs` right after it
// listens, so the kernel completes handshakes into the accept queue until it holds `backlog`
// connections and then DROPS further SYNs (Linux: TcpExtListenOverflows). A dropped SYN is
// retransmitted by the client's kernel after 1 s, then 3 s, 7 s… after the first: that is the
// known answer a test can look for. After the stall the server answers every upgrade with a
// bare RFC 6455 101 (no ws library in the thread) and keeps the connection open.
import { Worker } from 'node:worker_threads';

const THREAD = `
const net = require('node:net');
const crypto = require('node:crypto');
const { parentPort, workerData } = require('node:worker_threads');
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const sockets = new Set();
let upgraded = 0;
const server = net.createServer((socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('error', () => {});
  let head = '';
  const onData = (chunk) => {
    head += chunk.toString('latin1');
    if (!head.includes('\\r\\n\\r\\n')) return;
    socket.off('data', onData);
    const key = /sec-websocket-key:\\s*(\\S+)/i.exec(head)?.[1] ?? '';
    const accept = crypto.createHash('sha1').update(key + GUID).digest('base64');
    socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + accept + '\\r\\n\\r\\n');
    upgraded++;
    // Frames from the client (pings, the close) are read and ignored.
    socket.on('data', () => {});
  };
  socket.on('data', onData);
});
server.listen({ port: 0, host: '127.0.0.1', backlog: workerData.backlog }, () => {
  parentPort.postMessage({ port: server.address().port });
  // Blocked: nothing is accepted while the kernel's queue fills.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.stallMs);
  parentPort.postMessage({ resumed: Date.now() });
});
parentPort.on('message', (m) => {
  if (m === 'count') parentPort.postMessage({ upgraded });
  if (m === 'close') { for (const s of sockets) s.destroy(); server.close(() => process.exit(0)); }
});
`;

export interface SlowAcceptServer {
  port: number;
  /** Epoch ms when the thread started accepting again. */
  resumed: Promise<number>;
  close(): Promise<void>;
}

export async function startSlowAcceptServer(options: { backlog: number; stallMs: number }): Promise<SlowAcceptServer> {
  const worker = new Worker(THREAD, { eval: true, workerData: options });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { port: number }) => resolve(m.port));
  });
  const resumed = new Promise<number>((resolve) => {
    const on = (m: { resumed?: number }) => {
      if (m.resumed !== undefined) {
        worker.off('message', on);
        resolve(m.resumed);
      }
    };
    worker.on('message', on);
  });
  return {
    port,
    resumed,
    close: async () => {
      const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
      worker.postMessage('close');
      const timer = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timer);
    },
  };
}
