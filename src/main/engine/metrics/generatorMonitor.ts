// The generator watches itself: a worker's own CPU time and event-loop delay per second.
// Its latencies describe the target only while both stay low.
import { monitorEventLoopDelay, performance, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';

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
  private lastElu: EventLoopUtilization = performance.eventLoopUtilization();

  constructor() {
    this.loop = monitorEventLoopDelay({ resolution: 10 });
    this.loop.enable();
  }

  /**
   * CPU percent of one core, the worst event-loop delay (ms) and the event loop's busy share
   * (percent of wall time not spent waiting for I/O) since the previous read. The busy share
   * tells a generator that cannot keep up even when the machine starves it of CPU: its loop
   * never idles, while its CPU share stays low.
   */
  read(): { cpuPercent: number; loopLagMs: number; loopBusyPercent: number } {
    const cpu = readCpu();
    const at = performance.now();
    const usedUs = cpu.user - this.lastCpu.user + (cpu.system - this.lastCpu.system);
    const elapsedUs = (at - this.lastAt) * 1000;
    this.lastCpu = cpu;
    this.lastAt = at;
    // The histogram's max includes the sampling resolution itself; report only the excess.
    const loopLagMs = Math.max(0, this.loop.max / 1e6 - 10);
    this.loop.reset();
    const elu = performance.eventLoopUtilization(this.lastElu);
    this.lastElu = performance.eventLoopUtilization();
    return {
      loopBusyPercent: Math.round(elu.utilization * 1000) / 10,
      cpuPercent: elapsedUs > 0 ? Math.round((usedUs / elapsedUs) * 1000) / 10 : 0,
      loopLagMs: Math.round(loopLagMs * 10) / 10,
    };
  }

  close(): void {
    this.loop.disable();
  }
}
