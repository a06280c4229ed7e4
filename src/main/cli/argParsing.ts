// Numbers from command-line flags, with errors that name the flag.
import { UsageError } from './usageError.ts';

export function numberOption(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`${flag}: "${raw}" is not a number`);
  return n;
}

export function integerOption(raw: string | undefined, flag: string): number | undefined {
  const n = numberOption(raw, flag);
  if (n !== undefined && !Number.isInteger(n)) throw new UsageError(`${flag}: "${raw}" is not a whole number`);
  return n;
}
