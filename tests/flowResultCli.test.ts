// A flow run through the real `barrage` process (issue #12): the per-step table, the checks
// share gating the run, and the per-step seconds kept in the history (`runs show --json`).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support/cliProcess.ts';
import { startFlowTarget } from './support/flowTarget.ts';

const dir = mkdtempSync(join(tmpdir(), 'barrage-flow-result-'));
const env = { BARRAGE_DB: join(dir, 'history.db') };
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('barrage run of a flow: per-step output and history', () => {
  it('prints the step table, fails checks > 99% on a check that always fails, and stores each step’s seconds', async () => {
    const target = await startFlowTarget();
    try {
      const scenario = {
        protocol: 'flow',
        name: 'result cli',
        url: target.url,
        virtualUsers: 2,
        durationSec: 2,
        warmupSec: 0,
        thresholds: ['p99{step:list} < 10s', 'checks > 99%'],
        data: { rows: [{ user: 'a' }, { user: 'b' }] },
        setup: [{ type: 'http', name: 'login', method: 'POST', url: '/login', body: '{"user":"{{user}}"}', extract: [{ from: 'json', var: 'token', path: '$.token' }] }],
        steps: [
          { type: 'http', name: 'list', url: '/items', headers: { Authorization: 'Bearer {{token}}' }, checks: [{ type: 'status', status: '2xx' }] },
          { type: 'http', name: 'echo', url: '/echo?x=1', checks: [{ type: 'jsonPath', path: '$.nope', op: 'exists' }], onFailure: 'continue', thinkMs: 20 },
        ],
      };
      writeFileSync(join(dir, 'flow.json'), JSON.stringify(scenario));
      const r = await runCli(['run', '--scenario', join(dir, 'flow.json')], env);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.code).toBe(99); // a threshold failed: the echo step's check never passes
      expect(r.stdout).toMatch(/STEP\s+COUNT\s+REQ\/S\s+P50\s+P99\s+P99\.9\s+ERRORS\s+CHECKS/);
      expect(r.stdout).toMatch(/setup: login\s+2\s/);
      expect(r.stdout).toMatch(/FAILED\s+echo: \$\.nope exists failed/);
      expect(r.stdout).toMatch(/passed\s+p99 of step "list"/);
      const shown = await runCli(['runs', 'show', '1', '--json'], env);
      const run = JSON.parse(shown.stdout) as { summary: { flow: { steps: Array<{ name: string; count: number; checks: Array<{ passed: number; failed: number }> }> } }; samples: Array<{ steps?: Array<{ step: string; count: number }> }> };
      const list = run.summary.flow.steps.find((s) => s.name === 'list')!;
      const perSecond = run.samples.flatMap((s) => s.steps ?? []).filter((s) => s.step === 'list').reduce((a, s) => a + s.count, 0);
      expect(list.count).toBeGreaterThan(0);
      expect(perSecond).toBe(list.count);
      const echo = run.summary.flow.steps.find((s) => s.name === 'echo')!;
      expect(echo.checks[0].passed).toBe(0);
      expect(echo.checks[0].failed).toBe(echo.count);
    } finally {
      await target.close();
    }
  });
});
