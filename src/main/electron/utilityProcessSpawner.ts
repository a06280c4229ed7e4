// The engine's child processes inside the desktop app: Electron's utilityProcess (a Node child
// with a message port), since the RunAsNode fuse is off and child_process.fork of the app binary
// would not run Node. The engine imports nothing from electron; it takes this spawner as
// `RunOptions.spawnProcess` (see src/main/engine/processWorker.ts).
import { fileURLToPath } from 'node:url';
import { utilityProcess } from 'electron';
import type { ProcessSpawner } from '../engine/index.ts';

export const utilityProcessSpawner: ProcessSpawner = (entry) => {
  const child = utilityProcess.fork(fileURLToPath(entry), [], { serviceName: 'Barrage load worker', stdio: 'inherit' });
  return {
    get pid() {
      return child.pid;
    },
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', (code) => listener(`exited (code ${code})`)),
    kill: () => {
      child.kill();
    },
  };
};
