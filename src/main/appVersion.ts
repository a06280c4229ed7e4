// Barrage's version, from the package.json above this file: the sources are three folders deep,
// the bundled app (out/main) two, so look upwards rather than hard-code the depth.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

function findPackage(): { root: string; version: string } {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  // Sources: three folders deep; the app's bundle (out/main): two; the CLI's bundle
  // (node_modules/.cache/barrage/cli/<build>, bin/cliBundle.js): five.
  for (let i = 0; i < 7; i++) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'barrage' && pkg.version) return (cached = { root: dir, version: pkg.version });
    }
    dir = dirname(dir);
  }
  return (cached = { root: fileURLToPath(new URL('../../', import.meta.url)), version: 'unknown' });
}

export function appVersion(): string {
  return findPackage().version;
}

/** The folder of Barrage's package.json (the checkout or the installed package). */
export function projectRoot(): string {
  return findPackage().root;
}
