// Runs before `npm start`: Electron 45 fetches its binary on first use rather than at install,
// and electron-vite refuses to start without it. Fetch it here, with a clear message when that
// is not possible (no internet): the browser interface needs no binary (`npx barrage serve`).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);
const electronDir = dirname(require.resolve('electron/package.json'));
const pathFile = join(electronDir, 'path.txt');

const installed = existsSync(pathFile) && existsSync(join(electronDir, 'dist', readFileSync(pathFile, 'utf8')));
if (!installed) {
  process.stderr.write('Fetching the Electron binary (first start only)…\n');
  // Electron's installer reports an offline machine as a raw `TypeError: fetch failed` and its
  // stack: its stderr is kept back and only the explanation below is printed.
  const result = spawnSync(process.execPath, [join(electronDir, 'install.js')], { stdio: ['ignore', 'inherit', 'pipe'] });
  if (result.status !== 0) {
    process.stderr.write(
      '\nThe Electron binary could not be downloaded, so the desktop window cannot open here.\n' +
        'Everything else works without it; for the same interface in a browser run:\n  npx barrage serve\n',
    );
    process.exit(1);
  }
}
