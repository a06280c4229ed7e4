// End to end in Chromium against `barrage serve`: Scenarios → Import OpenAPI… → choose the
// Petstore fixture (read by the page, sent as text) → the picker lists its operations (method,
// path, summary, what to fill in) → select all, untick one → import → the chosen scenarios appear
// in the list, with the example path parameter and the credential placeholder in the saved
// configuration. A URL off loopback is refused in one line at the dialog, before anything is read.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openStore } from '../../src/main/store/runStore.ts';
import { launchChromium, openApp } from '../support/chromium.ts';
import { startServe, type ServeProcess } from './support/serveProcess.ts';

const SHOTS = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../fixtures/openapi/petstore-v3.yaml', import.meta.url));

describe('Import OpenAPI in the Scenarios view', () => {
  let dir: string;
  let db: string;
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  const shot = async (name: string) => {
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(SHOTS, `${name}.png`) });
  };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'barrage-e2e-openapi-'));
    db = join(dir, 'runs.db');
    serve = await startServe(db);
    browser = await launchChromium();
    page = await openApp(browser, serve.url, problems);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a URL off loopback is refused with one line, in the dialog', async () => {
    await page.getByRole('heading', { name: 'Scenarios', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Import OpenAPI…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import OpenAPI' });
    await dialog.waitFor();
    await dialog.getByLabel('Document URL').fill('http://192.0.2.1/openapi.json');
    await dialog.getByRole('button', { name: 'Read' }).click();
    await expect.poll(() => dialog.getByTestId('openapi-error').textContent()).toBe(
      'http://192.0.2.1/openapi.json: only URLs on loopback (127.0.0.1, ::1, localhost) can be imported; save the document to a file and choose it instead',
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  test('a chosen file lists its operations; the ticked ones become scenarios', { timeout: 60_000 }, async () => {
    await page.getByRole('button', { name: 'Import OpenAPI…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import OpenAPI' });
    await dialog.waitFor();
    await shot('openapi-picker-source');
    await dialog.getByLabel('OpenAPI document file').setInputFiles(FIXTURE);

    const table = dialog.getByRole('table', { name: 'Operations' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(5);
    const cells = async (i: number) => (await rows.nth(i).locator('td').allInnerTexts()).map((t) => t.trim().replace(/\s+/g, ' '));
    expect((await cells(0)).slice(1, 4)).toEqual(['GET', '/pets', 'List all pets listPets']);
    expect((await cells(2)).slice(1, 3)).toEqual(['GET', '/pets/{petId}']);
    expect((await cells(2))[4]).toBe('{{BEARER_AUTH}}');
    await expect(dialog.textContent()).resolves.toMatch(/OpenAPI 3\.0\.3 · petstore-v3\.yaml · 5 operations/);
    // Every operation that can be a scenario starts ticked.
    await expect(dialog.getByRole('button', { name: 'Import 5 scenarios' }).isEnabled()).resolves.toBe(true);

    // Select all toggles off, then on; untick one.
    const all = dialog.getByLabel('Select all operations');
    await all.uncheck();
    await expect(dialog.getByRole('button', { name: 'Import 0 scenarios' }).isDisabled()).resolves.toBe(true);
    await all.check();
    await dialog.getByLabel('DELETE /pets/{petId}').uncheck();
    await dialog.getByLabel('Name prefix').fill('petstore');
    await shot('openapi-picker-operations');
    await dialog.getByRole('button', { name: 'Import 4 scenarios' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // The list shows them (pushed runs.changed, no reload).
    const names = page.locator('table.grid tbody td.name');
    await expect.poll(async () => (await names.allTextContents()).map((t) => t.trim()).sort()).toEqual([
      'petstore createPet',
      'petstore listPets',
      'petstore showPetById',
      'petstore uploadPhoto',
    ]);
    await expect(page.getByText(/Imported 4 scenarios\. Fill in \{\{API_KEY\}\}, \{\{BEARER_AUTH\}\}/).count()).resolves.toBe(1);
    await shot('openapi-imported');
    // Every row's actions stay in view at 1440 px: the long uploadPhoto URL gives way, not Delete.
    for (const del of await page.locator('table.grid tbody td.actions').getByRole('button', { name: 'Delete' }).all()) {
      const box = (await del.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(1440);
    }

    const store = openStore(db);
    try {
      const show = store.getScenario('petstore showPetById')!;
      expect(show.config).toMatchObject({ method: 'GET', url: 'http://127.0.0.1:8080/v1/pets/42', headers: { Authorization: 'Bearer {{BEARER_AUTH}}' } });
    } finally {
      store.close();
    }
    expect(problems).toEqual([]);
  });
});
