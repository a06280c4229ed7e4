// End to end in Chromium against `barrage serve` (issue #12, Import): a user pastes a login
// copied from devtools as cURL (bash, with $'…' quoting and line continuations) into the flow
// builder's setup, imports a HAR file — the preview lists one host's requests with static
// assets hidden, they untick the page itself and send the rest to the demo target — puts the
// login's token into the imported Authorization headers and tries the flow once against the
// demo target. Errors show at the field. Screenshots go to test-output/screenshots/.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { appSessionFor, flowBuilderOf } from './support/flowApp.ts';

const HAR = fileURLToPath(new URL('../fixtures/flowImport/shop.har', import.meta.url));

/** As Chrome's "Copy as cURL (bash)" writes a JSON login: one option per line, the pretty-printed body as $'…'. */
const LOGIN_CURL = String.raw`curl 'http://demo-target.invalid/login' \
  -H 'accept: application/json, text/plain, */*' \
  -H 'content-type: application/json' \
  -H 'sec-ch-ua: "Chromium";v="131", "Not_A Brand";v="24"' \
  -H 'sec-fetch-mode: cors' \
  -H 'user-agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' \
  --data-raw $'{\n  "user": "user1",\n  "password": "pw-user1"\n}' \
  --compressed`;

describe('importing steps into a flow', () => {
  let page: Page;
  const app = appSessionFor('flowimport', (s) => (page = s.page));

  const { shot, field, stepRow, stepNames, newFlow } = flowBuilderOf(() => page);


  test('paste a devtools curl into setup: the preview says what is kept and left out; a bad command is explained at the field', async () => {
    await newFlow('Imported shop');
    await page.getByRole('button', { name: 'Delete request' }).click();

    await page.getByRole('button', { name: 'Paste curl…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Paste curl' });
    const text = dialog.getByLabel('curl command');
    await text.fill("curl -H 'accept: */*'");
    await dialog.getByRole('alert').filter({ hasText: 'has no URL' }).waitFor();
    expect(await text.getAttribute('aria-invalid')).toBe('true');

    await text.fill(LOGIN_CURL);
    const preview = dialog.getByLabel('The step to add');
    await preview.waitFor();
    expect(await preview.textContent()).toMatch(/POST \/login\s+named “POST \/login”/);
    expect(await preview.textContent()).toMatch(/JSON body/);
    expect(await preview.textContent()).toContain('Browser headers left out: sec-ch-ua, sec-fetch-mode.');
    expect(await preview.textContent()).toContain('Ignored (they change how curl runs, not the request): --compressed.');
    await dialog.getByLabel('Add to phase').selectOption('setup');
    await shot('70-flow-import-curl');
    await dialog.getByRole('button', { name: 'Add step' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await stepNames('Setup')).toEqual(['POST /login']);
    // Named after its request, the row says it once: not "POST /login POST /login".
    const row = stepRow('POST /login');
    expect((await row.innerText()).match(/POST \/login/g)).toHaveLength(1);
    expect(await row.getAttribute('aria-label')).toBe('Step POST /login: HTTP request');
    // The step's editor is open with what was pasted: the $'…' body decoded, line breaks and all.
    expect(await field('URL or path').inputValue()).toBe('/login');
    expect(JSON.parse(await field('Body').inputValue())).toEqual({ user: 'user1', password: 'pw-user1' });
    await page.getByRole('button', { name: '+ Extraction' }).click();
    await field('Extraction 1 JSON path').fill('$.token');
    await field('Extraction 1 variable').fill('token');
  });

  test('import a HAR: a bad file is explained; the preview lists one host with static assets hidden; the ticked requests become steps', async () => {
    await page.getByRole('button', { name: 'Import HAR…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import HAR' });
    await dialog.getByLabel('HAR file').setInputFiles({ name: 'broken.har', mimeType: 'application/json', buffer: Buffer.from('{"log":{"entries":[{"request":{"method":"GET","headers":[]},"response":{"status":200}}]}}') });
    expect(await dialog.getByRole('alert').textContent()).toBe('broken.har: log.entries.0.request.url: is required');

    await dialog.getByLabel('HAR file').setInputFiles(HAR);
    const table = dialog.getByRole('table', { name: 'Recorded requests' });
    await table.waitFor();
    expect(await dialog.getByLabel('Host').inputValue()).toBe('shop.example.test');
    const paths = () => table.locator('tbody td.path').evaluateAll((cells) => cells.map((c) => c.firstChild?.textContent?.trim()));
    expect(await paths()).toEqual(['/', '/items', '/cart']);
    expect(await table.locator('tbody tr').first().textContent()).toMatch(/GET\s*\/\s*200\s*text\/html\s*5 KiB/);
    // Static assets shown on request, hidden again by default.
    await dialog.getByRole('checkbox', { name: /Hide static assets/ }).uncheck();
    expect(await paths()).toEqual(['/', '/static/app.3f9c2b.css', '/static/app.3f9c2b.js', '/static/logo.svg', '/items', '/items', '/cart', '/static/app.3f9c2b.js.map']);
    await dialog.getByRole('checkbox', { name: /Hide static assets/ }).check();
    await dialog.getByLabel('GET / (request 1)').uncheck();
    await dialog.getByRole('checkbox', { name: /Send them to the base URL/ }).check();
    await shot('71-flow-import-har-preview');
    await dialog.getByRole('button', { name: 'Add 2 steps' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await stepNames('Iteration')).toEqual(['GET /items', 'POST /cart']);

    // The recorded token is the browser session's: use the login's instead.
    for (const name of ['GET /items', 'POST /cart']) {
      if ((await stepRow(name).getAttribute('aria-expanded')) !== 'true') await stepRow(name).click();
      expect(await field('Step header 3 name').inputValue()).toBe('authorization');
      await field('Step header 3 value').fill('Bearer {{token}}');
    }
    expect(await field('URL or path').inputValue()).toBe('/cart');
    expect(await field('Body').inputValue()).toBe('{"itemId":3,"quantity":1}');
  });

  test('Try once runs the imported flow against the demo target', async () => {
    await page.getByRole('button', { name: 'Try once' }).click();
    const result = page.getByRole('region', { name: 'Try once result' });
    await result.waitFor();
    expect(await result.getByTestId('try-verdict').textContent()).toMatch(/Every step ran/);
    expect(await result.locator('li[data-step="POST /login"]').getByTestId('try-extraction').textContent()).toMatch(/^\{\{token\}\} = \S+/);
    expect(await result.locator('li[data-step="GET /items"]').getByLabel('Response to GET /items').textContent()).toMatch(/"items"/);
    expect(await result.locator('li[data-step="POST /cart"]').getByTestId('try-check').textContent()).toBe('✓ status 2xx');
    await shot('72-flow-import-try-once');
  });

  test('a HAR dropped on the steps opens the preview with it', async () => {
    const text = readFileSync(HAR, 'utf8');
    // The drop a user makes with a file from the desktop (the page's own DOM types, hence a string).
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      data.items.add(new File([${JSON.stringify(text)}], 'dropped.har', { type: 'application/json' }));
      const target = document.querySelector('section[aria-labelledby="steps-title"]');
      target.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    const dialog = page.getByRole('dialog', { name: 'Import HAR' });
    await dialog.getByRole('table', { name: 'Recorded requests' }).waitFor();
    expect(await dialog.textContent()).toContain('dropped.har · 11 requests');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(app().problems).toEqual([]);
  });
});
