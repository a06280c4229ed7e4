// Which data row a virtual user's iteration uses (issue #12): one row per virtual user
// (per-vu: user n takes row n−1, wrapping), the next row per iteration (sequential: the run's
// iterations go through the rows in order, each worker taking every W-th one, so W workers
// together cover them as one would), or a random row per iteration.
import type { DataAssign } from '../../../shared/flowSteps.ts';

type Row = Record<string, string | number | boolean>;

export class DataRows {
  private readonly rows: readonly Row[];
  private readonly assign: DataAssign;
  private readonly workerIndex: number;
  private readonly workerCount: number;
  private readonly random: () => number;
  /** This worker's sequential iterations so far. */
  private taken = 0;

  constructor(rows: readonly Row[], assign: DataAssign, workerIndex: number, workerCount: number, random: () => number = Math.random) {
    this.rows = rows;
    this.assign = assign;
    this.workerIndex = workerIndex;
    this.workerCount = workerCount;
    this.random = random;
  }

  /** The row of virtual user `vu` (1-based) for its whole life; undefined unless per-vu. */
  forUser(vu: number): Row | undefined {
    return this.assign === 'per-vu' ? this.rows[(vu - 1) % this.rows.length] : undefined;
  }

  /** The row of the next iteration this worker starts; undefined when per-vu. */
  forIteration(): Row | undefined {
    switch (this.assign) {
      case 'per-vu':
        return undefined;
      case 'sequential':
        return this.rows[(this.taken++ * this.workerCount + this.workerIndex) % this.rows.length];
      case 'random':
        return this.rows[Math.floor(this.random() * this.rows.length)];
    }
  }
}

/** Binds a row's columns to variables (values as text). */
export function bindRow(vars: Map<string, string>, row: Row | undefined): void {
  if (!row) return;
  for (const [k, v] of Object.entries(row)) vars.set(k, String(v));
}
