// The CLI's bundle: Barrage's sources and their npm dependencies bundled by rolldown into a few
// dozen ES module files, so that `barrage run` loads ≈ 45 files instead of ≈ 60 TypeScript
// sources and ≈ 200 dependency files (zod alone is 95, semver 47, hdr-histogram-js 28). Node's
// module loader (resolution, package.json lookups, one read and one compile per file) was the
// largest part of `barrage run`'s start-up (docs/PERFORMANCE.md, "Start-up", session 5).
//
// Nothing has to be built by hand: bin/barrage.js uses the bundle when it is fresh, and else
// runs the sources as before (bin/startupCache.js) and starts this file in the background to
// (re)build it for the next command. "Fresh" means every source file that went into the bundle
// has the size and modification time it had when the bundle was built, and neither
// package.json nor the installed dependencies (node_modules/.package-lock.json) changed: about
// 250 stat calls, ≈ 2 ms. Each build goes into a directory of its own (running commands keep
// loading their lazy chunks from theirs), and `current.json` names the newest; directories a
// day old are removed. Where rolldown is not installed (a production install, the container
// image) or the cache cannot be written, the sources run as before.
//
//   node bin/cliBundle.js          build now if stale (waits for a build under way); exit 0 when fresh
//   BARRAGE_NO_BUNDLE=1 barrage …  run the sources, never the bundle
//   BARRAGE_BUNDLE_DIR=DIR node bin/cliBundle.js   build once into DIR (the container image's
//                                  build stage); BARRAGE_BUNDLE_DIR=DIR barrage … then runs it
//                                  as it is, without the freshness check (an image never changes)
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const cacheDir = join(root, 'node_modules', '.cache', 'barrage', 'cli');
const currentFile = join(cacheDir, 'current.json');
const lockFile = join(cacheDir, 'build.lock');
const failedFile = join(cacheDir, 'failed.json');

/** Entries, named as the sources expect their siblings (runController.ts, processWorker.ts, …). */
const ENTRIES = {
  barrage: 'src/main/cli/index.ts',
  engineWorker: 'src/main/engine/worker/workerEntry.ts',
  engineProcess: 'src/main/engine/worker/processEntry.ts',
  showdownTarget: 'src/main/showdown/targetThread.ts',
  targetProcess: 'src/main/target/targetProcessEntry.ts',
};

/**
 * Edits of dependency files in the bundle, each for start-up work that a Barrage run does not
 * need. An edit whose text is not found (the dependency changed) is skipped: the bundle then does
 * what the installed package does, and tests/cliBundle.test.ts fails on the lost saving.
 */
export const DEPENDENCY_TRIMS = [
  {
    // autocannon compiles hdr-histogram-js's WebAssembly module when its histUtil.js loads
    // (inflating it with pako first: ≈ 15–20 ms of a run's start-up), for the three histograms
    // it builds when its caller gives none. Barrage gives all three (httpLoad.ts, NO_HISTOGRAM):
    // the module is compiled only when a histogram is missing, as before.
    file: 'node_modules/autocannon/lib/histUtil.js',
    find: 'hdr.initWebAssemblySync()\n\nconst getHistograms = ({',
    replace:
      'const getHistograms = (given = {}) => {\n' +
      '  if (!given.latencies || !given.requests || !given.throughput) hdr.initWebAssemblySync()\n' +
      '  return defaultHistograms(given)\n' +
      '}\n\nconst defaultHistograms = ({',
  },
  {
    // autocannon loads semver (47 modules) to ask whether Node is at least 11.7 for its worker
    // mode; Barrage requires Node 22 (package.json "engines"), and never uses that mode.
    file: 'node_modules/autocannon/lib/util.js',
    find: "const semver = require('semver')\nconst hasWorkerSupport = semver.gte(process.versions.node, '11.7.0')",
    replace: "const hasWorkerSupport = true // Node >= 22 (Barrage's engines): semver not loaded",
  },
  {
    // hdr-histogram-js builds an Intl.NumberFormat when its log writer module loads (its package
    // entry loads every module), and the first Intl number format of a process loads ICU's data:
    // ≈ 25 CPU-ms and more wall time before a run's first request, for a log format Barrage never
    // writes. Built on its first use instead.
    file: 'node_modules/hdr-histogram-js/dist/HistogramLogWriter.js',
    find: 'const timeFormatter = (0, formatters_1.floatFormatter)(5, 3);',
    replace: 'let timeFormat;\nconst timeFormatter = (t) => (timeFormat ??= (0, formatters_1.floatFormatter)(5, 3))(t);',
  },
];

/** The rolldown plugin that applies DEPENDENCY_TRIMS. */
function trimDependencies() {
  const byFile = new Map(DEPENDENCY_TRIMS.map((t) => [join(root, t.file), t]));
  return {
    name: 'barrage-trim-dependencies',
    transform(code, id) {
      const trim = byFile.get(id);
      if (!trim || !code.includes(trim.find)) return null;
      return { code: code.replace(trim.find, trim.replace), map: null };
    },
  };
}

/** Files that change what a build produces besides the bundled sources themselves. */
const STAMPS = ['package.json', 'node_modules/.package-lock.json', 'bin/cliBundle.js'];

/** A build that has not finished after this long is taken for dead (its lock is ignored). */
const LOCK_STALE_MS = 120_000;
/** After a failed build (a syntax error being edited), wait this long before trying again. */
const RETRY_AFTER_FAILURE_MS = 60_000;
/** Build directories older than this, other than the current one, are removed… */
const KEEP_OLD_BUILDS_MS = 24 * 3600_000;
/** …and beyond the newest few, those older than an hour (a day of edits would pile up). */
const KEEP_NEWEST_BUILDS = 6;
const KEEP_RECENT_BUILDS_MS = 3600_000;

/** [path relative to `base`, modification time (ms), size]; a missing file's are -1. */
export function stampOf(rel, base = root) {
  try {
    const s = statSync(join(base, rel));
    return [rel, s.mtimeMs, s.size];
  } catch {
    return [rel, -1, -1];
  }
}

/** The first of `inputs` (stamps as stampOf's) whose file changed since, or null when none did. */
export function firstChanged(inputs, base = root) {
  for (const [rel, mtimeMs, size] of inputs) {
    const [, m, s] = stampOf(rel, base);
    if (m !== mtimeMs || s !== size) return rel;
  }
  return null;
}

/**
 * The bundle's entry file (absolute path) when a fresh build exists; else null. Never throws.
 * `entry`: one of ENTRIES' names.
 */
export function freshBundle(entry = 'barrage') {
  if (process.env.BARRAGE_NO_BUNDLE) return null;
  if (process.env.BARRAGE_BUNDLE_DIR) {
    const prebuilt = join(process.env.BARRAGE_BUNDLE_DIR, `${entry}.js`);
    return existsSync(prebuilt) ? prebuilt : null;
  }
  let current;
  try {
    current = JSON.parse(readFileSync(currentFile, 'utf8'));
  } catch {
    return null;
  }
  if (!current || !Array.isArray(current.inputs) || typeof current.dir !== 'string') return null;
  if (firstChanged(current.inputs) !== null) return null;
  const file = join(cacheDir, current.dir, `${entry}.js`);
  return existsSync(file) ? file : null;
}

function lockIsHeld() {
  try {
    return Date.now() - statSync(lockFile).mtimeMs < LOCK_STALE_MS;
  } catch {
    return false;
  }
}

function failedRecently() {
  try {
    return Date.now() - statSync(failedFile).mtimeMs < RETRY_AFTER_FAILURE_MS;
  } catch {
    return false;
  }
}

function rolldownInstalled() {
  return existsSync(join(root, 'node_modules', 'rolldown', 'package.json'));
}

/**
 * Starts a build in a detached background process, unless one is under way, the last one failed
 * a moment ago, or rolldown is not installed. The command that calls this runs the sources.
 */
export async function buildInBackground() {
  if (process.env.BARRAGE_NO_BUNDLE || !rolldownInstalled() || lockIsHeld() || failedRecently()) return;
  try {
    mkdirSync(cacheDir, { recursive: true });
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { detached: true, stdio: 'ignore', cwd: root, env: { ...process.env, BARRAGE_BUNDLE_QUIET: '1' } });
    child.on('error', () => {});
    child.unref();
  } catch {
    /* not writable, or no process could be started: the sources keep running */
  }
}

/** Takes the build lock; false when another live build holds it. */
function takeLock() {
  mkdirSync(cacheDir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      closeSync(openSync(lockFile, 'wx'));
      writeFileSync(lockFile, `${process.pid}\n`);
      return true;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (lockIsHeld()) return false;
      rmSync(lockFile, { force: true }); // a dead build's lock
    }
  }
  return false;
}

/**
 * Builds the bundle into a new directory and makes it current. Returns the build's directory.
 * With `into`, builds into that directory only (no manifest: BARRAGE_BUNDLE_DIR runs it as it is).
 */
export async function buildBundle({ into } = {}) {
  const { build } = await import('rolldown');
  // A file saved while the build reads the sources may be in it in either version: its stamp is
  // then one no file has, so the next command sees the bundle as stale and builds again.
  const startedAt = Date.now() - 1000;
  const dir = `b-${Date.now().toString(36)}-${process.pid}`;
  const outDir = into ?? join(cacheDir, dir);
  const result = await build({
    cwd: root,
    input: Object.fromEntries(Object.entries(ENTRIES).map(([name, file]) => [name, join(root, file)])),
    platform: 'node',
    // better-sqlite3 finds its native binding relative to its own files (the `bindings`
    // package walks the stack); electron and vite are never part of the CLI's own graph.
    external: [/^better-sqlite3(\/|$)/, /^electron(\/|$)/, /^vite(\/|$)/],
    // hdr-histogram-js reaches zlib through `eval('require("zlib")')`, which works bundled too.
    checks: { eval: false },
    plugins: [trimDependencies()],
    logLevel: process.env.BARRAGE_BUNDLE_QUIET ? 'silent' : 'warn',
    write: true,
    output: {
      dir: outDir,
      format: 'esm',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunk-[hash].js',
      // No source maps: they would more than double each build's size (≈ 4 → 11 MB), and
      // Node would read them at every start only when asked to; BARRAGE_NO_BUNDLE=1 shows a
      // bug's stack in the sources.
    },
  });
  // ES modules, said so: without a package.json of its own a .js file under node_modules is taken
  // for CommonJS, and Node would first try (and fail) to compile every chunk as such.
  writeFileSync(join(outDir, 'package.json'), '{"type":"module"}\n');
  if (into) return outDir;
  const inputs = new Set(STAMPS);
  for (const out of result.output) {
    if (out.type !== 'chunk') continue;
    for (const id of out.moduleIds) {
      if (!id.startsWith(root) || id.includes(`${sep}node_modules${sep}`)) continue;
      inputs.add(relative(root, id).split(sep).join('/'));
    }
  }
  const stamps = [...inputs].sort().map((rel) => stampOf(rel)).map(([rel, m, size]) => (m >= startedAt ? [rel, -2, -2] : [rel, m, size]));
  const manifest = { dir, builtAt: new Date().toISOString(), inputs: stamps };
  const temp = `${currentFile}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(manifest));
  renameSync(temp, currentFile);
  removeOldBuilds(dir);
  return outDir;
}

/**
 * Removes old build directories. A command still running from one (`barrage serve` for hours)
 * loads its lazy chunks from there, hence the hour and the day rather than "all but current".
 */
function removeOldBuilds(keep) {
  const builds = [];
  for (const name of readdirSync(cacheDir)) {
    if (!name.startsWith('b-') || name === keep) continue;
    try {
      builds.push({ path: join(cacheDir, name), age: Date.now() - statSync(join(cacheDir, name)).mtimeMs });
    } catch {
      /* removed by another build meanwhile */
    }
  }
  builds.sort((a, b) => a.age - b.age);
  builds.forEach(({ path, age }, i) => {
    if (age > KEEP_OLD_BUILDS_MS || (i >= KEEP_NEWEST_BUILDS && age > KEEP_RECENT_BUILDS_MS)) rmSync(path, { recursive: true, force: true });
  });
}

/** Builds when stale, under the lock; waits (bounded) for a build another process is making. */
export async function ensureBundle({ waitMs = 120_000 } = {}) {
  if (freshBundle()) return true;
  const deadline = Date.now() + waitMs;
  while (!takeLock()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
    if (freshBundle()) return true;
  }
  try {
    if (freshBundle()) return true;
    await buildBundle();
    rmSync(failedFile, { force: true });
    return freshBundle() !== null;
  } catch (err) {
    writeFileSync(failedFile, JSON.stringify({ at: new Date().toISOString(), error: String(err?.stack ?? err) }));
    throw err;
  } finally {
    rmSync(lockFile, { force: true });
  }
}

export const bundleCacheDir = cacheDir;
/** Node's compile cache (V8 code cache), shared with bin/startupCache.js. */
export const compileCacheDir = join(root, 'node_modules', '.cache', 'barrage', 'v8');

// Run as a script: build now (the launcher's background build, `npm run bench`, CI).
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url && process.env.BARRAGE_BUNDLE_DIR) {
  const into = await buildBundle({ into: process.env.BARRAGE_BUNDLE_DIR });
  process.stderr.write(`CLI bundle built into ${into}\n`);
} else if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  try {
    // A background build gives way to one under way; run by hand, it waits for it.
    const ok = await ensureBundle({ waitMs: process.env.BARRAGE_BUNDLE_QUIET ? 0 : 120_000 });
    if (!process.env.BARRAGE_BUNDLE_QUIET) process.stderr.write(ok ? `CLI bundle fresh: ${dirname(freshBundle())}\n` : 'CLI bundle: not fresh (a source changed during the build, or another build did not finish in time)\n');
    process.exitCode = ok ? 0 : 1;
  } catch (err) {
    if (!process.env.BARRAGE_BUNDLE_QUIET) process.stderr.write(`CLI bundle: build failed: ${err?.stack ?? err}\n`);
    process.exitCode = 1;
  }
}
