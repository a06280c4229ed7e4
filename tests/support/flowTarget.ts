// A loopback API whose answers a flow test knows: POST /login {"user"} → {"token": "t-<user>"}
// (and an x-session header), GET /items needs `Authorization: Bearer t-…` (401 otherwise),
// /echo answers its query as JSON, /big sends 2 MiB, /slow answers after 1.5 s, /text answers
// plain text. Every request is logged (method, path, authorization, body).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FlowTarget {
  url: string;
  log: Array<{ method: string; path: string; auth?: string; body: string; at: number }>;
  close(): Promise<void>;
}

export async function startFlowTarget(): Promise<FlowTarget> {
  const log: FlowTarget['log'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://x');
      log.push({ method: req.method ?? '', path: req.url ?? '', auth: req.headers.authorization, body, at: Date.now() });
      const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      switch (url.pathname) {
        case '/login': {
          let user = '';
          try {
            user = String((JSON.parse(body) as { user?: unknown }).user ?? '');
          } catch {
            /* not JSON: no user */
          }
          if (!user) return json(400, { error: 'user required' });
          return json(200, { token: `t-${user}`, user }, { 'x-session': `s-${user}` });
        }
        case '/items':
          if (!/^Bearer t-.+/.test(req.headers.authorization ?? '')) return json(401, { error: 'unauthorized' });
          return json(200, { items: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }], owner: (req.headers.authorization ?? '').slice('Bearer '.length) });
        case '/echo':
          return json(200, Object.fromEntries(url.searchParams));
        case '/big':
          res.writeHead(200, { 'content-type': 'text/plain' });
          return res.end(Buffer.alloc(2 * 1024 * 1024, 'x'));
        case '/slow':
          setTimeout(() => json(200, { slow: true }), 1500);
          return;
        case '/text':
          res.writeHead(200, { 'content-type': 'text/plain' });
          return res.end('hello order 42 done');
        default:
          return json(404, { error: 'not found' });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
