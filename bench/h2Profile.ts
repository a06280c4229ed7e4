// Profiling aid for the HTTP/2 hot path (not part of `npm run bench`): runs Barrage's HTTP/2
// driver, or the bench's bare http2 loop, on THIS thread against the demo target's /h2 (h2c) in
// a process of its own, and prints this thread's CPU per 100k requests. Run it under the profiler:
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/h2Profile.ts barrage 5
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/h2Profile.ts bare 5
//
// 5 sessions × 10 streams, as the bench's h2 row. On one thread, with nothing else in it, the two
// profiles differ only by what Barrage does per request (listeners, state, clock, recording).
import http2 from 'node:http2';
import { SecondRecorder } from '../src/main/engine/metrics/secondRecorder.ts';
import { epochMs } from '../src/main/clock.ts';
import { createH2Load } from '../src/main/engine/http2/h2Load.ts';
import { parseScenario } from '../src/shared/scenario.ts';
import { pinGenerator } from './common.ts';
import { startTargetProcess } from './targetProcess.ts';

const which = process.argv[2] ?? 'barrage';
const seconds = Number(process.argv[3] ?? 5);
const SESSIONS = 5;
const STREAMS = 10;

const threadCpu = (): number => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1e6;
};

pinGenerator();
const target = await startTargetProcess();
const url = `${target.httpUrl}/h2`;
let requests = 0;
let cpu = 0;
try {
  if (which === 'bare') {
    // The same loop as bench/referenceWorker.ts h2Loop.
    const u = new URL(url);
    const headers = { ':method': 'GET', ':path': u.pathname };
    let running = true;
    const sessions: http2.ClientHttp2Session[] = [];
    const c0 = threadCpu();
    for (let i = 0; i < SESSIONS; i++) {
      const session = http2.connect(u.origin, { settings: { enablePush: false } });
      session.on('error', () => {});
      const next = () => {
        if (!running || session.closed || session.destroyed) return;
        const req = session.request(headers, { endStream: true });
        req.on('data', () => {});
        req.on('error', () => {});
        req.on('end', () => {
          if (!running) return;
          requests++;
          next();
        });
      };
      session.once('remoteSettings', () => {
        for (let k = 0; k < STREAMS; k++) next();
      });
      sessions.push(session);
    }
    await new Promise((r) => setTimeout(r, seconds * 1000));
    running = false;
    cpu = threadCpu() - c0;
    for (const s of sessions) s.destroy();
  } else {
    const parsed = parseScenario({ protocol: 'http', url, http2: true, connections: SESSIONS, streams: STREAMS, durationSec: seconds });
    if (!parsed.ok) throw new Error(parsed.error);
    const startAt = epochMs() + 20;
    const recorder = new SecondRecorder(startAt, (s) => (requests += s.completed));
    const driver = createH2Load(
      { scenario: parsed.value, workerIndex: 0, workerCount: 1, connections: SESSIONS, startAt, endAt: startAt + seconds * 1000, address: '127.0.0.1' },
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
console.log(`${which}: ${requests} requests in ${seconds} s, ${Math.round(requests / seconds)}/s, ${((cpu / requests) * 1e5).toFixed(3)} thread CPU-s per 100k`);
process.exit(0);
