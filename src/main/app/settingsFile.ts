// The app's settings on disk: a small JSON file beside the run history (barrage.db →
// barrage.db.settings.json), so each history — the default one, a --db of `barrage serve` —
// has its own. Written to a temporary file and renamed, so a crash never leaves half a file;
// a missing, unreadable or damaged file means the defaults (settings are conveniences, never a
// reason for the app not to start).
import fs from 'node:fs';
import { DEFAULT_SETTINGS, storedSettingsSchema, type AppSettings } from '../../shared/settings.ts';

export function settingsFileFor(databasePath: string): string {
  return `${databasePath}.settings.json`;
}

export function readSettings(file: string): AppSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
  const parsed = storedSettingsSchema.safeParse(raw);
  return parsed.success ? parsed.data : { ...DEFAULT_SETTINGS };
}

export function writeSettings(file: string, settings: AppSettings): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temp, file);
}
