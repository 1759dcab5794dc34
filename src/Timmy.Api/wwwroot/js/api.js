// Talking to Timmy's JSON API. Every error the API sends is {"error": "..."}; it becomes an ApiError here.

export class ApiError extends Error {
  constructor(message, status, headers) {
    super(message);
    this.status = status;
    this.headers = headers;
  }
}

/** Sends a request and returns {data, headers}; throws ApiError on a non-2xx answer or a network failure. */
export async function call(path, { method = 'GET', body, macaroon } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (macaroon) headers.Authorization = `Bearer ${macaroon}`;
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError('Could not reach Timmy. Check your connection and try again.', 0, new Headers());
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError(data.error ?? `Request failed (HTTP ${response.status})`, response.status, response.headers);
  }
  return { data, headers: response.headers };
}

export const getConfig = async () => (await call('/api/client-config')).data;

/** Settles a stub invoice through the dev endpoint (stub mode only). */
export const simulatePayment = (paymentHash) =>
  call(`/api/dev/stub/pay/${encodeURIComponent(paymentHash)}`, { method: 'POST' });
