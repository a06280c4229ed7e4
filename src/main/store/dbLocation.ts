// Where the run history lives: one file shared by the desktop app and the CLI, so runs started
// from a CI pipeline show up in the app. Follows each OS's convention for application data.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeHistoryFolder } from './openDatabase.ts';

export const DB_FILE_NAME = 'barrage.db';

interface Platform {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  home: string;
}

/** The OS convention's location, ignoring overrides. */
export function defaultDbPath(p: Platform = { platform: process.platform, env: process.env, home: os.homedir() }): string {
  switch (p.platform) {
    case 'darwin':
      return path.join(p.home, 'Library', 'Application Support', 'Barrage', DB_FILE_NAME);
    case 'win32': {
      // %APPDATA% is set on every supported Windows; the fallback is where it normally points.
      const appData = p.env.APPDATA || path.win32.join(p.home, 'AppData', 'Roaming');
      return path.win32.join(appData, 'Barrage', DB_FILE_NAME);
    }
    default: {
      // XDG says a relative $XDG_DATA_HOME is invalid and must be ignored.
      const xdg = p.env.XDG_DATA_HOME;
      const dataHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(p.home, '.local', 'share');
      return path.join(dataHome, 'barrage', DB_FILE_NAME);
    }
  }
}

/**
 * The database to use: an explicit path (the CLI's --db) wins over $BARRAGE_DB, which wins over
 * the OS default. Does not touch the disk.
 */
export function resolveDbPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit?.trim() || env.BARRAGE_DB?.trim();
  return chosen ? path.resolve(chosen) : defaultDbPath({ platform: process.platform, env, home: os.homedir() });
}

/** Resolves the path and creates its folder, so opening the database can create the file. */
export function prepareDbPath(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = resolveDbPath(explicit, env);
  makeHistoryFolder(file);
  return file;
}
