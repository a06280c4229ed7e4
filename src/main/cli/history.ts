// The run history as the CLI opens it: the same database as the app (--db, $BARRAGE_DB, or the
// OS's default), with runs whose process died marked interrupted first. A file that is not a
// Barrage database (or is newer, or locked) is bad input: one line naming the file.
import { prepareDbPath } from '../store/dbLocation.ts';
import { openStore, type RunStore } from '../store/runStore.ts';
import { StoreError } from '../store/storeError.ts';
import { UsageError } from './usageError.ts';

export function openHistory(db: string | undefined, hint = ''): RunStore {
  try {
    const store = openStore(prepareDbPath(db));
    store.recoverInterrupted();
    return store;
  } catch (err) {
    if (err instanceof StoreError) throw new UsageError(hint ? `${err.message} (${hint})` : err.message);
    throw err;
  }
}
