// Profiles a flow run (or a single-request run) in this process, for `node --cpu-prof`:
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/flowProfile.ts [flow|single] [seconds]
// The run is inline (no worker thread), so the profile of the main thread is the generator's.
// Prints requests per generator CPU-s, as the bench's flow row counts them.
import { startRun } from '../src/main/engine/index.ts';
import { parseScenario } from '../src/shared/scenario.ts';
import { startTargetProcess } from './targetProcess.ts';

const kind = process.argv[2] === 'single' ? 'single' : 'flow';
const seconds = Number(process.argv[3] ?? 4);
const target = await startTargetProcess();
try {
  const base = target.httpUrl;
  const input =
    kind === 'flow'
      ? {
          protocol: 'flow',
          url: base,
          virtualUsers: 50,
          durationSec: seconds,
          warmupSec: 0,
          workers: 1,
          steps: [
            { type: 'http', name: 'one', url: '/' },
            { type: 'http', name: 'two', url: '/' },
            { type: 'http', name: 'three', url: '/' },
          ],
        }
      : { protocol: 'http', url: `${base}/`, connections: 50, durationSec: seconds, warmupSec: 0, workers: 1 };
  const parsed = parseScenario(input);
  if (!parsed.ok) throw new Error(parsed.error);
  let cpu: NodeJS.CpuUsage | undefined;
  const handle = startRun(parsed.value, { workers: 1, inline: true, skipProbe: true, onStart: () => (cpu = process.cpuUsage()) });
  const result = await handle.result;
  const used = process.cpuUsage(cpu);
  const cpuSec = (used.user + used.system) / 1e6;
  const s = result.summary;
  console.log(`${kind}: ${s.throughput.total} requests in ${s.durationSec} s, ${Math.round(s.throughput.total / s.durationSec)} req/s, ${Math.round(s.throughput.total / cpuSec)} req/CPU-s, errors ${JSON.stringify(s.errors.byKind)}`);
} finally {
  await target.close();
}
