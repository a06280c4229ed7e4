// Commands with subcommands (`barrage runs list`, `barrage scenarios save`): help, dispatch, and
// the options every subcommand of the history shares.
import type { ParseArgsConfig } from 'node:util';
import { EXIT } from './exitCodes.ts';
import { UsageError } from './usageError.ts';

export const HISTORY_OPTIONS = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

export type Subcommands = Record<string, (args: string[]) => Promise<number>>;

export function dispatchSubcommand(command: string, help: string, subcommands: Subcommands, args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    process.stdout.write(help);
    return Promise.resolve(sub === undefined ? EXIT.usage : EXIT.ok);
  }
  const run = subcommands[sub];
  if (!run) {
    throw new UsageError(`unknown command "${sub}" (${Object.keys(subcommands).join(', ')}; see barrage ${command} --help)`);
  }
  return run(rest);
}
