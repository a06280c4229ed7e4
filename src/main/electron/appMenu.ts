// The application menu with the usual items, and an About box with the versions.
import { dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { AppInfo } from '../../shared/contract.ts';

export function installMenu(info: () => AppInfo, window: () => BrowserWindow | undefined, options: { devTools: boolean } = { devTools: false }): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(info, window, options)));
}

/** The menu; `devTools` false (a packaged build) leaves out Toggle Developer Tools. */
export function menuTemplate(info: () => AppInfo, window: () => BrowserWindow | undefined, options: { devTools: boolean }): MenuItemConstructorOptions[] {
  const isMac = process.platform === 'darwin';
  const about = () => {
    const i = info();
    const detail = [
      `Version ${i.version}`,
      `Electron ${i.versions.electron ?? '–'}, Chromium ${i.versions.chrome ?? '–'}, Node ${i.versions.node}, V8 ${i.versions.v8}`,
      `Platform ${i.platform}`,
      `Run history: ${i.databasePath}`,
    ].join('\n');
    const w = window();
    const options = { type: 'info' as const, title: 'About Barrage', message: 'Barrage', detail, buttons: ['OK'] };
    void (w ? dialog.showMessageBox(w, options) : dialog.showMessageBox(options));
  };
  const template: MenuItemConstructorOptions[] = [
    ...(isMac
      ? [{ label: 'Barrage', submenu: [{ label: 'About Barrage', click: about }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] } as MenuItemConstructorOptions]
      : []),
    { label: 'File', submenu: [isMac ? { role: 'close' } : { role: 'quit' }] },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, ...(options.devTools ? [{ role: 'toggleDevTools' } as const] : []), { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    { role: 'help', submenu: isMac ? [] : [{ label: 'About Barrage', click: about }] },
  ];
  return template;
}
