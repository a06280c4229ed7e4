// Errors of the run history store, each naming the database file so a user with several
// databases (BARRAGE_DB, --db) knows which one is at fault.

export type StoreErrorCode =
  | 'not-a-database'
  | 'newer-schema'
  | 'locked'
  | 'read-only'
  | 'not-found'
  | 'invalid'
  | 'conflict'
  /** One stored run cannot be read (its configuration is not JSON): the rest of the history can. */
  | 'damaged';

export class StoreError extends Error {
  override name = 'StoreError';
  readonly code: StoreErrorCode;
  readonly file: string;

  constructor(code: StoreErrorCode, file: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.file = file;
  }
}

/**
 * Turns SQLite's file-level failures into messages naming the file. Anything else (a bug, a
 * constraint we did not expect) is passed through untouched, so it keeps its stack.
 */
export function translateSqliteError(err: unknown, file: string, busyTimeoutMs: number): unknown {
  if (err instanceof StoreError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return err;
  const why = (err as Error).message;
  if (code === 'SQLITE_NOTADB') {
    return new StoreError('not-a-database', file, `${file} is not a Barrage database (${why})`, { cause: err });
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new StoreError('not-a-database', file, `${file} is damaged (${why})`, { cause: err });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    const waited = busyTimeoutMs >= 1000 ? `${busyTimeoutMs / 1000} s` : `${busyTimeoutMs} ms`;
    return new StoreError(
      'locked',
      file,
      `${file} is locked by another writer (waited ${waited}); is another Barrage busy with it?`,
      { cause: err },
    );
  }
  if (code.startsWith('SQLITE_IOERR') || code === 'SQLITE_FULL') {
    return new StoreError('read-only', file, `${file} cannot be read or written (${why}: ${code})`, { cause: err });
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') {
    return new StoreError('read-only', file, `${file} cannot be opened for writing (${why})`, { cause: err });
  }
  return err;
}
