// `npm start` offline: scripts/ensureElectron.ts runs Electron's installer, which fails with a raw
// `TypeError: fetch failed` and its stack. Only the friendly explanation may reach the terminal.
// The script runs against a stand-in electron package whose installer fails exactly that way.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'barrage-ensure-electron-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ensureElectron offline', () => {
  it('prints the explanation only, no TypeError or stack, and exits 1', () => {
    mkdirSync(join(dir, 'scripts'));
    copyFileSync(join(import.meta.dirname, '..', '..', 'scripts', 'ensureElectron.ts'), join(dir, 'scripts', 'ensureElectron.ts'));
    const electron = join(dir, 'node_modules', 'electron');
    mkdirSync(electron, { recursive: true });
    writeFileSync(join(electron, 'package.json'), '{"name":"electron","version":"0.0.0"}');
    // As Electron's install.js does offline: an unhandled rejection from fetch.
    writeFileSync(join(electron, 'install.js'), "Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: new Error('getaddrinfo ENOTFOUND') }));\n");
    const r = spawnSync(process.execPath, [join(dir, 'scripts', 'ensureElectron.ts')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const out = r.stdout + r.stderr;
    expect(out).toContain('The Electron binary could not be downloaded');
    expect(out).toContain('npx barrage serve');
    expect(out).not.toMatch(/TypeError|fetch failed|\n\s+at /);
  });
});
