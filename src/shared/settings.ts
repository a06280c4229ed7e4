// The app's settings (the Settings view; kept in a file beside the run history): what they are,
// and what the Settings view is told about the services they control.
import { z } from 'zod';
import { strictObject } from './strictObject.ts';

export interface AppSettings {
  /**
   * Serve the figures of every run for Prometheus (OpenMetrics) at http://127.0.0.1:PORT/metrics,
   * as `barrage run --metrics-port` does; null: off (the default).
   */
  metricsPort: number | null;
}

export const DEFAULT_SETTINGS: AppSettings = { metricsPort: null };

/** The settings, and the state of what they switch on. */
export interface SettingsView {
  settings: AppSettings;
  metrics: {
    /** Where Prometheus scrapes while the endpoint listens; null when off or not listening. */
    url: string | null;
    /** Why a configured endpoint does not listen (the port was taken when the app started), one line. */
    error: string | null;
  };
}

/** A port for the metrics endpoint: 1–65535 (ports below 1024 need privileges on most systems). */
export const metricsPortSchema = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be from 1 to 65535' })
  .max(65535, { error: 'must be from 1 to 65535' });

/** Changes some settings; fields left out keep their value. */
export const settingsPatchSchema = strictObject({
  metricsPort: metricsPortSchema.nullable().optional(),
});

/** Settings read back from their file: anything unknown or out of range falls back to the default. */
export const storedSettingsSchema = z.object({
  metricsPort: metricsPortSchema.nullable().catch(null).default(null),
});
