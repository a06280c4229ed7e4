#!/usr/bin/env node
// Launcher of the `barrage` CLI. Barrage runs its TypeScript sources directly on Node ≥ 22.18
// (type stripping), and better-sqlite3 13 needs Node ≥ 22. On an older system Node this
// re-executes itself with the Node 22 that the project installs as a dev dependency (`node`).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const modern = major > 22 || (major === 22 && minor >= 18);

if (modern) {
  // The bundled CLI when it is fresh (bin/cliBundle.js: a few dozen files instead of ≈ 250,
  // the largest part of start-up); else the sources, and the bundle is built in the background
  // for the next command.
  const { freshBundle, buildInBackground, compileCacheDir } = await import('./cliBundle.js');
  const bundled = freshBundle();
  let cli;
  if (bundled) {
    // V8's code cache for the bundle's files, in this thread and (through the environment) in
    // the load workers and child processes it starts.
    const { enableCompileCache } = await import('node:module');
    process.env.NODE_COMPILE_CACHE ??= compileCacheDir;
    enableCompileCache?.(process.env.NODE_COMPILE_CACHE);
    if (process.env.BARRAGE_DEBUG_STARTUP) process.stderr.write(`barrage: running the bundle ${bundled}\n`);
    ({ cli } = await import(pathToFileURL(bundled).href));
  } else {
    if (process.env.BARRAGE_DEBUG_STARTUP) process.stderr.write('barrage: running the sources\n');
    // Cached type stripping and V8 code cache: about half of the start-up work otherwise.
    await import('./startupCache.js');
    void buildInBackground();
    ({ cli } = await import('../src/main/cli/index.ts'));
  }
  try {
    process.exitCode = await cli(process.argv.slice(2));
  } catch (err) {
    // A bug's stack names the bundle's files (source maps would cost ≈ 0.2 CPU-s at every start).
    if (bundled) process.stderr.write('barrage: unexpected error; BARRAGE_NO_BUNDLE=1 shows its stack in the sources\n');
    throw err;
  }
} else {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(
      `barrage needs Node.js 22.18 or newer (this is ${process.version}); run \`npm install\` in the Barrage folder to get it.\n`,
    );
    process.exit(1);
  }
  const { spawn } = await import('node:child_process');
  const { constants } = await import('node:os');
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C reaches the child from the terminal; the launcher waits for its summary and exit.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  // A child ended by a signal exits as a shell reports it: 128 + the signal's number (130 for
  // SIGINT, 143 for SIGTERM), so scripts can tell an interrupted run from a failed one.
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 1) : 1)));
}
