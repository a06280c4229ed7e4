// `barrage showdown` as a process: help, input errors naming the flag, the table as text, and
// --json that parses, with the runs saved in the history as one group.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/main/store/runStore.ts';
import type { ShowdownResult } from '../src/shared/showdown.ts';
import { runCli } from './support/cliProcess.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-showdown-cli-'));
const env = { BARRAGE_DB: join(dir, 'env.db') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('barrage showdown', () => {
  it('explains itself and rejects bad input with the flag’s name', async () => {
    const help = await runCli(['showdown', '--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: barrage showdown/);
    expect(help.stdout).toMatch(/--payload-bytes N/);
    const top = await runCli(['--help'], env);
    expect(top.stdout).toMatch(/showdown \[options\]/);
    for (const [args, message] of [
      [['-c', '0'], /^barrage showdown: --concurrency \(concurrency\): must be at least 1/m],
      [['--payload-bytes', 'lots'], /--payload-bytes: "lots" is not a number/],
      [['--http', 'http://127.0.0.1:1/echo'], /--ws \(wsUrl\): give both the HTTP and the WebSocket endpoint/],
      [['--only', 'both'], /--only: "both" is not exchange or updates/],
    ] as const) {
      const r = await runCli(['showdown', ...args], env);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('prints the table as text', async () => {
    // Wide enough for the plain grid (narrower terminals: the width test below).
    const r = await runCli(['showdown', '-a', '300', '-c', '2', '--warmup', '0', '--only', 'exchange', '--no-save', '-q'], { ...env, COLUMNS: '240' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^REST vs WebSocket showdown — demo target/);
    expect(r.stdout).toMatch(/^Factor\s+REST \(new connection\)\s+REST \(keep-alive\)\s+HTTP\/2 \(multiplexed\)\s+WebSocket$/m);
    for (const group of ['Cost', 'Overhead per message', 'TCP connections', 'Latency', 'Communication model']) {
      expect(r.stdout).toMatch(new RegExp(`^${group}$`, 'm'));
    }
    expect(r.stdout).toMatch(/^ {2}TCP connections opened\s+300 \(1 per exchange\)\s+2 \(one per client/m);
    expect(r.stdout).toMatch(/^Conclusion$/m);
    expect(r.stdout).not.toMatch(/Saved as runs/);
  });

  it('fits its text to the terminal\'s width ($COLUMNS when not a terminal) and lists the saved runs in order', async () => {
    const db = join(dir, 'width.db');
    // --seed 1 runs keep-alive, HTTP/2, WebSocket, then new-connection: the table's column order is not the run order.
    const r = await runCli(['showdown', '-a', '200', '-c', '2', '--warmup', '0', '--only', 'exchange', '--seed', '1', '-q', '--db', db], { COLUMNS: '100' });
    expect(r.code, r.stderr).toBe(0);
    const long = r.stdout.split('\n').filter((l) => l.length > 100);
    expect(long).toEqual([]);
    // Four mode columns in 100: the headers wrap inside their columns.
    expect(r.stdout).toMatch(/^Factor\s+REST \(new\s+REST\s+HTTP\/2\s+WebSocket\n\s+connection\)\s+\(keep-alive\)\s+\(multiplexed\)$/m);
    const saved = /^Saved as runs ([\d, ]+) \(group/m.exec(r.stdout);
    expect(saved, r.stdout).not.toBeNull();
    const ids = saved![1].split(', ').map(Number);
    expect(ids).toHaveLength(4);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
  });

  it('prints JSON that parses, and saves every mode as a run of one group', async () => {
    const db = join(dir, 'showdown.db');
    const r = await runCli(['showdown', '-a', '300', '-c', '2', '-d', '1', '--warmup', '0', '--poll-interval', '100', '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[1\/\d+\] starting/);
    const result = JSON.parse(r.stdout) as ShowdownResult;
    expect(result.status).toBe('completed');
    expect(result.exchange!.modes).toHaveLength(4);
    expect(result.updates!.modes.map((m) => m.mode)).toEqual(['poll', 'long-poll', 'sse', 'push']);
    expect(result.table.rows.length).toBeGreaterThan(10);
    expect(result.conclusion.length).toBeGreaterThan(3);
    const store = openStore(db);
    try {
      const runs = store.listRuns({ groupId: result.groupId!, limit: 10 });
      expect(runs.total).toBe(8);
      const ids = [...result.exchange!.modes, ...result.updates!.modes].map((m) => m.runId).sort();
      expect(runs.runs.map((x) => x.id).sort()).toEqual(ids);
    } finally {
      store.close();
    }
  });
});
