// The `barrage` command: dispatches to one module per subcommand. Bad input is printed as one
// line without a stack trace; anything else unexpected is a bug and shows its stack.
import { appVersion } from '../appVersion.ts';
import { quietOnClosedPipe } from './closedPipe.ts';
import { MeasurementBusyError } from '../services/measurementLock.ts';
import { EXIT } from './exitCodes.ts';
import { HistoryError } from './historyError.ts';
import { StoreError } from '../store/storeError.ts';
import { UsageError } from './usageError.ts';

const HELP = `Barrage — load testing for REST and WebSocket APIs

Usage: barrage <command> [options]

Commands
  run <url> [options]     run a load test (HTTP or WebSocket), print its summary
  showdown [options]      REST vs WebSocket on the same work, measured side by side
  capacity <url> --slo E  the highest rate that still meets the SLOs (exit 99 below --expect-rate)
  target [--port N]       start the built-in demo target on loopback
  runs ...                list, show, export, import and delete stored runs
  compare A B [C...]      stored runs side by side with verdicts (exit 3 when one got worse)
  ab A B [--rounds N]     two saved scenarios run interleaved A B A B …, compared as groups
  report ID...            a self-contained HTML report of a run or a comparison
  scenarios ...           list, show, save and delete saved scenarios
  import curl|har FILE    a flow scenario (JSON) from a curl command or a HAR file
  serve [--port N]        the app's interface in a browser (loopback, token-protected)
  k8s SCENARIO --shards N Kubernetes manifests of a run split over N pods; k8s collect JOB
                          merges their results (docs/DISTRIBUTED.md)

Options
  -h, --help              help (also: barrage <command> --help)
  -v, --version           version

Examples
  barrage target --port 8080
  barrage run http://127.0.0.1:8080/ -c 50 -d 10
  barrage run http://127.0.0.1:8080/ --rate 2000 -d 30 --json
  barrage run ws://127.0.0.1:8080/ws/echo -c 100 --in-flight 4
  barrage showdown --payload-bytes 256 -c 20 -d 5
`;

type Command = { main(args: string[]): Promise<number> };

const COMMANDS: Record<string, () => Promise<Command>> = {
  run: () => import('./commands/run.ts'),
  showdown: () => import('./commands/showdown.ts'),
  capacity: () => import('./commands/capacity.ts'),
  target: () => import('./commands/target.ts'),
  runs: () => import('./commands/runs.ts'),
  compare: () => import('./commands/compare.ts'),
  ab: () => import('./commands/ab.ts'),
  report: () => import('./commands/report.ts'),
  scenarios: () => import('./commands/scenarios.ts'),
  serve: () => import('./commands/serve.ts'),
  k8s: () => import('./commands/k8s.ts'),
  import: () => import('./commands/import.ts'),
};

export async function cli(argv: string[]): Promise<number> {
  quietOnClosedPipe(process.stdout);
  quietOnClosedPipe(process.stderr);
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return command ? EXIT.ok : EXIT.usage;
  }
  if (command === '-v' || command === '--version') {
    process.stdout.write(`barrage ${appVersion()}\n`);
    return EXIT.ok;
  }
  const load = COMMANDS[command];
  if (!load) {
    process.stderr.write(`barrage: unknown command "${command}" (see barrage --help)\n`);
    return EXIT.usage;
  }
  try {
    return await (await load()).main(rest);
  } catch (err) {
    if (err instanceof HistoryError) {
      process.stderr.write(`barrage ${command}: ${err.message}\n`);
      return err.exitCode;
    }
    if (err instanceof StoreError) {
      // A history fault that surfaced after the command opened it (a page found damaged while
      // writing a run, a disk that filled up): one line naming the file, like every other.
      process.stderr.write(`barrage ${command}: ${err.message}\n`);
      // As history.ts's historyExitCode (not imported: it would load SQLite for --help).
      return err.code === 'invalid' ? EXIT.usage : EXIT.failed;
    }
    if (err instanceof MeasurementBusyError) {
      // Something else measures: not bad input, a refused start (one line, exit 1).
      process.stderr.write(`barrage ${command}: ${err.message}\n`);
      return EXIT.failed;
    }
    if (isArgError(err)) {
      process.stderr.write(`barrage ${command}: ${argErrorLine(err as Error)}\n`);
      return EXIT.usage;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`barrage ${command}: ${(err as Error).message.split('\n').join(`\nbarrage ${command}: `)}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

/** node:util parseArgs rejects unknown or malformed flags with these codes. */
function isArgError(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? '';
  return code.startsWith('ERR_PARSE_ARGS');
}

/** Flags other tools taught people (curl, ab, wrk) and Barrage's own spelling of them. */
const HABITS: Record<string, string> = {
  '-X': 'the HTTP method is -m/--method (e.g. -m POST)',
  '--request': 'the HTTP method is -m/--method (e.g. -m POST)',
  '--data': 'the request body is -b/--body',
};

/**
 * One line for a flag node:util parseArgs rejected, instead of its raw text (which advises
 * "place it at the end of the command after '--'"): the flag, and Barrage's spelling when the
 * flag is another tool's habit.
 */
export function argErrorLine(err: Error): string {
  const unknown = /^Unknown option '([^']+)'/.exec(err.message);
  if (unknown) {
    const flag = unknown[1];
    const habit = HABITS[flag];
    return habit ? `unknown option ${flag}; ${habit}` : `unknown option ${flag} (see --help)`;
  }
  return err.message.split('\n')[0];
}
