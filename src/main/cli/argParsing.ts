// Numbers from command-line flags, with errors that name the flag.
import { UsageError } from './usageError.ts';

/**
 * Plain decimal notation only: JavaScript's Number() also reads 0x10 as 16, 0b1, 1e3 and
 * Infinity, so `-c 0x10` would quietly become 16 connections.
 */
const DECIMAL = /^-?(\d+(\.\d*)?|\.\d+)$/;

export function numberOption(raw: string | undefined, flag: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!DECIMAL.test(raw)) {
    const n = Number(raw);
    throw new UsageError(`${flag}: "${raw}" is not a ${raw.trim() !== '' && Number.isFinite(n) ? 'plain decimal ' : ''}number`);
  }
  return Number(raw);
}

export function integerOption(raw: string | undefined, flag: string): number | undefined {
  const n = numberOption(raw, flag);
  if (n !== undefined && !Number.isInteger(n)) throw new UsageError(`${flag}: "${raw}" is not a whole number`);
  return n;
}

/**
 * Schema errors as the user typed them: `connections: must be at least 1` becomes
 * `--connections (connections): must be at least 1` for fields that came from a flag.
 */
export function withFlagNames(message: string, flagOfField: Record<string, string>): string {
  return message
    .split('\n')
    .map((line) => {
      const path = line.split(':')[0];
      const flag = flagOfField[path] ?? flagOfField[path.split('.')[0]];
      return flag ? `${flag} (${path}):${line.slice(line.indexOf(':') + 1)}` : line;
    })
    .join('\n');
}
