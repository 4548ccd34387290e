// The HTTP client of the app: same-origin fetches of officemap's API with JSON bodies, the UI's language
// in Accept-Language (the server answers errors in it) and errors turned into ApiError. It counts the
// requests in flight, so that the app (and its tests) can tell when it is idle.

import {lang} from './i18n.js';

/** An error answer of the API: {"error":{"code","message",…}} with its HTTP status. */
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
 * application/merge-patch+json; application/octet-stream for raw).
 */
export async function request(method, path, {body, raw, ifMatch, contentType} = {}) {
  const headers = {Accept: 'application/json, application/geo+json', 'Accept-Language': lang() === 'en' ? 'en' : 'zh-CN'};
  if (body !== undefined) headers['Content-Type'] = contentType || 'application/json';
  if (raw !== undefined) headers['Content-Type'] = contentType || 'application/octet-stream';
  if (ifMatch) headers['If-Match'] = ifMatch;
  inFlight++;
  let res;
  try {
    const sent = raw !== undefined ? raw : body === undefined ? undefined : JSON.stringify(body);
    res = await fetch(path, {method, headers, credentials: 'same-origin', body: sent});
  } catch (err) {
    throw new ApiError(0, {error: {code: 'network', message: String(err && err.message ? err.message : err)}});
  } finally {
    inFlight--;
  }
  let data = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
  }
  if (res.status === 401 && unauthenticated && !/^\/api\/v1\/(session|me)(\/|$|\?)/.test(path)) unauthenticated();
  if (!res.ok) throw new ApiError(res.status, data);
  return {data, etag: res.headers.get('ETag'), status: res.status};
}

/**
 * upload POSTs a file (a Blob) as the body of path with XMLHttpRequest, which, unlike fetch, tells how the
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
    x.setRequestHeader('Content-Type', 'application/octet-stream');
    x.upload.addEventListener('progress', (e) => onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size));
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

/** GET path and return the decoded JSON. */
export async function get(path) {
  return (await request('GET', path)).data;
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
