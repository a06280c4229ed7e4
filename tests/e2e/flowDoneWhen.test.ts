// Issue #12's "Done when", in the app, in Chromium against `barrage serve` (its built-in demo
// target: POST /login, GET /items, POST /cart): a user builds login → list items → add to cart
// by clicking, with the 100 users of examples/users.csv as the data file (a malformed file
// dropped on the panel is refused naming its line; pasted rows work too), picks the data
// columns and the extracted token from the variable menu, tries the flow once, runs it
// open-model (20 iterations/s, 3 s) watching the per-step table live and then over the run,
// sets p99{step:login} < 300ms with the step-threshold picker, runs again, and compares the two
// runs step by step with the CLI's per-step verdict statistics. Own history, own port.
// Screenshots go to test-output/screenshots/.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { appSessionFor, flowBuilderOf } from './support/flowApp.ts';

const USERS_CSV = fileURLToPath(new URL('../../examples/users.csv', import.meta.url));

describe('a flow from building to comparing, in the app', () => {
  let page: Page;
  const app = appSessionFor('flowdone', (s) => (page = s.page));

  const { shot, field, nav, stepRow, newFlow } = flowBuilderOf(() => page);
  const picker = (what: string) => page.getByRole('combobox', { name: `Insert a variable into ${what}` });
  const dataPanel = () => page.getByRole('region', { name: 'Data file' });


  test('the data file: a dropped malformed file is refused naming the line, pasted rows load, then the users file from the picker', async () => {
    await newFlow('Shop flow');

    // Dropped on the panel: a row short of a column, refused with the line it is on.
    // (A string: the tests are compiled without the DOM's types.)
    const transfer = await page.evaluateHandle(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['user,password\\nuser1,pw-user1\\nuser2\\n'], 'broken.csv', { type: 'text/csv' }));
      return dt;
    })()`);
    await dataPanel().dispatchEvent('drop', { dataTransfer: transfer });
    const error = page.getByTestId('data-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('broken.csv: line 3: the row has 1 column; the header has 2 (user, password)');

    // Pasted JSON rows: loaded, shown, then removed.
    await page.getByRole('button', { name: 'Paste rows' }).click();
    await field('Pasted rows').fill('[{"sku": "a-1"}, {"sku": "b-2"}]');
    await field('Format of the pasted rows').selectOption('json');
    await page.getByRole('button', { name: 'Use these rows' }).click();
    await page.getByTestId('data-row-count').waitFor();
    expect(await page.getByTestId('data-row-count').textContent()).toBe('2 rows');
    expect(await page.getByTestId('data-columns').textContent()).toBe('{{sku}}');
    await page.getByRole('button', { name: 'Remove the data file' }).click();
    await page.getByRole('button', { name: 'Paste rows' }).waitFor();

    // The users file through the file picker.
    await field('Choose a data file (CSV or JSON)').setInputFiles(USERS_CSV);
    await page.getByTestId('data-row-count').waitFor();
    expect(await page.getByTestId('data-file-name').textContent()).toBe('users.csv');
    expect(await page.getByTestId('data-row-count').textContent()).toBe('100 rows');
    expect(await page.getByTestId('data-columns').textContent()).toBe('{{user}}{{password}}');
    expect(await page.getByTestId('data-hash').getAttribute('title')).toMatch(/^[0-9a-f]{64}$/);
    const preview = page.getByRole('table', { name: 'Data file preview' });
    expect((await preview.locator('tbody tr').first().locator('td').allTextContents()).map((t) => t.trim())).toEqual(['1', 'user1', 'pw-user1']);
    expect(await preview.locator('tbody tr').count()).toBe(5);
    await page.getByText('Per virtual user', { exact: true }).waitFor();
    await shot('70-flow-data-file');
  });

  test('build login → list items → add to cart by clicking, the data columns and the token from the variable menu', async () => {
    // The iteration's first step (there from the start, its editor open) becomes the login.
    expect(await stepRow('request').getAttribute('aria-expanded')).toBe('true');
    await field('Step name').fill('login');
    await field('Method').selectOption('POST');
    await field('URL or path').fill('/login');
    const offered = await picker('the body').locator('optgroup[label="Data file columns"] option').allTextContents();
    expect(offered).toEqual(['{{user}}', '{{password}}']);
    await field('Body').fill('{"user":"');
    await picker('the body').selectOption('{{user}}');
    await field('Body').press('End');
    await field('Body').pressSequentially('","password":"');
    await picker('the body').selectOption('{{password}}');
    await field('Body').press('End');
    await field('Body').pressSequentially('"}');
    await expect.poll(() => field('Body').inputValue()).toBe('{"user":"{{user}}","password":"{{password}}"}');
    await page.getByRole('button', { name: '+ Extraction' }).click();
    await field('Extraction 1 JSON path').fill('$.token');
    await field('Extraction 1 variable').fill('token');

    await page.getByRole('button', { name: 'Add an HTTP step to Iteration' }).click();
    await field('Step name').fill('list items');
    await field('URL or path').fill('/items');
    await page.getByRole('button', { name: '+ Header' }).click();
    await field('Step header 1 name').fill('Authorization');
    await field('Step header 1 value').fill('Bearer ');
    await picker('header 1').selectOption('{{token}}');
    await expect.poll(() => field('Step header 1 value').inputValue()).toBe('Bearer {{token}}');

    await page.getByRole('button', { name: 'Duplicate list items' }).click();
    await field('Step name').fill('add to cart');
    await field('Method').selectOption('POST');
    await field('URL or path').fill('/cart');
    await field('Body').fill('{"itemId":1}');
    expect(await page.getByRole('group', { name: 'Iteration', exact: true }).locator('.step-name').allTextContents()).toEqual(['login', 'list items', 'add to cart']);
    await shot('71-flow-built-with-data');
  });

  test('Try once: every step ran, the login sent the first user of the data file', async () => {
    await page.getByRole('button', { name: 'Try once' }).click();
    const result = page.getByRole('region', { name: 'Try once result' });
    await result.waitFor();
    expect(await result.getByTestId('try-verdict').textContent()).toMatch(/Every step ran/);
    const login = result.locator('li[data-step="login"]');
    expect(await login.getByLabel('Request sent by login').textContent()).toContain('"user": "user1"');
    expect(await login.getByTestId('try-extraction').textContent()).toMatch(/^\{\{token\}\} = \S+/);
    for (const step of ['login', 'list items', 'add to cart']) {
      expect(await result.locator(`li[data-step="${step}"]`).getByTestId('try-check').textContent()).toBe('✓ status 2xx');
    }
    await shot('72-flow-try-once-with-data');
  });

  /** Starts the builder's flow and follows its per-step table from live to the end. */
  async function runAndWatch(screenshot: string): Promise<void> {
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const steps = page.getByRole('region', { name: 'Steps' });
    const table = page.getByRole('table', { name: 'Per-step figures' });
    // Live: the table fills while the run goes, before the summary exists.
    await steps.getByText('so far, live', { exact: true }).waitFor({ timeout: 15_000 });
    await expect.poll(async () => Number(((await table.locator('tr[data-step="login"] td').nth(2).textContent()) ?? '0').replace(/,/g, '')), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await page.getByRole('region', { name: 'Run summary' }).count()).toBe(0);
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 20_000 });
    await steps.getByText('over the run', { exact: true }).waitFor();
    await shot(screenshot);
    const counts: number[] = [];
    for (const step of ['login', 'list items', 'add to cart']) {
      const cells = (await table.locator(`tr[data-step="${step}"] td`).allTextContents()).map((t) => t.trim());
      expect(cells[1]).toBe('iteration');
      counts.push(Number(cells[2].replace(/,/g, '')));
    }
    // 20 iterations/s for 3 s: 60 arrivals, so never more than 60 of a step (+1 for rounding of
    // the arrivals' integral: a closed loop or an ignored rate would run hundreds). Fewer on a
    // busy machine — 20 once, at load 20 — so the floor says only that the run ran, and each
    // iteration runs its steps in order, so no step can have more than the one before it.
    expect(counts[0]).toBeLessThanOrEqual(61);
    expect(counts[2]).toBeGreaterThanOrEqual(5);
    expect(counts[1]).toBeLessThanOrEqual(counts[0]);
    expect(counts[2]).toBeLessThanOrEqual(counts[1]);
  }

  test('run open-model at 20 iterations/s for 3 s: per-step figures live and afterwards; the configuration names the data', async () => {
    await page.getByText('Open (iterations/s)', { exact: true }).click();
    await field('Rate (iterations/s)').fill('20');
    await field('Duration (s)').fill('3');
    await field('Warm-up (s)').fill('0');
    // Saved first, so the builder opens again with the flow after the run (data rows included).
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    await runAndWatch('73-flow-run-1');
    // The stored run keeps the rows: its report's configuration names the file, rows and hash.
    await page.getByRole('link', { name: 'Open report' }).click();
    const data = page.locator('table.kv tr').filter({ has: page.locator('th', { hasText: /^data$/ }) });
    await data.waitFor();
    expect(await data.locator('td').textContent()).toMatch(/^users\.csv · 100 rows · per-vu · sha256 [0-9a-f]{12}…$/);
    await page.goBack();
  }, 60_000);

  test('p99{step:login} < 300ms set with the step-threshold picker, and a second run judged on it', async () => {
    await page.goBack();
    await page.getByRole('heading', { name: 'Shop flow', level: 1 }).waitFor();
    expect(await page.getByTestId('data-row-count').textContent()).toBe('100 rows');
    const add = page.getByRole('group', { name: 'Add a step threshold' });
    expect(await add.getByLabel('Threshold step').locator('option').allTextContents()).toEqual(['login', 'list items', 'add to cart']);
    await add.getByLabel('Threshold figure').selectOption('p99');
    await add.getByLabel('Threshold step').selectOption('login');
    await add.getByLabel('Threshold value').fill('300');
    await add.getByRole('button', { name: 'Add' }).click();
    expect(await field('Thresholds (one per line)').inputValue()).toBe('p99{step:login} < 300ms');
    // A step name with spaces is quoted.
    await add.getByLabel('Threshold figure').selectOption('errors');
    await add.getByLabel('Threshold step').selectOption('add to cart');
    expect(await add.locator('.th-preview').textContent()).toBe('errors{step:"add to cart"} < 1%');
    await shot('74-flow-step-threshold');

    await runAndWatch('75-flow-run-2');
    const thresholds = page.getByRole('region', { name: 'Run summary' }).getByLabel('Thresholds');
    expect(await thresholds.locator('li').count()).toBe(1);
    expect(await thresholds.locator('li').getAttribute('title')).toBe('p99{step:login} < 300ms');
  }, 60_000);

  test('the two runs compared step by step, with the per-step verdicts', async () => {
    await nav('History').click();
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    const rows = page.getByRole('row', { name: /Shop flow/ });
    await expect.poll(() => rows.count()).toBe(2);
    await rows.nth(0).getByRole('checkbox').check();
    await rows.nth(1).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Compare', exact: true }).click();
    await page.getByRole('heading', { name: 'Compare', level: 1 }).waitFor();
    const compared = page.getByRole('region', { name: 'Steps compared' });
    await compared.locator('[data-step]').first().waitFor({ timeout: 20_000 });
    expect(await compared.locator('[data-step]').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['login', 'list items', 'add to cart']);
    for (const step of ['login', 'list items', 'add to cart']) {
      const block = compared.locator(`[data-step="${step}"]`);
      expect(await block.getByTestId('step-outcome').textContent()).toMatch(/^(worse|inconclusive|no worse)$/);
      // Each step's figures side by side: the reference and the other run, a column each.
      const p99 = (await block.getByRole('table', { name: `Step ${step}: figures side by side` }).locator('tr[data-figure="p99"] td').allTextContents()).map((t) => t.trim());
      expect(p99).toHaveLength(3);
      expect(p99[1]).toMatch(/\d+(\.\d+)? (µs|ms|s)$/);
      const verdicts = block.getByRole('table', { name: /^Verdicts: step / });
      expect((await verdicts.locator('td.figure').allTextContents()).map((t) => t.trim())).toEqual(['throughput', 'p50 latency', 'p99 latency']);
      for (const word of await verdicts.locator('.verdict').allTextContents()) expect(word).toMatch(/^(better|worse|no clear difference|inconclusive)$/);
    }
    await shot('76-flow-compare-steps');
  }, 60_000);

  test('no script errors or CSP violations happened', () => {
    expect(app().problems).toEqual([]);
  });
});

// Keeps the fixture honest: the test's 100 users are the example file's.
test('examples/users.csv has 100 users', () => {
  expect(readFileSync(USERS_CSV, 'utf8').trim().split('\n').length).toBe(101);
});
