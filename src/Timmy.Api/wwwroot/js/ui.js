// Small DOM helpers. Text from the server (answers, reasons) is only ever set as textContent, never as HTML.

export const $ = (id) => document.getElementById(id);

export function show(element, visible = true) {
  element.hidden = !visible;
}

export function setText(element, text) {
  element.textContent = text ?? '';
  element.hidden = !text;
}

export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  node.append(...children.filter(Boolean));
  return node;
}

/** Fills a <dl> from [term, value] pairs, skipping missing values. */
export function fillFacts(list, pairs) {
  list.replaceChildren(...pairs
    .filter(([, value]) => value !== undefined && value !== null)
    .flatMap(([term, value]) => [el('dt', { text: term }), el('dd', { text: String(value) })]));
}

/** Disables a form's buttons while an async action runs, so a double click sends one request. */
export async function busy(form, action) {
  const buttons = [...form.querySelectorAll('button')];
  buttons.forEach((button) => { button.disabled = true; });
  try {
    return await action();
  } finally {
    buttons.forEach((button) => { button.disabled = false; });
  }
}

/**
 * Handles a form's submit: clears `errorElement`, runs `action` with the buttons disabled, and shows the
 * message of anything it throws in `errorElement`. Enables the form's buttons once the handler is in place.
 */
export function onSubmit(form, errorElement, action) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setText(errorElement, '');
    await busy(form, async () => {
      try {
        await action();
      } catch (error) {
        setText(errorElement, error.message);
      }
    });
  });
  // Buttons the page starts disabled (so an early click cannot submit the form natively) work from now on.
  form.querySelectorAll('button').forEach((button) => { button.disabled = false; });
}

export const sats = (amount) => `${Number(amount).toLocaleString('en')} sats`;
export const usd = (amount) => `$${Number(amount).toFixed(6).replace(/0{1,4}$/, '')}`;
