// Electron hardening that is static (issue #10 item 15): fuses in the packaging config, no
// DevTools in a packaged build, the app:// file mapping, and a renderer CSP without the
// loopback WebSocket sources that only browser mode needs.
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => import('../fakes/electron.ts'));

describe('Electron hardening', () => {
  it('the packaging config sets the fuses', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { build: { electronFuses: Record<string, boolean> } };
    expect(pkg.build.electronFuses).toMatchObject({
      runAsNode: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
      enableCookieEncryption: true,
    });
  });

  it('a packaged build has no DevTools: not in the web preferences, not in the menu', async () => {
    const { secureWebPreferences } = await import('../../src/main/electron/windowSecurity.ts');
    const { menuTemplate } = await import('../../src/main/electron/appMenu.ts');
    expect(secureWebPreferences('/p.cjs', { devTools: false }).devTools).toBe(false);
    const roles = (items: unknown[]): string[] =>
      items.flatMap((i) => {
        const item = i as { role?: string; submenu?: unknown[] };
        return [...(item.role ? [item.role] : []), ...(Array.isArray(item.submenu) ? roles(item.submenu) : [])];
      });
    const info = () => ({ version: '0', versions: { node: '22' }, platform: 'linux', databasePath: '/x' }) as never;
    expect(roles(menuTemplate(info, () => undefined, { devTools: false }))).not.toContain('toggleDevTools');
    expect(roles(menuTemplate(info, () => undefined, { devTools: true }))).toContain('toggleDevTools');
  });

  it('app:// maps only into the renderer folder', async () => {
    const { appFileOf } = await import('../../src/main/electron/appProtocol.ts');
    expect(appFileOf('app://barrage/index.html', '/r')).toBe('/r/index.html');
    expect(appFileOf('app://barrage/', '/r')).toBe('/r/index.html');
    expect(appFileOf('app://barrage/assets/a.js', '/r')).toBe('/r/assets/a.js');
    // The URL parser resolves dot segments (also %2e%2e) before we see the path: it stays inside.
    expect(appFileOf('app://barrage/%2e%2e/%2e%2e/etc/passwd', '/r')).toBe('/r/etc/passwd');
    expect(appFileOf('app://barrage/..%2f..%2fetc%2fpasswd', '/r')).toBeNull();
    expect(appFileOf('app://barrage/%E0%A4%A', '/r')).toBeNull();
    expect(appFileOf('app://evil/index.html', '/r')).toBeNull();
    expect(appFileOf('file:///r/index.html', '/r')).toBeNull();
  });

  it('connect-src: the desktop page may connect nowhere; the shared page only to its own origin', async () => {
    const { DESKTOP_CSP } = await import('../../src/main/electron/appProtocol.ts');
    expect(DESKTOP_CSP).toMatch(/connect-src 'none'/);
    const html = readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8');
    const csp = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)![1];
    expect(csp).toMatch(/connect-src 'self';/);
    expect(csp).not.toMatch(/ws:\/\/127\.0\.0\.1:\*|ws:\/\/localhost:\*/);
  });
});
