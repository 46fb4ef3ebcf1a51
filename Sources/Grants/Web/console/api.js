// The one way the console talks to the service: the JSON API at /v1, with the bearer token of
// whoever logged in. The token lives in memory and in sessionStorage (it survives a reload of
// this tab, never a URL, never another tab). A 401 ends the session and returns the person to
// the login page with their place kept, so they come back to where they were.

const SESSION_KEY = 'cx.session';
const RETURN_KEY = 'cx.return';

let session = null;

/** The logged-in person: `{token, user}` (user as `/v1/me` answers), or null. */
export function currentSession() {
  if (session) return session;
  try {
    const stored = sessionStorage.getItem(SESSION_KEY);
    session = stored ? JSON.parse(stored) : null;
  } catch {
    session = null;
  }
  return session;
}

export function startSession(token, user) {
  session = { token, user };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
}

export function endSession() {
  session = null;
  sessionStorage.removeItem(SESSION_KEY);
}

/** Remembers the page to come back to after logging in. */
export function keepPlace(hash) {
  sessionStorage.setItem(RETURN_KEY, hash || '#/');
}

/** Where to go after logging in: the page the person was on when the session ended. */
export function takeReturnPlace() {
  const place = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  return place && place.startsWith('#/') && !place.startsWith('#/login') ? place : null;
}

/** An answer that was not a success: `problem` is the RFC 9457 body (or one made up). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `request failed (${status})`);
    this.status = status;
    this.problem = problem;
  }
}

/**
 * Calls the API. `json` is sent as the body; `body` is sent as-is (a File for uploads) with
 * `contentType`. Resolves to the decoded JSON (or text for other media types, or null for
 * 204; `as: 'blob' | 'text' | 'tagged'` for a Blob, the text, or `{value, etag}`); rejects with
 * ApiError carrying the problem details.
 */
export async function api(method, path, { json, body, contentType, headers = {}, as = 'auto', signal } = {}) {
  const s = currentSession();
  const h = { Accept: 'application/json', ...(s ? { Authorization: `Bearer ${s.token}` } : {}), ...headers };
  let payload;
  if (json !== undefined) {
    h['Content-Type'] = 'application/json';
    payload = JSON.stringify(json);
  } else if (body !== undefined) {
    h['Content-Type'] = contentType || 'application/octet-stream';
    payload = body;
  }
  let response;
  try {
    response = await fetch(path, { method, headers: h, body: payload, signal, cache: 'no-store' });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, { title: 'The service cannot be reached', detail: 'Check your connection and try again.' });
  }
  if (response.status === 401 && s) {
    expire();
  }
  if (!response.ok) {
    throw new ApiError(response.status, await problemOf(response));
  }
  if (response.status === 204) return null;
  // `tagged`: the JSON with the answer's ETag, for an `If-Match` on the edit that follows.
  if (as === 'tagged') return { value: await response.json(), etag: response.headers.get('ETag') };
  if (as === 'blob') return response.blob();
  if (as === 'text') return response.text();
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

async function problemOf(response) {
  const type = response.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try {
      const problem = await response.json();
      if (problem && typeof problem === 'object') return problem;
    } catch {
      // fall through to a problem of our own
    }
  }
  return { status: response.status, title: response.statusText || 'Request failed', detail: `The service answered ${response.status}.` };
}

/** The session is over (expired, revoked, logged out elsewhere): back to the login page. */
function expire() {
  endSession();
  if (!location.hash.startsWith('#/login')) {
    keepPlace(location.hash);
    location.hash = '#/login?expired=1';
  }
}

/** Every page of a paginated list (`{items, next_cursor}`), up to `max` items. */
export async function allPages(path, max = 500) {
  const items = [];
  let cursor = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api('GET', cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor && items.length < max);
  return items;
}

/** A key for `Idempotency-Key`: one per intended action, so a double click decides once. */
export function idempotencyKey() {
  // getRandomValues works outside secure contexts too (randomUUID does not).
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
