// Who is using the app. With accounts off on the server (single-user mode: GET /api/v1/me answers 404)
// everything is allowed, as before accounts existed. With accounts on, the signed-in user's actions
// (from the role matrix) and personal_data decide what the app offers; the server checks every request
// all the same — hiding a button here is a courtesy, never the protection.

import {request} from './api.js';

export const session = {
  mode: null, // 'single' (no accounts) or 'accounts'
  user: null, // GET /api/v1/me's user when signed in
  // Where single sign-on starts, when the server's 401 names it (sso_url, a path on this server).
  sso: null,
};

/**
 * loadMe asks the server who is signed in: 'single' (accounts off), 'signed_out' (401) or 'signed_in'
 * (session.user set). Any other failure is thrown.
 */
export async function loadMe() {
  try {
    const {data} = await request('GET', '/api/v1/me');
    session.mode = 'accounts';
    session.user = data.user;
    return 'signed_in';
  } catch (err) {
    session.user = null;
    if (err.status === 404) {
      session.mode = 'single';
      return 'single';
    }
    if (err.status === 401) {
      session.mode = 'accounts';
      const sso = err.detail?.sso_url;
      session.sso = typeof sso === 'string' && /^\/[^/\\]/.test(sso) ? sso : null;
      return 'signed_out';
    }
    throw err;
  }
}

/** Whether accounts are on. */
export function accounts() {
  return session.mode === 'accounts';
}

/** Whether the user's roles allow action somewhere (always, in single-user mode). */
export function can(action) {
  return !accounts() || !!session.user?.actions?.includes(action);
}

/** Whether the user may see personal data: occupants' names, ranks, people in search (always, in single-user mode). */
export function seesPersonal() {
  return !accounts() || !!session.user?.personal_data;
}

/** Ends the session on the server. */
export async function signOut() {
  try {
    await request('DELETE', '/api/v1/session');
  } finally {
    session.user = null;
  }
}
