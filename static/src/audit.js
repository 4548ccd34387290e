// The auditor's page (the audit administrator's only tab): GET /api/v1/audit with
// filters (days from and to, user, action), the records newest first, and a CSV of what is shown, built
// in the browser (nothing else is asked of the server, and no other site sees the log).

import {get, query} from './api.js';
import {h, replace, tableBox} from './dom.js';
import {lang, locale, onLangChange, roleLabel, t} from './i18n.js';

const PAGE = 1000; // records a request (the API allows up to 10 000)
const MAX = 10000; // records shown at most: narrow the filters for more

// Actions offered in the filter's list (any other can be typed: the filter is exact).
const ACTIONS = ['session.sign_in', 'session.sign_in_failed', 'session.sign_out', 'permission.denied', 'user.add',
  'user.passwd', 'user.reset_password', 'user.role', 'user.totp', 'user.totp_reset', 'token.create', 'token.revoke',
  'report.over_standard', 'audit.read', 'audit.purge'];

let root = null;
let els = null;
let records = [];
let truncated = false;
let csvURL = null;

const pad = (n) => String(n).padStart(2, '0');
const dayOf = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** The start of a local day (YYYY-MM-DD) as an RFC 3339 instant, days later. */
function dayStart(day, later = 0) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + later).toISOString();
}

/** Shows the page in el, and reads the log with the filters. */
export async function show(el) {
  if (root !== el) {
    root = el;
    build();
    onLangChange(() => renderRows());
  }
  await search();
}

function build() {
  const week = new Date();
  week.setDate(week.getDate() - 6);
  const input = (id, attrs) => h('input', {id, ...attrs});
  const field = (key, el) => h('label', {class: 'field'}, h('span', {'data-i18n': key}, t(key)), el);
  els = {
    from: input('audit-from', {type: 'date', value: dayOf(week)}),
    to: input('audit-to', {type: 'date'}),
    user: input('audit-user', {autocomplete: 'off', spellcheck: 'false'}),
    action: input('audit-action', {autocomplete: 'off', spellcheck: 'false', list: 'audit-actions'}),
    count: h('p', {id: 'audit-count', class: 'muted'}),
    body: h('tbody'),
    head: h('thead'),
    link: h('a', {id: 'audit-csv-link', hidden: true}),
  };
  replace(root, h('div', {class: 'audit pad', id: 'audit-page'},
    h('h2', {'data-i18n': 'audit.title'}, t('audit.title')),
    h('p', {class: 'hint', 'data-i18n': 'audit.intro'}, t('audit.intro')),
    h('form', {id: 'audit-filters', class: 'filters', novalidate: true, onSubmit: (e) => (e.preventDefault(), search())},
      field('audit.from', els.from), field('audit.to', els.to), field('audit.user', els.user), field('audit.action', els.action),
      h('datalist', {id: 'audit-actions'}, ACTIONS.map((a) => h('option', {value: a}))),
      h('button', {id: 'audit-search', type: 'submit', class: 'primary', 'data-i18n': 'audit.search'}, t('audit.search')),
      h('button', {id: 'audit-csv', type: 'button', 'data-i18n': 'audit.csv', onClick: downloadCSV}, t('audit.csv')),
      els.link),
    els.count,
    tableBox(h('table', {class: 'grid', id: 'audit-table'}, els.head, els.body), t('table.scrolls'))));
}

/** Reads the records the filters select, page by page (oldest first, as the API gives them). */
async function search() {
  const filters = {
    from: els.from.value ? dayStart(els.from.value) : undefined,
    to: els.to.value ? dayStart(els.to.value, 1) : undefined,
    user: els.user.value.trim().toLowerCase(),
    action: els.action.value.trim(),
  };
  replace(els.count, t('app.loading'));
  const got = [];
  let after = 0;
  truncated = false;
  try {
    for (;;) {
      const page = await get(`/api/v1/audit${query({...filters, after: after || undefined, limit: PAGE})}`);
      got.push(...page);
      if (page.length < PAGE) break;
      after = page[page.length - 1].seq;
      if (got.length >= MAX) {
        truncated = true;
        break;
      }
    }
  } catch (err) {
    records = [];
    renderRows();
    els.count.className = 'error';
    replace(els.count, t('audit.failed', {message: err.message}));
    return;
  }
  records = got.slice(0, MAX).reverse(); // newest first
  renderRows();
}

const outcomeLabel = (o) => (o === 'ok' || o === 'denied' || o === 'failed' ? t(`audit.outcome.${o}`) : o);
const rolesLabel = (r) => (r ? r.split(',').map(roleLabel).join(lang() === 'en' ? ', ' : '、') : '');

function renderRows() {
  if (!els) return;
  const cols = ['audit.seq', 'audit.at', 'audit.user', 'audit.role', 'audit.addr', 'audit.action', 'audit.target', 'audit.outcome', 'audit.detail'];
  replace(els.head, h('tr', null, cols.map((k) => h('th', null, t(k)))));
  const when = (at) => new Date(at).toLocaleString(locale(), {hour12: false});
  replace(els.body, records.map((r) => h('tr', {class: `outcome-${r.outcome}`, dataset: {seq: r.seq, action: r.action, user: r.username}},
    h('td', {class: 'num'}, r.seq), h('td', {class: 'nowrap', title: r.at}, when(r.at)), h('td', null, r.username),
    h('td', null, rolesLabel(r.role)), h('td', null, r.addr), h('td', {class: 'nowrap'}, r.action), h('td', null, r.target),
    h('td', {class: 'outcome'}, outcomeLabel(r.outcome)), h('td', {class: 'detail'}, r.detail))));
  els.count.className = 'muted';
  if (!records.length) replace(els.count, t('audit.none'));
  else replace(els.count, t('audit.count', {n: records.length}), truncated ? ' ' + t('audit.more', {n: MAX}) : '');
}

/** One CSV field: quoted when needed; a leading =, +, - or @ is neutralised so that a spreadsheet does not run it. */
function csvField(v) {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The records shown as CSV (RFC 4180, UTF-8 with a BOM for spreadsheets), oldest first. */
export function toCSV(list) {
  const head = ['audit.seq', 'audit.atUTC', 'audit.user', 'audit.role', 'audit.addr', 'audit.action', 'audit.target', 'audit.outcome',
    'audit.detail', 'audit.prevHash', 'audit.hash'].map((k) => t(k));
  const rows = [...list].sort((a, b) => a.seq - b.seq).map((r) =>
    [r.seq, r.at, r.username, r.role, r.addr, r.action, r.target, r.outcome, r.detail, r.prev_hash, r.hash]);
  return '\ufeff' + [head, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

function downloadCSV() {
  if (csvURL) URL.revokeObjectURL(csvURL);
  csvURL = URL.createObjectURL(new Blob([toCSV(records)], {type: 'text/csv;charset=utf-8'}));
  const now = new Date();
  const stamp = `${dayOf(now).replace(/-/g, '')}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  els.link.href = csvURL;
  els.link.download = `officemap-audit-${stamp}.csv`;
  els.link.click();
}
