// Timmy's payment boundary from the outside, with a real third-party 402 client: @getalby/lightning-tools'
// fetchWithL402 and fetchWithMpp, and a wallet that pays through the stub node's dev endpoint (as a Lightning
// wallet would, it returns the preimage). No Timmy-specific code decides anything about the protocol.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fetchWithL402, fetchWithMpp } from '@getalby/lightning-tools/402';
import { decodeInvoice } from '@getalby/lightning-tools/bolt11';
import { startServer } from './lib/server.mjs';

let server;

before(async () => {
  server = await startServer({ Boundary__MinBundleSats: '1000', Chat__ImagePriceSats: '50' });
});

after(async () => {
  await server?.stop();
});

/** Pays through the dev endpoint after decoding the invoice, as a wallet does; counts what it paid. */
function stubWallet() {
  const wallet = {
    paid: [],
    async payInvoice({ invoice }) {
      const decoded = decodeInvoice(invoice);
      assert.ok(decoded?.paymentHash, 'the challenge invoice decodes as BOLT11');
      const response = await fetch(`${server.baseUrl}/api/dev/stub/pay/${decoded.paymentHash}`, { method: 'POST' });
      assert.equal(response.status, 200);
      const { preimage } = await response.json();
      wallet.paid.push({ invoice, sats: decoded.satoshi, preimage });
      return { preimage };
    },
  };
  return wallet;
}

const json = (body) => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
const image = () => json({ prompt: 'A lighthouse at dusk' });
const receipt = (response) => JSON.parse(Buffer.from(response.headers.get('payment-receipt'), 'base64url').toString('utf8'));

test('fetchWithL402 pays for an image, then chats on the same credential without paying again', async () => {
  const wallet = stubWallet();
  const first = await fetchWithL402(`${server.baseUrl}/api/gemini/generate-image`, image(), { wallet });
  assert.equal(first.status, 200);
  assert.ok((await first.json()).b64_json.length > 100);
  assert.equal(wallet.paid.length, 1);
  assert.equal(wallet.paid[0].sats, 1000);
  const { credentials } = first.payment;
  assert.match(credentials.value, /^L402 [^:]+:[0-9a-f]{64}$/);

  const made = receipt(first);
  assert.equal(made.status, 'success');
  assert.equal(made.method, 'lightning');
  assert.equal(made.reference, decodeInvoice(wallet.paid[0].invoice).paymentHash);
  assert.ok(!Number.isNaN(Date.parse(made.timestamp)));

  const created = await fetchWithL402(`${server.baseUrl}/api/gemini/conversations`, json({ title: 'Paid chat' }), { wallet, credentials });
  assert.equal(created.status, 201);
  const { id } = await created.json();
  const reply = await fetchWithL402(`${server.baseUrl}/api/gemini/conversations/${id}/messages`, json({ content: 'What is a satoshi?' }), { wallet, credentials });
  assert.equal(reply.status, 200);
  assert.match(await reply.text(), /"done":true/);
  assert.equal(wallet.paid.length, 1, 'reusing the credential paid nothing more');
});

test('fetchWithMpp pays a Payment charge and its credential is reusable, with the challenge id in the receipt', async () => {
  const wallet = stubWallet();
  const first = await fetchWithMpp(`${server.baseUrl}/api/gemini/generate-image`, image(), { wallet });
  assert.equal(first.status, 200);
  const { credentials } = first.payment;
  assert.match(credentials.value, /^Payment /);
  const again = await fetchWithMpp(`${server.baseUrl}/api/gemini/generate-image`, image(), { wallet, credentials });
  assert.equal(again.status, 200);
  assert.equal(wallet.paid.length, 1);
  const made = receipt(again);
  assert.equal(made.reference, decodeInvoice(wallet.paid[0].invoice).paymentHash);
  const challenge = JSON.parse(Buffer.from(credentials.value.slice('Payment '.length), 'base64url').toString('utf8')).challenge;
  assert.equal(made.challengeId, challenge.id);
});

test('the LSAT alias of a paid credential spends the same balance', async () => {
  const wallet = stubWallet();
  const first = await fetchWithL402(`${server.baseUrl}/api/gemini/generate-image`, image(), { wallet });
  const lsat = { header: 'Authorization', value: first.payment.credentials.value.replace(/^L402 /, 'LSAT ') };
  const again = await fetchWithL402(`${server.baseUrl}/api/gemini/generate-image`, image(), { wallet, credentials: lsat });
  assert.equal(again.status, 200);
  assert.equal(wallet.paid.length, 1);
});

test('a wrong preimage is a 401 JSON error', async () => {
  const wallet = stubWallet();
  const first = await fetchWithL402(`${server.baseUrl}/api/gemini/generate-image`, image(), { wallet });
  const wrong = { header: 'Authorization', value: first.payment.credentials.value.replace(/:[0-9a-f]{64}$/, `:${'0'.repeat(64)}`) };
  const response = await fetchWithL402(`${server.baseUrl}/api/gemini/generate-image`, image(), { wallet, credentials: wrong });
  assert.equal(response.status, 401);
  assert.match((await response.json()).error, /preimage/);
});

test('two buyers are isolated: neither sees the other\'s conversation', async () => {
  const alice = stubWallet();
  const bob = stubWallet();
  const a = await fetchWithL402(`${server.baseUrl}/api/gemini/conversations`, json({ title: 'Alice' }), { wallet: alice });
  const b = await fetchWithMpp(`${server.baseUrl}/api/gemini/conversations`, json({ title: 'Bob' }), { wallet: bob });
  assert.equal(a.status, 201);
  assert.equal(b.status, 201);
  const aliceId = (await a.json()).id;
  const list = async (credentials, wallet) =>
    (await (await fetchWithL402(`${server.baseUrl}/api/gemini/conversations`, {}, { wallet, credentials })).json()).map((c) => c.title);
  assert.deepEqual(await list(a.payment.credentials, alice), ['Alice']);
  assert.deepEqual(await list(b.payment.credentials, bob), ['Bob']);
  const peek = await fetchWithMpp(`${server.baseUrl}/api/gemini/conversations/${aliceId}`, {}, { wallet: bob, credentials: b.payment.credentials });
  assert.equal(peek.status, 404);
});
