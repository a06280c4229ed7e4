// The app's settings as a service: read from their file at start-up, applied (the metrics
// endpoint listens or stops), and saved only once applied — a port that cannot be had is refused
// with the reason and the settings stay as they were.
import type { AppSettings, SettingsView } from '../../shared/settings.ts';
import { ApiError } from '../api/apiContext.ts';
import { SessionMetricsEndpoint, MetricsPortError } from '../liveMetrics/sessionMetricsEndpoint.ts';
import { readSettings, writeSettings } from './settingsFile.ts';

export class AppSettingsService {
  private settings: AppSettings;
  private readonly file: string;
  readonly metrics = new SessionMetricsEndpoint();
  /** Start-up's application of the saved settings; requests wait for it. */
  private readonly ready: Promise<void>;

  constructor(file: string) {
    this.file = file;
    this.settings = readSettings(file);
    const port = this.settings.metricsPort;
    this.ready =
      port === null
        ? Promise.resolve()
        : this.metrics.configure(port).catch((err: unknown) => this.metrics.recordStartupFailure(`metrics port: ${(err as Error).message}`));
  }

  async get(): Promise<SettingsView> {
    await this.ready;
    return { settings: { ...this.settings }, metrics: this.metrics.status() };
  }

  async set(patch: Partial<AppSettings>): Promise<SettingsView> {
    await this.ready;
    const next: AppSettings = { ...this.settings, ...patch };
    if (patch.metricsPort !== undefined) {
      try {
        await this.metrics.configure(next.metricsPort);
      } catch (err) {
        // A taken port is the user's input meeting the machine: an ApiError, shown as it is.
        if (err instanceof MetricsPortError) throw new ApiError(`metrics port: ${err.message}`);
        throw err;
      }
    }
    this.settings = next;
    writeSettings(this.file, next);
    return this.get();
  }

  close(): Promise<void> {
    return this.metrics.close();
  }
}
