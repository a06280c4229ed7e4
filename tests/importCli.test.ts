// `barrage import curl|har FILE` (issue #12): the builder's importers on the command line. The
// printed scenario is a flow `barrage run --scenario` takes; what was left out is on stderr; bad
// input is one line and exit code 2. Measures nothing (runs with the unit tests).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, test } from 'vitest';
import { parseScenario } from '../src/shared/scenario.ts';
import { runCli } from './support/cliProcess.ts';

const HAR = fileURLToPath(new URL('./fixtures/flowImport/shop.har', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'barrage-import-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('barrage import', () => {
  test('curl: a devtools copy (continuations, $\'…\') becomes a one-step flow on the request\'s origin; notes on stderr', async () => {
    const file = join(dir, 'login.sh');
    writeFileSync(file, "curl 'http://127.0.0.1:8080/login' \\\n  -H 'content-type: application/json' \\\n  -H 'sec-fetch-mode: cors' \\\n  --data-raw $'{\"user\":\"user1\",\\n\"password\":\"pw-user1\"}' \\\n  --compressed --frobnicate\n");
    const r = await runCli(['import', 'curl', file]);
    expect(r.code).toBe(0);
    const scenario = JSON.parse(r.stdout);
    expect(parseScenario(scenario).ok).toBe(true);
    expect(scenario).toMatchObject({ protocol: 'flow', url: 'http://127.0.0.1:8080', steps: [{ name: 'POST /login', method: 'POST', url: '/login', body: '{"user":"user1",\n"password":"pw-user1"}', bodyType: 'json' }] });
    expect(r.stderr).toContain('barrage: Not understood, left out: --frobnicate.');
    expect(r.stderr).toContain('barrage: Browser headers left out: sec-fetch-mode.');
  });

  test('har: --list shows the default host without static assets; --only picks requests; --rebase sends them to --base-url', async () => {
    const list = await runCli(['import', 'har', HAR, '--list']);
    expect(list.code).toBe(0);
    expect(list.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).slice(0, 4).join(' '))).toEqual([
      '0 shop.example.test GET /',
      '6 shop.example.test GET /items',
      '7 shop.example.test POST /cart',
    ]);
    const r = await runCli(['import', 'har', HAR, '--only', '6,7', '--base-url', 'http://127.0.0.1:8080', '--rebase', '--drop-cookies', '--name', 'shop']);
    expect(r.code).toBe(0);
    const scenario = JSON.parse(r.stdout);
    expect(scenario.name).toBe('shop');
    expect(scenario.steps.map((s: { name: string; url: string }) => `${s.name} ${s.url}`)).toEqual(['GET /items /items', 'POST /cart /cart']);
    expect(scenario.steps[0].headers).not.toHaveProperty('cookie');
    expect(scenario.steps[0].headers.authorization).toMatch(/^Bearer /);
  });

  test('bad input: one line naming what is wrong, exit code 2', async () => {
    const broken = join(dir, 'broken.har');
    writeFileSync(broken, '{"log":{"entries":[{"request":{"method":"GET","url":"http://h/"},"response":{"status":200}}]}}');
    const r = await runCli(['import', 'har', broken]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`barrage import: ${broken}: log.entries.0.request.headers: must be a list of {name, value}`);
    const host = await runCli(['import', 'har', HAR, '--host', 'nowhere.test']);
    expect(host.code).toBe(2);
    expect(host.stderr).toMatch(/--host: no requests to "nowhere.test".*hosts: shop.example.test/);
    const curl = join(dir, 'two.sh');
    writeFileSync(curl, "curl 'http://h/a' | jq .\n");
    const c = await runCli(['import', 'curl', curl]);
    expect(c.code).toBe(2);
    expect(c.stderr).toMatch(/the command holds more than one command: "\|"/);
  });
});
