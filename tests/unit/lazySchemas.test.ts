// Start-up (issue #11): the flow protocol's zod schemas are built on their first use, not when
// scenario.ts is loaded, so a `barrage run` of HTTP or WebSocket does not pay for them; and the
// schema messages' numbers are written without Intl (its first use loads ICU's data). Checked in
// a fresh Node process: the unit tests share one module graph, where another file may already
// have parsed a flow.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { groupThousands } from '../../src/shared/units.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function node(script: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'barrage-lazy-'));
  try {
    const file = join(dir, 'script.mjs');
    writeFileSync(file, script.replaceAll("'@/", `'${new URL('../..', import.meta.url).href}`));
    const r = spawnSync(process.execPath, ['--import', './bin/startupCache.js', file], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`node exited ${r.status}: ${r.stderr}`);
    return r.stdout.trim();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it('an HTTP or WebSocket scenario builds none of the flow schemas; the first flow builds them, with the same messages', () => {
  const out = node(`
    import { parseScenario } from '@/src/shared/scenario.ts';
    import { builtFlowSchemas } from '@/src/shared/flowSteps.ts';
    const seen = {};
    const http = parseScenario({ protocol: 'http', url: 'http://127.0.0.1:9/', connections: 0 });
    const ws = parseScenario({ protocol: 'ws', url: 'ws://127.0.0.1:9/' });
    seen.afterHttpAndWs = [...builtFlowSchemas];
    seen.httpError = http.ok ? '' : http.error;
    seen.wsOk = ws.ok;
    const flow = parseScenario({ protocol: 'flow', url: 'http://127.0.0.1:9', steps: [{ type: 'http', name: 'a', url: '/', checks: [{ type: 'status', status: '2xy' }] }] });
    seen.afterFlow = [...builtFlowSchemas].sort();
    seen.flowError = flow.ok ? '' : flow.error;
    console.log(JSON.stringify(seen));`);
  const seen = JSON.parse(out) as { afterHttpAndWs: string[]; httpError: string; wsOk: boolean; afterFlow: string[]; flowError: string };
  expect(seen.afterHttpAndWs).toEqual([]);
  expect(seen.httpError).toBe('connections: must be at least 1');
  expect(seen.wsOk).toBe(true);
  expect(seen.afterFlow).toEqual(expect.arrayContaining(['flowStepSchema', 'httpStepSchema', 'checkSchema']));
  expect(seen.flowError).toBe('steps.0.checks.0.status: must be a status (200), a class (2xx) or a list (200,201,204)');
});

it('groupThousands writes whole numbers exactly as toLocaleString("en-US") does (the schema messages use it instead of Intl)', () => {
  const values = [0, 1, -1, 7, 999, 1000, -1000, 9999, 10_000, 50_000, 86_400, 999_999, 1_000_000, 10_000_000, 86_400_000, 1_000_000_000, 1_073_741_824, -123_456_789, Number.MAX_SAFE_INTEGER, 12.5, 1e21, -0.25];
  for (const v of values) expect(groupThousands(v), String(v)).toBe(v.toLocaleString('en-US'));
});
