// Opens (and creates or upgrades) a Barrage database file, refusing anything that is not one,
// with errors that name the file.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BARRAGE_APPLICATION_ID, SCHEMA_VERSION, migrate, schemaVersion } from './migrations.ts';
import { StoreError, translateSqliteError } from './storeError.ts';

/**
 * How long a statement waits for another connection's write lock before giving up. The CLI and
 * the app share one file; their write transactions are short (one second of samples), so 5 s
 * of waiting means something is wrong, and we say so instead of hanging.
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

export interface OpenOptions {
  busyTimeoutMs?: number;
}

export interface OpenedDatabase {
  db: Database.Database;
  file: string;
  busyTimeoutMs: number;
}

export function openDatabase(file: string, options: OpenOptions = {}): OpenedDatabase {
  const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS;
  // ':memory:' is a private database that vanishes on close (handy for previews and tests).
  const memory = file === ':memory:';
  const resolved = memory ? file : path.resolve(file);
  if (!memory) {
    makeHistoryFolder(resolved);
    if (fs.existsSync(resolved)) {
      const stat = fs.statSync(resolved);
      if (stat.isDirectory()) throw new StoreError('not-a-database', resolved, `${resolved} is not a Barrage database (it is a folder)`);
      // A device, pipe or socket (--db /dev/null) opens, then fails SQLite's first write with
      // SQLITE_IOERR: refuse it by name before that.
      if (!stat.isFile()) throw new StoreError('not-a-database', resolved, `${resolved} is not a Barrage database (it is not a regular file)`);
    }
    // The history holds targets, headers and notes: owner-only from the start. SQLite creates
    // its -wal and -shm files with the database file's permissions.
    if (!fs.existsSync(resolved)) {
      try {
        fs.closeSync(fs.openSync(resolved, 'a', 0o600));
      } catch (err) {
        throw new StoreError('read-only', resolved, `${resolved} cannot be created (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, { cause: err });
      }
    }
  }
  let db: Database.Database;
  try {
    db = new Database(resolved, { timeout: busyTimeoutMs });
  } catch (err) {
    throw translateSqliteError(err, resolved, busyTimeoutMs);
  }
  try {
    checkIdentity(db, resolved);
    // WAL: the app can read the history while the CLI appends a run, and vice versa.
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL loses no committed data when the *process* dies (kill -9), only
    // possibly the last transactions on power loss, and it keeps per-second commits cheap.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return { db, file: resolved, busyTimeoutMs };
  } catch (err) {
    db.close();
    throw translateSqliteError(err, resolved, busyTimeoutMs);
  }
}

/** Creates the database's folder (owner-only, 0700) or says in one line why it cannot. */
export function makeHistoryFolder(file: string): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const why = code === 'ENOTDIR' || code === 'EEXIST' ? `${code}: a part of its folder path is a file, not a folder` : code;
    throw new StoreError('read-only', file, `${file} cannot be created (${why})`, { cause: err });
  }
}

/** Refuses files that are SQLite but not ours, or ours from a newer Barrage. Reads only. */
function checkIdentity(db: Database.Database, file: string): void {
  // The first read of the header: a file that is not SQLite fails here with SQLITE_NOTADB.
  const version = schemaVersion(db);
  const appId = db.pragma('application_id', { simple: true }) as number;
  if (appId !== BARRAGE_APPLICATION_ID && (version > 0 || appId !== 0 || hasTables(db))) {
    throw new StoreError(
      'not-a-database',
      file,
      `${file} is not a Barrage database (it is an SQLite database of another application)`,
    );
  }
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      'newer-schema',
      file,
      `${file} was written by a newer Barrage (schema ${version}, this version knows ${SCHEMA_VERSION}); update Barrage or use another database with --db or BARRAGE_DB`,
    );
  }
}

function hasTables(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' LIMIT 1").get() !== undefined;
}
