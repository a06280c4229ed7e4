// The thin Electron shell: one window, one instance, the security checklist, and the contract
// over IPC to the same Electron-free services that the CLI and `barrage serve` use. The load
// engine runs in worker threads, so this process's event loop stays free during a run.
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, net, protocol, session } from 'electron';
import { createAppServices, type AppServices } from '../app/appServices.ts';
import { installMenu } from './appMenu.ts';
import { APP_URL, registerAppScheme, serveAppProtocol } from './appProtocol.ts';
import { forwardEvents, registerIpc } from './ipcBridge.ts';
import { denyPermissions, hardenApp, secureWebPreferences } from './windowSecurity.ts';
import { utilityProcessSpawner } from './utilityProcessSpawner.ts';

const here = import.meta.dirname;
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererDir = join(here, '../renderer');
const rendererUrl = !app.isPackaged && devServerUrl ? devServerUrl : APP_URL;
// DevTools only in development: a packaged build has no way to open them.
const devTools = !app.isPackaged;

let window: BrowserWindow | undefined;
let services: AppServices | undefined;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  hardenApp(app, rendererUrl);
  registerAppScheme(protocol);
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  denyPermissions(session.defaultSession);
  serveAppProtocol(protocol, net, rendererDir);
  services = createAppServices({
    transport: 'electron',
    // Runs beyond one process's file descriptors load in utility processes (issue #14).
    engine: { spawnProcess: utilityProcessSpawner },
    onUnexpected: (err) => console.error('internal error', err),
  });
  registerIpc(ipcMain, services.dispatch, rendererUrl);
  forwardEvents(services.context, () => window?.webContents);
  installMenu(() => services!.context.appInfo(), () => window, { devTools });
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

function createWindow(): void {
  window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Barrage',
    icon: join(here, '../../resources/icon.png'),
    webPreferences: secureWebPreferences(join(here, '../preload/index.cjs'), { devTools }),
  });
  window.once('ready-to-show', () => window?.show());
  window.on('closed', () => (window = undefined));
  void window.loadURL(rendererUrl);
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let closing = false;
app.on('before-quit', (event) => {
  if (closing || !services) return;
  // Let running runs stop and be stored before the process goes.
  event.preventDefault();
  closing = true;
  void services.close().finally(() => app.quit());
});
