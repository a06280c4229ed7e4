// `barrage serve` serves the same renderer the desktop app ships. From a source checkout it
// builds it on first use (and again when its sources changed), so no manual build step is
// needed after `npm install`.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot as findProjectRoot } from '../appVersion.ts';

// The checkout's root: three folders above this source file, or above the CLI's bundle in
// node_modules/.cache (bin/cliBundle.js), so it is looked up rather than counted.
const projectRoot = findProjectRoot();
export const rendererOutDir = join(projectRoot, 'out/renderer');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function rendererIsStale(): boolean {
  const index = join(rendererOutDir, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(newestMtime(join(projectRoot, 'src/renderer')), newestMtime(join(projectRoot, 'src/shared')));
  return sources > built;
}

/**
 * Builds the renderer when it is missing or older than its sources (`stale`: the check, for tests).
 * Vite's warnings (chunk sizes, a dependency's eval) speak to Barrage's developers, not to a user
 * starting `barrage serve` from a fresh clone: only errors are printed.
 */
export async function ensureRendererBuilt(log: (line: string) => void = () => {}, stale: () => boolean = rendererIsStale): Promise<string> {
  if (!stale()) return rendererOutDir;
  log('building the user interface (first start, or its sources changed)…');
  const { build } = await import('vite');
  // Imported by its path, not a literal specifier, so the CLI's bundle leaves it (and vite's
  // plugins) to be loaded from the checkout when `barrage serve` needs a build.
  const configUrl = pathToFileURL(join(projectRoot, 'vite.renderer.config.ts')).href;
  const { rendererConfig } = (await import(configUrl)) as typeof import('../../../vite.renderer.config.ts');
  await build({ ...rendererConfig, configFile: false, logLevel: 'error' });
  return rendererOutDir;
}
