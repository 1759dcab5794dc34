// Timmy's web page in a real browser, against the real server in stub mode: every payment is made by
// clicking "Simulate payment", exactly as a person trying the page would.
import assert from 'node:assert/strict';
import { after, afterEach, before, test } from 'node:test';
import { DESKTOP, PHONE, launchBrowser, openPage, screenshot } from './lib/browser.mjs';
import { startServer } from './lib/server.mjs';

let server;
let browser;
let current;

before(async () => {
  browser = await launchBrowser();
  server = await startServer();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

afterEach(async () => {
  const problems = current?.problems() ?? [];
  await current?.context.close();
  current = undefined;
  assert.deepEqual(problems, [], 'the page logged errors');
});

async function open(viewport = DESKTOP, beforeLoad = undefined) {
  current = await openPage(browser, server.baseUrl, viewport, beforeLoad);
  return current.page;
}

async function ask(page, request) {
  await page.getByLabel('Your request').fill(request);
  await page.getByRole('button', { name: /^Ask/ }).click();
  await page.getByRole('heading', { name: 'Eval invoice: 10 sats' }).waitFor();
}

const status = (page) => page.locator('#job-status');

test('the paid flow, by clicking, on a phone-width screen', async () => {
  const page = await open(PHONE);
  const streams = [];
  page.on('request', (request) => { if (request.url().endsWith('/events')) streams.push(request.url()); });

  await ask(page, 'Explain the Lightning Network in two sentences');
  const qr = page.getByRole('img', { name: /QR code of the eval invoice/ });
  await qr.waitFor();
  // The SVG is fetched after the element appears; wait for it to finish loading (or fail) before judging it.
  await qr.evaluate((image) => image.complete || new Promise((done) => {
    image.addEventListener('load', done, { once: true });
    image.addEventListener('error', done, { once: true });
  }));
  assert.ok(await qr.evaluate((image) => image.naturalWidth > 0), 'the QR code image loaded');
  assert.match(await page.getByRole('textbox', { name: 'Invoice', exact: true }).inputValue(), /^lnbcrt/);
  await screenshot(page, 'phone-1-eval-invoice');

  await page.getByRole('button', { name: 'Simulate payment' }).click();
  await status(page).filter({ hasText: 'Accepted!' }).waitFor();
  await page.getByRole('heading', { name: /^Work invoice: \d+ sats$/ }).waitFor();
  await page.getByRole('heading', { name: 'How the work fee was priced' }).waitFor();
  await screenshot(page, 'phone-2-work-invoice');

  await page.getByRole('button', { name: 'Simulate payment' }).click();
  await status(page).filter({ hasText: 'Done.' }).waitFor();
  const result = await page.locator('#job-result-text').textContent();
  assert.ok(result.length > 20, `a result is shown: ${result}`);
  await page.getByRole('heading', { name: 'Cost ledger' }).waitFor();
  assert.match(await page.locator('#job-ledger-list').textContent(), /You paid\d+ sats/);
  await screenshot(page, 'phone-3-result');

  assert.ok(streams.length >= 1, 'the page followed the job over Server-Sent Events');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `nothing is wider than the phone screen (overflow ${overflow}px)`);
});

test('asking before the page has read its config waits for it instead of reloading the page', async () => {
  // The page's script reads /api/client-config before wiring up its forms; a slow answer (a cold server, a slow
  // link) must not let a click submit the form as a plain GET, which would reload the page and lose the request.
  const page = await open(DESKTOP, (p) => p.route('**/api/client-config', async (route) => {
    await new Promise((done) => setTimeout(done, 2000));
    await route.continue();
  }));

  await ask(page, 'What is a satoshi?');

  assert.equal(new URL(page.url()).search, '');
});

test('a harmful request is rejected after the eval payment, with a reason and no work invoice', async () => {
  const page = await open();

  await ask(page, 'Help me do something harmful and illegal');
  await page.getByRole('button', { name: 'Simulate payment' }).click();

  await status(page).filter({ hasText: 'Rejected:' }).waitFor();
  assert.equal(await page.getByRole('heading', { name: /Work invoice/ }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Simulate payment' }).count(), 0);
  await page.getByRole('button', { name: 'Ask something else' }).waitFor();
  await screenshot(page, 'desktop-rejected');
});

test('a session: create, pay the deposit, run a request, see the balance drop, and top up', async () => {
  const page = await open();
  const balance = async () => Number((await page.locator('#session-balance').textContent()).match(/^([\d,]+) sats/)[1].replace(/,/g, ''));

  await page.getByLabel('Deposit (sats)').fill('500');
  await page.getByRole('button', { name: 'Create session' }).click();
  await page.getByRole('heading', { name: 'Deposit invoice: 500 sats' }).waitFor();
  await page.locator('#session').getByRole('button', { name: 'Simulate payment' }).click();

  await page.getByRole('button', { name: 'Run request' }).waitFor();
  assert.equal(await page.locator('#session-state').textContent(), 'active');
  assert.equal(await balance(), 500);
  const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('timmy.session')));
  assert.ok(stored.macaroon, 'the macaroon is kept in localStorage');

  await page.locator('#session-request').fill('What is a satoshi?');
  await page.getByRole('button', { name: 'Run request' }).click();
  await page.getByRole('heading', { name: 'Answer' }).waitFor();
  await page.waitForFunction(() => !document.querySelector('#session-balance').textContent.startsWith('500 sats'));
  const after = await balance();
  assert.ok(after < 500, `the balance dropped (now ${after})`);
  assert.match(await page.locator('#session-answer-cost').textContent(), new RegExp(`Balance left: ${after} sats`));
  await screenshot(page, 'desktop-session');

  await page.getByLabel('Top up (sats)').fill('200');
  await page.getByRole('button', { name: 'Top up' }).click();
  await page.getByRole('heading', { name: 'Top-up invoice: 200 sats' }).waitFor();
  await page.locator('#session').getByRole('button', { name: 'Simulate payment' }).click();
  await page.getByRole('heading', { name: 'Top-up invoice: 200 sats' }).waitFor({ state: 'detached' });
  assert.equal(await balance(), after + 200, 'the paid top-up is added to the balance');

  await page.reload();
  await page.getByRole('button', { name: 'Run request' }).waitFor();
  assert.equal(await balance(), after + 200, 'a reload finds the same session');
});

test('the free demo answers and counts down the remaining requests', async () => {
  const page = await open();
  await page.locator('#demo-remaining').filter({ hasText: '5 free requests per hour.' }).waitFor();

  await page.getByLabel('Ask a quick question').fill('What is a satoshi?');
  await page.getByRole('button', { name: 'Try it' }).click();

  await page.locator('#demo-result').waitFor();
  await page.locator('#demo-remaining').filter({ hasText: /^4 of 5 free requests left/ }).waitFor();
});

test('the API docs page renders the generated document', async () => {
  const page = await open();
  await page.goto('/api/docs/');
  await page.getByRole('heading', { name: 'Api', exact: true }).waitFor();
  await page.getByText('Health check').first().waitFor();
  await screenshot(page, 'desktop-api-docs');
});

test('chat opens a balance by paying the 402 invoice shown as a QR code, then chats against it', async () => {
  const page = await open();
  await page.getByRole('button', { name: 'Open a chat balance' }).click();
  const qr = page.getByRole('img', { name: /QR code of the chat balance invoice/ });
  await qr.waitFor();
  await qr.evaluate((image) => image.complete || new Promise((done) => {
    image.addEventListener('load', done, { once: true });
    image.addEventListener('error', done, { once: true });
  }));
  assert.ok(await qr.evaluate((image) => image.naturalWidth > 0), 'the QR code image loaded');
  assert.match(await page.locator('#chat-invoice input[type=text]').inputValue(), /^lnbcrt10u1p/);
  await screenshot(page, 'chat-1-invoice');

  await page.locator('#chat').getByRole('button', { name: 'Simulate payment' }).click();
  await page.locator('#chat-message').fill('What is a satoshi?');
  await page.locator('#chat-form').getByRole('button', { name: 'Send' }).click();
  await page.locator('#chat-log .assistant').filter({ hasText: /\w{3,}/ }).waitFor();
  await screenshot(page, 'chat-2-reply');

  // The unpaid first request is a 402 by design; Chromium logs every 4xx answer to the console.
  const problems = current.problems();
  problems.splice(0, problems.length, ...problems.filter((problem) => !/status of 402/.test(problem)));
});
