// Starts the demo target for a showdown in a worker thread of its own, so its CPU meter
// measures the server alone. When the thread's entry is not available (a bundled build without
// it), the target runs on the calling thread instead and says so: its CPU figures then include
// whatever else that thread does.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { startDemoTarget } from '../target/demoTarget.ts';

export interface HostedTarget {
  httpUrl: string;
  wsUrl: string;
  /** The target runs in its own thread: its CPU meter counts the server alone. */
  isolated: boolean;
  close(): Promise<void>;
}

const BOOT_TIMEOUT_MS = 15_000;
const CLOSE_TIMEOUT_MS = 3000;

function entryUrl(): URL {
  return import.meta.url.endsWith('.ts')
    ? new URL('./targetThread.ts', import.meta.url)
    : new URL('./showdownTarget.js', import.meta.url);
}

export async function startHostedDemoTarget(): Promise<HostedTarget> {
  const url = entryUrl();
  if (!existsSync(fileURLToPath(url))) {
    const t = await startDemoTarget();
    return { httpUrl: t.httpUrl, wsUrl: t.wsUrl, isolated: false, close: () => t.close() };
  }
  const worker = new Worker(url);
  const urls = await new Promise<{ httpUrl: string; wsUrl: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`the demo target did not start within ${BOOT_TIMEOUT_MS / 1000} s`));
    }, BOOT_TIMEOUT_MS);
    worker.once('message', (m: { type: string; httpUrl: string; wsUrl: string }) => {
      clearTimeout(timer);
      resolve({ httpUrl: m.httpUrl, wsUrl: m.wsUrl });
    });
    worker.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the demo target's thread exited (code ${code})`));
    });
  });
  let closing: Promise<void> | undefined;
  return {
    ...urls,
    isolated: true,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        const timer = setTimeout(() => void worker.terminate().then(() => resolve()), CLOSE_TIMEOUT_MS);
        worker.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.on('message', (m: { type: string }) => {
          if (m.type === 'closed') void worker.terminate();
        });
        worker.postMessage({ type: 'close' });
      })),
  };
}
