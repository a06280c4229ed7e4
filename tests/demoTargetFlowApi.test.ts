// The demo target's flow API (issue #12): login → token, routes that need it, and JSON-RPC over
// WebSocket answering after a known delay, out of order under jitter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { validCredentials } from '../src/main/target/flowApi.ts';

let target: DemoTarget;
beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${target.httpUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('flow API over HTTP', () => {
  it('accepts the example users and refuses others', () => {
    expect(validCredentials('user1', 'pw-user1')).toBe(true);
    expect(validCredentials('user100', 'pw-user100')).toBe(true);
    expect(validCredentials('user1', 'pw-user2')).toBe(false);
    expect(validCredentials('admin', 'pw-admin')).toBe(false);
    expect(validCredentials('user0', 'pw-user0')).toBe(false);
    expect(validCredentials(1, 'pw-1')).toBe(false);
  });

  it('login → token → items and cart; 401 without or with a wrong token', async () => {
    const bad = await post('/login', { user: 'user7', password: 'nope' });
    expect(bad.status).toBe(401);
    const login = await post('/login', { user: 'user7', password: 'pw-user7' });
    expect(login.status).toBe(200);
    const token = login.body.token as string;
    expect(token).toMatch(/^[0-9a-f]{32}$/);

    expect((await fetch(`${target.httpUrl}/items`)).status).toBe(401);
    expect((await fetch(`${target.httpUrl}/items`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const items = await fetch(`${target.httpUrl}/items`, { headers: { authorization: `Bearer ${token}` } });
    expect(items.status).toBe(200);
    const list = ((await items.json()) as { items: Array<{ id: number }> }).items;
    expect(list.length).toBeGreaterThan(0);

    expect((await post('/cart', { itemId: 1 })).status).toBe(401);
    const cart = await post('/cart', { itemId: list[2].id }, { authorization: `Bearer ${token}` });
    expect(cart.status).toBe(200);
    expect(cart.body).toMatchObject({ user: 'user7', items: [{ id: list[2].id, quantity: 1 }] });
    expect(typeof cart.body.cartId).toBe('number');
    expect((await post('/cart', { itemId: 999 }, { authorization: `Bearer ${token}` })).status).toBe(404);
  });

  it('a malformed login body is a 400, not a crash', async () => {
    const res = await fetch(`${target.httpUrl}/login`, { method: 'POST', body: '{"user":' });
    expect(res.status).toBe(400);
  });
});

function open(path: string): Promise<WebSocket> {
  const ws = new WebSocket(`${target.wsUrl}${path}`, { perMessageDeflate: false });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('JSON-RPC over /ws/rpc', () => {
  it('answers each id after the configured delay', async () => {
    const ws = await open('/ws/rpc?delayMs=50');
    const sent = performance.now();
    const answer = await new Promise<{ id: unknown; result: { seq: number } }>((resolve) => {
      ws.once('message', (d) => resolve(JSON.parse(d.toString()) as { id: unknown; result: { seq: number } }));
      ws.send(JSON.stringify({ jsonrpc: '2.0', id: 'a-1', method: 'echo', params: [1] }));
    });
    const took = performance.now() - sent;
    ws.close();
    expect(answer).toMatchObject({ id: 'a-1', result: { seq: 1, method: 'echo', params: [1] } });
    expect(took).toBeGreaterThanOrEqual(49);
    expect(took).toBeLessThan(500);
  });

  it('with jitter, answers of requests in flight together come back out of order, and the target counts them', async () => {
    const before = ((await (await fetch(`${target.httpUrl}/_barrage/rpc`)).json()) as { outOfOrder: number }).outOfOrder;
    const ws = await open('/ws/rpc?delayMs=5&jitterMs=40');
    const ids: number[] = [];
    let flagged = 0;
    await new Promise<void>((resolve) => {
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as { id: number; result: { outOfOrder: boolean } };
        ids.push(m.id);
        if (m.result.outOfOrder) flagged++;
        if (ids.length === 40) resolve();
      });
      for (let i = 1; i <= 40; i++) ws.send(JSON.stringify({ jsonrpc: '2.0', id: i, method: 'echo' }));
    });
    ws.close();
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(ids).not.toEqual([...ids].sort((a, b) => a - b));
    expect(flagged).toBeGreaterThan(0);
    const after = ((await (await fetch(`${target.httpUrl}/_barrage/rpc`)).json()) as { outOfOrder: number }).outOfOrder;
    expect(after - before).toBe(flagged);
  });

  it('bad requests get JSON-RPC errors; subscribe pushes timestamped ticks', async () => {
    const ws = await open('/ws/rpc');
    const messages: Array<Record<string, unknown>> = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as Record<string, unknown>));
    ws.send('not json');
    ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'x' }));
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'subscribe', params: { rate: 100 } }));
    const deadline = Date.now() + 3000;
    while (messages.filter((m) => m.method === 'tick').length < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    ws.close();
    expect(messages[0]).toMatchObject({ id: null, error: { code: -32700 } });
    expect(messages[1]).toMatchObject({ id: null, error: { code: -32600 } });
    expect(messages.some((m) => m.id === 1 && m.result !== undefined)).toBe(true);
    const ticks = messages.filter((m) => m.method === 'tick') as Array<{ params: { seq: number; ts: number } }>;
    expect(ticks.length).toBeGreaterThanOrEqual(5);
    expect(ticks[0].params.seq).toBe(1);
    expect(Math.abs(Date.now() - ticks[0].params.ts)).toBeLessThan(5000);
  });
});
