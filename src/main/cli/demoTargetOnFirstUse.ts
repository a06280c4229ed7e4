// The demo target for CLI commands that measure: a scenario saved in the app may name it
// symbolically (demo-target.invalid), and from the CLI there is no app running one. It is started
// in this process on first use only (most runs never name it), and closed when the command ends.
import type { DemoTarget } from '../target/demoTarget.ts';

export interface DemoTargetOnFirstUse {
  /** For RunService's `demoTarget` option: starts the demo target the first time it is asked for. */
  demoTarget: () => Promise<{ httpUrl: string; wsUrl: string }>;
  /** Stops the demo target if it was started. */
  close: () => Promise<void>;
}

export function demoTargetOnFirstUse(): DemoTargetOnFirstUse {
  let started: Promise<DemoTarget> | undefined;
  return {
    demoTarget: async () => {
      // Loaded only when a scenario names it: not on the way to the first request otherwise.
      started ??= import('../target/demoTarget.ts').then((m) => m.startDemoTarget());
      const demo = await started;
      return { httpUrl: demo.httpUrl, wsUrl: demo.wsUrl };
    },
    close: async () => {
      if (started) await (await started.catch(() => undefined))?.close();
    },
  };
}
