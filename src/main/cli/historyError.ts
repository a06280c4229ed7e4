// A history the command could not use (src/main/cli/history.ts): its own module, so the CLI's
// entry point can recognise it without loading the store for every command.

/** The message names the file; `exitCode` is what the command exits with. */
export class HistoryError extends Error {
  override name = 'HistoryError';
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}
