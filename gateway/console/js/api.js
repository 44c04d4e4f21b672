// The console's one way to the REST API: same-origin fetch with the session cookie, the CSRF
// header on unsafe methods, one refresh of the session on a 401, and problem details turned into
// an ApiError whose message is Chinese. No token is ever seen by a script.
import { describe } from './problems.js';

const SAFE = new Set(['GET', 'HEAD']);

export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    const described = describe(status, problem, retryAfter);
    super(described.message);
    this.status = status;
    this.problem = problem || {};
    this.reason = described.reason;
    this.fields = described.fields;
    this.detail = described.detail;
  }
}

function csrfToken() {
  const found = document.cookie.match(/(?:^|;\s*)jz_csrf=([^;]*)/);
  return found ? decodeURIComponent(found[1]) : '';
}

let refreshing = null;
/** One refresh at a time however many requests found their access cookie expired. */
function refreshSession() {
  refreshing ??= fetch('/console/session/refresh', {
    method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': csrfToken() },
  }).then((reply) => reply.ok, () => false).finally(() => { refreshing = null; });
  return refreshing;
}

async function problemOf(reply) {
  try { return await reply.json(); } catch { return {}; }
}

function urlOf(path, params) {
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === '') continue;
    for (const item of Array.isArray(value) ? value : [value]) url.searchParams.append(name, item);
  }
  return url;
}

/**
 * request('PATCH', '/api/v1/households/1', {body, headers, params, raw}) → the JSON body (null
 * for 204; the Response itself with raw: true). Throws ApiError on a problem.
 */
export async function request(method, path, options = {}) {
  const { body, params, headers = {}, raw = false, retry = true } = options;
  const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json', ...headers } };
  if (!SAFE.has(method)) init.headers['X-CSRF-Token'] = csrfToken();
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const reply = await fetch(urlOf(path, params), init);
  if (reply.status === 401 && retry && !path.startsWith('/console/session')) {
    if (await refreshSession()) return request(method, path, { ...options, retry: false });
    window.dispatchEvent(new CustomEvent('jz:signed-out'));
  }
  if (!reply.ok) {
    throw new ApiError(reply.status, await problemOf(reply), reply.headers.get('Retry-After'));
  }
  if (raw) return reply;
  if (reply.status === 204) return null;
  const type = reply.headers.get('Content-Type') || '';
  return type.includes('json') ? reply.json() : reply.text();
}

export const api = {
  get: (path, params, options) => request('GET', path, { ...options, params }),
  post: (path, body, options) => request('POST', path, { ...options, body }),
  put: (path, body, options) => request('PUT', path, { ...options, body }),
  patch: (path, body, options) => request('PATCH', path, { ...options, body }),
  delete: (path, options) => request('DELETE', path, options),
};
