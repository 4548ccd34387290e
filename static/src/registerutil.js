// What the property register's pages (registerpage.js, registersite.js, registration.js) share: the labels of
// kinds and registration states, days, areas, the links to a property's documents and the small form helpers.

import {get, request} from './api.js';
import {h, toast} from './dom.js';
import {lang, locale, messages, t} from './i18n.js';

/** The registration states (登记状态), in the order the register lists them. */
export const STATES = ['registered', 'to_register', 'filing', 'filed', 'unclear', 'disputed'];

/** A translated label marked for the language switch. */
export const L = (key, tag = 'span', attrs = {}) => h(tag, {...attrs, 'data-i18n': key}, t(key));

/**
 * The classification in force (GET /api/v1/classification, the deployment's list): the names of its groups
 * and categories by code, and the groups' codes in its order. Empty until loadKinds has read it.
 */
const kinds = {names: new Map(), groups: [], loading: null};

/** Reads the classification in force once (again after a failure); resolves when its names are known. */
export function loadKinds() {
  kinds.loading ??= get('/api/v1/classification').then((c) => {
    kinds.names = new Map();
    kinds.groups = c.groups.map((g) => g.code);
    for (const g of c.groups) {
      kinds.names.set(g.code, g);
      for (const k of g.categories) kinds.names.set(k.code, k);
    }
  }).catch((err) => {
    kinds.loading = null;
    throw err;
  });
  return kinds.loading;
}

/**
 * The name of a property kind (a category code of the classification, e.g. office.turnover, or a group's
 * code, e.g. office) in the UI's language, from the classification in force; the code itself for a kind
 * it does not hold (a record written under another list).
 */
export function kindLabel(code) {
  const k = kinds.names.get(code);
  if (!k) return code || '';
  return lang() === 'en' ? k.name_en || k.name : k.name;
}

/** The rank of a group in the classification's order; groups it does not hold come last. */
export const groupRank = (g) => (kinds.groups.includes(g) ? kinds.groups.indexOf(g) : kinds.groups.length);

/** The group of a kind: the code before its first dot. */
export const groupOf = (code) => (code || '').split('.')[0];

/** The name of a registration state; the code itself for one the app does not know. */
export const stateLabel = (s) => (messages.zh[`register.ownership.${s}`] ? t(`register.ownership.${s}`) : s || '');

/** The day of a date or a timestamp as the API writes it (YYYY-MM-DD…), '' for none. */
export const day = (v) => (typeof v === 'string' ? v.slice(0, 10) : '');

/** A moment (RFC 3339) in the UI's language. */
export const moment = (v) => (v ? new Date(v).toLocaleString(locale()) : '');

/** Today in the browser's time zone, YYYY-MM-DD. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** A number with two decimals in the UI's language. */
export const num = (v) => Number(v).toLocaleString(locale(), {minimumFractionDigits: 2, maximumFractionDigits: 2});

/** An area in m² with two decimals, or a dash for none. */
export const m2 = (v) => (v === null || v === undefined ? t('unit.none') : t('unit.m2', {v: num(v)}));

/** The building area a property's titles give (证载面积): the sum of its records' areas. */
export const titleArea = (site) => (site.records || []).reduce((a, r) => a + (r.area_m2 || 0), 0);

/** Rounds an area to the cent, for sums of areas. */
export const round2 = (v) => Math.round(v * 100) / 100;

/** Links to the documents ids names, by their names in docs (a property's documents); null for none. */
export function docLinks(ids, docs) {
  if (!ids?.length) return null;
  const byId = new Map(docs.map((d) => [d.id, d]));
  return h('ul', {class: 'doc-links'}, ids.map((id) => {
    const d = byId.get(id);
    return h('li', {dataset: {docId: id}}, d ? h('a', {href: d.content_url, download: d.name}, d.name) : t('register.docUnknown', {id: id.slice(0, 8)}));
  }));
}

/**
 * A group of check boxes, one per document of the property, to attach some to a record; value() lists
 * the ids checked. With no documents it says so.
 */
export function documentChoices(docs, id) {
  const boxes = docs.map((d) => h('input', {type: 'checkbox', value: d.id, name: id}));
  const el = h('fieldset', {id, class: 'doc-choices'}, h('legend', null, t('register.attach')),
    docs.length === 0 ? h('p', {class: 'hint'}, t('register.noDocuments')) : null,
    docs.map((d, i) => h('label', {class: 'check'}, boxes[i], `${d.name} · ${t(`doc.${d.doc_type}`)}`)));
  return {el, value: () => boxes.filter((b) => b.checked).map((b) => b.value)};
}

/** A labelled field holding control. */
export const field = (key, control) => h('label', {class: 'field'}, L(key), control);

/** A select of [value, label] pairs. */
export const select = (id, options, value = '') => h('select', {id},
  options.map(([v, label]) => h('option', {value: v, selected: v === value}, label)));

/** body without its empty strings, so that the server names what is missing. */
export const compact = (body) => Object.fromEntries(Object.entries(body).filter(([, v]) => v !== ''));

/**
 * send submits a register form: method path with body as JSON. On success it says ok and calls
 * done; on a refusal the form says why (the server's message, which names the field) and stays as it is.
 */
export async function send(form, method, path, body, ok, done) {
  const out = form.querySelector('.form-error');
  const button = form.querySelector('button[type=submit]');
  button.disabled = true;
  out.textContent = '';
  try {
    await request(method, path, {body});
  } catch (err) {
    out.textContent = t('register.saveFailed', {message: err.message});
    button.disabled = false;
    return;
  }
  toast(ok, 'ok');
  await done();
}

/** A form of the register: its fields, the line where a refusal is told, and its submit button. */
export function registerForm(id, submitKey, onSubmit, ...fields) {
  return h('form', {id, class: 'register-form', onSubmit}, fields,
    h('p', {class: 'form-error error', role: 'alert'}),
    h('button', {type: 'submit'}, t(submitKey)));
}

/** A folded part of the page (details) holding a form: its summary names it. */
export const folded = (id, key, form) => h('details', {class: 'register-fold', id}, h('summary', null, t(key)), form);
