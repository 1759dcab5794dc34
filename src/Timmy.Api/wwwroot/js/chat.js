// The chat panel: opens a balance by paying the invoice of a 402 challenge, then chats against it with the
// L402 credential (macaroon:preimage), which stays in localStorage. Replies stream as server-sent events.
import { showInvoice, clearInvoice } from './invoice.js';
import { $, onSubmit, setText, show, el } from './ui.js';

const STORAGE_KEY = 'timmy.chat';
const CONVERSATIONS = '/api/gemini/conversations';

const load = () => {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
  } catch {
    return null;
  }
};
const save = (stored) => localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));

/** Sends a request with the balance's credential; a 402 or another error becomes an Error with the server's message. */
async function paid(path, credential, body) {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: credential },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    const data = await response.json().catch(() => ({}));
    throw new Error(data.error ?? `Request failed (HTTP ${response.status})`);
  }
  return response;
}

export function setUpChat(config) {
  let pending = null; // {macaroon} of the challenge being paid
  const error = (message) => setText($('chat-error'), message);

  function render() {
    const stored = load();
    show($('chat-open'), !stored && !pending);
    show($('chat-view'), Boolean(stored?.conversationId));
    show($('chat-preimage-form'), Boolean(pending));
  }

  async function opened(preimage) {
    const credential = `L402 ${pending.macaroon}:${preimage}`;
    const response = await paid(CONVERSATIONS, credential, { title: 'Chat' });
    const conversation = await response.json();
    save({ credential, conversationId: conversation.id });
    pending = null;
    clearInvoice($('chat-invoice'));
    render();
  }

  $('chat-open').addEventListener('click', async () => {
    error('');
    const response = await fetch(CONVERSATIONS, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ title: 'Chat' }),
    }).catch(() => null);
    if (response?.status !== 402) {
      error('Could not get an invoice from Timmy. Try again.');
      return;
    }
    const body = await response.json();
    const macaroon = /L402 macaroon="([^"]+)"/.exec(response.headers.get('www-authenticate') ?? '')?.[1];
    if (!macaroon) {
      error('Timmy sent no L402 challenge.');
      return;
    }
    pending = { macaroon };
    render();
    showInvoice($('chat-invoice'), { paymentRequest: body.invoice, amountSats: body.amountSats, paymentHash: body.paymentHash }, {
      title: 'Chat balance invoice',
      stubPayments: config.stubPayments,
      onError: error,
      onPaid: (data) => opened(data.preimage).catch((failure) => error(failure.message)),
    });
  });

  onSubmit($('chat-preimage-form'), $('chat-error'), () => opened($('chat-preimage').value.trim().toLowerCase()));

  onSubmit($('chat-form'), $('chat-error'), async () => {
    const stored = load();
    const content = $('chat-message').value.trim();
    if (!content) return;
    const reply = el('li', { class: 'assistant' });
    $('chat-log').append(el('li', { class: 'user', text: content }), reply);
    const response = await paid(`${CONVERSATIONS}/${stored.conversationId}/messages`, stored.credential, { content });
    $('chat-message').value = '';
    await readEvents(response, (event) => {
      if (event.content) reply.textContent += event.content;
      if (event.error) error(event.error);
    });
  });

  $('chat-forget').addEventListener('click', () => {
    localStorage.removeItem(STORAGE_KEY);
    $('chat-log').replaceChildren();
    render();
  });

  render();
}

/** Reads a text/event-stream body, calling `onEvent` with each `data:` JSON payload. */
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const chunk = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = chunk.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('');
      if (data) onEvent(JSON.parse(data));
    }
  }
}
