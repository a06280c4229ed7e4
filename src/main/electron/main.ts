// The thin Electron shell: one window, one instance, the security checklist, and the contract
// over IPC to the same Electron-free services that the CLI and `barrage serve` use. The load
// engine runs in worker threads, so this process's event loop stays free during a run.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, session } from 'electron';
import { createAppServices, type AppServices } from '../app/appServices.ts';
import { installMenu } from './appMenu.ts';
import { forwardEvents, registerIpc } from './ipcBridge.ts';
import { denyPermissions, hardenApp, secureWebPreferences } from './windowSecurity.ts';

const here = import.meta.dirname;
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const rendererFile = join(here, '../renderer/index.html');
const rendererUrl = !app.isPackaged && devServerUrl ? devServerUrl : pathToFileURL(rendererFile).toString();

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
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  denyPermissions(session.defaultSession);
  services = createAppServices({
    transport: 'electron',
    onUnexpected: (err) => console.error('internal error', err),
  });
  registerIpc(ipcMain, services.dispatch, rendererUrl);
  forwardEvents(services.context, () => window?.webContents);
  installMenu(() => services!.context.appInfo(), () => window);
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
    webPreferences: secureWebPreferences(join(here, '../preload/index.cjs')),
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
