// The account pages (with accounts on): the sign-in page, the password change (forced at the first
// sign-in and after a reset), the enrolment of a second factor (TOTP, with a QR code drawn here by
// qr.js: no external service sees the secret), API tokens and the user menu. Labels carry data-i18n, so that the
// language switch translates them in place without losing what was typed.

import {request} from './api.js';
import {h, replace, toast} from './dom.js';
import {lang, onLangChange, roleLabel, t} from './i18n.js';
import {qrSVG} from './qr.js';
import {session} from './session.js';

const EXPIRED_KEY = 'officemap.sessionEnded';

/** A label (translated in place) around an input. */
function field(key, input, attrs) {
  return h('label', {class: 'field', ...attrs}, h('span', {'data-i18n': key}, t(key)), input);
}

/** A text (translated in place) in an element. */
function tx(tag, key, attrs) {
  return h(tag, {...attrs, 'data-i18n': key}, t(key));
}

/** Shows a message in el: a fixed one (key, translated in place) or one with values (vars). */
function say(el, key, vars, kind = 'error') {
  el.hidden = false;
  el.className = kind === 'error' ? 'error' : 'hint';
  if (vars) {
    delete el.dataset.i18n;
    el.textContent = t(key, vars);
  } else {
    el.dataset.i18n = key;
    el.textContent = t(key);
  }
}

function quiet(el) {
  el.hidden = true;
  el.textContent = '';
  delete el.dataset.i18n;
}

/** Remembers that the session ended under the page, for the sign-in page to say so after the reload. */
export function noteSessionEnded() {
  try {
    sessionStorage.setItem(EXPIRED_KEY, '1');
  } catch {
    // not said; the sign-in page shows all the same
  }
}

function sessionEndedNote() {
  try {
    const v = sessionStorage.getItem(EXPIRED_KEY);
    sessionStorage.removeItem(EXPIRED_KEY);
    return v === '1';
  } catch {
    return false;
  }
}

/**
 * The sign-in page in root: user name, password and, when the account has a second factor
 * (401 otp_required), the one-time code. Any refusal gets one message that does not say whether the
 * user exists; 429 says to wait. onSignedIn(user) is called with the signed-in user.
 */
export function signInPage(root, onSignedIn) {
  const user = h('input', {id: 'signin-username', name: 'username', autocomplete: 'username', autocapitalize: 'none', spellcheck: 'false'});
  const pw = h('input', {id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password'});
  const otp = h('input', {id: 'signin-otp', name: 'otp', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6'});
  const otpRow = field('signin.otp', otp, {id: 'signin-otp-row', hidden: true});
  const msg = h('p', {id: 'signin-error', role: 'alert', hidden: true});
  const submit = tx('button', 'signin.submit', {id: 'signin-submit', type: 'submit', class: 'primary'});
  if (sessionEndedNote()) say(msg, 'signin.expired', null, 'info');

  const send = async (e) => {
    e.preventDefault();
    if (!user.value.trim() || !pw.value) {
      say(msg, 'signin.missing');
      return;
    }
    submit.disabled = true;
    try {
      const body = {username: user.value.trim(), password: pw.value};
      if (!otpRow.hidden && otp.value.trim()) body.otp = otp.value.trim();
      const {data} = await request('POST', '/api/v1/session', {body});
      quiet(msg);
      onSignedIn(data.user);
    } catch (err) {
      if (err.code === 'otp_required') {
        otpRow.hidden = false;
        say(msg, 'signin.otpRequired', null, 'info');
        otp.focus();
      } else if (err.status === 429) {
        say(msg, 'signin.tooMany');
      } else if (err.status === 401) {
        say(msg, 'signin.failed');
        pw.value = '';
        otp.value = '';
        pw.focus();
      } else {
        say(msg, 'signin.error', {message: err.message});
      }
    } finally {
      submit.disabled = false;
    }
  };

  replace(root, h('form', {id: 'signin-form', class: 'auth-card', novalidate: true, onSubmit: send},
    tx('h2', 'signin.title'),
    tx('p', 'signin.intro', {class: 'hint'}),
    field('signin.username', user),
    field('signin.password', pw),
    otpRow,
    msg,
    h('div', {class: 'actions'}, submit,
      session.sso ? h('a', {id: 'signin-sso', href: session.sso, 'data-i18n': 'signin.sso'}, t('signin.sso')) : null)));
  user.focus();
}

/**
 * The password change form: current password, new one twice, the policy. first: the forced change
 * after a first sign-in or a reset. onDone() after the change; extra: more buttons (cancel, sign out).
 */
export function passwordForm({first = false, onDone, extra = []}) {
  const old = h('input', {id: 'pw-old', type: 'password', autocomplete: 'current-password'});
  const nw = h('input', {id: 'pw-new', type: 'password', autocomplete: 'new-password'});
  const again = h('input', {id: 'pw-confirm', type: 'password', autocomplete: 'new-password'});
  const msg = h('p', {id: 'pw-error', role: 'alert', hidden: true});
  const submit = tx('button', 'password.submit', {id: 'pw-submit', type: 'submit', class: 'primary'});
  const send = async (e) => {
    e.preventDefault();
    if (!old.value || !nw.value) {
      say(msg, 'signin.missing');
      return;
    }
    if (nw.value !== again.value) {
      say(msg, 'password.mismatch');
      return;
    }
    submit.disabled = true;
    try {
      await request('POST', '/api/v1/me/password', {body: {old: old.value, new: nw.value}});
      quiet(msg);
      toast(t('password.done'), 'ok');
      onDone();
    } catch (err) {
      say(msg, 'password.refused', {message: err.message});
    } finally {
      submit.disabled = false;
    }
  };
  const form = h('form', {id: 'password-form', class: 'auth-card', novalidate: true, onSubmit: send},
    tx('h2', first ? 'password.firstTitle' : 'password.title'),
    first ? tx('p', 'password.firstIntro', {class: 'hint'}) : null,
    field('password.old', old),
    field('password.new', nw),
    field('password.confirm', again),
    tx('p', 'password.policy', {class: 'hint'}),
    msg,
    h('div', {class: 'actions'}, submit, extra));
  queueMicrotask(() => old.focus());
  return form;
}

/** Groups a base32 secret by four for reading aloud and typing. */
function grouped(secret) {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * The enrolment of a second factor: POST /api/v1/me/totp gives a secret and its otpauth:// URL, drawn
 * as a QR code in the page (qr.js); the code the app then shows confirms it
 * (POST /api/v1/me/totp/confirm). first: required (an administrator without one). A user with a second
 * factor in use is told so (only an administrator resets it).
 */
export function totpForm({first = false, onDone, extra = []}) {
  if (!first && session.user?.totp_enabled) {
    return h('section', {id: 'totp-form', class: 'auth-card'},
      tx('h2', 'totp.title'), tx('p', 'totp.enabled', {id: 'totp-enabled'}), h('div', {class: 'actions'}, extra));
  }
  const qr = h('div', {id: 'totp-qr', class: 'qr', role: 'img', 'aria-label': t('totp.qr')});
  const secret = h('code', {id: 'totp-secret'});
  const code = h('input', {id: 'totp-code', inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6'});
  const msg = h('p', {id: 'totp-error', role: 'alert', hidden: true});
  const submit = tx('button', 'totp.submit', {id: 'totp-submit', type: 'submit', class: 'primary', disabled: true});
  const send = async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      await request('POST', '/api/v1/me/totp/confirm', {body: {code: code.value.replace(/\s+/g, '')}});
      if (session.user) session.user.totp_enabled = true;
      quiet(msg);
      toast(t('totp.done'), 'ok');
      onDone();
    } catch (err) {
      if (err.status === 422) say(msg, 'totp.wrong');
      else say(msg, 'totp.failed', {message: err.message});
      code.select();
    } finally {
      submit.disabled = false;
    }
  };
  const form = h('form', {id: 'totp-form', class: 'auth-card', novalidate: true, onSubmit: send},
    tx('h2', 'totp.title'),
    tx('p', first ? 'totp.firstIntro' : 'totp.intro', {class: 'hint'}),
    h('ol', {class: 'steps'}, tx('li', 'totp.step1'), tx('li', 'totp.step2'), tx('li', 'totp.step3')),
    qr,
    h('p', null, tx('span', 'totp.secret'), ' ', secret),
    field('totp.code', code),
    msg,
    h('div', {class: 'actions'}, submit, extra));
  (async () => {
    try {
      const {data} = await request('POST', '/api/v1/me/totp');
      secret.textContent = grouped(data.secret);
      qr.append(qrSVG(data.otpauth_url));
      submit.disabled = false;
      code.focus();
    } catch (err) {
      say(msg, 'totp.failed', {message: err.message});
    }
  })();
  return form;
}

/** Makes an API token (POST /api/v1/me/tokens) and shows it once. */
export function tokensForm({extra = []}) {
  const name = h('input', {id: 'token-name', autocomplete: 'off', maxlength: '200'});
  const days = h('input', {id: 'token-days', type: 'number', min: '1', max: '366', value: '90'});
  const msg = h('p', {id: 'token-error', role: 'alert', hidden: true});
  const result = h('div', {id: 'token-result', hidden: true});
  const submit = tx('button', 'tokens.create', {id: 'token-create', type: 'submit', class: 'primary'});
  const send = async (e) => {
    e.preventDefault();
    submit.disabled = true;
    try {
      const {data} = await request('POST', '/api/v1/me/tokens', {body: {name: name.value.trim(), ttl_days: Number(days.value) || 0}});
      quiet(msg);
      const value = h('input', {id: 'token-value', class: 'token', readonly: true, value: data.token, spellcheck: 'false'});
      const copy = tx('button', 'tokens.copy', {type: 'button', onClick: async () => {
        value.select();
        try {
          await navigator.clipboard.writeText(data.token);
        } catch {
          document.execCommand('copy'); // no clipboard API outside a secure context
        }
        copy.textContent = t('tokens.copied');
      }});
      replace(result, h('p', null, t('tokens.created', {date: data.expires_at.slice(0, 10)})), h('div', {class: 'token-row'}, value, copy));
      result.hidden = false;
      value.select();
    } catch (err) {
      say(msg, 'tokens.failed', {message: err.message});
    } finally {
      submit.disabled = false;
    }
  };
  queueMicrotask(() => name.focus());
  return h('form', {id: 'tokens-form', class: 'auth-card', novalidate: true, onSubmit: send},
    tx('h2', 'tokens.title'),
    tx('p', 'tokens.intro', {class: 'hint'}),
    field('tokens.name', name),
    field('tokens.days', days),
    msg,
    h('div', {class: 'actions'}, submit, extra),
    result);
}

// ---- a modal dialog ----

let modal = null;

/** Opens content in a modal dialog (closing any other). */
export function openModal(content) {
  closeModal();
  const box = h('div', {class: 'modal', role: 'dialog', 'aria-modal': 'true'}, content);
  modal = h('div', {id: 'modal', class: 'modal-back', onMousedown: (e) => e.target === modal && closeModal()}, box);
  document.body.append(modal);
}

/** Closes the modal dialog, if one is open. */
export function closeModal() {
  modal?.remove();
  modal = null;
}

document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && modal) closeModal();
});

const closeButton = (key = 'dialog.cancel') => tx('button', key, {type: 'button', class: 'dialog-close', onClick: closeModal});

// ---- the user menu ----

/** The user's roles in the UI's language. */
export function rolesText(user) {
  return (user?.roles || []).map(roleLabel).join(lang() === 'en' ? ', ' : '、');
}

/**
 * The user menu in el: name and roles, 修改密码, 双因素认证, API 令牌, 退出 (onSignOut).
 */
export function userMenu(el, {onSignOut}) {
  let open = false;
  const render = () => {
    const u = session.user;
    if (!u) {
      el.hidden = true;
      return;
    }
    const item = (id, key, fn, after) => h('button', {id, type: 'button', role: 'menuitem', class: 'menu-item', onClick: () => {
      toggle(false);
      fn();
    }}, t(key), after ? h('span', {class: 'muted'}, ' ', after) : null);
    const name = u.display_name || u.username;
    const menu = h('div', {id: 'user-menu', class: 'user-menu', role: 'menu', hidden: !open},
      h('div', {class: 'user-head'},
        h('b', {id: 'user-name'}, name), name !== u.username ? h('span', {class: 'muted'}, ` (${u.username})`) : null,
        h('div', {id: 'user-roles', class: 'muted'}, t('user.roles', {roles: rolesText(u)}))),
      item('menu-password', 'user.password', () => openModal(passwordForm({onDone: closeModal, extra: [closeButton()]}))),
      item('menu-totp', 'user.totp', () => openModal(totpForm({onDone: () => {
        closeModal();
        render();
      }, extra: [closeButton(u.totp_enabled ? 'dialog.close' : 'dialog.cancel')]})), t(u.totp_enabled ? 'user.totpOn' : 'user.totpOff')),
      item('menu-tokens', 'user.tokens', () => openModal(tokensForm({extra: [closeButton('dialog.close')]}))),
      item('menu-signout', 'user.signOut', onSignOut));
    const button = h('button', {id: 'user-button', type: 'button', class: 'user-button', 'aria-haspopup': 'menu',
      'aria-expanded': open ? 'true' : 'false', title: t('user.menu'), onClick: () => toggle()}, name, ' ▾');
    replace(el, button, menu);
    el.hidden = false;
  };
  const toggle = (want = !open) => {
    open = want;
    const menu = el.querySelector('#user-menu');
    if (menu) menu.hidden = !open;
    el.querySelector('#user-button')?.setAttribute('aria-expanded', open ? 'true' : 'false');
  };
  document.addEventListener('mousedown', (e) => {
    if (open && !el.contains(e.target)) toggle(false);
  });
  onLangChange(render);
  render();
}
