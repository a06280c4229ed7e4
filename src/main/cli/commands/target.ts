// `barrage target`: the built-in demo target, until Ctrl-C.
import { parseArgs } from 'node:util';
import { startTargetCluster } from '../../target/targetCluster.ts';
import { integerOption } from '../argParsing.ts';
import { EXIT } from '../exitCodes.ts';
import { untilInterrupted } from '../interrupted.ts';
import { UsageError } from '../usageError.ts';

export const TARGET_HELP = `Usage: barrage target [--port N] [--host ADDRESS] [--processes N]

Starts the built-in demo target on loopback (127.0.0.1, a free port by default).
--processes N serves the port from N processes (SO_REUSEPORT; default 1): one process holds at
most its file-descriptor limit of connections (ulimit -n), so 50,000 need 3 at 20,000. State
(the /capacity queues, the /events feeds, flow tokens) is then per process.
  GET  /                 a small JSON document
  POST /echo             returns the request body
  GET  /delay?ms=N       answers after N milliseconds
  GET  /cpu?us=N         answers after N µs of busy CPU on the server (a known server-side cost)
  GET  /status?code=N    answers with status N
  GET  /capacity?rps=N   a queue served at exactly N requests/s (1/N s each, one at
                         a time): a known capacity for barrage capacity
  WS   /ws/echo          echoes every message
  WS   /ws/push?rate=N   pushes N messages/s, each {"seq":n,"ts":<server send time, epoch ms>}
  GET  /events?since=N   events after cursor N of a shared feed (&feed=NAME&rate=R&bytes=B),
                         each stamped with its creation time: the REST polling endpoint
  WS   /ws/events        the same feed, pushed as events are created
  GET  /sse/events       the same feed as Server-Sent Events (id: seq, data: the event);
                         Last-Event-ID replays what was missed; &retry=MS sends retry:,
                         &dropAfter=N ends each stream after N events, &lagMs=D writes
                         each event D ms after its creation (known answers for tests)
  GET  /events/long-poll?since=N  the same feed, long-polled: held until an event
                         exists or &wait=MS (default 5000) runs out
  GET  /_barrage/cpu     the CPU time of the thread serving the target (for the showdown)
  GET  /_barrage/process the pid of the process that served the connection (--processes)
  For user flows (docs/FLOWS.md):
  POST /login            {"user":"user1","password":"pw-user1"} → {"token":…} (user1…user100000,
                         password "pw-" + user; anything else 401)
  GET  /items            the catalogue; needs Authorization: Bearer <token> (401 otherwise)
  POST /cart             {"itemId":N} → {"cartId","user","items"}; needs the token
  WS   /ws/rpc?delayMs=D&jitterMs=J
                         JSON-RPC 2.0: answers {"jsonrpc":"2.0","id":…,"result":…} after D ms plus
                         a random [0, J) ms, so requests in flight together answer out of order;
                         method "subscribe" with {"rate":N} pushes N {"method":"tick","params":
                         {"seq":n,"ts":<epoch ms>}} a second
  GET  /_barrage/rpc     how many /ws/rpc answers left ahead of an earlier request
`;

export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' }, processes: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    process.stdout.write(TARGET_HELP);
    return EXIT.ok;
  }
  const port = integerOption(values.port, '--port');
  if (port !== undefined && (port < 0 || port > 65535)) throw new UsageError(`--port: ${port} is not a TCP port (0–65535)`);
  const host = values.host ?? '127.0.0.1';
  const processes = integerOption(values.processes, '--processes') ?? 1;
  if (processes < 1 || processes > 64) throw new UsageError(`--processes: ${processes} is not a number of processes (1–64)`);
  let target;
  try {
    target = await startTargetCluster(processes, { port, host });
  } catch (err) {
    throw new UsageError(`cannot listen on ${host}:${port ?? 0} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  // Listen for Ctrl-C before printing the URL: whoever reads it may stop us at once.
  const interrupted = untilInterrupted();
  const served = target.pids.length > 1 ? `  Processes  ${target.pids.length} on one port (pids ${target.pids.join(', ')})\n` : '';
  process.stdout.write(`Barrage demo target\n${served}  HTTP       ${target.httpUrl}/\n  WebSocket  ${target.wsUrl}/ws/echo\n  Push       ${target.wsUrl}/ws/push?rate=10\nCtrl-C to stop.\n`);
  await interrupted;
  await target.close();
  return EXIT.ok;
}
