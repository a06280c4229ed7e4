// The CLI as users run it: from its bundle (bin/cliBundle.js), with everything a run does not
// need loaded lazily. A run is still stored, a report and a comparison still load their code,
// and the start-up to the first request stays well below running the sources.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript (it runs before any TypeScript can be loaded), no types
import { bundleCacheDir, ensureBundle } from '../bin/cliBundle.js';
import { timeFirstRequest, type StartupMeasurement } from '../bench/startupProbe.ts';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { runCli } from './support/cliProcess.ts';

let target: DemoTarget;
const dir = mkdtempSync(join(tmpdir(), 'barrage-bundle-'));
const db = join(dir, 'history.db');
const debug = { BARRAGE_DEBUG_STARTUP: '1', BARRAGE_DB: db };

beforeAll(async () => {
  // Builds it when the sources changed since the last build (or waits for a build under way).
  expect(await (ensureBundle as () => Promise<boolean>)()).toBe(true);
  target = await startDemoTarget();
}, 180_000);
afterAll(async () => {
  await target?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the bundled CLI', () => {
  it('runs from the bundle, stores the run, and loads report and compare lazily', async () => {
    // One run on this thread (one worker, inline), one on two load worker threads (their entry
    // is bundled too).
    for (const workers of ['1', '2']) {
      const run = await runCli(['run', target.httpUrl, '-c', '2', '-d', '1', '-q', '-w', workers], debug);
      expect(run.stderr).toMatch(/^barrage: running the bundle .*node_modules\/\.cache\/barrage\/cli\/b-[^/]+\/barrage\.js$/m);
      expect(run.code, run.stderr).toBe(0);
    }
    const list = await runCli(['runs', 'list', '--json'], debug);
    expect(list.code, list.stderr).toBe(0);
    const { runs } = JSON.parse(list.stdout) as { runs: { id: number; status: string }[] };
    expect(runs.map((r) => r.status)).toEqual(['completed', 'completed']);

    const html = join(dir, 'report.html');
    const report = await runCli(['report', String(runs[0].id), '-o', html], debug);
    expect(report.code, report.stderr).toBe(0);
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/i);

    const compare = await runCli(['compare', String(runs[1].id), String(runs[0].id)], debug);
    expect(compare.stderr).toMatch(/running the bundle/);
    expect(compare.stdout).toMatch(/Result:/);
  });

  it('runs with load workers in child processes (their entry is bundled too)', async () => {
    const run = await runCli(['run', target.httpUrl, '-c', '2', '-d', '1', '-q', '--no-save', '--json', '--processes', '2'], debug);
    expect(run.code, run.stderr).toBe(0);
    const summary = JSON.parse(run.stdout) as { status: string; throughput: { total: number } };
    expect(summary.status).toBe('completed');
    expect(summary.throughput.total).toBeGreaterThan(0);
  });

  it('compiles no WebAssembly, loads no semver and loads no ICU number format for an HTTP run (dependencies trimmed in the bundle)', async () => {
    // A preload counts WebAssembly compilations and Intl number formats (the first one loads
    // ICU's data), and lists every file the process loads.
    const preload = join(dir, 'probe.mjs');
    writeFileSync(
      preload,
      `import module from 'node:module';
      import { writeFileSync } from 'node:fs';
      let wasm = 0;
      let intl = 0;
      const loaded = [];
      WebAssembly.Module = new Proxy(WebAssembly.Module, { construct(t, a, n) { wasm++; return Reflect.construct(t, a, n); } });
      for (const k of ['compile', 'instantiate']) { const f = WebAssembly[k]; WebAssembly[k] = (...a) => { wasm++; return f(...a); }; }
      Intl.NumberFormat = new Proxy(Intl.NumberFormat, { construct(t, a, n) { intl++; return Reflect.construct(t, a, n); }, apply(t, th, a) { intl++; return Reflect.apply(t, th, a); } });
      const toLocale = Number.prototype.toLocaleString;
      Number.prototype.toLocaleString = function (...a) { intl++; return toLocale.apply(this, a); };
      module.registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
      process.on('exit', () => writeFileSync(process.env.PROBE_OUT, JSON.stringify({ wasm, intl, loaded })));`,
    );
    const probe = async (env: NodeJS.ProcessEnv) => {
      const out = join(dir, `probe-${Date.now()}.json`);
      // --json: the text summary at the end formats its numbers with Intl, after the load.
      const run = await runCli(['run', target.httpUrl, '-c', '1', '-d', '0.5', '-q', '--no-save', '--json'], { ...debug, ...env, NODE_OPTIONS: `--import=${preload}`, PROBE_OUT: out });
      expect(run.code, run.stderr).toBe(0);
      const seen = JSON.parse(readFileSync(out, 'utf8')) as { wasm: number; intl: number; loaded: string[] };
      // semver's files (the sources), or its code in a chunk of the bundle (rolldown marks each module).
      const chunks = seen.loaded.filter((u) => u.includes('/.cache/barrage/cli/')).map((u) => readFileSync(fileURLToPath(u), 'utf8'));
      const semver = seen.loaded.some((u) => u.includes('/node_modules/semver/')) || chunks.some((text) => /^\/\/ node_modules\/semver\//m.test(text));
      return { wasm: seen.wasm, intl: seen.intl, semver };
    };
    expect(await probe({})).toEqual({ wasm: 0, intl: 0, semver: false });
    // The check can fail: autocannon and hdr-histogram-js as installed (the sources) compile it,
    // load semver and build a number format (and Node's type stripper, WebAssembly too, may add
    // one when a source changed).
    const sources = await probe({ BARRAGE_NO_BUNDLE: '1' });
    expect(sources.wasm).toBeGreaterThanOrEqual(1);
    expect(sources.semver).toBe(true);
    expect(sources.intl).toBeGreaterThanOrEqual(1);
  });

  it('builds once into a folder that BARRAGE_BUNDLE_DIR then runs as it is (the container image)', async () => {
    // Inside node_modules, as /opt/barrage/cli is beside the image's node_modules: better-sqlite3
    // stays outside the bundle and is found from there.
    const into = join(bundleCacheDir as string, '..', `prebuilt-test-${process.pid}`);
    try {
      await promisify(execFile)(process.execPath, [fileURLToPath(new URL('../bin/cliBundle.js', import.meta.url))], { env: { ...process.env, BARRAGE_BUNDLE_DIR: into, BARRAGE_BUNDLE_QUIET: '1' }, timeout: 180_000 });
      const run = await runCli(['run', target.httpUrl, '-c', '1', '-d', '0.5', '-q', '--no-save', '--json', '-w', '2'], { ...debug, BARRAGE_BUNDLE_DIR: into });
      expect(run.stderr).toContain(`barrage: running the bundle ${join(into, 'barrage.js')}`);
      expect(run.code, run.stderr).toBe(0);
      expect((JSON.parse(run.stdout) as { status: string }).status).toBe('completed');
    } finally {
      rmSync(into, { recursive: true, force: true });
    }
  }, 240_000);

  it('reaches its first request on far less CPU than the sources do', async () => {
    // Alternating rounds; CPU seconds of the `barrage` process at the moment the target sees
    // the first request (wall time says little on a shared machine). Quiet: ≈ 0.35 against ≈ 0.57.
    const bundled: StartupMeasurement[] = [];
    const sources: StartupMeasurement[] = [];
    const args = ['--db', db];
    for (let round = 0; round < 2; round++) {
      bundled.push(await timeFirstRequest(args));
      sources.push(await timeFirstRequest(args, { ...process.env, BARRAGE_NO_BUNDLE: '1' }));
    }
    const best = (ms: StartupMeasurement[]) => Math.min(...ms.map((m) => m.cpuSec ?? Number.NaN));
    const line = `bundle ${bundled.map((m) => m.cpuSec).join(', ')} CPU-s; sources ${sources.map((m) => m.cpuSec).join(', ')} CPU-s`;
    expect(best(bundled), line).toBeLessThan(0.85 * best(sources));
    // A gross regression (something heavy loaded eagerly again) even on a busy machine.
    expect(best(bundled), line).toBeLessThan(1.0);
  });
});

it('keeps its build outside the checkout', () => {
  expect(existsSync(join(import.meta.dirname, '..', 'node_modules', '.cache', 'barrage', 'cli', 'current.json'))).toBe(true);
});
