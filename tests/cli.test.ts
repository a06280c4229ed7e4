// The headless CLI, run as a real process: help, one-line input errors, JSON output, Ctrl-C.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoTarget, type DemoTarget } from '../src/main/target/demoTarget.ts';
import { BIN, runCli, startCli } from './support/cliProcess.ts';

let target: DemoTarget;
const dir = mkdtempSync(join(tmpdir(), 'barrage-cli-'));
const env = { BARRAGE_DB: join(dir, 'cli.db') };

beforeAll(async () => {
  target = await startDemoTarget();
});
afterAll(async () => {
  await target.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('barrage CLI', () => {
  it('prints help and its version', async () => {
    const help = await runCli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: barrage <command>/);
    expect(help.stdout).toMatch(/run <url>/);
    const runHelp = await runCli(['run', '--help'], env);
    expect(runHelp.stdout).toMatch(/--connections N/);
    const version = await runCli(['--version'], env);
    expect(version.stdout).toMatch(/^barrage \d+\.\d+\.\d+/);
  });

  it.each([
    [['run', 'http//bad'], /^barrage run: url: "http\/\/bad" is not a valid URL$/m],
    [['run', 'ftp://127.0.0.1/'], /scheme ftp is not supported/],
    [['run', 'http://127.0.0.1/', '-c', '0'], /--connections \(connections\): must be at least 1/],
    [['run', 'http://127.0.0.1/', '-c', 'many'], /--connections: "many" is not a number/],
    [['run', 'http://127.0.0.1/', '-c', '999999'], /must be at most 50,000/],
    [['run', 'http://127.0.0.1/', '-b', '{"a":'], /--body \(body\): is not valid JSON/],
    [['run', 'ws://127.0.0.1/', '-m', 'POST'], /--method applies to HTTP URLs only/],
    [['run', 'http://127.0.0.1/', '--frobnicate'], /^barrage run: unknown option --frobnicate \(see --help\)\n$/],
    [['run', '--scenario', '/nonexistent/s.json'], /--scenario: cannot read \/nonexistent\/s\.json \(ENOENT\)/],
    [['run', 'ws://127.0.0.1/', '-c', '30000'], /connections: 30,000 is more than one source address can open towards one target .*--source-addresses/],
    [['run', 'ws://127.0.0.1/', '--source-addresses', '127.0.0.2,localhost'], /--source-addresses \(sourceAddresses\): "localhost" is not an IP address/],
    [['launch'], /unknown command "launch"/],
  ])('rejects %j with one line and exit code 2', async (args, message) => {
    const r = await runCli(args, env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('runs against the demo target and prints the summary as JSON', async () => {
    const r = await runCli(['run', `${target.httpUrl}/`, '-d', '2', '-c', '4', '-w', '1', '--json'], env);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ protocol: 'http', status: 'completed' });
    expect(s.durationSec).toBeCloseTo(2, 0);
    expect(s.throughput.perSec).toBeGreaterThan(100);
    for (const k of ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max']) expect(typeof s.latencyUs[k]).toBe('number');
    expect(s.errors.total).toBe(0);
    expect(s.connections.opened).toBe(4);
    expect(s.generator).toMatchObject({ workers: 1, saturated: expect.any(Boolean) });
    // One progress line per second on stderr.
    expect(r.stderr.split('\n').filter((l) => /req\/s/.test(l)).length).toBeGreaterThanOrEqual(2);
  });

  it('stores every run in the history unless --no-save, with tags and a note', async () => {
    const db = { BARRAGE_DB: join(dir, 'history.db') };
    const saved = await runCli(['run', `${target.httpUrl}/`, '-a', '200', '-c', '2', '-w', '1', '--json', '-q', '--tag', 'ci', '--tag', 'smoke', '--note', 'nightly'], db);
    expect(saved.code).toBe(0);
    const { runId } = JSON.parse(saved.stdout);
    expect(runId).toBeGreaterThan(0);
    const unsaved = await runCli(['run', `${target.httpUrl}/`, '-a', '50', '-c', '1', '-w', '1', '--json', '-q', '--no-save'], db);
    expect(JSON.parse(unsaved.stdout).runId).toBeUndefined();
    const list = await runCli(['runs', 'list', '--json'], db);
    const listed = JSON.parse(list.stdout);
    const runs = Array.isArray(listed) ? listed : listed.runs;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: runId, status: 'completed', tags: ['ci', 'smoke'], notes: 'nightly' });
    const show = await runCli(['runs', 'show', String(runId)], db);
    expect(show.stdout).toMatch(/Throughput/);
  });

  it('names the database file when it is not one, and suggests --no-save', async () => {
    const bogus = join(dir, 'not-a-db.db');
    writeFileSync(bogus, 'this is not SQLite');
    const r = await runCli(['run', `${target.httpUrl}/`, '-a', '10', '-c', '1', '--db', bogus], env);
    // Every command maps an unusable history to exit 1 (src/main/cli/history.ts), as runs list does.
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(bogus);
    expect(r.stderr).toMatch(/--no-save/);
  });

  it('runs a scenario file, with flags overriding it', async () => {
    const file = join(dir, 'scenario.json');
    writeFileSync(file, JSON.stringify({ protocol: 'http', url: `${target.httpUrl}/echo`, method: 'POST', body: '{"a":1}', bodyType: 'json', connections: 2, amount: 100 }));
    const r = await runCli(['run', '--scenario', file, '-a', '60', '--json', '-q', '-w', '1'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).throughput.total).toBe(60);

    writeFileSync(file, JSON.stringify({ protocol: 'http', url: `${target.httpUrl}/`, connections: -3 }));
    const bad = await runCli(['run', '--scenario', file], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--connections \(connections\): must be at least 1/);
  });

  it('stops cleanly on Ctrl-C and still prints the summary', async () => {
    const { child, done } = startCli(['run', `${target.httpUrl}/`, '-d', '60', '-c', '2', '-w', '1'], env);
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        if (/req\/s/.test(d.toString())) resolve();
      });
    });
    const sentAt = Date.now();
    child.kill('SIGINT');
    const r = await done;
    expect(Date.now() - sentAt).toBeLessThan(5000);
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/Status\s+stopped/);
    expect(r.stdout).toMatch(/Throughput/);
  });

  it('the launcher exits as a shell reports a signal: 128 + its number (137 for a killed Node 22 child)', async () => {
    // The system Node of our machines (20) is older than 22.18, so bin/barrage.js started with
    // it re-executes itself with the pinned Node 22: kill that child and the launcher must say
    // how it ended. (The tests themselves run on the pinned Node, which needs no launcher.)
    const systemNode = '/usr/bin/node';
    expect(execFileSync(systemNode, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim()).toMatch(/^(1\d|20|21|22\.(\d|1[0-7]))\./);
    const child = spawn(systemNode, [BIN, 'target', '--port', '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const done = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('HTTP') && resolve()));
    const pids = execFileSync('pgrep', ['-P', String(child.pid)], { encoding: 'utf8' }).trim().split('\n').map(Number);
    expect(pids).toHaveLength(1);
    process.kill(pids[0], 'SIGKILL');
    expect(await done).toBe(137);
  });

  it('starts the demo target and prints its URLs', async () => {
    const { child, done } = startCli(['target', '--port', '0'], env);
    const out = await new Promise<string>((resolve) => {
      let text = '';
      child.stdout!.on('data', (d: Buffer) => {
        text += d.toString();
        if (text.includes('Push')) resolve(text);
      });
    });
    expect(out).toMatch(/HTTP\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(out).toMatch(/WebSocket\s+ws:\/\/127\.0\.0\.1:\d+\/ws\/echo/);
    child.kill('SIGINT');
    expect((await done).code).toBe(0);
  });
});
