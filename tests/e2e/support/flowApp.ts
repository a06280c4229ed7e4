// What the end-to-end files of the flow builder (flowBuilder, flowDoneWhen, flowImport,
// builderDrafts) share: a session of the app — its own temp history, its own `barrage serve` on
// port 0, Chromium — and the builder's locators, so each file reads as what the user does.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, openApp } from '../../support/chromium.ts';
import { startServe, type ServeProcess } from './serveProcess.ts';

export const SHOTS = fileURLToPath(new URL('../../../test-output/screenshots/', import.meta.url));

export interface AppSession {
  /** The temp folder of this session (its history is runs.db in it). */
  dir: string;
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  /** Script errors and console errors (a CSP violation among them) seen so far. */
  problems: string[];
  /** Closes the browser and the server and removes the temp folder. */
  close(): Promise<void>;
}

/** Starts `barrage serve` on a fresh history in a temp folder named after `name`, and opens the app. */
export async function startAppSession(name: string): Promise<AppSession> {
  mkdirSync(SHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), `barrage-e2e-${name}-`));
  const problems: string[] = [];
  let serve: ServeProcess | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    serve = await startServe(join(dir, 'runs.db'));
    browser = await launchChromium();
    const page = await openApp(browser, serve.url, problems);
    return { dir, serve, browser, page, problems, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * A session for the calling describe block: started before its tests (beforeAll), closed after
 * them (afterAll). `opened` receives it once open; the result reads it afterwards.
 */
export function appSessionFor(name: string, opened: (app: AppSession) => void): () => AppSession {
  let app: AppSession | undefined;
  beforeAll(async () => {
    app = await startAppSession(name);
    opened(app);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
  });
  return () => {
    if (!app) throw new Error(`the ${name} session did not open`);
    return app;
  };
}

/** The flow builder's locators and steps on a page (given late: the page opens in beforeAll). */
export function flowBuilderOf(page: () => Page) {
  const field = (label: string): Locator => page().getByLabel(label, { exact: true });
  const nav = (name: string): Locator => page().getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  /** A step's row, by the name it starts with. */
  const stepRow = (name: string): Locator => page().getByRole('button', { name: new RegExp(`^Step ${name}:`) });
  /** The names of a phase's steps (Setup, Iteration, Teardown), in order. */
  const stepNames = (phase: string): Promise<string[]> => page().getByRole('group', { name: phase, exact: true }).locator('.step-name').allTextContents();
  return {
    field,
    nav,
    stepRow,
    stepNames,
    /** A full-page screenshot into test-output/screenshots/ (after a moment for transitions). */
    async shot(name: string): Promise<void> {
      await page().waitForTimeout(150);
      await page().screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    },
    /** Scenarios → New scenario → Flow (steps), named, against the demo target. */
    async newFlow(name: string): Promise<void> {
      await nav('Scenarios').click();
      await page().getByRole('button', { name: 'New scenario' }).click();
      await page().getByRole('heading', { name: 'New scenario' }).waitFor();
      await page().getByText('Flow (steps)', { exact: true }).click();
      await page().getByRole('heading', { name: 'New flow', level: 1 }).waitFor();
      await field('Name').fill(name);
      await page().getByRole('button', { name: 'Use demo target' }).click();
    },
  };
}
