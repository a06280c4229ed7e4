// Electron's security checklist, in one place: the window's web preferences and the rules for
// every web contents (no navigation away, no new windows, no webviews, no permissions).
import type { App, Session, WebContents, WebPreferences } from 'electron';
import { isTrustedUrl } from './ipcBridge.ts';

export function secureWebPreferences(preloadPath: string, options: { devTools: boolean } = { devTools: false }): WebPreferences {
  return {
    preload: preloadPath,
    devTools: options.devTools,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

export function hardenContents(contents: WebContents, rendererUrl: string): void {
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedUrl(url, rendererUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isTrustedUrl(url, rendererUrl)) event.preventDefault();
  });
  // Also for subframes (will-navigate covers the main frame only).
  contents.on('will-frame-navigate', (event) => {
    if (!isTrustedUrl(event.url, rendererUrl)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function hardenApp(app: App, rendererUrl: string): void {
  app.on('web-contents-created', (_event, contents) => hardenContents(contents, rendererUrl));
}

export function denyPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
