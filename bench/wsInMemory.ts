// Profiling aid for the WebSocket echo hot path on a BUSY machine (not part of `npm run bench`):
// the per-echo CPU of Barrage's swarm against the bench's bare client, with the network and the
// target taken out. `net.connect` is replaced, for this process only, by an in-memory socket
// that answers ws's upgrade request and echoes every frame back (unmasked, as a server sends it)
// in the next turn of the event loop, for all connections at once, as one wake of a real
// generator reads many sockets. Both clients run on this one thread, rounds alternate, and
// thread CPU per echo is compared: no scheduling, no kernel, no target, so the difference is
// what each client's JavaScript (its own and ws's) costs per echo, even while other processes
// keep the machine saturated, when the loopback bench measures wake-ups rather than messages.
//
//   node bench/wsInMemory.ts [seconds per round = 2] [rounds = 4] [--run] [--only barrage|bare|run]
//
// --run adds a third contestant: a whole run through startRun (inline, as `barrage run` with one
// worker makes it: the controller, its per-second merge and the summary included).
//
// The kernel's part of a real echo (≈ 60 % of it on a quiet machine, docs/PERFORMANCE.md) is
// not here, so the ratio of the two is larger than the bench's; the difference in µs per echo
// is the figure to read.
import { createHash } from 'node:crypto';
import net from 'node:net';
import { Duplex } from 'node:stream';
import WebSocket from 'ws';
import { SecondRecorder } from '../src/main/engine/metrics/secondRecorder.ts';
import { epochMs } from '../src/main/clock.ts';
import { createWsSwarm } from '../src/main/engine/ws/wsSwarm.ts';
import { parseScenario } from '../src/shared/scenario.ts';
import { startRun } from '../src/main/engine/index.ts';

const seconds = Number(process.argv[2] ?? 2);
const rounds = Number(process.argv[3] ?? 4);
const CONNECTIONS = 50;
const URL_ = 'ws://127.0.0.1:9/ws/echo';
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Echoes waiting for the next turn of the loop, over every socket. */
let pending: Array<[EchoSocket, Buffer]> = [];
let flushScheduled = false;
function flushEchoes(): void {
  flushScheduled = false;
  const batch = pending;
  pending = [];
  for (const [socket, frame] of batch) socket.deliver(frame);
}

/** An in-memory "server" socket: answers the upgrade, then echoes each client frame unmasked. */
class EchoSocket extends Duplex {
  bytesWritten = 0;
  bytesRead = 0;
  private upgraded = false;
  private input: Buffer = Buffer.alloc(0);
  setNoDelay(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  override _read(): void {}
  deliver(chunk: Buffer): void {
    if (this.destroyed) return;
    this.bytesRead += chunk.length;
    this.push(chunk);
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.bytesWritten += chunk.length;
    this.input = this.input.length === 0 ? chunk : Buffer.concat([this.input, chunk]);
    if (!this.upgraded) {
      const end = this.input.indexOf('\r\n\r\n');
      if (end < 0) return cb();
      const head = this.input.subarray(0, end).toString('latin1');
      this.input = this.input.subarray(end + 4);
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(key + GUID).digest('base64');
      this.upgraded = true;
      const answer = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
      setImmediate(() => this.deliver(Buffer.from(answer, 'latin1')));
    }
    this.frames();
    cb();
  }
  private frames(): void {
    for (;;) {
      const b = this.input;
      if (b.length < 2) return;
      const opcode = b[0] & 0x0f;
      let len = b[1] & 0x7f;
      let at = 2;
      if (len === 126) {
        if (b.length < 4) return;
        len = b.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (b.length < 10) return;
        len = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      const masked = (b[1] & 0x80) !== 0;
      const maskAt = at;
      if (masked) at += 4;
      if (b.length < at + len) return;
      const payload = Buffer.from(b.subarray(at, at + len));
      if (masked) for (let i = 0; i < len; i++) payload[i] ^= b[maskAt + (i & 3)];
      this.input = b.subarray(at + len);
      const header = len < 126 ? Buffer.from([0x80 | (opcode === 9 ? 10 : opcode), len]) : Buffer.from([0x80 | opcode, 126, len >> 8, len & 255]);
      const frame = Buffer.concat([header, payload]);
      pending.push([this, frame]);
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushEchoes);
      }
      if (opcode === 8) {
        setImmediate(() => {
          this.push(null);
          this.destroy();
        });
      }
    }
  }
}

(net as unknown as { connect: () => Duplex }).connect = () => new EchoSocket();

const threadCpu = (): number => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1e6;
};

async function bare(): Promise<{ echoes: number; cpu: number }> {
  let received = 0;
  let running = true;
  const message = (seq: number) => `{"seq":${seq},"data":"abcdefghijklmnopqrstuvwxyz012345"}`;
  const sockets: WebSocket[] = [];
  const c0 = threadCpu();
  for (let i = 0; i < CONNECTIONS; i++) {
    const ws = new WebSocket(URL_, { perMessageDeflate: false });
    let seq = 0;
    ws.on('open', () => ws.send(message(++seq)));
    ws.on('message', () => {
      if (!running) return;
      received++;
      ws.send(message(++seq));
    });
    sockets.push(ws);
  }
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const cpu = threadCpu() - c0;
  for (const ws of sockets) ws.terminate();
  return { echoes: received, cpu };
}

async function barrage(): Promise<{ echoes: number; cpu: number }> {
  const parsed = parseScenario({ protocol: 'ws', url: URL_, mode: 'echo', connections: CONNECTIONS, inFlight: 1, durationSec: seconds, connectRate: 10_000 });
  if (!parsed.ok) throw new Error(parsed.error);
  let echoes = 0;
  const startAt = epochMs() + 5;
  const recorder = new SecondRecorder(startAt, (s) => (echoes += s.completed), true);
  const driver = createWsSwarm(
    { scenario: parsed.value, workerIndex: 0, workerCount: 1, connections: CONNECTIONS, startAt, endAt: startAt + seconds * 1000, address: '127.0.0.1' },
    recorder,
  );
  const c0 = threadCpu();
  recorder.start();
  await driver.run();
  recorder.finish();
  return { echoes, cpu: threadCpu() - c0 };
}

/** A whole run as `barrage run` makes it with one worker (inline): controller, recorder, swarm, summary. */
async function run(): Promise<{ echoes: number; cpu: number }> {
  const parsed = parseScenario({ protocol: 'ws', url: URL_, mode: 'echo', connections: CONNECTIONS, inFlight: 1, durationSec: seconds, connectRate: 10_000, workers: 1 });
  if (!parsed.ok) throw new Error(parsed.error);
  let c0 = 0;
  const handle = startRun(parsed.value, { workers: 1, inline: true, onStart: () => (c0 = threadCpu()) });
  const result = await handle.result;
  return { echoes: result.summary.throughput.total, cpu: threadCpu() - c0 };
}

const withRun = process.argv.includes('--run');
/** `--only barrage` or `--only bare`: one contestant, for a profile of it alone (--cpu-prof). */
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;
const results: Record<string, number[]> = { barrage: [], bare: [], run: [] };
for (let r = 0; r < rounds; r++) {
  for (const [name, fn] of [
    ['barrage', barrage],
    ['bare', bare],
    ...(withRun ? ([['run', run]] as const) : []),
  ] as const) {
    if (only !== undefined && name !== only) continue;
    const { echoes, cpu } = await fn();
    const us = (cpu / echoes) * 1e6;
    results[name].push(us);
    console.log(`${name} round ${r + 1}: ${echoes} echoes, ${Math.round(echoes / seconds)}/s, ${us.toFixed(3)} µs thread CPU per echo`);
  }
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
if (only !== undefined) process.exit(0);
const b = med(results.barrage);
const a = med(results.bare);
// Pair by pair (each round's two runs are seconds apart, so they share the machine's state).
const pairRatios = results.barrage.map((x, i) => x / results.bare[i]);
console.log(`median µs per echo: barrage ${b.toFixed(3)}, bare ${a.toFixed(3)}, difference ${(b - a).toFixed(3)}, ratio ${(b / a).toFixed(3)}; median of pair ratios ${med(pairRatios).toFixed(3)}`);
if (withRun) {
  const c = med(results.run);
  console.log(`whole inline run: ${c.toFixed(3)} µs per echo, ${(c - a).toFixed(3)} above bare, ratio ${(c / a).toFixed(3)}`);
}
process.exit(0);
