// The Electron shell's wiring, under plain Node with a fake `electron` module: every contract
// channel has a handler, payloads are validated in the main process, only our own window may
// call, and the window follows Electron's security checklist.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { channels } from '../src/shared/contract.ts';

vi.mock('electron', () => import('./fakes/electron.ts'));

const dir = mkdtempSync(join(tmpdir(), 'barrage-shell-'));
let fake: typeof import('./fakes/electron.ts');

beforeAll(async () => {
  process.env.BARRAGE_DB = join(dir, 'shell.db');
  fake = await import('./fakes/electron.ts');
  await import('../src/main/electron/main.ts');
  // start() runs after whenReady(); let the microtasks settle.
  await new Promise((r) => setTimeout(r, 50));
});
afterAll(() => {
  fake.app.emit('before-quit', { preventDefault() {} });
  rmSync(dir, { recursive: true, force: true });
});

const trustedEvent = () => ({ senderFrame: { url: fake.recorded.windows[0].loadedUrl, parent: null } });

describe('Electron shell', () => {
  it('holds a single-instance lock and opens one secure window', () => {
    expect(fake.recorded.singleInstanceRequested).toBe(1);
    expect(fake.recorded.windows).toHaveLength(1);
    const prefs = fake.recorded.windows[0].options.webPreferences;
    expect(prefs).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
    expect(String(prefs.preload)).toMatch(/preload[\\/]index\.cjs$/);
    // A privileged standard scheme, not file:// (issue #10 item 15).
    expect(fake.recorded.windows[0].loadedUrl).toBe('app://barrage/index.html');
    expect(fake.protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
    expect(fake.protocol.handlers.has('app')).toBe(true);
    // Not packaged here (the fake's isPackaged is false): DevTools allowed in development only.
    expect(prefs.devTools).toBe(true);
  });

  it('registers a main-process handler for every channel of the contract', () => {
    expect([...fake.recorded.handlers.keys()].sort()).toEqual(Object.keys(channels).sort());
  });

  it('answers a valid request from its own window', async () => {
    const reply = (await fake.recorded.handlers.get('scenarios.list')!(trustedEvent(), undefined)) as { ok: boolean; value: unknown };
    expect(reply).toEqual({ ok: true, value: [] });
  });

  it('rejects invalid payloads with a readable message naming the field', async () => {
    const reply = (await fake.recorded.handlers.get('scenarios.save')!(trustedEvent(), {
      name: 'x',
      config: { protocol: 'http', url: 'ftp://nope', connections: 0 },
    })) as { ok: boolean; error: { message: string; invalidInput: boolean } };
    expect(reply.ok).toBe(false);
    expect(reply.error.invalidInput).toBe(true);
    expect(reply.error.message).toMatch(/config\.url: scheme ftp is not supported/);
    expect(reply.error.message).toMatch(/config\.connections: must be at least 1/);
    expect(reply.error.message).not.toMatch(/at .*\.ts:\d+/);
  });

  it('refuses requests from any other frame', async () => {
    const handler = fake.recorded.handlers.get('runs.list')!;
    const foreign = (await handler({ senderFrame: { url: 'https://example.invalid/', parent: null } }, {})) as { ok: boolean };
    expect(foreign.ok).toBe(false);
    const subframe = (await handler({ senderFrame: { url: trustedEvent().senderFrame.url, parent: {} } }, {})) as { ok: boolean };
    expect(subframe.ok).toBe(false);
  });

  it('denies new windows, navigation away and permission requests', () => {
    const contents = fake.recorded.windows[0].webContents;
    expect(contents.windowOpenHandler?.({ url: 'https://example.invalid/' })).toEqual({ action: 'deny' });
    let prevented = false;
    contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, 'https://example.invalid/');
    expect(prevented).toBe(true);
    let granted: boolean | undefined;
    fake.recorded.permissionHandler?.({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });

  it('refuses a subframe navigation away (will-frame-navigate) and serves only the renderer folder on app://', async () => {
    const contents = fake.recorded.windows[0].webContents;
    let prevented = false;
    contents.emit('will-frame-navigate', { url: 'https://example.invalid/', preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    prevented = false;
    contents.emit('will-frame-navigate', { url: 'app://barrage/index.html#/history', preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
    const handler = fake.protocol.handlers.get('app')!;
    expect((await handler(new Request('app://other/index.html'))).status).toBe(404);
  });

  it('installs an application menu', () => {
    expect(Array.isArray(fake.recorded.menu)).toBe(true);
  });
});
