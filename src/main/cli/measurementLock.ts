// The CLI's measurement lock: shared through a file beside the run history with every other
// Barrage process using that history (the app, `barrage serve`, other CLIs); a run without a
// history (--no-save) takes the lock of this process only.
import { cliStopHints, lockFileFor, MeasurementLock } from '../services/measurementLock.ts';
import type { RunStore } from '../store/runStore.ts';

export function cliMeasurementLock(store: RunStore | null, command: string): MeasurementLock {
  return new MeasurementLock({ file: store ? lockFileFor(store.file) : null, stopHints: cliStopHints(command) });
}
