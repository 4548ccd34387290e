// The administrators' page (系统管理), for the system administrator (accounts: add one and hand over its
// one-time password, reset a password, disable and enable, list and revoke API tokens) and the security
// administrator (roles and scopes: a user's grants, agencies picked from GET /api/v1/users/agencies).
// The server checks everything again (三员分立) and audits every action; this page only offers what the
// user's roles allow.

import {get, request} from './api.js';
import {h, replace, tableBox, toast} from './dom.js';
import {lang, locale, onLangChange, roleLabel, t} from './i18n.js';
import {can, session} from './session.js';

const ROLES = ['sysadmin', 'secadmin', 'auditor', 'bureau_admin', 'planner', 'agency_manager', 'inspector', 'viewer'];

let root = null;
let els = null;
let users = [];
let agencies = null; // for the security administrator's scope picker
let oneTime = null; // {username, password}: shown once, until the page is left or another is made
let panel = null; // {kind: 'tokens'|'grants', user, tokens?, rows?}

/** Shows the page in el and reads the accounts. */
export async function show(el) {
  if (root !== el) {
    root = el;
    build();
    onLangChange(() => {
      build();
      render();
    });
  }
  oneTime = null;
  await load();
}

function build() {
  els = {
    username: h('input', {id: 'admin-new-username', autocomplete: 'off', spellcheck: 'false'}),
    onetime: h('div', {id: 'admin-onetime', hidden: true}),
    status: h('p', {id: 'admin-status', class: 'muted'}),
    body: h('tbody'),
    panel: h('div', {id: 'admin-panel'}),
  };
  const add = can('admin_users') && h('form', {id: 'admin-add', class: 'filters', novalidate: true, onSubmit: (e) => (e.preventDefault(), addUser())},
    h('label', {class: 'field'}, h('span', null, t('admin.newUsername')), els.username),
    h('button', {id: 'admin-add-submit', type: 'submit', class: 'primary'}, t('admin.add')));
  const cols = ['admin.username', 'admin.roles', 'admin.scopes', 'admin.state', 'admin.actions'];
  replace(root, h('div', {class: 'audit pad', id: 'admin-page'},
    h('h2', null, t('admin.title')),
    h('p', {class: 'hint'}, t(can('admin_users') ? 'admin.introSys' : 'admin.introSec')),
    add, els.onetime, els.status,
    tableBox(h('table', {class: 'grid', id: 'admin-users'},
      h('thead', null, h('tr', null, cols.map((k) => h('th', null, t(k))))), els.body), t('table.scrolls')),
    els.panel));
}

async function load() {
  replace(els.status, t('app.loading'));
  try {
    users = await get('/api/v1/users');
    if (can('admin_roles') && !agencies) agencies = await get('/api/v1/users/agencies');
  } catch (err) {
    users = [];
    els.status.className = 'error';
    replace(els.status, t('admin.failed', {message: err.message}));
    render();
    return;
  }
  els.status.className = 'muted';
  replace(els.status, t('admin.count', {n: users.length}));
  render();
}

const sep = () => (lang() === 'en' ? ', ' : '、');

function agencyName(id) {
  return agencies?.find((a) => a.id === id)?.name || id;
}

function scopeText(g) {
  const parts = [];
  if (g.scope.agency) parts.push(agencyName(g.scope.agency));
  if (g.scope.jurisdiction) parts.push(t('admin.jurisdiction') + ' ' + g.scope.jurisdiction);
  return `${roleLabel(g.role)}: ${parts.length ? parts.join(' / ') : t('admin.everywhere')}`;
}

function stateText(u) {
  const s = [];
  if (u.disabled) s.push(t('admin.disabled'));
  if (u.locked) s.push(t('admin.locked'));
  if (u.must_change_password) s.push(t('admin.mustChange'));
  if (u.totp_enabled) s.push(t('admin.totp'));
  return s.length ? s.join(sep()) : t('admin.active');
}

function render() {
  if (oneTime) {
    els.onetime.hidden = false;
    replace(els.onetime, h('div', {class: 'auth-card'},
      h('p', null, t('admin.onetime', {username: oneTime.username})),
      h('p', null, h('code', {id: 'admin-onetime-password'}, oneTime.password)),
      h('p', {class: 'hint'}, t('admin.onetimeHint')),
      h('button', {type: 'button', id: 'admin-onetime-done', onClick: () => ((oneTime = null), render())}, t('admin.done'))));
  } else {
    els.onetime.hidden = true;
    replace(els.onetime);
  }
  const me = session.user?.id;
  const btn = (cls, key, fn) => h('button', {type: 'button', class: cls, onClick: fn}, t(key));
  replace(els.body, users.map((u) => h('tr', {dataset: {username: u.username, id: u.id}, class: u.disabled ? 'outcome-denied' : null},
    h('td', null, u.username), h('td', null, u.roles.map(roleLabel).join(sep())),
    h('td', null, u.scopes.map(scopeText).join('；')), h('td', null, stateText(u)),
    h('td', {class: 'nowrap'},
      can('admin_users') && [
        btn('admin-reset', 'admin.reset', () => reset(u)),
        u.id !== me && (u.disabled ? btn('admin-enable', 'admin.enable', () => setDisabled(u, false)) :
          btn('admin-disable', 'admin.disable', () => setDisabled(u, true))),
        btn('admin-tokens', 'admin.tokens', () => showTokens(u)),
      ],
      can('admin_roles') && u.id !== me && btn('admin-grants', 'admin.editGrants', () => editGrants(u))))));
  renderPanel();
}

async function act(fn) {
  try {
    await fn();
  } catch (err) {
    toast(t('admin.failed', {message: err.message}), 'error');
  }
}

function addUser() {
  return act(async () => {
    const username = els.username.value.trim();
    if (!username) return;
    const {data} = await request('POST', '/api/v1/users', {body: {username}});
    els.username.value = '';
    oneTime = {username: data.user.username, password: data.password};
    await load();
  });
}

function reset(u) {
  return act(async () => {
    const {data} = await request('POST', `/api/v1/users/${u.id}/password`);
    oneTime = {username: u.username, password: data.password};
    await load();
  });
}

function setDisabled(u, disabled) {
  return act(async () => {
    await request('POST', `/api/v1/users/${u.id}/${disabled ? 'disable' : 'enable'}`);
    toast(t(disabled ? 'admin.disabledDone' : 'admin.enabledDone', {username: u.username}), 'ok');
    await load();
  });
}

function showTokens(u) {
  return act(async () => {
    panel = {kind: 'tokens', user: u, tokens: await get(`/api/v1/users/${u.id}/tokens`)};
    renderPanel();
  });
}

function editGrants(u) {
  panel = {kind: 'grants', user: u, rows: u.scopes.map((g) => ({role: g.role, agency: g.scope.agency, jurisdiction: g.scope.jurisdiction}))};
  renderPanel();
}

function renderPanel() {
  if (!panel) return replace(els.panel);
  const close = h('button', {type: 'button', id: 'admin-panel-close', onClick: () => ((panel = null), renderPanel())}, t('admin.close'));
  const when = (at) => (at ? new Date(at).toLocaleString(locale(), {hour12: false}) : '—');
  if (panel.kind === 'tokens') {
    const {user, tokens} = panel;
    replace(els.panel, h('div', {class: 'pad', id: 'admin-tokens'},
      h('h3', null, t('admin.tokensOf', {username: user.username})),
      tokens.length ? h('table', {class: 'grid'},
        h('thead', null, h('tr', null, ['admin.tokenName', 'admin.created', 'admin.expires', 'admin.lastUsed', 'admin.state', ''].map((k) => h('th', null, k && t(k))))),
        h('tbody', null, tokens.map((tk) => h('tr', {dataset: {tokenId: tk.id}},
          h('td', null, tk.name), h('td', null, when(tk.created_at)), h('td', null, when(tk.expires_at)), h('td', null, when(tk.last_used)),
          h('td', null, tk.revoked_at ? t('admin.revoked') : t('admin.active')),
          h('td', null, !tk.revoked_at && h('button', {type: 'button', class: 'admin-revoke',
            onClick: () => act(async () => {
              await request('POST', `/api/v1/users/${user.id}/tokens/${tk.id}/revoke`);
              await showTokens(user);
            })}, t('admin.revoke'))))))) : h('p', {class: 'muted'}, t('admin.noTokens')),
      close));
    return;
  }
  const {user, rows} = panel;
  const agencyOptions = (sel) => [h('option', {value: ''}, t('admin.allAgencies')),
    ...(agencies || []).map((a) => h('option', {value: a.id, selected: a.id === sel}, a.name))];
  replace(els.panel, h('div', {class: 'pad', id: 'admin-grants'},
    h('h3', null, t('admin.grantsOf', {username: user.username})),
    h('p', {class: 'hint'}, t('admin.grantsHint')),
    rows.map((row, i) => h('div', {class: 'filters grant-row'},
      h('label', {class: 'field'}, h('span', null, t('admin.role')),
        h('select', {class: 'grant-role', onChange: (e) => (row.role = e.target.value)},
          ROLES.map((r) => h('option', {value: r, selected: r === row.role}, roleLabel(r))))),
      h('label', {class: 'field'}, h('span', null, t('admin.agency')),
        h('select', {class: 'grant-agency', onChange: (e) => (row.agency = e.target.value || null)}, agencyOptions(row.agency))),
      row.jurisdiction && h('span', {class: 'muted'}, t('admin.jurisdiction') + ' ' + row.jurisdiction),
      h('button', {type: 'button', class: 'grant-remove', onClick: () => (rows.splice(i, 1), renderPanel())}, t('admin.remove')))),
    h('div', {class: 'filters'},
      h('button', {type: 'button', id: 'grant-add', onClick: () => (rows.push({role: 'viewer', agency: null, jurisdiction: null}), renderPanel())}, t('admin.addGrant')),
      h('button', {type: 'button', id: 'grant-save', class: 'primary', onClick: () => saveGrants()}, t('admin.save')),
      close)));
}

function saveGrants() {
  return act(async () => {
    const {user, rows} = panel;
    await request('PUT', `/api/v1/users/${user.id}/grants`, {body: rows.map((r) => ({role: r.role, scope: {agency: r.agency || null, jurisdiction: r.jurisdiction || null}}))});
    toast(t('admin.grantsSaved', {username: user.username}), 'ok');
    panel = null;
    await load();
  });
}
