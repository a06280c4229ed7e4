// The example flows in examples/ run end to end through the real `barrage` process against the
// demo target (issue #12); a flow whose data file is malformed is refused before the run,
// naming the file and the line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { runCli } from './support/cliProcess.ts';

const examples = fileURLToPath(new URL('../examples/', import.meta.url));

interface StepOut {
  name: string;
  count: number;
  errors: { total: number; byKind: Record<string, number> };
  checks: Array<{ passed: number; failed: number }>;
  latencyUs: { p50: number } | null;
  ws?: { outOfOrder: number; unmatched: number };
}
interface RunOut {
  flow: { steps: StepOut[]; data?: { rows: number; sha256: string } };
  thresholds?: unknown;
}

const dir = mkdtempSync(join(tmpdir(), 'barrage-flow-examples-'));
const env = { BARRAGE_DB: join(dir, 'history.db') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('barrage run --scenario with a data file', () => {
  it('a malformed row is refused before the run, naming the file and its line (no stack trace)', async () => {
    writeFileSync(join(dir, 'people.csv'), 'user,password\nuser1,pw-user1\nuser2\n');
    const scenario = {
      protocol: 'flow',
      url: 'http://127.0.0.1:9',
      data: { file: 'people.csv' },
      steps: [{ type: 'http', name: 'login', method: 'POST', url: '/login', body: '{"user":"{{user}}"}' }],
    };
    writeFileSync(join(dir, 'bad-flow.json'), JSON.stringify(scenario));
    const r = await runCli(['run', '--scenario', join(dir, 'bad-flow.json'), '-q'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--scenario: data.file: ${join(dir, 'people.csv')}: line 3: the row has 1 column; the header has 2`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the example flows run against the demo target', () => {
  it('examples/shop-flow.json: login → items → cart with 100 users from users.csv, every check passing', async () => {
    const r = await runCli(['run', '--scenario', join(examples, 'shop-flow.json'), '-d', '2', '-q', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as RunOut;
    expect(out.flow.data?.rows).toBe(100);
    expect(out.flow.data?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const byName = new Map(out.flow.steps.map((s) => [s.name, s]));
    for (const name of ['login', 'list items', 'add to cart']) {
      const s = byName.get(name)!;
      expect(s.count).toBeGreaterThan(0);
      expect(s.errors.total).toBe(0);
      for (const c of s.checks) expect(c.failed).toBe(0);
    }
  });

  it('examples/rpc-flow.json: JSON-RPC answers matched by id out of order, latency ≈ the target delay', async () => {
    const r = await runCli(['run', '--scenario', join(examples, 'rpc-flow.json'), '-d', '2', '-q', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as RunOut;
    const rpc = out.flow.steps.find((s) => s.name === 'rpc echo')!;
    expect(rpc.count).toBeGreaterThan(50);
    // Zero timeouts, zero unmatched or duplicate answers: no error of any kind on the exchange
    // (unfinished exchanges at the run's end are not errors of the step).
    expect(rpc.errors.byKind['expect-timeout'] ?? 0).toBe(0);
    expect(rpc.errors.byKind['protocol'] ?? 0).toBe(0);
    expect(rpc.checks[0].failed).toBe(0);
    // Answers overtake one another (4 in flight, 20 ms of jitter): counted per step through the
    // workers, the merged seconds and the summary; every message carried an id the step sent.
    expect(rpc.ws!.outOfOrder).toBeGreaterThan(0);
    expect(rpc.ws!.outOfOrder).toBeLessThan(rpc.count);
    expect(rpc.ws!.unmatched).toBe(0);
    expect(out.flow.steps.find((s) => s.name === 'connect')!.ws).toBeUndefined();
    // The target answers after 20 ms + [0, 20) ms: the median exchange ≈ 30 ms.
    expect(rpc.latencyUs!.p50).toBeGreaterThan(20_000);
    expect(rpc.latencyUs!.p50).toBeLessThan(120_000);
  });
});
