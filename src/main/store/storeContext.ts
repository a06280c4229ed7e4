// What every repository of the store shares: the connection, cached statements, and the rule
// that SQLite's file-level failures come out as StoreErrors naming the file.
import type Database from 'better-sqlite3';
import type { OpenedDatabase } from './openDatabase.ts';
import { translateSqliteError } from './storeError.ts';

export class StoreContext {
  readonly db: Database.Database;
  readonly file: string;
  readonly busyTimeoutMs: number;
  private readonly statements = new Map<string, Database.Statement>();

  constructor(opened: OpenedDatabase) {
    this.db = opened.db;
    this.file = opened.file;
    this.busyTimeoutMs = opened.busyTimeoutMs;
  }

  /** A prepared statement, compiled once per connection. */
  stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Runs a read, translating file-level errors. */
  read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw translateSqliteError(err, this.file, this.busyTimeoutMs);
    }
  }

  /**
   * Runs fn in one IMMEDIATE transaction: the write lock is taken up front, so the busy timeout
   * applies. (A deferred transaction that reads first and then writes can fail at once with
   * SQLITE_BUSY when another connection committed in between.)
   */
  write<T>(fn: () => T): T {
    return this.read(() => this.db.transaction(fn).immediate());
  }
}
