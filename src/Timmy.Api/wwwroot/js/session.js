// The session panel (Mode 2): create a session, pay its deposit, run requests against the balance, top up.
// The session id and its macaroon are kept in localStorage so a reload picks the session up again.
import { call } from './api.js';
import { clearInvoice, showInvoice } from './invoice.js';
import { $, onSubmit, sats, setText, show } from './ui.js';

const STORAGE_KEY = 'timmy.session';
const POLL_MS = 1500;

const load = () => {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
  } catch {
    return null;
  }
};
const save = (stored) => localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));

const STATUS = {
  awaiting_payment: 'Pay the deposit invoice to open the session.',
  active: 'Active. Run a request below.',
  paused: 'Paused: the balance is below the minimum. Top up to continue.',
  expired: 'This session expired after 24 hours without use.',
};

export function setUpSession(config) {
  let timer = null;
  const amountInputs = [$('session-amount'), $('topup-amount')];
  for (const input of amountInputs) {
    input.min = String(config.minDepositSats);
    input.max = String(config.maxDepositSats);
  }

  const error = (message) => setText($('session-error'), message);

  /** Fetches the session, shows it, and keeps polling while a payment is awaited. */
  async function refresh() {
    clearTimeout(timer);
    const stored = load();
    show($('session-create'), !stored);
    show($('session-view'), Boolean(stored));
    if (!stored) return;
    try {
      const { data } = await call(`/api/sessions/${stored.sessionId}`);
      if (data.macaroon && data.macaroon !== stored.macaroon) save({ ...stored, macaroon: data.macaroon });
      render(data);
      if (data.state === 'awaiting_payment' || data.pendingTopup) timer = setTimeout(refresh, POLL_MS);
    } catch (failure) {
      if (failure.status === 404) forget();
      else error(failure.message);
    }
  }

  function render(session) {
    $('session-state').textContent = session.state.replace('_', ' ');
    $('session-balance').textContent = `${sats(session.balanceSats)} (minimum ${sats(session.minimumBalanceSats)})`;
    $('session-expires').textContent = new Date(session.expiresAt).toLocaleString();
    setText($('session-status'), session.pendingTopup ? 'Pay the top-up invoice to add it to the balance.' : STATUS[session.state]);
    const invoice = session.invoice ?? session.pendingTopup;
    if (invoice) {
      const title = session.invoice ? 'Deposit invoice' : 'Top-up invoice';
      showInvoice($('session-invoice'), invoice, { title, stubPayments: config.stubPayments, onError: error });
    } else {
      clearInvoice($('session-invoice'));
    }
    show($('session-request-form'), session.state === 'active');
    show($('session-topup-form'), (session.state === 'active' || session.state === 'paused') && !session.pendingTopup);
  }

  function forget() {
    localStorage.removeItem(STORAGE_KEY);
    clearTimeout(timer);
    clearInvoice($('session-invoice'));
    show($('session-answer'), false);
    refresh();
  }

  onSubmit($('session-create'), $('session-error'), async () => {
    const { data } = await call('/api/sessions', { method: 'POST', body: { amount_sats: Number($('session-amount').value) } });
    save({ sessionId: data.sessionId, macaroon: null });
    await refresh();
  });

  // Either way the balance or state may have changed, so the session is fetched again afterwards.
  onSubmit($('session-request-form'), $('session-error'), async () => {
    const { sessionId, macaroon } = load();
    try {
      const { data } = await call(`/api/sessions/${sessionId}/request`, { method: 'POST', body: { request: $('session-request').value }, macaroon });
      showAnswer(data);
    } finally {
      await refresh();
    }
  });

  onSubmit($('session-topup-form'), $('session-error'), async () => {
    const { sessionId, macaroon } = load();
    try {
      await call(`/api/sessions/${sessionId}/topup`, { method: 'POST', body: { amount_sats: Number($('topup-amount').value) }, macaroon });
    } finally {
      await refresh();
    }
  });

  $('session-forget').addEventListener('click', forget);
  refresh();
}

function showAnswer(answer) {
  show($('session-answer'));
  const text = answer.state === 'complete' ? answer.result
    : answer.state === 'rejected' ? `Rejected: ${answer.reason}`
      : `Failed: ${answer.errorMessage}`;
  $('session-answer-text').textContent = text ?? '';
  $('session-answer-cost').textContent =
    `Charged ${sats(answer.debitedSats)} (eval ${answer.cost.evalSats}, work ${answer.cost.workSats}). ` +
    `Balance left: ${sats(answer.balanceRemaining)}.`;
}
