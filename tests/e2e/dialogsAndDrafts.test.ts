// In Chromium against `barrage serve` (own temp history, own port): the app's dialogs — Paste
// curl, Import HAR, Import OpenAPI, Merge shards — are one component and behave alike: the
// title names the dialog, the focus starts inside (on the curl text where typing is the point,
// else on ✕) and Tab keeps it there, no app shortcut acts on the view behind (Alt+number used to
// leave the builder, and the dialog's work with it), a drag of text is not taken for a file drop
// (only files are), Esc closes and the focus goes back to the button that opened it. And the
// builder: Back after running an unsaved new flow shows the flow again (it used to open an empty
// builder), an HTTP scenario left half typed for another view too, while a new "New scenario"
// starts afresh. Screenshots of each dialog go to
// test-output/screenshots/dialog-*.png.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { SHOTS, appSessionFor, flowBuilderOf } from './support/flowApp.ts';

const HAR = fileURLToPath(new URL('../fixtures/flowImport/shop.har', import.meta.url));
const OPENAPI = fileURLToPath(new URL('../fixtures/openapi/petstore-v3.yaml', import.meta.url));

describe('dialogs alike, and Back to an unsaved flow', () => {
  let page: Page;
  const app = appSessionFor('dialogs', (s) => (page = s.page));
  const { field, nav, stepRow, stepNames, newFlow } = flowBuilderOf(() => page);

  /** What has the focus: its accessible label or text, and whether it is inside the open dialog. */
  const focused = () =>
    page.evaluate(`(() => {
      const el = document.activeElement;
      const label = el?.getAttribute('aria-label') ?? (el?.labels?.[0] ? el.labels[0].textContent : el?.textContent) ?? '';
      return { label: label.trim(), inDialog: !!el?.closest('dialog[open]') };
    })()`) as Promise<{ label: string; inDialog: boolean }>;

  /** Dispatches dragover on the open dialog; whether it was taken (cancelled) and the dialog then lights up. */
  const dragOver = (kind: 'text' | 'file') =>
    page.evaluate(`(async () => {
      const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
      const dt = new DataTransfer();
      if (${kind === 'file' ? 'true' : 'false'}) dt.items.add(new File(['{}'], 'x.json', { type: 'application/json' }));
      else dt.setData('text/plain', 'dragged text');
      const dialog = document.querySelector('dialog[open]');
      const e = new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true });
      dialog.dispatchEvent(e);
      await frame();
      const lit = dialog.classList.contains('dragging') || !!dialog.querySelector('.dragging');
      dialog.dispatchEvent(new DragEvent('dragleave', { dataTransfer: dt, bubbles: true, relatedTarget: null }));
      await frame();
      return { taken: e.defaultPrevented, lit };
    })()`) as Promise<{ taken: boolean; lit: boolean }>;

  /** The checks every dialog passes; `start` is where its focus starts. */
  async function behavesAlike(dialog: Locator, o: { start: string; takesFiles: boolean; shot: string; leaveKey: string }) {
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    await expect.poll(focused).toEqual({ label: o.start, inDialog: true });
    for (let i = 0; i < 15; i++) {
      await page.keyboard.press('Tab');
      expect((await focused()).inDialog, `Tab ${i + 1}`).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect((await focused()).inDialog).toBe(true);
    // A view shortcut does nothing behind the dialog: the address and the dialog stay.
    await dialog.getByRole('button', { name: 'Close' }).focus();
    const url = page.url();
    await page.keyboard.press(o.leaveKey);
    await page.waitForTimeout(200);
    expect(page.url()).toBe(url);
    expect(await dialog.isVisible()).toBe(true);
    // Text dragged over it is not a file: not taken, no highlight. Files are, where it takes files.
    expect(await dragOver('text')).toEqual({ taken: false, lit: false });
    expect(await dragOver('file')).toEqual({ taken: o.takesFiles, lit: o.takesFiles });
    await page.screenshot({ path: join(SHOTS, `${o.shot}.png`) });
  }

  /** Esc closes it, and the focus goes back to the button that opened it. */
  async function escapeReturnsTo(dialog: Locator, opener: string) {
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(focused).toEqual({ label: opener, inDialog: false });
  }

  test('Paste curl and Import HAR in the flow builder', async () => {
    await newFlow('Dialog checks');
    await page.getByRole('button', { name: 'Paste curl…' }).click();
    const curl = page.getByRole('dialog', { name: 'Paste curl' });
    await curl.waitFor();
    await curl.getByLabel('curl command').fill(`curl 'http://demo-target.invalid/login' -H 'content-type: application/json' --data-raw '{"user":"user1"}'`);
    await curl.getByLabel('curl command').focus();
    await behavesAlike(curl, { start: 'curl command', takesFiles: false, shot: 'dialog-paste-curl', leaveKey: 'Alt+3' });
    await escapeReturnsTo(curl, 'Paste curl…');
    // Focus starts in the text when the dialog opens (nothing focused by hand).
    await page.getByRole('button', { name: 'Paste curl…' }).click();
    await expect.poll(focused).toEqual({ label: 'curl command', inDialog: true });
    await curl.getByRole('button', { name: 'Cancel' }).click();
    await curl.waitFor({ state: 'detached' });
    await expect.poll(focused).toEqual({ label: 'Paste curl…', inDialog: false });

    await page.getByRole('button', { name: 'Import HAR…' }).click();
    const har = page.getByRole('dialog', { name: 'Import HAR' });
    await behavesAlike(har, { start: 'Close', takesFiles: true, shot: 'dialog-import-har-empty', leaveKey: 'Alt+3' });
    await har.getByLabel('HAR file').setInputFiles(HAR);
    await har.getByRole('table', { name: 'Recorded requests' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'dialog-import-har.png') });
    await escapeReturnsTo(har, 'Import HAR…');
    expect(page.url()).toMatch(/#\/scenarios\/new$/);
  });

  test('Import OpenAPI in Scenarios; a document dropped on it is read', async () => {
    await nav('Scenarios').click();
    await page.getByRole('button', { name: 'Import OpenAPI…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import OpenAPI' });
    await behavesAlike(dialog, { start: 'Close', takesFiles: true, shot: 'dialog-import-openapi', leaveKey: 'Alt+3' });
    await escapeReturnsTo(dialog, 'Import OpenAPI…');

    await page.getByRole('button', { name: 'Import OpenAPI…' }).click();
    await dialog.waitFor();
    const text = JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'Dropped', version: '1' },
      servers: [{ url: 'http://127.0.0.1:8080' }],
      paths: { '/items': { get: { responses: { '200': { description: 'ok' } } } } },
    });
    await page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File([${JSON.stringify(text)}], 'dropped.json', { type: 'application/json' }));
      document.querySelector('dialog[open]').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    })()`);
    await dialog.getByRole('table', { name: 'Operations' }).waitFor();
    expect(await dialog.textContent()).toContain('dropped.json');
    await dialog.getByLabel('OpenAPI document file').waitFor({ state: 'detached' });
    await dialog.getByRole('button', { name: 'Back' }).click();
    await dialog.getByLabel('OpenAPI document file').setInputFiles(OPENAPI);
    await dialog.getByRole('table', { name: 'Operations' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'dialog-import-openapi-operations.png') });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
  });

  test('Merge shards in History', async () => {
    await nav('History').click();
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    await page.getByLabel('Merge shards: choose result files').setInputFiles({ name: 'not-a-shard.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": 1}') });
    const dialog = page.getByRole('dialog', { name: 'Merge shards' });
    await dialog.getByTestId('shard-merge-problem').waitFor();
    await behavesAlike(dialog, { start: 'Close', takesFiles: true, shot: 'dialog-merge-shards', leaveKey: 'Alt+1' });
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(page.url()).toMatch(/#\/history$/);
  });

  test('Back after running an unsaved new flow shows the flow again; a new scenario starts afresh', async () => {
    await newFlow('Unsaved shop');
    if ((await stepRow('request').getAttribute('aria-expanded')) !== 'true') await stepRow('request').click();
    await field('Step name').fill('home page');
    await field('URL or path').fill('/');
    await field('Virtual users').fill('2');
    await field('Duration (s)').fill('1');
    await field('Warm-up (s)').fill('0');
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/#\/run\/\d+$/);
    await page.getByRole('region', { name: 'Run summary' }).waitFor({ timeout: 30_000 });

    await page.goBack();
    await page.getByRole('heading', { name: 'New flow', level: 1 }).waitFor();
    expect(await field('Name').inputValue()).toBe('Unsaved shop');
    expect(await field('Base URL').inputValue()).toBe('http://demo-target.invalid');
    expect(await stepNames('Iteration')).toEqual(['home page']);
    expect(await field('Virtual users').inputValue()).toBe('2');
    expect(await field('Duration (s)').inputValue()).toBe('1');
    // Forward to the run and Back again: still there.
    await page.goForward();
    await page.waitForURL(/#\/run\/\d+$/);
    await page.goBack();
    await page.getByRole('heading', { name: 'New flow', level: 1 }).waitFor();
    expect(await stepNames('Iteration')).toEqual(['home page']);

    // A new visit of New scenario is a fresh form, not the draft.
    await nav('Scenarios').click();
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario', level: 1 }).waitFor();
    await page.getByText('Flow (steps)', { exact: true }).click();
    await page.getByRole('heading', { name: 'New flow', level: 1 }).waitFor();
    expect(await field('Name').inputValue()).toBe('');
    expect(await stepNames('Iteration')).toEqual(['request']);
  }, 60_000);

  test('an HTTP scenario half typed, left for History by a link: Back shows it as it was', async () => {
    await nav('Scenarios').click();
    await page.getByRole('button', { name: 'New scenario' }).click();
    await page.getByRole('heading', { name: 'New scenario', level: 1 }).waitFor();
    await field('Name').fill('Half typed');
    await field('URL').fill('http://127.0.0.1:9/half');
    await nav('History').click();
    await page.getByRole('heading', { name: 'History', level: 1 }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: 'New scenario', level: 1 }).waitFor();
    expect(await field('Name').inputValue()).toBe('Half typed');
    expect(await field('URL').inputValue()).toBe('http://127.0.0.1:9/half');
  });

  test('no script errors or CSP violations happened', () => {
    expect(app().problems).toEqual([]);
  });
});
