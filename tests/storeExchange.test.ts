// Runs in and out of the store as files: JSON export → import gives the identical run; CSV of
// the samples; a real autocannon --json result imported.
import { execFile } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { collectEnvironment } from '../src/main/store/environment.ts';
import { ImportError, exportRunsCsv, exportRunsJson, importRunFile, parseRunFile } from '../src/main/store/runExchange.ts';
import { openStore, type RunStore } from '../src/main/store/runStore.ts';
import { syntheticRun } from './fixtures/syntheticRun.ts';
import { tempDbPath } from './fixtures/tempStore.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const open: RunStore[] = [];
function store(): RunStore {
  const s = openStore(tempDbPath());
  open.push(s);
  return s;
}
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});

function storedRun(s: RunStore, opts: Parameters<typeof syntheticRun>[0] = {}) {
  const result = syntheticRun(opts);
  const scenario = s.saveScenario('export-me', result.config);
  const id = s.createRun({
    config: result.config,
    scenarioId: scenario.id,
    environment: collectEnvironment(result.config, 2),
    tags: ['release', 'eu'],
    notes: 'before the migration\nsecond line, "quoted"',
    groupId: 'ab-7',
    startedAt: result.summary.startedAt,
  });
  s.finishRun(id, result);
  return s.getRun(id)!;
}

describe('JSON export and import', () => {
  it('export → import gives the identical run, in another database and the same one', () => {
    const source = store();
    const run = storedRun(source, { seconds: 20, protocol: 'ws' });
    const json = exportRunsJson([run]);
    const doc = JSON.parse(json);
    expect(doc).toMatchObject({ format: 'barrage-run', version: 1, runs: [{ id: run.id, scenarioName: 'export-me' }] });
    expect(doc.exportedBy).toMatch(/^Barrage \d/);

    const target = store();
    const [outcome] = importRunFile(target, json, 'run.json');
    expect(outcome).toMatchObject({ duplicate: false, source: 'barrage' });
    // Nothing but the database-local ids differ.
    expect(target.getRun(outcome.id)).toEqual({ ...run, id: outcome.id, scenarioId: null });

    // Importing again changes nothing.
    expect(importRunFile(target, json, 'run.json')).toEqual([{ id: outcome.id, duplicate: true, source: 'barrage' }]);
    expect(target.listRuns().total).toBe(1);

    // Into the database it came from: recognised as the same run.
    expect(importRunFile(source, json, 'run.json')).toEqual([{ id: run.id, duplicate: true, source: 'barrage' }]);

    // A database that has a scenario of that name links the run to it.
    const third = store();
    const local = third.saveScenario('export-me', run.config);
    const [linked] = importRunFile(third, json, 'run.json');
    expect(third.getRun(linked.id)).toEqual({ ...run, id: linked.id, scenarioId: local.id });
  });

  it('exports several runs in one file', () => {
    const s = store();
    const a = storedRun(s, { seconds: 3, seed: 1 });
    const b = storedRun(s, { seconds: 3, seed: 2, startedAt: '2025-06-01T10:00:00.000Z' });
    const target = store();
    const outcomes = importRunFile(target, exportRunsJson([a, b]), 'two.json');
    expect(outcomes.map((o) => o.duplicate)).toEqual([false, false]);
    expect(target.getRun(outcomes[1].id)!.summary).toEqual(b.summary);
  });

  it('rejects files it cannot read, saying why', () => {
    const s = store();
    const run = storedRun(s, { seconds: 2 });
    const doc = JSON.parse(exportRunsJson([run]));
    expect(() => parseRunFile('hello', 'x.txt')).toThrow('x.txt is not JSON (expected a Barrage run export, autocannon --json output, a k6 --summary-export file or an Artillery --output report)');
    expect(() => parseRunFile('{"a":1}', 'x.json')).toThrow('x.json is none of a Barrage run export, autocannon --json output, a k6 --summary-export file or an Artillery --output report');
    expect(() => parseRunFile(JSON.stringify({ ...doc, version: 2 }), 'v2.json')).toThrow(/version 2; this Barrage reads version 1/);
    const broken = structuredClone(doc);
    broken.runs[0].samples[1].throughput = 'many';
    expect(() => parseRunFile(JSON.stringify(broken), 'b.json')).toThrow('b.json: run 1: sample 2: throughput is not a number');
    const badConfig = structuredClone(doc);
    badConfig.runs[0].config.connections = 0;
    expect(() => parseRunFile(JSON.stringify(badConfig), 'c.json')).toThrow(ImportError);
    expect(() => parseRunFile(JSON.stringify(badConfig), 'c.json')).toThrow(/connections: must be at least 1/);
  });
});

describe('CSV export', () => {
  it('has one row per second with the documented columns', () => {
    const s = store();
    const run = storedRun(s, { seconds: 4 });
    run.samples[3] = { ...run.samples[3], latencyUs: null, throughput: 0 };
    const lines = exportRunsCsv([run]).trimEnd().split('\n');
    expect(lines[0]).toBe(
      'run_id,t,throughput,p50_us,p99_us,max_us,errors,open_connections,bytes_sent,bytes_received,cpu_percent,loop_lag_ms,mean_us,warmup,drain',
    );
    expect(lines).toHaveLength(5);
    const s0 = run.samples[0];
    expect(lines[1]).toBe(
      [run.id, 0, s0.throughput, s0.latencyUs!.p50, s0.latencyUs!.p99, s0.latencyUs!.max, s0.errors, s0.openConnections, s0.bytesSent,
        s0.bytesReceived, s0.cpuPercent, s0.loopLagMs, s0.latencyUs!.mean, 1, 0].join(','),
    );
    expect(lines[4]).toMatch(new RegExp(`^${run.id},3,0,,,,`));
  });
});

describe('autocannon import', () => {
  it('imports the JSON a real autocannon run prints', async () => {
    const server = http.createServer((_req, res) => {
      // One request in a hundred fails, so status codes and errors have something to show.
      const fail = Math.random() < 0.01;
      res.writeHead(fail ? 503 : 200, { 'content-type': 'text/plain' });
      res.end(fail ? 'busy' : 'hello from the test target');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    let stdout: string;
    try {
      const bin = path.join(root, 'node_modules', 'autocannon', 'autocannon.js');
      stdout = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          [bin, '--json', '-d', '1', '-c', '2', '--title', 'ac-test', `http://127.0.0.1:${port}/items`],
          { maxBuffer: 10 * 1024 * 1024 },
          (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
        ),
      );
    } finally {
      server.close();
    }
    const ac = JSON.parse(stdout);
    expect(ac.requests.total).toBeGreaterThan(0);

    const s = store();
    const [outcome] = importRunFile(s, stdout, 'ac.json');
    expect(outcome).toMatchObject({ duplicate: false, source: 'autocannon' });
    const run = s.getRun(outcome.id)!;
    expect(run.config).toMatchObject({ protocol: 'http', url: `http://127.0.0.1:${port}/items`, connections: 2, pipelining: 1, name: 'ac-test' });
    expect(run.scenarioName).toBe('ac-test');
    expect(run.samples).toEqual([]);
    expect(run.histogram).toBe('');
    expect(run.environment).toMatchObject({ importedFrom: 'autocannon', targetHost: `127.0.0.1:${port}`, barrageVersion: null });

    const sum = run.summary;
    expect(sum.status).toBe('completed');
    expect(sum.startedAt).toBe(new Date(ac.start).toISOString());
    expect(sum.endedAt).toBe(new Date(ac.finish).toISOString());
    expect(sum.durationSec).toBe(ac.duration);
    expect(sum.throughput.total).toBe(ac.requests.total);
    expect(sum.throughput.perSec).toBeCloseTo(ac.requests.total / ac.duration, 0);
    expect(sum.bytes.received).toBe(ac.throughput.total);
    // Milliseconds to microseconds.
    expect(sum.latencyUs).toMatchObject({
      count: ac.latency.totalCount,
      p50: Math.round(ac.latency.p50 * 1000),
      p90: Math.round(ac.latency.p90 * 1000),
      p99: Math.round(ac.latency.p99 * 1000),
      p999: Math.round(ac.latency.p99_9 * 1000),
      max: Math.round(ac.latency.max * 1000),
      mean: Math.round(ac.latency.mean * 1000),
    });
    const codes = Object.fromEntries(Object.entries(ac.statusCodeStats as Record<string, { count: number }>).map(([c, v]) => [c, v.count]));
    expect(sum.statusCodes).toEqual(codes);
    expect(sum.errors.byKind.status ?? 0).toBe(codes['503'] ?? 0);
    expect(sum.errors.total).toBe((codes['503'] ?? 0) + ac.errors);
    expect(sum.notes.join(' ')).toMatch(/whole milliseconds/);
    expect(sum.notes.join(' ')).toMatch(/p97\.5/);

    const listed = s.listRuns().runs[0];
    expect(listed).toMatchObject({ id: outcome.id, protocol: 'http', status: 'completed', throughputPerSec: sum.throughput.perSec });

    // The same file again is recognised; with progress lines in front (saved with 2>&1) it still reads.
    expect(importRunFile(s, `Running 1s test @ http://127.0.0.1:${port}/items\n2 connections\n\n${stdout}`, 'ac.log')[0]).toEqual({
      id: outcome.id,
      duplicate: true,
      source: 'autocannon',
    });
  });
});
