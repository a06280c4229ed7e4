// The lean HTTP/1.1 client of flow steps (src/main/engine/flow/leanHttpClient.ts) against raw
// loopback servers that script their answers byte by byte: chunked bodies, bodies split across
// TCP packets, HEAD/204/304 without a body, Connection: close and servers that close the
// socket, a timeout, a body over the limit; and, through the flow engine, the keep-alive known
// answer (N iterations × 3 steps over exactly one socket per virtual user). Each case takes
// well under a second; the engine run takes about one.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../src/main/clock.ts';
import { requestBytes } from '../src/main/engine/flow/httpRequestBytes.ts';
import { LeanHttpConnection, StepFault, type LeanResponse } from '../src/main/engine/flow/leanHttpClient.ts';
import { runToEnd } from './support/runScenario.ts';

/** One request as the server saw it: its head and the socket it came on. */
interface Seen {
  head: string;
  socket: number;
}

/**
 * A server that answers each request (one whole request head per read, as the client sends one
 * small request at a time) with whatever `answer` writes on the socket.
 */
async function rawServer(answer: (socket: net.Socket, n: number, head: string) => void) {
  const seen: Seen[] = [];
  const sockets = new Set<net.Socket>();
  let socketCount = 0;
  const server = net.createServer((socket) => {
    const id = ++socketCount;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) >= 0) {
        const head = buffered.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        buffered = buffered.slice(end + 4 + length);
        seen.push({ head, socket: id });
        answer(socket, seen.length, head);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  };
  cleanup.push(close);
  return { port, seen, sockets: () => socketCount };
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

function connection(port: number, options: { timeoutMs?: number; maxBytes?: number } = {}) {
  const c = new LeanHttpConnection({ host: '127.0.0.1', port, timeoutMs: options.timeoutMs ?? 5000, maxBytes: options.maxBytes ?? 1 << 20, clock: systemClock });
  cleanup.push(async () => c.destroy());
  return c;
}

const signal = new AbortController().signal;

function get(c: LeanHttpConnection, port: number, path = '/', method = 'GET'): Promise<LeanResponse> {
  const bytes = requestBytes(method, new URL(`http://127.0.0.1:${port}${path}`), {}, undefined);
  return c.send({ bytes, head: method === 'HEAD', keepBody: true, startMs: systemClock.now(), signal });
}

async function faultOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no fault';
  } catch (err) {
    return err instanceof StepFault ? err.kind : `${(err as NodeJS.ErrnoException).code}`;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('lean HTTP client', () => {
  it('reads a chunked body written in pieces, then a Content-Length body split across TCP packets, on one keep-alive socket', async () => {
    const server = await rawServer((socket, n) => {
      if (n === 1) {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nX-Twice: 1\r\nX-Twice: 2\r\n\r\n5\r\nhello\r\n');
        setTimeout(() => socket.write('1\r\n \r\n6\r\nwor'), 20);
        setTimeout(() => socket.write('ld!\r\n0\r\n\r\n'), 40);
      } else {
        // The head and the body's first half in one packet, the rest 30 ms later (Nagle off on the server).
        socket.setNoDelay(true);
        socket.write('HTTP/1.1 201 Created\r\nContent-Length: 10\r\nContent-Type: text/plain\r\n\r\nsplit');
        setTimeout(() => socket.write(' body'), 30);
      }
    });
    const c = connection(server.port);
    const chunked = await get(c, server.port);
    expect(chunked.status).toBe(200);
    expect(chunked.body).toBe('hello world!');
    expect(chunked.headers?.['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(chunked.headers?.['x-twice']).toBe('1, 2');
    const split = await get(c, server.port);
    expect(split.status).toBe(201);
    expect(split.body).toBe('split body');
    expect(split.endMs).toBeGreaterThan(chunked.endMs + 25);
    expect(server.sockets()).toBe(1);
    expect(c.sockets).toBe(1);
    // What the client sent: node:http's request line and headers.
    expect(server.seen[0].head).toBe(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nConnection: keep-alive`);
  });

  it('HEAD, 204 and 304 answers have no body: the next request on the same socket is answered', async () => {
    const server = await rawServer((socket, n) => {
      // Content-Length on the HEAD answer is the GET's: no body follows it.
      const answers = ['HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n', 'HTTP/1.1 204 No Content\r\n\r\n', 'HTTP/1.1 304 Not Modified\r\nETag: "x"\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'];
      socket.write(answers[n - 1]);
    });
    const c = connection(server.port);
    expect((await get(c, server.port, '/', 'HEAD')).status).toBe(200);
    expect((await get(c, server.port)).status).toBe(204);
    const notModified = await get(c, server.port);
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBe('');
    expect((await get(c, server.port)).body).toBe('ok');
    expect(server.sockets()).toBe(1);
    expect(server.seen[0].head.startsWith('HEAD / HTTP/1.1')).toBe(true);
  });

  it('Connection: close mid-flow: that answer is read, the next request reconnects; a body delimited by the close is read to the close', async () => {
    const server = await rawServer((socket, n) => {
      if (n === 2) socket.end('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nclose');
      else if (n === 4) socket.end('HTTP/1.1 200 OK\r\n\r\nuntil the close');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const c = connection(server.port);
    const bodies = [];
    for (let i = 0; i < 5; i++) bodies.push((await get(c, server.port)).body);
    expect(bodies).toEqual(['ok', 'close', 'ok', 'until the close', 'ok']);
    expect(server.seen.map((s) => s.socket)).toEqual([1, 1, 2, 2, 3]);
    expect(c.sockets).toBe(3);
  });

  it('a server that closes the socket: before any byte is a reset, in the middle of the body is incomplete; the next request reconnects', async () => {
    const server = await rawServer((socket, n) => {
      if (n === 1) socket.destroy();
      else if (n === 2) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part');
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const c = connection(server.port);
    expect(await faultOf(get(c, server.port))).toBe('reset');
    expect(await faultOf(get(c, server.port))).toBe('incomplete');
    expect((await get(c, server.port)).body).toBe('ok');
    expect(server.seen.map((s) => s.socket)).toEqual([1, 2, 3]);
  });

  it('no answer within the timeout is a timeout (and the socket is replaced); a body over the limit is too-large; a refused connect is refused', async () => {
    const server = await rawServer((socket, n) => {
      if (n === 1) return; // never answers
      if (n === 2) socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n${'x'.repeat(5000)}`);
      else socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    });
    const c = connection(server.port, { timeoutMs: 300, maxBytes: 4096 });
    const started = performance.now();
    expect(await faultOf(get(c, server.port))).toBe('timeout');
    const took = performance.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1500);
    expect(await faultOf(get(c, server.port))).toBe('too-large');
    expect((await get(c, server.port)).body).toBe('ok');
    expect(server.seen.map((s) => s.socket)).toEqual([1, 2, 3]);

    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    expect(await faultOf(get(connection(deadPort), deadPort))).toBe('ECONNREFUSED');
  });

  it('a stop while waiting is unfinished and closes the socket; a malformed answer is an error of the step', async () => {
    const server = await rawServer((socket, n) => {
      if (n === 2) socket.write('HTTP/1.1 banana\r\n\r\n');
      // 1: never answers
    });
    const c = connection(server.port);
    const stop = new AbortController();
    const bytes = requestBytes('GET', new URL(`http://127.0.0.1:${server.port}/`), {}, undefined);
    const waiting = c.send({ bytes, head: false, keepBody: false, startMs: systemClock.now(), signal: stop.signal });
    await sleep(50);
    stop.abort();
    expect(await faultOf(waiting)).toBe('unfinished');
    const malformed = await faultOf(get(c, server.port));
    expect(malformed).toBe('other');
    expect(server.seen.map((s) => s.socket)).toEqual([1, 2]);
  });
});

describe('flow steps over the lean client', () => {
  it('keep-alive known answer: 3 users × 10 iterations × 3 steps = 90 requests over exactly 3 sockets, bytes and connections counted', async () => {
    const body = '{"ok":true}';
    const server = await rawServer((socket) => socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`));
    const { result } = await runToEnd({
      protocol: 'flow',
      url: `http://127.0.0.1:${server.port}`,
      virtualUsers: 3,
      amount: 30,
      workers: 1,
      steps: [
        { type: 'http', name: 'one', url: '/one' },
        { type: 'http', name: 'two', url: '/two?vu={{vu}}', checks: [{ type: 'jsonPath', path: '$.ok', op: 'equals', value: 'true' }] },
        { type: 'http', name: 'three', url: '/three', method: 'POST', body: '{"n":{{iteration}}}', bodyType: 'json' },
      ],
      // On this thread: a worker thread's start-up would be most of the test's time.
    } as never, { inline: true });
    expect(result.summary.status).toBe('completed');
    expect(result.summary.throughput.total).toBe(90);
    expect(result.summary.errors.total).toBe(0);
    expect(server.seen.length).toBe(90);
    expect(server.sockets()).toBe(3);
    expect(new Set(server.seen.map((s) => s.socket)).size).toBe(3);
    expect(result.summary.connections.opened).toBe(3);
    // Every request went on its user's socket: /two?vu=N always on the same one.
    const socketOfVu = new Map<string, Set<number>>();
    for (const s of server.seen.filter((x) => x.head.startsWith('GET /two'))) {
      const vu = /vu=(\d+)/.exec(s.head)![1];
      socketOfVu.set(vu, (socketOfVu.get(vu) ?? new Set()).add(s.socket));
    }
    expect([...socketOfVu.values()].map((s) => s.size)).toEqual([1, 1, 1]);
    const post = server.seen.find((s) => s.head.startsWith('POST /three'))!.head;
    expect(post).toMatch(/\r\ncontent-type: application\/json\r\n/);
    expect(post).toMatch(/\r\nContent-Length: \d+$/);
    // Bytes at the socket: each response is 79 bytes; each request at least its request line.
    const responseBytes = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`.length;
    expect(result.summary.bytes.received).toBe(90 * responseBytes);
    expect(result.summary.bytes.sent).toBeGreaterThan(90 * 40);
  });
});
