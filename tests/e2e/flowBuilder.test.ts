// End to end, as a new user, in Chromium against `barrage serve` (issue #12): a flow built by
// pointing and clicking — login → list → add to cart against the demo target — with steps in
// setup and the iteration, a variable picked from the menu, a step duplicated, moved with the
// keyboard and deleted, an error shown at the step field it names, saved and opened again.
// Screenshots go to test-output/screenshots/.
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { appSessionFor, flowBuilderOf } from './support/flowApp.ts';


describe('the flow builder', () => {
  let page: Page;
  const app = appSessionFor('flowbuilder', (s) => (page = s.page));

  const { shot, field, nav, stepRow, stepNames, newFlow } = flowBuilderOf(() => page);


  test('build login → list → add to cart by clicking, with a variable from the menu', async () => {
    await newFlow('Shop flow');
    expect(await field('Base URL').inputValue()).toBe('http://demo-target.invalid');

    // Setup: log in, taking the token from the answer.
    await page.getByRole('button', { name: 'Add an HTTP step to Setup' }).click();
    await field('Step name').fill('login');
    await field('Method').selectOption('POST');
    await field('URL or path').fill('/login');
    await field('Body').fill('{"user":"user{{vu}}","password":"pw-user{{vu}}"}');
    await page.getByRole('button', { name: '+ Extraction' }).click();
    await field('Extraction 1 JSON path').fill('$.token');
    await field('Extraction 1 variable').fill('token');

    // The iteration's first step (there from the start): list the items with the token.
    await stepRow('request').click();
    await field('Step name').fill('list items');
    await field('URL or path').fill('/items');
    await page.getByRole('button', { name: '+ Header' }).click();
    await field('Step header 1 name').fill('Authorization');
    await field('Step header 1 value').fill('Bearer ');
    // The menu offers the token, extracted by login, ahead of the built-ins.
    const picker = page.getByRole('combobox', { name: 'Insert a variable into header 1' });
    const offered = await picker.locator('option').allTextContents();
    expect(offered[1]).toBe('{{token}} — extracted by “login”');
    expect(offered).toContain('{{vu}} — the virtual user’s number (1, 2, …)');
    await picker.selectOption('{{token}}');
    await expect.poll(() => field('Step header 1 value').inputValue()).toBe('Bearer {{token}}');

    // Add to cart: a copy of "list items" made into a POST.
    await page.getByRole('button', { name: 'Duplicate list items' }).click();
    await field('Step name').fill('add to cart');
    await field('Method').selectOption('POST');
    await field('URL or path').fill('/cart');
    await field('Body').fill('{"itemId":1}');
    expect(await stepNames('Iteration')).toEqual(['list items', 'add to cart']);
    await shot('60-flow-builder-built');
  });

  test('reorder with the keyboard, delete, and an error at the step field it names', async () => {
    // Alt+↑ on "add to cart" moves it above "list items"; Alt+↓ puts it back.
    await stepRow('add to cart').focus();
    await page.keyboard.press('Alt+ArrowUp');
    expect(await stepNames('Iteration')).toEqual(['add to cart', 'list items']);
    await expect.poll(() => page.evaluate(`document.activeElement?.getAttribute('aria-label') ?? ''`) as Promise<string>).toMatch(/^Step add to cart:/);
    await page.keyboard.press('Alt+ArrowDown');
    expect(await stepNames('Iteration')).toEqual(['list items', 'add to cart']);

    // A variable nobody extracts: the error sits under the header of the step that uses it.
    await stepRow('list items').click();
    await field('Step header 1 value').fill('Bearer {{tokn}}');
    const error = page.getByRole('alert').filter({ hasText: '{{tokn}}' });
    await error.waitFor();
    expect(await error.textContent()).toMatch(/^Uses \{\{tokn\}\}, which no earlier step extracts/);
    await shot('61-flow-builder-error-at-field');
    await field('Step header 1 value').fill('Bearer {{token}}');
    await expect.poll(() => error.count()).toBe(0);

    // A step added and deleted leaves the list as it was.
    await page.getByRole('combobox', { name: 'Add a WebSocket step to Teardown' }).selectOption('ws-close');
    expect(await stepNames('Teardown')).toEqual(['close']);
    // A close without a connect is refused, named at that step.
    expect(await page.getByRole('button', { name: /^Step close:.*1 problem$/ }).count()).toBe(1);
    await page.getByRole('button', { name: 'Delete close' }).click();
    expect(await stepNames('Teardown')).toEqual([]);
  });

  test('saved through the scenarios API, it opens again as a flow with its steps', async () => {
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved', { exact: true }).waitFor();
    await nav('Scenarios').click();
    await page.locator('table tbody tr td.name').filter({ hasText: 'Shop flow' }).first().click();
    await page.getByRole('heading', { name: 'Shop flow', level: 1 }).waitFor();
    expect(await stepNames('Setup')).toEqual(['login']);
    expect(await stepNames('Iteration')).toEqual(['list items', 'add to cart']);
    await stepRow('login').click();
    expect(await field('Extraction 1 variable').inputValue()).toBe('token');
    await shot('62-flow-builder-reopened');
  });

  test('Try once runs setup and one iteration, showing each request, response, extraction and check', async () => {
    await page.getByRole('button', { name: 'Try once' }).click();
    const result = page.getByRole('region', { name: 'Try once result' });
    await result.waitFor();
    expect(await result.getByTestId('try-verdict').textContent()).toMatch(/Every step ran/);
    const login = result.locator('li[data-step="login"]');
    // The request as sent: {{vu}} filled in (virtual user 1).
    expect(await login.getByLabel('Request sent by login').textContent()).toContain('"user": "user1"');
    expect(await login.getByLabel('Response to login').textContent()).toMatch(/"token"/);
    expect(await login.getByTestId('try-extraction').textContent()).toMatch(/^\{\{token\}\} = \S+/);
    expect(await login.getByTestId('try-check').textContent()).toBe('✓ status 2xx');
    // The token went into the next step's header (redacted as a credential in the trace).
    const items = result.locator('li[data-step="list items"]');
    expect(await items.getByLabel('Request sent by list items').textContent()).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/items/);
    expect(await items.getByTestId('try-check').textContent()).toBe('✓ status 2xx');
    expect(await result.locator('li[data-step="add to cart"]').getByLabel('Response to add to cart').textContent()).toMatch(/"cartId"/);
    await shot('63-flow-try-once');
    // Nothing was stored: the history has no run.
    await nav('History').click();
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    await page.getByText('No runs yet.', { exact: false }).waitFor();
  });

  test('run open-model for 2 s with a per-step threshold: the Steps table live and on the run page', async () => {
    await page.goBack();
    await page.getByRole('heading', { name: 'Shop flow', level: 1 }).waitFor();
    await page.getByText('Open (iterations/s)', { exact: true }).click();
    await field('Rate (iterations/s)').fill('20');
    await field('Duration (s)').fill('2');
    await field('Warm-up (s)').fill('0');
    await field('Thresholds (one per line)').fill('p99{step:login} < 5s');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    const table = page.getByRole('table', { name: 'Per-step figures' });
    await table.waitFor();
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 20_000 });
    await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
    const cells = async (step: string) => (await table.locator(`tr[data-step="${step}"] td`).allTextContents()).map((t) => t.trim());
    const items = await cells('list items');
    expect(items.slice(0, 2)).toEqual(['list items', 'iteration']);
    expect(Number(items[2].replace(/,/g, ''))).toBeGreaterThan(10);
    expect((await cells('login'))[1]).toBe('setup');
    await shot('64-flow-run-steps');
  }, 60_000);

  test('no script errors or CSP violations happened', () => {
    expect(app().problems).toEqual([]);
  });
});
