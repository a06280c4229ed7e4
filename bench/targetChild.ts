// The bench's target, in a process of its own (forked by targetProcess.ts), so the load
// generator and the target never share a thread, a CPU budget or a file-descriptor budget.
// It runs Barrage's own demo target on 127.0.0.1, a free port, and answers a few questions
// over the IPC channel: its CPU time (was the target the bottleneck?) and when it accepted
// connections (the connect rate a swarm actually achieved, measured on the receiving side).
import diagnostics from 'node:diagnostics_channel';
import { startDemoTarget } from '../src/main/target/demoTarget.ts';

export type ToTarget = { type: 'stats'; id: number } | { type: 'resetStats'; id: number } | { type: 'close'; id: number };

export interface TargetStats {
  /** TCP connections accepted since the last reset. */
  accepted: number;
  /** Epoch ms of the first and last accept since the last reset (0 when none). */
  firstAcceptAt: number;
  lastAcceptAt: number;
  /** Connections open right now. */
  open: number;
  peakOpen: number;
  /** CPU seconds (user + system) of this process since it started. */
  cpuSec: number;
  rssBytes: number;
}

export type FromTarget =
  | { type: 'ready'; port: number; httpUrl: string; wsUrl: string }
  | { type: 'reply'; id: number; stats?: TargetStats };

const send = process.send?.bind(process);
if (!send) {
  console.error('bench/targetChild.ts is started by the bench (fork with an IPC channel)');
  process.exit(2);
}

let accepted = 0;
let firstAcceptAt = 0;
let lastAcceptAt = 0;
let open = 0;
let peakOpen = 0;

// Every accepted TCP socket of this process, without touching the demo target's code.
diagnostics.subscribe('net.server.socket', (message) => {
  const socket = (message as { socket: import('node:net').Socket }).socket;
  const now = Date.now();
  accepted++;
  if (firstAcceptAt === 0) firstAcceptAt = now;
  lastAcceptAt = now;
  open++;
  if (open > peakOpen) peakOpen = open;
  socket.once('close', () => open--);
});

const target = await startDemoTarget({ host: '127.0.0.1', port: 0 });

function stats(): TargetStats {
  const cpu = process.cpuUsage();
  return {
    accepted,
    firstAcceptAt,
    lastAcceptAt,
    open,
    peakOpen,
    cpuSec: (cpu.user + cpu.system) / 1e6,
    rssBytes: process.memoryUsage.rss(),
  };
}

process.on('message', (raw) => {
  const message = raw as ToTarget;
  switch (message.type) {
    case 'stats':
      send({ type: 'reply', id: message.id, stats: stats() } satisfies FromTarget);
      break;
    case 'resetStats':
      accepted = 0;
      firstAcceptAt = 0;
      lastAcceptAt = 0;
      peakOpen = open;
      send({ type: 'reply', id: message.id } satisfies FromTarget);
      break;
    case 'close':
      void target.close().finally(() => {
        send({ type: 'reply', id: message.id } satisfies FromTarget);
        process.disconnect();
        process.exit(0);
      });
      break;
  }
});
// The bench going away (even killed) must not leave the target behind.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', port: target.port, httpUrl: target.httpUrl, wsUrl: target.wsUrl } satisfies FromTarget);
