#!/usr/bin/env node
// Launcher of the `barrage` CLI. Barrage runs its TypeScript sources directly on Node ≥ 22.18
// (type stripping), and better-sqlite3 13 needs Node ≥ 22. On an older system Node this
// re-executes itself with the Node 22 that the project installs as a dev dependency (`node`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
const modern = major > 22 || (major === 22 && minor >= 18);

if (modern) {
  // Cached type stripping and V8 code cache: about half of the start-up work otherwise.
  await import('./startupCache.js');
  const { cli } = await import('../src/main/cli/index.ts');
  process.exitCode = await cli(process.argv.slice(2));
} else {
  const pinned = fileURLToPath(new URL('../node_modules/node/bin/node', import.meta.url));
  if (!existsSync(pinned)) {
    process.stderr.write(
      `barrage needs Node.js 22.18 or newer (this is ${process.version}); run \`npm install\` in the Barrage folder to get it.\n`,
    );
    process.exit(1);
  }
  const child = spawn(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C reaches the child from the terminal; the launcher waits for its summary and exit.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  // A child ended by a signal exits as a shell reports it: 128 + the signal's number (130 for
  // SIGINT, 143 for SIGTERM), so scripts can tell an interrupted run from a failed one.
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 1) : 1)));
}
