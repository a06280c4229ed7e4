// What the API handlers work with: the Electron-free services of the main process.
import type { AppInfo, DemoTargetInfo } from '../../shared/contract.ts';
import type { AppSettings, SettingsView } from '../../shared/settings.ts';
import type { RunStore } from '../store/runStore.ts';
import type { RunService } from '../services/runService.ts';
import type { JobRegistry } from '../services/jobRegistry.ts';

export interface ApiContext {
  store: RunStore;
  runs: RunService;
  /** Long jobs of this session (A/B runs, showdowns), their status pushed as they go. */
  jobs: JobRegistry;
  /** Starts the built-in demo target on first use. */
  demoTarget(): Promise<DemoTargetInfo>;
  appInfo(): AppInfo;
  /** The app's settings: read, and changed (applied before they are saved). */
  settings: {
    get(): Promise<SettingsView>;
    set(patch: Partial<AppSettings>): Promise<SettingsView>;
  };
}

/** An error meant for the user, e.g. "scenario 12 does not exist". */
export class ApiError extends Error {
  override name = 'ApiError';
}
