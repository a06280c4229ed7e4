// `--out jsonl=FILE` (or `-` for stdout): one JSON line per merged second while the run goes — the
// same sample the app plots and the history stores — and the run's summary as the last line, for
// scripts that watch a run (`tail -f`, `jq --unbuffered`). Each line is written as it happens.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { RunProgress, RunSummary } from '../../shared/runResult.ts';
import type { RunOutput } from './runOutput.ts';

/** A line of the stream: `type` tells a second from the final summary. */
export type JsonlLine =
  | ({ type: 'sample'; runId: number | null; elapsedSec: number; plannedSec: number | null; totals: RunProgress['totals'] } & RunProgress['sample'])
  | ({ type: 'summary'; runId: number | null } & RunSummary);

export class JsonlStream implements RunOutput {
  private readonly fd: number;
  private readonly ownsFd: boolean;

  /** `target` is a file path (created or truncated now, so a bad path fails before the run) or '-'. */
  constructor(target: string) {
    this.ownsFd = target !== '-';
    this.fd = this.ownsFd ? openSync(target, 'w') : 1;
  }

  second(runId: number | null, p: RunProgress): void {
    // The second's encoded histogram stays out: it is for merging inside Barrage, not for jq.
    const { histogram: _histogram, ...sample } = p.sample;
    this.write({ type: 'sample', runId, ...sample, elapsedSec: p.elapsedSec, plannedSec: p.plannedSec, totals: p.totals });
  }

  finished(runId: number | null, summary: RunSummary): void {
    this.write({ type: 'summary', runId, ...summary });
  }

  close(): void {
    if (this.ownsFd) closeSync(this.fd);
  }

  private write(line: JsonlLine): void {
    // Synchronous: the line is complete on disk (or in the pipe) before the next second arrives,
    // and nothing is lost when the process is stopped right after the run.
    writeSync(this.fd, JSON.stringify(line) + '\n');
  }
}
