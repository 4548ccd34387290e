// The property register (房产档案): the list of the properties the user may see, filtered by kind (a
// category of the classification, or its group), registration state, agency (the properties where it uses
// rooms) and district (a jurisdiction and those below it), with the totals of what is shown — the number
// of properties, the building area their titles give and, for those who may read the ledger, the areas
// measured from the drawings; and a property's page (registersite.js). The address holds the view:
// #/register?kind=…&state=…&agency=…&district=… for the list, and the same with site=<id> for a property
// (the list's filters kept, so that its back link returns to the same list).

import {get, query} from './api.js';
import {agencyRooms} from './data.js';
import {h, replace, tableBox} from './dom.js';
import {onLangChange, t} from './i18n.js';
import {loadSite, sitePage} from './registersite.js';
import {groupOf, groupRank, kindLabel, L, loadKinds, m2, round2, STATES, stateLabel, titleArea} from './registerutil.js';
import {can} from './session.js';

const FILTERS = ['kind', 'state', 'agency', 'district'];
const FRESH_MS = 60000; // how long a ledger read is reused as the user moves between the list and properties

const page = {
  root: null,
  seq: 0, // the latest show: an earlier one that answers late is dropped
  sites: [],
  districts: new Map(), // jurisdiction id → node
  agencies: [],
  filter: {kind: '', state: '', agency: '', district: ''},
  ledger: null, // the general ledger of this year (report permission), else null
  agencySites: null, // with the agency filter: site id → the agency's usable area there
  notice: '', // what was dropped from the address's filters
  site: null, // the property's page when the address names one
};

const kept = new Map(); // what FRESH_MS keeps: key → {at, value}

/** fn's answer, reused for FRESH_MS under key. */
async function fresh(key, fn) {
  const k = kept.get(key);
  if (k && Date.now() - k.at < FRESH_MS) return k.value;
  const value = await fn();
  kept.set(key, {at: Date.now(), value});
  return value;
}

/** The address of the list with filter, or of a property's page when site is given. */
function registerHash(filter, site) {
  return '#/register' + query({...Object.fromEntries(FILTERS.map((k) => [k, filter[k]])), site});
}

/** Shows the page in el: the property the address names, or the list with the address's filters. */
export async function show(el) {
  if (page.root !== el) {
    page.root = el;
    onLangChange(() => render());
  }
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const filter = Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || '']));
  const id = params.get('site');
  const seq = ++page.seq;
  const year = new Date().getFullYear();
  try {
    const [sites, districts, agencies, ledger] = await Promise.all([
      get('/api/v1/sites'),
      get('/api/v1/jurisdictions').catch(() => []),
      get('/api/v1/agencies').catch(() => []),
      can('report') ? fresh(`ledger ${year}`, () => get('/api/v1/ledger' + query({year}))).catch(() => null) : null,
      loadKinds(), // the names of the kinds in force, kept by registerutil.js
    ]);
    // A filter the user cannot have chosen (an unknown state, an agency or district they do not see) is
    // dropped, with a word, and the address corrected.
    const dropped = FILTERS.filter((k) => filter[k] && (k === 'state' ? !STATES.includes(filter[k])
      : k === 'agency' ? !agencies.some((a) => a.id === filter[k]) : k === 'district' ? !districts.some((j) => j.id === filter[k]) : false));
    for (const k of dropped) filter[k] = '';
    if (dropped.length) history.replaceState(history.state, '', registerHash(filter, id));
    const site = id ? await loadSite(id, {ledger, year}) : null;
    const agencySites = !id && filter.agency ? await sitesOfAgency(filter.agency, year) : null;
    if (seq !== page.seq) return;
    Object.assign(page, {sites, districts: new Map(districts.map((j) => [j.id, j])), agencies, ledger, site, agencySites, filter,
      notice: dropped.length ? t('register.badFilter', {filters: dropped.map((k) => t(`register.filter.${k}`)).join(t('register.and'))}) : ''});
  } catch (err) {
    if (seq === page.seq) {
      replace(el, h('div', {class: 'pad register-page'}, h('p', {class: 'error', role: 'alert'}, t('register.failed', {message: err.message})),
        id ? h('p', null, h('a', {href: registerHash(filter), id: 'register-back'}, t('register.back'))) : null));
    }
    return;
  }
  render();
  // A keyboard or screen reader user lands on the heading of what the address opened.
  document.getElementById(page.site ? 'register-site-name' : 'register-title')?.focus({preventScroll: true});
}

/**
 * The properties where an agency uses rooms, with its usable area in each: its sub-ledger for those who
 * may read the ledger (one request, measured by the server), else its rooms (GET /api/v1/rooms?agency_id=)
 * placed by their buildings.
 */
async function sitesOfAgency(agency, year) {
  return fresh(`agency ${agency} ${year}`, async () => {
    const out = new Map();
    if (can('report')) {
      const led = await get('/api/v1/ledger' + query({year, agency_id: agency}));
      for (const l of led.lines) out.set(l.site_id, l.usable_area_m2);
      return out;
    }
    const [rooms, buildings] = await Promise.all([agencyRooms(agency), get('/api/v1/buildings')]);
    const siteOf = new Map(buildings.map((b) => [b.id, b.site_id]));
    for (const r of rooms) {
      const s = siteOf.get(r.building_id);
      if (s) out.set(s, round2((out.get(s) || 0) + r.area_m2));
    }
    return out;
  });
}

/** Sets one filter: the address follows (a link reopens the list so), the agency's properties are read. */
async function setFilter(key, value) {
  page.filter = {...page.filter, [key]: value};
  page.notice = '';
  history.replaceState(history.state, '', registerHash(page.filter));
  if (key === 'agency') {
    const seq = ++page.seq;
    let sites = null;
    try {
      sites = value ? await sitesOfAgency(value, new Date().getFullYear()) : null;
    } catch (err) {
      if (seq === page.seq) replace(page.root, h('p', {class: 'pad error', role: 'alert'}, t('register.failed', {message: err.message})));
      return;
    }
    if (seq !== page.seq) return;
    page.agencySites = sites;
  }
  render();
  document.getElementById(`register-${key}`)?.focus();
}

function render() {
  if (!page.root) return;
  const reload = async (focusId) => {
    page.site = await loadSite(page.site.site.id, {ledger: page.ledger, year: page.site.year});
    render();
    document.getElementById(focusId)?.focus();
  };
  replace(page.root, h('div', {class: 'pad register-page'}, page.site
    ? sitePage(page.site, {back: registerHash(page.filter), districts: page.districts, reload})
    : listPage()));
}

/** Whether site passes the filters. */
function shown(site) {
  const f = page.filter;
  return (!f.kind || site.category === f.kind || groupOf(site.category) === f.kind) &&
    (!f.state || site.ownership === f.state) &&
    (!f.agency || !!page.agencySites?.has(site.id)) &&
    (!f.district || inDistrict(site.jurisdiction_id, f.district));
}

/** Whether jurisdiction j (null: the city level) is district or below it. */
function inDistrict(j, district) {
  if (!j) return !page.districts.get(district)?.parent_id; // the city level is the top's
  for (let n = page.districts.get(j), depth = 0; n && depth < 50; n = page.districts.get(n.parent_id), depth++) {
    if (n.id === district) return true;
  }
  return false;
}

function listPage() {
  const list = page.sites.filter(shown);
  const lines = page.ledger ? new Map(page.ledger.lines.map((l) => [l.site_id, l])) : null;
  return [
    h('h2', {id: 'register-title', tabindex: '-1'}, t('register.title')),
    page.notice ? h('p', {class: 'warn', role: 'status', id: 'register-notice'}, page.notice) : null,
    filters(),
    totals(list, lines),
    tableBox(h('table', {id: 'register-list', class: 'data'},
      h('thead', null, h('tr', null, ['register.name', 'register.address', 'register.category', 'register.district',
        'register.ownership', 'ledger.title', lines ? 'ledger.gross' : null, page.agencySites ? 'register.agencyArea' : null]
        .filter(Boolean).map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, list.map((s) => h('tr', {dataset: {siteId: s.id}},
        h('td', null, h('a', {href: registerHash(page.filter, s.id), dataset: {siteId: s.id}}, s.name)),
        h('td', null, s.address), h('td', null, kindLabel(s.category)),
        h('td', null, page.districts.get(s.jurisdiction_id)?.name || t('register.cityLevel')),
        h('td', null, stateLabel(s.ownership)),
        h('td', {class: 'num'}, titleArea(s) ? m2(titleArea(s)) : t('unit.none')),
        lines ? h('td', {class: 'num'}, lines.has(s.id) ? m2(lines.get(s.id).gross_area_m2) : t('unit.none')) : null,
        page.agencySites ? h('td', {class: 'num'}, m2(page.agencySites.get(s.id))) : null)))),
    t('register.title')),
    list.length === 0 ? h('p', {class: 'hint', id: 'register-none'}, t('register.none')) : null,
  ];
}

/** The filters: kind (groups and the kinds the properties have), state, agency, district. */
function filters() {
  const f = page.filter;
  const pick = (key, options) => h('label', {class: 'field'}, L(`register.filter.${key}`),
    h('select', {id: `register-${key}`, onChange: (e) => setFilter(key, e.target.value)},
      h('option', {value: ''}, t('register.all')), options));
  const option = (key) => (v, label) => h('option', {value: v, selected: f[key] === v}, label);
  const codes = [...new Set([...page.sites.map((s) => s.category), f.kind].filter(Boolean))].sort();
  const groups = [...new Set(codes.map(groupOf))].sort((a, b) => groupRank(a) - groupRank(b) || a.localeCompare(b));
  const kind = option('kind');
  const kinds = groups.map((g) => h('optgroup', {label: kindLabel(g)}, kind(g, t('register.allOf', {kind: kindLabel(g)})),
    codes.filter((c) => c !== g && groupOf(c) === g).map((c) => kind(c, kindLabel(c)))));
  const agencies = [...page.agencies].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  const clear = () => {
    for (const k of FILTERS) page.filter[k] = '';
    page.agencySites = null;
    page.notice = '';
    history.replaceState(history.state, '', registerHash(page.filter));
    render();
    document.getElementById('register-kind')?.focus();
  };
  return h('form', {class: 'filters', role: 'search', 'aria-label': t('register.filters'), onSubmit: (e) => e.preventDefault()},
    pick('kind', kinds),
    pick('state', STATES.map((s) => option('state')(s, stateLabel(s)))),
    pick('agency', agencies.map((a) => option('agency')(a.id, a.name))),
    pick('district', districtOptions(option('district'))),
    FILTERS.some((k) => f[k]) ? h('button', {type: 'button', id: 'register-clear', onClick: clear}, t('register.clear')) : null);
}

/** The jurisdictions as a tree: each node after its parent, indented by its depth. */
function districtOptions(option) {
  const children = new Map();
  for (const j of page.districts.values()) {
    const p = j.parent_id && page.districts.has(j.parent_id) ? j.parent_id : '';
    children.set(p, [...(children.get(p) || []), j]);
  }
  const out = [];
  const walk = (parent, depth) => {
    for (const j of (children.get(parent) || []).sort((a, b) => (a.code || a.name).localeCompare(b.code || b.name))) {
      out.push(option(j.id, '\u3000'.repeat(depth) + j.name));
      if (depth < 20) walk(j.id, depth + 1);
    }
  };
  walk('', 0);
  return out;
}

/** The totals of the properties shown: their number, title area, and measured areas where the ledger gives them. */
function totals(list, lines) {
  const sum = (fn) => round2(list.reduce((a, s) => a + (fn(s) || 0), 0));
  const title = sum(titleArea);
  const gross = lines ? sum((s) => lines.get(s.id)?.gross_area_m2) : null;
  const usable = lines ? sum((s) => lines.get(s.id)?.usable_area_m2) : null;
  const agency = page.agencySites ? sum((s) => page.agencySites.get(s.id)) : null;
  const item = (key, value, id) => h('div', {class: 'total'}, h('dt', null, t(key)), h('dd', {id}, value));
  const data = {count: String(list.length), titleArea: title.toFixed(2)};
  if (gross !== null) Object.assign(data, {grossArea: gross.toFixed(2), usableArea: usable.toFixed(2)});
  if (agency !== null) data.agencyArea = agency.toFixed(2);
  return h('dl', {id: 'register-totals', class: 'totals', 'aria-live': 'polite', dataset: data},
    item('register.count', t('register.total', {n: list.length}), 'register-total'),
    item('ledger.title', m2(title), 'register-total-title'),
    gross !== null ? [item('ledger.gross', m2(gross), 'register-total-gross'), item('ledger.usable', m2(usable), 'register-total-usable')]
      : h('div', {class: 'total hint'}, t('register.measuredHidden')),
    agency !== null ? item('register.agencyArea', m2(agency), 'register-total-agency') : null);
}
