// `barrage serve`: the desktop app's interface in a browser, on loopback, behind a token.
import { parseArgs } from 'node:util';
import { ensureRendererBuilt } from '../../serve/rendererBuild.ts';
import { startUiServer } from '../../serve/uiServer.ts';
import { createAppServices } from '../../app/appServices.ts';
import { integerOption } from '../argParsing.ts';
import { EXIT } from '../exitCodes.ts';
import { untilInterrupted } from '../interrupted.ts';
import { UsageError } from '../usageError.ts';

export const SERVE_HELP = `Usage: barrage serve [--port N] [--db FILE]

Serves Barrage's user interface on http://127.0.0.1:PORT (a free port by default) and prints
its URL, which carries a random session token: requests without it are refused. The same
engine and run history as the desktop app. To use it from another machine, forward the port
over SSH (ssh -L PORT:127.0.0.1:PORT host) rather than exposing it.
`;

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(SERVE_HELP);
    return EXIT.ok;
  }
  const port = integerOption(values.port, '--port');
  if (port !== undefined && (port < 0 || port > 65535)) throw new UsageError(`--port: ${port} is not a TCP port (0–65535)`);
  const staticDir = await ensureRendererBuilt((line) => process.stderr.write(line + '\n'));
  const services = createAppServices({
    dbPath: values.db,
    transport: 'browser',
    onUnexpected: (err) => process.stderr.write(`internal error: ${(err as Error).stack ?? String(err)}\n`),
  });
  let server;
  try {
    server = await startUiServer({ services, staticDir, port });
  } catch (err) {
    await services.close();
    throw new UsageError(`cannot listen on 127.0.0.1:${port ?? 0} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  // Listen for Ctrl-C before printing the URL: whoever reads it may stop us at once.
  const interrupted = untilInterrupted();
  process.stdout.write(`Barrage is serving its interface at\n  ${server.url}\nDatabase: ${services.context.appInfo().databasePath}\nCtrl-C to stop.\n`);
  await interrupted;
  process.stderr.write('stopping…\n');
  await server.close();
  await services.close();
  return EXIT.ok;
}
