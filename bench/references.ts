// Runs one reference (bare autocannon, the ws echo loop) in a fresh worker thread and measures
// the whole process's CPU from the moment the worker has loaded until it has finished and exited
// (plus a short settle), exactly as Barrage's runs are measured from their start (after their
// workers loaded) until their result is in and their workers have exited.
import { Worker } from 'node:worker_threads';
import { processCpuSec, sleep, watchThreads, type ThreadCpu } from './common.ts';
import type { FromReference, ReferenceJob, ReferenceOutcome } from './referenceWorker.ts';

/** After a run, both sides get this long to wind down (worker exit included) before CPU is read. */
export const SETTLE_MS = 250;

export async function runReference(job: ReferenceJob): Promise<ReferenceOutcome & { cpuSec: number; threads: ThreadCpu | null }> {
  const threads = watchThreads();
  const worker = new Worker(new URL('./referenceWorker.ts', import.meta.url));
  const limitMs = (job.durationSec + 20) * 1000;
  let cpu0: NodeJS.CpuUsage | undefined;
  let outcome: ReferenceOutcome;
  try {
    outcome = await new Promise<ReferenceOutcome>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the ${job.kind} reference did not finish within ${limitMs / 1000} s`)), limitMs);
      worker.on('message', (message: FromReference) => {
        if (message.type === 'ready') {
          cpu0 = process.cpuUsage();
          threads.start();
          worker.postMessage(job);
        } else if (message.type === 'done') {
          threads.mark();
          clearTimeout(timer);
          resolve(message.outcome);
        } else {
          clearTimeout(timer);
          reject(new Error(`${job.kind} reference: ${message.message}`));
        }
      });
      worker.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the ${job.kind} reference worker exited (code ${code})`));
      });
    });
  } finally {
    await worker.terminate();
  }
  // Barrage's runs are read the same way: their wind-down and worker exit are part of the cost.
  await sleep(SETTLE_MS);
  const cpuSec = processCpuSec(cpu0);
  return { ...outcome, cpuSec, threads: threads.split(cpuSec) };
}
