// What the kernel's choice of a local port costs (issue #14, docs/PERFORMANCE.md session 6):
// one process opens N raw TCP connections (200 in flight) to a listener in a child process and
// prints the rate and this process's user/kernel CPU per 2,000. Modes:
//   none      no local address: the kernel picks the port inside connect();
//   bind0     localAddress SRC, port 0: Node binds (SRC, 0) first — what the engine did before;
//   explicit  localAddress SRC and a given localPort — what the engine does with source addresses.
// `node bench/bindProbe.ts MODE N [SRC]` (N ≤ the fd limit less a margin; SRC default 127.0.0.7).
// Loopback only; every connection is closed at the end.
import { fork } from 'node:child_process';
import net from 'node:net';

const [mode = 'explicit', nText = '16000', source = '127.0.0.7'] = process.argv.slice(2);

if (mode === 'server') {
  const held: net.Socket[] = [];
  const server = net.createServer((s) => {
    held.push(s);
    s.on('error', () => {});
  });
  server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => process.send?.((server.address() as net.AddressInfo).port));
  process.on('disconnect', () => process.exit(0));
} else {
  if (!['none', 'bind0', 'explicit'].includes(mode)) throw new Error(`mode: one of none, bind0, explicit (got ${mode})`);
  const n = Number(nText);
  if (!Number.isInteger(n) || n < 1 || n > 28000) throw new Error('N: a whole number from 1 to 28,000');
  const child = fork(new URL(import.meta.url).pathname, ['server']);
  const port = await new Promise<number>((resolve) => child.once('message', (m) => resolve(Number(m))));
  const open: net.Socket[] = [];
  let started = 0;
  let done = 0;
  let failed = 0;
  let inFlight = 0;
  const t0 = performance.now();
  let batchAt = t0;
  let cpu = process.cpuUsage();
  const lines: string[] = [];
  await new Promise<void>((resolve) => {
    const end = () => {
      inFlight--;
      done++;
      if (done % 2000 === 0) {
        const now = performance.now();
        const used = process.cpuUsage(cpu);
        lines.push(`${done}: ${Math.round(2000 / ((now - batchAt) / 1000))}/s, user ${Math.round(used.user / 1000)} ms, kernel ${Math.round(used.system / 1000)} ms`);
        batchAt = now;
        cpu = process.cpuUsage();
      }
      if (done === n) resolve();
      else pump();
    };
    const pump = () => {
      while (inFlight < 200 && started < n) {
        const i = started++;
        inFlight++;
        const options: net.NetConnectOpts = { host: '127.0.0.1', port };
        if (mode !== 'none') options.localAddress = source;
        if (mode === 'explicit') options.localPort = 32768 + i;
        const s = net.connect(options);
        s.once('connect', () => {
          open.push(s);
          end();
        });
        s.once('error', (err) => {
          if (++failed <= 3) console.error(err.message);
          end();
        });
      }
    };
    pump();
  });
  console.log(`${mode}, ${n} connections: ${((performance.now() - t0) / 1000).toFixed(2)} s, ${failed} failed`);
  console.log(lines.join('\n'));
  for (const s of open) s.destroy();
  child.kill();
  process.exit(0);
}
