// "Ask Timmy": the per-job flow. Create a job, pay the eval invoice, see the verdict, pay the work invoice,
// read the result and its cost ledger, and claim any refund.
import { call } from './api.js';
import { clearInvoice, showInvoice } from './invoice.js';
import { isFinal, watchJob } from './job-watch.js';
import { $, busy, fillFacts, onSubmit, sats, setText, show, usd } from './ui.js';

const STEPS = ['awaiting_eval_payment', 'evaluating', 'awaiting_work_payment', 'executing', 'complete'];

const STATUS = {
  awaiting_eval_payment: () => 'Waiting for the eval payment. Pay the invoice below.',
  evaluating: () => 'Eval paid. Timmy is judging your request…',
  awaiting_work_payment: () => 'Accepted! Pay the work invoice to start the work.',
  executing: () => 'Work paid. Timmy is working on it…',
  complete: () => 'Done. Here is your result.',
  rejected: (job) => `Rejected: ${job.reason ?? 'Timmy will not do this request.'}`,
  failed: (job) => `Failed: ${job.errorMessage ?? 'something went wrong.'} Any work fee paid is refundable below.`,
};

export function setUpAsk(config) {
  const form = $('ask-form');
  let stopWatching = () => {};
  setText($('eval-fee'), `(${sats(config.evalFeeSats)} to start)`);

  onSubmit(form, $('ask-error'), async () => {
    const { data } = await call('/api/jobs', { method: 'POST', body: { request: $('ask-request').value } });
    stopWatching();
    startJob(data, config);
    stopWatching = watchJob(data.jobId, (job) => renderJob(job, config));
  });

  $('ask-again').addEventListener('click', () => {
    stopWatching();
    show($('job'), false);
    show(form);
    $('ask-request').value = '';
    $('ask-request').focus();
  });

  $('refund-form').addEventListener('submit', (event) => claimRefund(event, config));
}

/** Shows a just-created job at once, before the first live update arrives. */
function startJob(created, config) {
  const job = $('job');
  job.dataset.jobId = created.jobId;
  for (const id of ['job-pricing', 'job-result', 'job-ledger', 'refund-form', 'refund-message', 'ask-again']) show($(id), false);
  clearInvoice($('job-invoice'));
  show($('ask-form'), false);
  show(job);
  renderJob({ jobId: created.jobId, state: 'awaiting_eval_payment', evalInvoice: created.evalInvoice }, config);
  $('job-title').focus?.();
}

function renderJob(job, config) {
  if ($('job').dataset.jobId !== job.jobId) return; // an update for a job no longer on screen
  renderSteps(job.state);
  setText($('job-status'), STATUS[job.state]?.(job) ?? job.state);
  renderInvoiceFor(job, config);

  show($('job-pricing'), Boolean(job.pricingBreakdown));
  if (job.pricingBreakdown) {
    const price = job.pricingBreakdown;
    fillFacts($('job-pricing-list'), [
      ['Work fee', job.workInvoice ? sats(job.workInvoice.amountSats) : null],
      ['Estimated cost', usd(price.estimatedCostUsd)],
      ['Margin', `${price.marginPct}%`],
      ['BTC price (locked)', `$${Number(price.btcPriceUsd).toLocaleString('en')}`],
    ]);
  }

  show($('job-result'), Boolean(job.result));
  $('job-result-text').textContent = job.result ?? '';
  renderLedger(job.costLedger);
  show($('ask-again'), isFinal(job.state));
}

function renderSteps(state) {
  const current = STEPS.indexOf(state);
  for (const item of document.querySelectorAll('.steps li')) {
    const index = STEPS.indexOf(item.dataset.step);
    item.classList.toggle('done', current >= 0 && index < current || state === 'complete');
    if (index === current && state !== 'complete') item.setAttribute('aria-current', 'step');
    else item.removeAttribute('aria-current');
  }
}

function renderInvoiceFor(job, config) {
  const container = $('job-invoice');
  const onError = (message) => setText($('ask-error'), message);
  if (job.state === 'awaiting_eval_payment' && job.evalInvoice) {
    showInvoice(container, job.evalInvoice, { title: 'Eval invoice', stubPayments: config.stubPayments, onError });
  } else if (job.state === 'awaiting_work_payment' && job.workInvoice) {
    showInvoice(container, job.workInvoice, { title: 'Work invoice', stubPayments: config.stubPayments, onError });
  } else {
    clearInvoice(container);
  }
}

function renderLedger(ledger) {
  show($('job-ledger'), Boolean(ledger));
  if (!ledger) {
    show($('refund-form'), false);
    return;
  }
  fillFacts($('job-ledger-list'), [
    ['Tokens (in / out)', `${ledger.actualInputTokens} / ${ledger.actualOutputTokens}`],
    ['Actual cost', usd(ledger.actualCostUsd)],
    ['Charged (with infra and margin)', usd(ledger.actualChargeUsd)],
    ['Estimated cost', usd(ledger.estimatedCostUsd)],
    ['Actual charge', sats(ledger.actualAmountSats)],
    ['You paid', sats(ledger.workAmountSats)],
    ['Refund owed', sats(ledger.refundAmountSats)],
    ['Refund', ledger.refundState.replace('_', ' ')],
  ]);
  const refundable = ledger.refundAmountSats > 0 && ledger.refundState === 'pending';
  show($('refund-form'), refundable);
  $('refund-amount').textContent = String(ledger.refundAmountSats);
}

async function claimRefund(event, config) {
  event.preventDefault();
  const form = event.currentTarget;
  const jobId = $('job').dataset.jobId;
  const message = $('refund-message');
  await busy(form, async () => {
    try {
      const { data } = await call(`/api/jobs/${jobId}/refund`, { method: 'POST', body: { invoice: $('refund-invoice').value.trim() } });
      setText(message, `${data.message} (${sats(data.refundAmountSats)})`);
      message.className = 'status';
      renderJob((await call(`/api/jobs/${jobId}`)).data, config);
    } catch (error) {
      setText(message, error.message);
      message.className = 'error';
    }
  });
}
