// Profiling aid for the WebSocket echo hot path (not part of `npm run bench`): runs Barrage's
// swarm driver, or the bench's bare ws client, on THIS thread against the demo target in a
// process of its own, and prints this thread's CPU per 100k echoes. Run it under the profiler:
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/wsProfile.ts barrage 5
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/wsProfile.ts bare 5
//
// On one thread, with nothing else in it, the two profiles differ only by what Barrage does per
// message (template, clock, matching, recording), which is what the bench's ratio measures.
import WebSocket from 'ws';
import { SecondRecorder } from '../src/main/engine/metrics/secondRecorder.ts';
import { epochMs } from '../src/main/clock.ts';
import { createWsSwarm } from '../src/main/engine/ws/wsSwarm.ts';
import { parseScenario } from '../src/shared/scenario.ts';
import { pinGenerator } from './common.ts';
import { startTargetProcess } from './targetProcess.ts';

const which = process.argv[2] ?? 'barrage';
const seconds = Number(process.argv[3] ?? 5);
const CONNECTIONS = 50;

const threadCpu = (): number => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1e6;
};

pinGenerator();
const target = await startTargetProcess();
const url = `${target.wsUrl}/ws/echo`;
let echoes = 0;
let cpu = 0;
try {
  if (which === 'bare') {
    const sockets: WebSocket[] = [];
    let running = true;
    const c0 = threadCpu();
    for (let i = 0; i < CONNECTIONS; i++) {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      let seq = 0;
      ws.on('open', () => ws.send(`{"seq":${++seq},"data":"abcdefghijklmnopqrstuvwxyz012345"}`));
      ws.on('message', () => {
        if (!running) return;
        echoes++;
        ws.send(`{"seq":${++seq},"data":"abcdefghijklmnopqrstuvwxyz012345"}`);
      });
      sockets.push(ws);
    }
    await new Promise((r) => setTimeout(r, seconds * 1000));
    running = false;
    cpu = threadCpu() - c0;
    for (const ws of sockets) ws.terminate();
  } else {
    const parsed = parseScenario({ protocol: 'ws', url, mode: 'echo', connections: CONNECTIONS, inFlight: 1, durationSec: seconds, connectRate: 10_000 });
    if (!parsed.ok) throw new Error(parsed.error);
    const startAt = epochMs() + 20;
    const recorder = new SecondRecorder(startAt, (s) => (echoes += s.completed), true);
    const driver = createWsSwarm(
      { scenario: parsed.value, workerIndex: 0, workerCount: 1, connections: CONNECTIONS, startAt, endAt: startAt + seconds * 1000, address: '127.0.0.1' },
      recorder,
    );
    const c0 = threadCpu();
    recorder.start();
    await driver.run();
    recorder.finish();
    cpu = threadCpu() - c0;
  }
} finally {
  await target.close();
}
console.log(`${which}: ${echoes} echoes in ${seconds} s, ${Math.round(echoes / seconds)}/s, ${((cpu / echoes) * 1e5).toFixed(3)} thread CPU-s per 100k`);
process.exit(0);
