// `barrage runs ...` and `barrage scenarios ...` through their main(), on a temporary database.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main as runs } from '../../src/main/cli/commands/runs.ts';
import { main as scenarios } from '../../src/main/cli/commands/scenarios.ts';
import { UsageError } from '../../src/main/cli/usageError.ts';
import { collectEnvironment } from '../../src/main/store/environment.ts';
import { openStore } from '../../src/main/store/runStore.ts';
import { syntheticRun } from '../fixtures/syntheticRun.ts';
import { tempDir } from '../fixtures/tempStore.ts';

let dir: string;
let db: string;
let out: string;
let err: string;

beforeEach(() => {
  dir = tempDir('barrage-cli-');
  db = path.join(dir, 'cli.db');
  out = '';
  err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    err += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs a command and returns its exit code, resetting the captured output first. */
async function run(main: (args: string[]) => Promise<number>, ...args: string[]): Promise<number> {
  out = '';
  err = '';
  return main([...args, '--db', db]);
}

function seed(): number[] {
  const store = openStore(db);
  try {
    const sc = store.saveScenario('checkout', syntheticRun({ seconds: 1 }).config);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const result = syntheticRun({ seconds: 5, seed: i, startedAt: new Date(Date.UTC(2025, 4, 1, 8, i)).toISOString() });
      const id = store.createRun({
        config: result.config,
        scenarioId: i < 2 ? sc.id : null,
        environment: collectEnvironment(result.config, 2),
        tags: i === 1 ? ['nightly'] : [],
        startedAt: result.summary.startedAt,
      });
      store.finishRun(id, result);
      ids.push(id);
    }
    return ids;
  } finally {
    store.close();
  }
}

describe('barrage runs', () => {
  it('lists runs as an aligned table, newest first, with filters', async () => {
    const ids = seed();
    expect(await run(runs, 'list')).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+STARTED\s+STATUS\s+SCENARIO\s+TARGET\s+REQ\|MSG\/S\s+P50\s+P99\s+ERRORS\s+DURATION\s+TAGS$/);
    expect(lines.slice(1).map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([...ids].reverse());
    // Aligned: the STATUS column starts at the same place in every line.
    const at = lines[0].indexOf('STATUS');
    for (const l of lines.slice(1)) expect(l.slice(at, at + 9)).toBe('completed');
    expect(lines[2]).toMatch(/checkout/);
    expect(lines[2]).toMatch(/nightly$/);

    expect(await run(runs, 'list', '--scenario', 'checkout', '--tag', 'nightly')).toBe(0);
    expect(out.trimEnd().split('\n')).toHaveLength(2);
    expect(await run(runs, 'list', '--limit', '1')).toBe(0);
    expect(out).toMatch(/Runs 1–1 of 3; --limit and --offset show others/);
    expect(await run(runs, 'list', '--tag', 'nope')).toBe(0);
    expect(out).toBe('No stored runs match.\n');

    expect(await run(runs, 'list', '--json', '--limit', '2')).toBe(0);
    const json = JSON.parse(out);
    expect(json.total).toBe(3);
    expect(json.runs.map((r: { id: number }) => r.id)).toEqual([ids[2], ids[1]]);
    expect(json.runs[0].summary.throughput.total).toBeGreaterThan(0);
  });

  it('says where an empty history lives', async () => {
    expect(await run(runs, 'list')).toBe(0);
    expect(out).toBe(`No runs stored in ${db} yet.\n`);
  });

  it('shows one run as text and JSON', async () => {
    const [id] = seed();
    expect(await run(runs, 'show', String(id))).toBe(0);
    expect(out).toMatch(new RegExp(`^Run ${id}\\n`));
    expect(out).toMatch(/Throughput\s+[\d,.]+ requests\/s/);
    expect(out).toMatch(/Scenario\s+checkout/);
    expect(out).toMatch(/Target\s+POST http:\/\/127\.0\.0\.1:8080\/api\/items\?page=1/);
    expect(out).toMatch(/Environment\s+Barrage \d+\.\d+\.\d+, Node /);
    expect(out).toMatch(/Samples\s+5 seconds/);

    expect(await run(runs, 'show', String(id), '--json')).toBe(0);
    const shown = JSON.parse(out);
    const store = openStore(db);
    expect(shown).toEqual(JSON.parse(JSON.stringify(store.getRun(id))));
    store.close();

    expect(await run(runs, 'show', '999')).toBe(1);
    expect(err).toBe(`barrage runs: no run 999 in ${db}\n`);
    await expect(run(runs, 'show', 'abc')).rejects.toThrow(UsageError);
    await expect(run(runs, 'show')).rejects.toThrow('show takes one run id');
  });

  it('exports json and csv, and imports back', async () => {
    const ids = seed();
    const file = path.join(dir, 'export.json');
    expect(await run(runs, 'export', String(ids[0]), String(ids[1]), '--format', 'json', '--out', file)).toBe(0);
    expect(out).toBe(`Exported 2 runs to ${file} (json).\n`);
    expect(await run(runs, 'export', String(ids[0]), '--format', 'csv')).toBe(0);
    expect(out.split('\n')[0]).toMatch(/^run_id,t,throughput,p50_us/);
    expect(out.trimEnd().split('\n')).toHaveLength(6);
    expect(await run(runs, 'export', String(ids[0]), '77')).toBe(1);
    expect(out).toBe('');
    expect(err).toMatch(/no run 77 in/);
    await expect(run(runs, 'export', '1', '--format', 'xml')).rejects.toThrow('--format: "xml" is not json or csv');

    const original = (() => {
      const s = openStore(db);
      const r = s.getRun(ids[0])!;
      s.close();
      return r;
    })();
    expect(await run(runs, 'delete', String(ids[0]), String(ids[1]))).toBe(0);
    expect(out).toBe(`Deleted runs ${ids[0]}, ${ids[1]}.\n`);
    expect(await run(runs, 'delete', String(ids[0]))).toBe(1);

    const junk = path.join(dir, 'junk.json');
    fs.writeFileSync(junk, '{"hello": "world"}');
    expect(await run(runs, 'import', file, junk, path.join(dir, 'missing.json'))).toBe(2);
    expect(out).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: imported as run \\d+\\n.*imported as run \\d+\\n$`, 's'));
    expect(err).toMatch(/junk\.json is none of a Barrage run export, autocannon --json output, a k6 --summary-export file or an Artillery --output report/);
    expect(err).toMatch(/cannot read .*missing\.json \(ENOENT\)/);
    const newId = Number(/imported as run (\d+)/.exec(out)![1]);
    const s = openStore(db);
    expect(s.getRun(newId)).toEqual({ ...original, id: newId });
    s.close();

    expect(await run(runs, 'import', file)).toBe(0);
    expect(out).toMatch(/already stored as run/);
  });

  it('reports a file that is not a database in one line, naming it', async () => {
    fs.writeFileSync(db, 'not sqlite at all, just some text that is long enough to have a header\n');
    expect(await run(runs, 'list')).toBe(1);
    expect(err).toBe(`barrage runs: ${db} is not a Barrage database (file is not a database)\n`);
  });

  it('rejects bad flags and subcommands as usage errors', async () => {
    await expect(run(runs, 'frobnicate')).rejects.toThrow(UsageError);
    await expect(run(runs, 'list', '--limit', 'ten')).rejects.toThrow('--limit: "ten" is not a number');
    await expect(run(runs, 'list', '--status', 'great')).rejects.toThrow(/--status: "great" is not one of/);
    await expect(run(runs, 'list', '--bogus')).rejects.toMatchObject({ code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    expect(await runs([])).toBe(2);
    expect(out).toMatch(/^Usage: barrage runs/);
    expect(await runs(['--help'])).toBe(0);
  });
});

describe('barrage scenarios', () => {
  it('saves, lists, shows, renames and deletes', async () => {
    const file = path.join(dir, 'login-flow.json');
    fs.writeFileSync(file, JSON.stringify({ protocol: 'http', url: 'http://127.0.0.1:9000/login', method: 'POST', connections: 20 }));
    expect(await run(scenarios, 'save', file)).toBe(0);
    expect(out).toMatch(/^Saved scenario "login-flow" \(id \d+\)\.\n$/);
    expect(await run(scenarios, 'save', file, '--name', 'other')).toBe(0);
    expect(await run(scenarios, 'save', file)).toBe(0);
    expect(out).toMatch(/^Updated scenario "login-flow"/);

    expect(await run(scenarios, 'list')).toBe(0);
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+PROTOCOL\s+URL\s+UPDATED\s+BASELINE$/);
    expect(lines.slice(1).map((l) => l.trim().split(/\s+/)[1])).toEqual(['login-flow', 'other']);

    expect(await run(scenarios, 'show', 'login-flow')).toBe(0);
    const config = JSON.parse(out.slice(out.indexOf('{')));
    expect(config).toMatchObject({ protocol: 'http', name: 'login-flow', method: 'POST', connections: 20 });
    expect(await run(scenarios, 'show', 'login-flow', '--json')).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ name: 'login-flow', baselineRunId: null });

    expect(await run(scenarios, 'rename', 'other', 'signup')).toBe(0);
    expect(await run(scenarios, 'delete', 'signup')).toBe(0);
    expect(out).toMatch(/Deleted scenario "signup"/);
    expect(await run(scenarios, 'delete', 'signup')).toBe(1);
    expect(err).toMatch(/no scenario "signup" in/);
    expect(await run(scenarios, 'list', '--json')).toBe(0);
    expect(JSON.parse(out).map((s: { name: string }) => s.name)).toEqual(['login-flow']);
  });

  it('rejects an invalid scenario file with one line per problem', async () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, JSON.stringify({ protocol: 'http', url: 'http://x/', connections: -1, method: 'FETCH' }));
    const error = await run(scenarios, 'save', file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/bad\.json: scenario "bad" is not valid:\n(.*\n)?connections: must be at least 1/);
    expect((error as Error).message).toMatch(/method: must be one of GET/);
    await expect(run(scenarios, 'save', path.join(dir, 'nope.json'))).rejects.toThrow(/cannot read .*nope\.json \(ENOENT\)/);
    expect(await run(scenarios, 'list')).toBe(0);
    expect(out).toBe(`No saved scenarios in ${db}.\n`);
  });
});
