// The run history as the CLI opens it: the same database as the app (--db, $BARRAGE_DB, or the
// OS's default), with runs whose process died marked interrupted first. Every command opens it
// here, so a history that cannot be used ends every command the same way: one line naming the
// file ("barrage runs: /x/h.db is locked by another writer …") and one exit code per fault.
import { prepareDbPath } from '../store/dbLocation.ts';
import { openStore, type RunStore } from '../store/runStore.ts';
import { StoreError } from '../store/storeError.ts';
import { EXIT } from './exitCodes.ts';
import { HistoryError } from './historyError.ts';

export { HistoryError };

/**
 * The one mapping of history faults to exit codes. A value the store refuses (a scenario that
 * does not validate) is bad input, 2. A history that cannot be used — not a Barrage database,
 * written by a newer Barrage, locked by another writer, read-only — or that does not hold what
 * was asked for is a failure, 1: the command could not do its work (README: "1 failed … a run
 * or file was not found").
 */
export function historyExitCode(err: StoreError): number {
  return err.code === 'invalid' ? EXIT.usage : EXIT.failed;
}

/** Opens the history or throws a HistoryError; `hint` is added to its message. */
export function openHistory(db: string | undefined, hint = ''): RunStore {
  try {
    const store = openStore(prepareDbPath(db));
    store.recoverInterrupted();
    return store;
  } catch (err) {
    if (err instanceof StoreError) throw new HistoryError(hint ? `${err.message} (${hint})` : err.message, historyExitCode(err));
    throw err;
  }
}

/**
 * Opens the history, runs fn, and closes it. A fault opening it, or a store fault inside fn, is
 * printed as one line ("barrage COMMAND: …") and becomes the exit code.
 */
export async function withHistory(db: string | undefined, fn: (store: RunStore) => number | Promise<number>, command = 'runs'): Promise<number> {
  let store: RunStore | undefined;
  try {
    store = openHistory(db);
    return await fn(store);
  } catch (err) {
    const fault = err instanceof StoreError ? new HistoryError(err.message, historyExitCode(err)) : err;
    if (!(fault instanceof HistoryError)) throw err;
    process.stderr.write(`barrage ${command}: ${fault.message}\n`);
    return fault.exitCode;
  } finally {
    store?.close();
  }
}
