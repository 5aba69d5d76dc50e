// Start the real Hindsight server on a free port with a fresh SQLite file, and Debian's Chromium through
// playwright-core. Screenshots go to test-results/screenshots/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { startServer, type RunningServer, type ServeOptions } from '../src/cli/commands/serve.command.js';

export const SCREENSHOTS = resolve(process.cwd(), 'test-results/screenshots');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Harness {
  url: string;
  server: RunningServer;
  browser: Browser;
  /** A fresh browser profile (own cookies), at a laptop-sized window unless told otherwise. */
  context(viewport?: { width: number; height: number }): Promise<BrowserContext>;
  /** Uncaught exceptions in any page of any context so far: a healthy run has none. */
  pageErrors: string[];
  close(): Promise<void>;
}

/** A running server (with any extra options) and a browser, each with nothing in them yet. */
export async function startHarness(options: Partial<ServeOptions> = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'hindsight-e2e-'));
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    db: join(dir, 'e2e.db'),
    logger: false,
    ...options,
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  return {
    pageErrors,
    url: server.url,
    server,
    browser,
    async context(viewport = { width: 1280, height: 800 }) {
      const c = await browser.newContext({ viewport, acceptDownloads: true });
      c.setDefaultTimeout(15_000);
      c.on('page', (p) => p.on('pageerror', (e) => pageErrors.push(`${p.url()}: ${e.message}`)));
      contexts.push(c);
      return c;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Wait until a locator is visible (playwright-core has no auto-waiting expect). */
export async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  await locator.first().waitFor({ state: 'visible', timeout });
  return locator;
}

/** Wait until a locator is gone. */
export async function gone(locator: Locator, timeout = 15_000): Promise<void> {
  await locator.first().waitFor({ state: 'hidden', timeout });
}

/** Save a full-page screenshot under test-results/screenshots. */
export async function shot(page: Page, name: string, locator?: Locator): Promise<void> {
  const path = join(SCREENSHOTS, `${name}.png`);
  if (locator) await locator.screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
}

/** Sign in through the form. */
export async function signIn(page: Page, url: string, email: string, password: string): Promise<void> {
  await page.goto(url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('heading', { name: /^Hello,/ }));
}

/** Wait for the editor's autosave to catch up. */
export async function saved(page: Page): Promise<void> {
  await visible(page.getByRole('status').filter({ hasText: 'All changes saved' }), 20_000);
}

// Evaluated through the DevTools protocol, which the app's Content-Security-Policy (no inline or foreign
// scripts) rightly does not allow a <script> tag to do.
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2 A and AA problems axe-core finds on the page as it is now, one line each. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  // Labels find their input by id: a duplicate id silently labels the wrong element.
  const duplicates = await page.evaluate(() => {
    const seen = new Map<string, number>();
    for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) ?? 0) + 1);
    return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `duplicate-id: ${id} (${n}×)`);
  });
  const axe = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<AxeResult> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
    return r.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.length}×, e.g. ${v.nodes[0]?.target.join(' ') ?? ''})`,
    );
  });
  return [...duplicates, ...axe];
}

interface AxeResult {
  violations: { id: string; help: string; nodes: { target: string[] }[] }[];
}
