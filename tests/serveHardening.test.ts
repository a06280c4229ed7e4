// `barrage serve` survives any bytes a client sends (issue #10 items 1–2) and keeps its token to
// itself (item 3). The server runs in a child process, so a crash is seen as the process exiting.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const CHILD = fileURLToPath(new URL('./fixtures/serveChild.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'barrage-serve-hard-'));
let child: ChildProcess;
let port = 0;
let token = '';
let output = '';
let exited: { code: number | null; signal: string | null } | null = null;

beforeAll(async () => {
  const staticDir = join(dir, 'static');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><html><head><title>Barrage</title></head><body></body></html>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  child = spawn(process.execPath, [CHILD, join(dir, 'serve.db'), staticDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  child.once('exit', (code, signal) => (exited = { code, signal }));
  const first = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(buf.split('\n')[0]);
    });
    child.once('exit', () => reject(new Error(`server exited before listening:\n${output}`)));
  });
  ({ port, token } = JSON.parse(first) as { port: number; token: string });
});

afterAll(async () => {
  if (!exited) {
    const done = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(killer);
  }
  rmSync(dir, { recursive: true, force: true });
});

function alive(): void {
  expect(exited, `the server process exited:\n${output}`).toBeNull();
}

/** Writes raw bytes to the server and collects whatever it answers until it closes or 1 s passes. */
function raw(bytes: string | Buffer, waitMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.write(bytes);
  });
}

function openApi(query: string, headers: Record<string, string> = {}, maxPayload?: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api${query}`, { headers, ...(maxPayload ? { maxPayload } : {}) });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function nextReply(ws: WebSocket): Promise<{ id: unknown; ok: boolean; error?: { message: string }; value?: unknown }> {
  return new Promise((resolve) => {
    const on = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString());
      if ('event' in msg) return;
      ws.off('message', on);
      resolve(msg);
    };
    ws.on('message', on);
  });
}

async function stillAnswers(): Promise<void> {
  alive();
  const res = await fetch(`http://127.0.0.1:${port}/?token=${token}`);
  expect(res.status).toBe(200);
  const ws = await openApi(`?token=${token}`);
  ws.send(JSON.stringify({ id: 1, channel: 'scenarios.list' }));
  expect((await nextReply(ws)).ok).toBe(true);
  ws.close();
}

describe('barrage serve survives hostile input', () => {
  it('a request line whose target is not a URL (no token needed) is refused, not fatal', async () => {
    const answer = await raw('GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d/);
    alive();
    const upgrade = await raw(
      'GET http://[ HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
    expect(upgrade).toMatch(/^HTTP\/1\.1 4\d\d/);
    await stillAnswers();
  });

  it('a malformed percent-encoding in a static path is a 400', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/%E0%A4%A?token=${token}`);
    expect(res.status).toBe(400);
    await stillAnswers();
  });

  it('API messages of every JSON type get an error reply, and the socket stays usable', async () => {
    const ws = await openApi(`?token=${token}`);
    for (const text of ['null', '1', '"x"', 'true', '[]', '[1,2]', '{}', '{"id":null}', '{"id":1}', '{"id":1,"channel":5}', '{"id":"1","channel":"scenarios.list"}', '{"id":1,"channel":"__proto__"}', '{"id":1,"channel":"constructor"}', '{"id":1,"channel":"toString"}']) {
      ws.send(text);
      const reply = await nextReply(ws);
      expect(reply.ok, text).toBe(false);
      expect(reply.error?.message, text).toMatch(/\w/);
    }
    ws.send(JSON.stringify({ id: 7, channel: 'scenarios.list' }));
    expect(await nextReply(ws)).toMatchObject({ id: 7, ok: true });
    ws.close();
    await stillAnswers();
  });

  it('a message over the maximum size closes that socket (1009) and nothing else', async () => {
    const ws = await openApi(`?token=${token}`);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => {});
    ws.send('x'.repeat(17 * 1024 * 1024));
    expect(await closed).toBe(1009);
    await stillAnswers();
  });
});

describe('the session token stays with the page', () => {
  it('never goes into a cookie (cookies ignore ports: every local server would receive it)', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/?token=${token}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toBeNull();
    // The page carries it, so its script can send it on the API socket.
    expect(await res.text()).toContain(`<meta name="barrage-token" content="${token}">`);
  });

  it('a cookie is not a credential: the page and the API need the token itself', async () => {
    const cookie = { cookie: `barrage_token=${token}` };
    expect((await fetch(`http://127.0.0.1:${port}/`, { headers: cookie })).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${port}/index.html`, { headers: cookie })).status).toBe(403);
    await expect(openApi('', cookie)).rejects.toThrow(/403/);
    await expect(openApi('', { ...cookie, origin: `http://127.0.0.1:${port}` })).rejects.toThrow(/403/);
  });

  it('the API socket needs the explicit token, and a matching Origin when one is sent', async () => {
    await expect(openApi('?token=wrong')).rejects.toThrow(/403/);
    await expect(openApi(`?token=${token}`, { origin: 'http://127.0.0.1:1' })).rejects.toThrow(/403/);
    await expect(openApi(`?token=${token}`, { origin: `https://127.0.0.1:${port}` })).rejects.toThrow(/403/);
    await expect(openApi(`?token=${token}`, { origin: 'null' })).rejects.toThrow(/403/);
    const ws = await openApi(`?token=${token}`, { origin: `http://127.0.0.1:${port}` });
    ws.close();
  });

  it('the page\'s scripts and styles load without the token (they hold no secret); Host is still checked', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/assets/app.js`)).status).toBe(200);
    const rebound = await raw(`GET /assets/app.js HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`);
    expect(rebound).toMatch(/^HTTP\/1\.1 421/);
  });
});

/** Seeded PRNG (mulberry32): a failing case can be replayed from the seed printed with it. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('fuzz: garbage at the HTTP and WebSocket endpoints (bounded: 160 HTTP + 300 WebSocket cases, 20 s)', () => {
  const SEED = Number(process.env.BARRAGE_FUZZ_SEED ?? 20261130);
  const deadline = () => Date.now() + 20_000;

  it(`the server still answers, and a run still completes (seed ${SEED})`, async () => {
    const rnd = prng(SEED);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(rnd() * 256)));
    const until = deadline();
    const targets = ['/', '/index.html', '/api', '/%', '/%E0%A4%A', '/%00', '/..%2f..%2fetc%2fpasswd', 'http://[', '*', '//', '/?token=' + token, `/api?token=${token}`, '/\u00ff', 'x'.repeat(9000)];
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'BREW', ''];
    const headerSets = [
      `Host: 127.0.0.1:${port}\r\n`,
      'Host: [\r\n',
      `Host: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n`,
      `Host: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 99\r\n`,
      `Host: 127.0.0.1:${port}\r\nContent-Length: 99999\r\n`,
      `Host: 127.0.0.1:${port}\r\nTransfer-Encoding: chunked\r\n`,
      `Host: 127.0.0.1:${port}\r\nCookie: barrage_token=${token}; =; ;;\r\nOrigin: null\r\n`,
      '',
    ];
    let httpCases = 0;
    for (; httpCases < 160 && Date.now() < until; httpCases++) {
      const kind = rnd();
      let request: Buffer;
      if (kind < 0.25) request = bytes(1 + Math.floor(rnd() * 512));
      else if (kind < 0.35) request = Buffer.from(`${pick(methods)} ${pick(targets)}\r\n\r\n`);
      else request = Buffer.concat([Buffer.from(`${pick(methods)} ${pick(targets)} HTTP/1.1\r\n${pick(headerSets)}\r\n`), bytes(Math.floor(rnd() * 64))]);
      await raw(request, 150);
      expect(exited, `HTTP case ${httpCases} killed the server (seed ${SEED}): ${JSON.stringify(request.toString('latin1').slice(0, 200))}\n${output}`).toBeNull();
    }

    const jsonValues = (): unknown[] => [null, 0, -1, 1e308, '', 'x', true, false, [], {}, [null], { id: 1 }, { channel: 'runs.start' }];
    const channels = ['scenarios.list', 'scenarios.save', 'runs.start', 'runs.get', 'runs.list', 'runs.delete', 'showdown.start', 'nope', '__proto__', 'constructor', 'hasOwnProperty', ''];
    let wsCases = 0;
    let ws = await openApi(`?token=${token}`);
    ws.on('error', () => {});
    for (; wsCases < 300 && Date.now() < until; wsCases++) {
      if (ws.readyState !== WebSocket.OPEN) {
        ws = await openApi(`?token=${token}`);
        ws.on('error', () => {});
      }
      const kind = rnd();
      if (kind < 0.15) {
        // Not a WebSocket frame at all: raw bytes into the upgraded socket.
        (ws as unknown as { _socket: net.Socket })._socket.write(bytes(1 + Math.floor(rnd() * 64)));
      } else if (kind < 0.25) {
        ws.send(bytes(Math.floor(rnd() * 2048)), { binary: rnd() < 0.5 });
      } else if (kind < 0.3) {
        ws.send('');
      } else if (kind < 0.35) {
        ws.send('{'.repeat(1 + Math.floor(rnd() * 5000)));
      } else if (kind < 0.55) {
        ws.send(JSON.stringify(pick(jsonValues())));
      } else {
        // Well-formed requests with random inputs: deletes and starts of anything are refused or
        // harmless on an empty history; showdown.start is left out of the random mix because a
        // valid one starts a real (bounded) showdown.
        const channel = pick(channels.filter((c) => c !== 'showdown.start' && c !== 'runs.start'));
        ws.send(JSON.stringify({ id: wsCases, channel, input: pick(jsonValues()) }));
      }
      await new Promise((r) => setTimeout(r, 5));
      expect(exited, `WebSocket case ${wsCases} killed the server (seed ${SEED})\n${output}`).toBeNull();
    }
    ws.terminate();
    expect(httpCases + wsCases).toBeGreaterThan(100);

    // Still answers, and a run still completes end to end.
    await stillAnswers();
    const api = await openApi(`?token=${token}`);
    const finished = new Promise<void>((resolve) => {
      api.on('message', (data) => {
        const msg = JSON.parse(data.toString());
        if (msg.event === 'run.finished') resolve();
      });
    });
    api.send(JSON.stringify({ id: 1, channel: 'target.demo' }));
    const demo = (await nextReply(api)) as { value: { httpUrl: string } };
    api.send(JSON.stringify({ id: 2, channel: 'runs.start', input: { config: { protocol: 'http', url: `${demo.value.httpUrl}/`, durationSec: 1, connections: 1, workers: 1 } } }));
    const started = await nextReply(api);
    expect(started.ok, JSON.stringify(started)).toBe(true);
    await finished;
    const runId = (started.value as { runId: number }).runId;
    api.send(JSON.stringify({ id: 3, channel: 'runs.get', input: runId }));
    const run = (await nextReply(api)) as { value: { summary: { status: string; throughput: { total: number } } } };
    expect(run.value.summary.status).toBe('completed');
    expect(run.value.summary.throughput.total).toBeGreaterThan(0);
    api.close();
    alive();
  });
});
