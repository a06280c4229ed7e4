// The main process's services, composed once: the run history, the run service on top of it,
// the demo target (started on first use), and the API handlers over all of them. The Electron
// shell and `barrage serve` each make one of these and differ only in transport.
import type { AppInfo, DemoTargetInfo } from '../../shared/contract.ts';
import type { ApiContext } from '../api/apiContext.ts';
import { createDispatcher, createHandlers, type Dispatch } from '../api/apiDispatcher.ts';
import { appVersion } from '../appVersion.ts';
import type { RunOptions } from '../engine/index.ts';
import { startDemoTarget, type DemoTarget } from '../target/demoTarget.ts';
import { prepareDbPath } from '../store/dbLocation.ts';
import { openStore } from '../store/runStore.ts';
import { JobRegistry } from '../services/jobRegistry.ts';
import { lockFileFor, MeasurementLock } from '../services/measurementLock.ts';
import { RunService } from '../services/runService.ts';
import { AppSettingsService } from './appSettings.ts';
import { settingsFileFor } from './settingsFile.ts';

export interface AppServices {
  context: ApiContext;
  dispatch: Dispatch;
  close(): Promise<void>;
}

export interface AppServicesOptions {
  dbPath?: string;
  transport: AppInfo['transport'];
  engine?: Pick<RunOptions, 'lookup' | 'workers' | 'spawnProcess'>;
  onUnexpected?: (err: unknown) => void;
}

export function createAppServices(options: AppServicesOptions): AppServices {
  const databasePath = prepareDbPath(options.dbPath);
  const store = openStore(databasePath);
  // Runs left 'running' by a process that died are marked interrupted, samples kept.
  store.recoverInterrupted();
  // One measurement lock for every job of this process, shared through a file beside the
  // history with other processes using it (the CLI).
  const lock = new MeasurementLock({ file: lockFileFor(databasePath) });
  let target: Promise<DemoTarget> | undefined;
  const demoTarget = async (): Promise<DemoTargetInfo> => {
    target ??= startDemoTarget();
    const t = await target;
    return { httpUrl: t.httpUrl, wsUrl: t.wsUrl };
  };
  // Scenarios that name the demo target symbolically run against this session's one.
  const runs = new RunService(store, { demoTarget, ...options.engine }, lock);
  const jobs = new JobRegistry();
  // Settings beside the history; the metrics endpoint they control sees every run of the session.
  const settings = new AppSettingsService(settingsFileFor(databasePath));
  runs.addSessionSink((config) => settings.metrics.sinkFor(config));
  const context: ApiContext = {
    store,
    runs,
    jobs,
    demoTarget,
    settings,
    appInfo: () => ({
      version: appVersion(),
      versions: {
        node: process.versions.node,
        electron: process.versions.electron ?? null,
        chrome: process.versions.chrome ?? null,
        v8: process.versions.v8,
      },
      platform: `${process.platform} ${process.arch}`,
      transport: options.transport,
      databasePath,
    }),
  };
  return {
    context,
    dispatch: createDispatcher(createHandlers(context), options.onUnexpected),
    close: async () => {
      await jobs.close();
      runs.stopAll();
      await runs.drain();
      await settings.close();
      if (target) await (await target).close();
      store.close();
    },
  };
}
