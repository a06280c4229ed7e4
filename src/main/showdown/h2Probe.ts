// The HTTP/2 probe on the idle target: what opening and closing one HTTP/2 connection costs at the
// socket level (the client's connection preface and SETTINGS, the server's SETTINGS, both
// acknowledgements; the GOAWAY on close) and how long the opening takes, plus one POST over it to
// check that the endpoint echoes. Certificates are verified, as the other probes do (probes.ts).
import net from 'node:net';
import tls from 'node:tls';
import type { ClientHttp2Session } from 'node:http2';
import { epochMs } from '../clock.ts';
// require()d, not imported: see nodeHttp.ts.
import { http2 } from '../nodeHttp.ts';

const PROBE_TIMEOUT_MS = 5000;

export interface H2Probe {
  /** TCP (+ TLS with ALPN) + both SETTINGS exchanged (µs). */
  openUs: number;
  openSentBytes: number;
  openReceivedBytes: number;
  closeSentBytes: number;
  closeReceivedBytes: number;
  /** The echo request's answer: status and body bytes, and whether the body came back unchanged. */
  status: number;
  bodyBytes: number;
  echoed: boolean;
}

export function h2Probe(rawUrl: string, body: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<H2Probe> {
  const url = new URL(rawUrl);
  const secure = url.protocol === 'https:';
  const port = Number(url.port) || (secure ? 443 : 80);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return new Promise<H2Probe>((resolve, reject) => {
    const started = epochMs();
    const socket = secure
      ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['h2'], rejectUnauthorized: true })
      : net.connect({ host, port });
    let session: ClientHttp2Session | undefined;
    const fail = (err: Error) => {
      clearTimeout(timer);
      session?.destroy();
      socket.destroy();
      reject(err);
    };
    const timer = setTimeout(() => fail(new Error(`no HTTP/2 answer from ${url.host} within ${timeoutMs / 1000} s`)), timeoutMs);
    socket.once('error', fail);
    session = http2.connect(url.origin, { createConnection: () => socket, settings: { enablePush: false } });
    session.on('error', fail);
    let remote = false;
    let local = false;
    const opened = () => {
      if (!remote || !local) return;
      remote = local = false;
      const openUs = Math.max(1, Math.round((epochMs() - started) * 1000));
      const open = { sent: socket.bytesWritten, received: socket.bytesRead };
      const req = session!.request({ ':method': 'POST', ':path': `${url.pathname}${url.search}`, 'content-type': 'application/json' });
      let status = 0;
      const chunks: Buffer[] = [];
      req.on('response', (h) => (status = Number(h[':status'])));
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('error', fail);
      req.on('end', () => {
        const answered = { sent: socket.bytesWritten, received: socket.bytesRead };
        const answer = Buffer.concat(chunks);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve({
            openUs,
            openSentBytes: open.sent,
            openReceivedBytes: open.received,
            closeSentBytes: socket.bytesWritten - answered.sent,
            closeReceivedBytes: socket.bytesRead - answered.received,
            status,
            bodyBytes: answer.length,
            echoed: answer.toString() === body,
          });
        });
        session!.close();
      });
      req.end(body);
    };
    // Open once the server's SETTINGS arrived and ours were acknowledged.
    session.once('remoteSettings', () => ((remote = true), opened()));
    session.once('localSettings', () => ((local = true), opened()));
  });
}
