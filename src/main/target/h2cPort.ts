// HTTP/1.1 and h2c (HTTP/2 over cleartext, prior knowledge) on one port. Node's
// `http2.createServer({ allowHTTP1 })` falls back to HTTP/1.1 only over TLS (ALPN chooses), and
// cleartext h2c has no negotiation of its own besides the HTTP/1.1 Upgrade dance that clients
// rarely use. A client with prior knowledge starts with the fixed connection preface
// (RFC 9113 §3.4, "PRI * HTTP/2.0…"), which no HTTP/1.1 request can begin with: so the listener
// reads a connection's first bytes and hands the socket to the HTTP/2 server or to the HTTP/1.1
// server (which keeps its WebSocket upgrades). After the first bytes nothing sits in between.
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import type { Http2Server } from 'node:http2';

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n');

export function h2cAndHttp1Listener(http1: HttpServer, h2c: Http2Server): NetServer {
  const sockets = new Set<Socket>();
  // noDelay: the HTTP/1.1 server would have set it on the sockets it accepts itself (its default);
  // handed over from here they would otherwise send small responses with Nagle's delay.
  const listener = createNetServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let head: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const n = Math.min(head.length, PREFACE.length);
      const maybeH2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
      // Wait for more only while the bytes so far could still be the preface.
      if (maybeH2 && head.length < PREFACE.length) return;
      socket.off('data', onData);
      socket.pause();
      socket.unshift(head);
      if (maybeH2) {
        // The HTTP/2 session reads what is already buffered on its own (on the next tick) and
        // the rest from the socket's native handle; resuming here would hand those bytes to no one.
        h2c.emit('connection', socket);
      } else {
        http1.emit('connection', socket);
        socket.resume();
      }
    };
    socket.on('data', onData);
    socket.on('error', () => {});
  });
  // Closing the listener ends the connections it handed over too (the servers' own close
  // waits for idle ones only).
  const close = listener.close.bind(listener);
  listener.close = (callback?: (err?: Error) => void) => {
    for (const socket of sockets) socket.destroy();
    return close(callback);
  };
  return listener;
}
