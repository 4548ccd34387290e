// The HTTP client of the app: same-origin fetches of officemap's API with JSON bodies, the UI's language
// in Accept-Language (the server answers errors in it) and errors turned into ApiError. Every request
// has a timeout and can be aborted by its caller. It counts the requests in flight, so that the app (and
// its tests) can tell when it is idle. Reads asked with `revalidate` are kept in memory with their ETag
// and asked again with If-None-Match: an unchanged answer is a 304 without a body. The page's memory, not
// the browser's disk cache: with accounts on the API answers `Cache-Control: no-store`, so that what one
// user may see does not outlive the page on a shared computer.

import {lang, t} from './i18n.js';

/** How long a read (GET, HEAD) may take before it fails with the code 'timeout'. */
export const TIMEOUT_MS = 20000;

/**
 * How long a write may take by default: much longer, because a write the page gives up on may still be
 * done by the server (an import of a large drawing takes a while), and saying it failed would mislead.
 */
export const WRITE_TIMEOUT_MS = 300000;

/**
 * An error answer of the API: {"error":{"code","message",…}} with its HTTP status; status 0 when no
 * answer came: code 'network', 'timeout' or 'aborted' (the caller gave up: nothing to show).
 */
export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.status = status;
    this.code = e.code || (status === 0 ? 'network' : 'http_' + status);
    this.detail = e; // extra members: reason, other_room_id, other_room_number, overlap_m2…
  }
}

let inFlight = 0;
let unauthenticated = null;

/**
 * onUnauthenticated sets what to do when a request of a signed-in page is refused with 401 (the
 * session ended: idle timeout, lifetime, signed out elsewhere); null for nothing. The account routes
 * themselves (/api/v1/session, /api/v1/me…) answer their own 401s to their callers.
 */
export function onUnauthenticated(fn) {
  unauthenticated = fn;
}

/** The number of API requests that have not answered yet. */
export function pending() {
  return inFlight;
}

/**
 * request sends one API request and returns {data, etag, status}. body is sent as JSON, or raw (a Blob:
 * a file to upload) as it is; ifMatch sets If-Match; contentType overrides the media type (e.g.
 * application/merge-patch+json; application/octet-stream for raw). signal (an AbortSignal) lets the
 * caller abort it (an ApiError with code 'aborted'); timeout (ms; TIMEOUT_MS for reads, WRITE_TIMEOUT_MS
 * for writes by default) fails it with code 'timeout' when the answer, body included, has not arrived.
 */
export async function request(method, path, {body, raw, ifMatch, contentType, signal, timeout, revalidate} = {}) {
  timeout ??= method === 'GET' || method === 'HEAD' ? TIMEOUT_MS : WRITE_TIMEOUT_MS;
  const headers = {Accept: 'application/json, application/geo+json', 'Accept-Language': lang() === 'en' ? 'en' : 'zh-CN'};
  if (body !== undefined) headers['Content-Type'] = contentType || 'application/json';
  if (raw !== undefined) headers['Content-Type'] = contentType || 'application/octet-stream';
  if (ifMatch) headers['If-Match'] = ifMatch;
  const key = revalidate && method === 'GET' ? `${headers['Accept-Language']} ${path}` : null;
  const kept = key ? memory.get(key) : undefined;
  // A conditional header set by the page makes fetch skip the HTTP cache and hand the 304 over.
  if (kept) headers['If-None-Match'] = kept.etag;
  if (signal?.aborted) throw new ApiError(0, {error: {code: 'aborted', message: 'aborted'}});
  // One controller aborts the fetch for both reasons, the caller's signal and the timeout.
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, timeout);
  const stop = () => ctl.abort();
  signal?.addEventListener('abort', stop, {once: true});
  inFlight++;
  let res;
  let text = '';
  try {
    const sent = raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body);
    res = await fetch(path, {method, headers, credentials: 'same-origin', body: sent, signal: ctl.signal});
    if (res.status !== 204) text = await res.text();
  } catch (err) {
    if (timedOut) throw new ApiError(0, {error: {code: 'timeout', message: t('error.timeout', {s: Math.round(timeout / 1000)})}});
    if (signal?.aborted) throw new ApiError(0, {error: {code: 'aborted', message: 'aborted'}});
    throw new ApiError(0, {error: {code: 'network', message: String(err && err.message ? err.message : err)}});
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
    inFlight--;
  }
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (res.status === 304 && kept) {
    remember(key, kept);
    // Parsed afresh: the caller may change what it gets, never what is kept.
    return {data: JSON.parse(kept.text), etag: kept.etag, status: 304};
  }
  if (res.status === 401 && unauthenticated && !/^\/api\/v1\/(session|me)(\/|$|\?)/.test(path)) unauthenticated();
  if (!res.ok) throw new ApiError(res.status, data);
  const etag = res.headers.get('ETag');
  if (key && etag && text) remember(key, {etag, text});
  return {data, etag, status: res.status};
}

/** The answers kept for revalidation, least recently used first; MEMORY_MAX of them (a floor is ~35 KB). */
const memory = new Map();
const MEMORY_MAX = 64;

function remember(key, entry) {
  memory.delete(key);
  memory.set(key, entry);
  if (memory.size > MEMORY_MAX) memory.delete(memory.keys().next().value);
}

/**
 * upload POSTs a file (a Blob, or a FormData: multipart) as the body of path with XMLHttpRequest, which, unlike fetch, tells how the
 * upload goes: onProgress(loaded, total) as the bytes go out, onSent() once the whole body is out (the
 * server is at work). Returns {data, status}; a refusal is thrown as an ApiError, as request does.
 */
export function upload(path, file, {onProgress, onSent} = {}) {
  inFlight++;
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', path);
    x.setRequestHeader('Accept', 'application/json');
    x.setRequestHeader('Accept-Language', lang() === 'en' ? 'en' : 'zh-CN');
    if (!(file instanceof FormData)) x.setRequestHeader('Content-Type', 'application/octet-stream'); // a form sets its own
    x.upload.addEventListener('progress', (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size ?? 0));
    x.upload.addEventListener('load', () => onSent?.());
    x.addEventListener('load', () => {
      let data = null;
      try {
        data = x.responseText ? JSON.parse(x.responseText) : null;
      } catch {
        data = null;
      }
      if (x.status === 401 && unauthenticated) unauthenticated();
      if (x.status >= 200 && x.status < 300) resolve({data, status: x.status});
      else reject(new ApiError(x.status, data));
    });
    const failed = () => reject(new ApiError(0, {error: {code: 'network', message: 'the upload did not reach the server'}}));
    x.addEventListener('error', failed);
    x.addEventListener('abort', failed);
    x.send(file);
  }).finally(() => {
    inFlight--;
  });
}

/** GET path and return the decoded JSON; opts: signal, timeout (see request). */
export async function get(path, opts) {
  return (await request('GET', path, opts)).data;
}

/**
 * etagOf gives the entity tag of a version number as the API writes it (the quoted version), for
 * records read in a list, which carries versions but not ETag headers.
 */
export function etagOf(version) {
  return `"${version}"`;
}

/** Builds a query string from the defined values of params ("" when none). */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}
