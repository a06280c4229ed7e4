// The generator watches itself: a worker's own CPU time and event-loop delay per second.
// Its latencies describe the target only while both stay low.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

type CpuReader = () => NodeJS.CpuUsage;

// process.threadCpuUsage (Node ≥ 22.19) counts this thread only; process.cpuUsage counts the
// whole process, which overstates a worker's share when several run.
const readCpu: CpuReader =
  typeof (process as { threadCpuUsage?: CpuReader }).threadCpuUsage === 'function'
    ? () => (process as unknown as { threadCpuUsage: CpuReader }).threadCpuUsage()
    : () => process.cpuUsage();

export class GeneratorMonitor {
  private readonly loop: IntervalHistogram;
  private lastCpu = readCpu();
  private lastAt = performance.now();

  constructor() {
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
  }

  /** CPU percent of one core and the worst event-loop delay (ms) since the previous read. */
  read(): { cpuPercent: number; loopLagMs: number } {
    const cpu = readCpu();
    const at = performance.now();
    const usedUs = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    const elapsedUs = (at - this.lastAt) * 1000;
    this.lastCpu = cpu;
    this.lastAt = at;
    // The histogram's max includes the sampling resolution itself; report only the excess.
    const loopLagMs = Math.max(0, this.loop.max / 1e6 - 10);
    this.loop.reset();
    return {
      cpuPercent: elapsedUs > 0 ? Math.round((usedUs / elapsedUs) * 1000) / 10 : 0,
      loopLagMs: Math.round(loopLagMs * 10) / 10,
    };
  }

  close(): void {
    this.loop.disable();
  }
}
