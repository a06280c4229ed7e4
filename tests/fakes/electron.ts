// A small stand-in for the `electron` module, enough to run the shell's wiring under plain
// Node (Electron 45's own module tries to download its binary when required outside Electron).
import { EventEmitter } from 'node:events';

type Handler = (event: unknown, ...args: unknown[]) => unknown;

export const recorded = {
  handlers: new Map<string, Handler>(),
  windows: [] as FakeBrowserWindow[],
  singleInstanceRequested: 0,
  menu: undefined as unknown,
  permissionHandler: undefined as undefined | ((c: unknown, p: string, cb: (ok: boolean) => void) => void),
};

export const ipcMain = {
  handle(channel: string, handler: Handler) {
    recorded.handlers.set(channel, handler);
  },
};

class FakeWebContents extends EventEmitter {
  sent: Array<{ channel: string; payload: unknown }> = [];
  windowOpenHandler: undefined | ((details: unknown) => { action: string });
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  isDestroyed() {
    return false;
  }
  setWindowOpenHandler(h: (details: unknown) => { action: string }) {
    this.windowOpenHandler = h;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static getAllWindows() {
    return recorded.windows;
  }
  webContents = new FakeWebContents();
  loadedUrl: string | undefined;
  options: { webPreferences: Record<string, unknown> };
  constructor(options: { webPreferences: Record<string, unknown> }) {
    super();
    this.options = options;
    recorded.windows.push(this);
    fakeApp.emit('web-contents-created', {}, this.webContents);
  }
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  show() {}
  focus() {}
  restore() {}
  isMinimized() {
    return false;
  }
}
export { FakeBrowserWindow as BrowserWindow };

class FakeApp extends EventEmitter {
  isPackaged = false;
  requestSingleInstanceLock() {
    recorded.singleInstanceRequested++;
    return true;
  }
  whenReady() {
    return Promise.resolve();
  }
  quit() {}
  getVersion() {
    return '0.0.0-test';
  }
}
const fakeApp = new FakeApp();
export { fakeApp as app };

export const session = {
  defaultSession: {
    setPermissionRequestHandler(h: (c: unknown, p: string, cb: (ok: boolean) => void) => void) {
      recorded.permissionHandler = h;
    },
    setPermissionCheckHandler() {},
  },
};

export const Menu = {
  buildFromTemplate: (t: unknown) => t,
  setApplicationMenu: (m: unknown) => {
    recorded.menu = m;
  },
};
export const protocol = {
  privileged: [] as unknown[],
  handlers: new Map<string, (request: Request) => Promise<Response>>(),
  registerSchemesAsPrivileged(schemes: unknown[]) {
    this.privileged.push(...schemes);
  },
  handle(scheme: string, handler: (request: Request) => Promise<Response>) {
    this.handlers.set(scheme, handler);
  },
};
export const net = { fetch: (url: string) => fetch(url) };
export const dialog = { showMessageBox: () => Promise.resolve({ response: 0 }) };
export const contextBridge = { exposeInMainWorld() {} };
export const ipcRenderer = {};

export default { app: fakeApp, BrowserWindow: FakeBrowserWindow, ipcMain, session, Menu, dialog, protocol, net };
