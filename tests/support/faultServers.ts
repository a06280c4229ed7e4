// Small local servers that misbehave in one particular way each, on loopback only.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';

export interface TestServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function listen(server: net.Server, scheme: string): Promise<TestServer> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `${scheme}://127.0.0.1:${port}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            (server as http.Server).closeAllConnections?.();
            server.close(() => done());
          }),
      });
    });
  });
}

/** Answers every request after a fixed delay. */
export function delayedServer(delayMs: number): Promise<TestServer> {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.end('ok'), delayMs);
  });
  return listen(server, 'http');
}

/**
 * Answers at once, except that for one second, starting `stallAfterMs` after the first request,
 * every response is held back until the stall ends.
 */
export function stallingServer(stallAfterMs: number, stallMs: number): Promise<TestServer> {
  let firstAt: number | undefined;
  const server = http.createServer((_req, res) => {
    const now = Date.now();
    firstAt ??= now;
    const stallStart = firstAt + stallAfterMs;
    const stallEnd = stallStart + stallMs;
    if (now >= stallStart && now < stallEnd) setTimeout(() => res.end('ok'), stallEnd - now);
    else res.end('ok');
  });
  return listen(server, 'http');
}

/** Accepts connections and resets each as soon as a request arrives. */
export function resettingServer(): Promise<TestServer> {
  const server = net.createServer((socket) => {
    socket.on('data', () => socket.resetAndDestroy());
    socket.on('error', () => {});
  });
  return listen(server, 'http');
}

/** Accepts connections and never answers. */
export function silentServer(): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  return listen(server, 'http').then((s) => ({
    ...s,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return s.close();
    },
  }));
}

/** HTTPS with a self-signed certificate (CN=localhost) that no client trusts. */
export function selfSignedServer(): Promise<TestServer> {
  const dir = new URL('../fixtures/tls/', import.meta.url);
  const server = https.createServer(
    { key: readFileSync(new URL('key.pem', dir)), cert: readFileSync(new URL('cert.pem', dir)) },
    (_req, res) => res.end('ok'),
  );
  return listen(server, 'https');
}

/** A port on which nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = await listen(net.createServer(), 'http');
  await s.close();
  return s.port;
}

/** A raw TCP server that runs `onConnection` for each socket (closing the server destroys them). */
function rawServer(onConnection: (socket: net.Socket) => void): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    onConnection(socket);
  });
  return listen(server, 'http').then((s) => ({
    ...s,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return s.close();
    },
  }));
}

/** Answers each request with a valid status line and headers, then one body byte per `everyMs`. */
export function tricklingServer(everyMs: number): Promise<TestServer> {
  return rawServer((socket) => {
    socket.once('data', () => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n');
      const timer = setInterval(() => socket.write('x'), everyMs);
      socket.on('close', () => clearInterval(timer));
    });
  });
}

/** Answers every request with bytes that are not HTTP. */
export function invalidHttpServer(): Promise<TestServer> {
  return rawServer((socket) => {
    socket.on('data', () => socket.write('this is not HTTP at all\r\n\r\n'));
  });
}

/**
 * Promises a 100-byte body, sends 4 bytes of it and ends the connection: a response reset
 * mid-body, which is not a success.
 */
export function truncatedBodyServer(): Promise<TestServer> {
  return rawServer((socket) => {
    socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabcd'));
  });
}
