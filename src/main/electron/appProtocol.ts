// The renderer is loaded from app://barrage/ instead of file://: a privileged, standard, secure
// scheme gives the page a real origin (file:// pages share one, and can read other local files
// with the file-protocol privileges the fuse now withholds), and only files of the built
// renderer folder can be served from it.
import { join, normalize, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Net, Protocol } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'barrage';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * The desktop page talks to the main process over IPC only: no network at all from the page.
 * Sent as a header on top of the page's own <meta> policy (both are enforced), which also
 * allows the loopback WebSocket that only browser mode (`barrage serve`) uses.
 */
export const DESKTOP_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Must run before the app is ready. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** The file of the renderer folder a request names, or null for anything outside it. */
export function appFileOf(requestUrl: string, rendererDir: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname).replace(/^\/+/, '') || 'index.html';
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  const root = normalize(rendererDir);
  const file = normalize(join(root, relative));
  return file.startsWith(root + sep) ? file : null;
}

export function serveAppProtocol(protocol: Pick<Protocol, 'handle'>, net: Pick<Net, 'fetch'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = appFileOf(request.url, rendererDir);
    if (file === null) return new Response('not found', { status: 404 });
    const response = await net.fetch(pathToFileURL(file).toString());
    if (!file.endsWith('.html')) return response;
    const headers = new Headers(response.headers);
    headers.set('content-security-policy', DESKTOP_CSP);
    return new Response(response.body, { status: response.status, headers });
  });
}
