// One Lightning invoice on screen: a QR code drawn by the server, the amount, the text with a copy button,
// a wallet link, and in stub mode a "Simulate payment" button.
import { simulatePayment } from './api.js';
import { el } from './ui.js';

let counter = 0;

/**
 * Shows `invoice` ({paymentRequest, amountSats, paymentHash?}) in `container`, replacing what was there.
 * `onError` receives a message if simulating the payment fails; `onPaid` the dev endpoint's answer (with the preimage).
 */
export function showInvoice(container, invoice, { title, stubPayments, onError, onPaid }) {
  if (container.dataset.invoice === invoice.paymentRequest) return; // already on screen
  container.dataset.invoice = invoice.paymentRequest;
  const id = `invoice-${++counter}`;
  const copied = el('span', { class: 'copied', role: 'status', 'aria-live': 'polite' });
  const text = el('input', { id, type: 'text', readonly: '', value: invoice.paymentRequest, spellcheck: 'false' });

  const copy = el('button', {
    type: 'button',
    text: 'Copy',
    'aria-label': `Copy the ${title.toLowerCase()}`,
    onclick: async () => {
      copied.textContent = (await copyText(text)) ? 'Copied.' : 'Select the text and copy it.';
    },
  });

  const simulate = stubPayments && invoice.paymentHash
    ? el('button', {
      type: 'button',
      class: 'primary simulate',
      text: 'Simulate payment',
      onclick: async (event) => {
        event.currentTarget.disabled = true;
        try {
          const { data } = await simulatePayment(invoice.paymentHash);
          copied.textContent = 'Payment sent (simulated).';
          onPaid?.(data);
        } catch (error) {
          event.currentTarget.disabled = false;
          onError?.(error.message);
        }
      },
    })
    : null;

  container.replaceChildren(el('div', { class: 'invoice' },
    el('h4', { text: `${title}: ${invoice.amountSats} sats` }),
    el('img', {
      class: 'qr',
      src: `/api/qr?data=${encodeURIComponent(invoice.paymentRequest)}`,
      alt: `QR code of the ${title.toLowerCase()} for ${invoice.amountSats} sats. Scan it with a Lightning wallet.`,
      width: '240',
      height: '240',
    }),
    el('label', { for: id, text: 'Invoice' }),
    el('div', { class: 'copy-row' }, text, copy),
    el('div', { class: 'invoice-actions' },
      el('a', { href: `lightning:${invoice.paymentRequest}`, text: 'Open in wallet' }),
      simulate,
      copied)));
}

export function clearInvoice(container) {
  delete container.dataset.invoice;
  container.replaceChildren();
}

async function copyText(input) {
  try {
    await navigator.clipboard.writeText(input.value);
    return true;
  } catch {
    // No clipboard permission (plain http, or the browser said no): leave the text selected instead.
    input.select();
    return false;
  }
}
