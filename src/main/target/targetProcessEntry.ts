// A child of the demo target's cluster (targetCluster.ts): serves the demo target on the port
// its parent listens on (SO_REUSEPORT), says so, and ends with its parent.
import { startDemoTarget } from './demoTarget.ts';
import type { TargetChildMessage } from './targetCluster.ts';

const [portText, host] = process.argv.slice(2);
const send = (m: TargetChildMessage) => process.send?.(m);

startDemoTarget({ port: Number(portText), host, reusePort: true }).then(
  (target) => {
    send({ type: 'listening', port: target.port });
    const end = () => void target.close().finally(() => process.exit(0));
    process.on('SIGTERM', end);
    // The parent is gone (it ended or crashed): nothing is left to serve for.
    process.on('disconnect', end);
  },
  (err: NodeJS.ErrnoException) => {
    send({ type: 'failed', message: err.code ?? err.message });
    process.exit(1);
  },
);
