// Debian's Chromium, driven by playwright-core (which never downloads a browser of its own).
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = resolve(import.meta.dirname, '..', 'artifacts');

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };

export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}. Install Debian's package: apt-get install -y chromium`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  // Playwright gives each launch a fresh, empty profile. The flags keep Chromium off the network.
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync',
    ],
  });
}

/**
 * A fresh page whose console errors and uncaught exceptions are collected: `problems()` must stay empty.
 * `beforeLoad(page)` runs before the page is loaded (to route its requests, say).
 */
export async function openPage(browser, baseUrl, viewport = DESKTOP, beforeLoad = async () => {}) {
  const context = await browser.newContext({ viewport, baseURL: baseUrl });
  const page = await context.newPage();
  await beforeLoad(page);
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.setDefaultTimeout(15_000);
  await page.goto('/');
  return { page, context, problems: () => problems };
}

export const screenshot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
