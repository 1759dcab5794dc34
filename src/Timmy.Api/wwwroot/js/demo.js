// "Try it free": the rate-limited demo. The remaining count comes from the X-RateLimit-* headers.
import { call } from './api.js';
import { $, onSubmit, setText } from './ui.js';

export function setUpDemo(config) {
  setText($('demo-remaining'), `${config.demoRequestsPerWindow} free requests per hour.`);

  onSubmit($('demo-form'), $('demo-error'), async () => {
    try {
      const { data, headers } = await call(`/api/demo?request=${encodeURIComponent($('demo-request').value)}`);
      setText($('demo-result'), data.result);
      showRemaining(headers);
    } catch (error) {
      showRemaining(error.headers); // a 429 still says when the window resets
      throw error;
    }
  });
}

function showRemaining(headers) {
  const remaining = headers?.get('X-RateLimit-Remaining');
  const limit = headers?.get('X-RateLimit-Limit');
  if (remaining === null || remaining === undefined || !limit) return;
  const reset = new Date(Number(headers.get('X-RateLimit-Reset')) * 1000);
  const when = reset.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  setText($('demo-remaining'), `${remaining} of ${limit} free requests left this hour (resets at ${when}).`);
}
