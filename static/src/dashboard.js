// The over-standard dashboard: the report's per-agency totals (people, rooms, office area against the
// standard, findings) or its findings list, on a day chosen with the as-of date, and the CSV/XLSX
// downloads of the same report. Choosing an agency's row (click, Enter or Space) shows its rooms on the map.
//
// What it shows lives in the address, as the map's view does (app.js):
// #/dashboard?as_of=YYYY-MM-DD&view=findings&agency=<agency id>&sort=-people, each part only when it is not
// the default (today, the agencies view, all agencies, the report's order; sort names a column of the
// agencies, a leading minus for descending). A change by the user pushes a history entry (record);
// Back, Forward, an edited address or an opened link restore the view (followHash), which pushes nothing.
//
// Below the report, the panel of the archive's findings (GET /api/v1/register/findings: each property's
// missing documents and failed ledger reconciliations, as the register stands now), each linked to its
// property's page (#/register?site=<id>); a user who may not read them does not see the panel.

import {h, replace} from './dom.js';
import {area, lang, locale, severityLabel, t} from './i18n.js';
import {get, query} from './api.js';
import {report} from './data.js';

const VIEWS = ['agencies', 'findings'];

/** The agencies table's columns: the sort key, the heading's message, the value sorted by. */
const COLUMNS = [
  ['agency', 'dash.agency', (a) => a.agency],
  ['people', 'dash.people', (a) => a.people],
  ['rooms', 'dash.rooms', (a) => a.rooms],
  ['office', 'dash.office', (a) => a.office_area_m2],
  ['standard', 'dash.standard', (a) => a.standard_area_m2],
  ['ratio', 'dash.officeVsStandard', (a) => (a.standard_area_m2 ? a.office_area_m2 / a.standard_area_m2 : -1)],
  ['space', 'dash.officeSpace', (a) => a.office_space_area_m2],
  ['approved', 'dash.approved', (a) => a.approved_area_m2 || 0],
  ['findings', 'dash.findings', (a) => a.findings],
];
const SORTS = new Set(COLUMNS.flatMap(([key]) => [key, `-${key}`]));

let root = null;
let onAgency = () => {};
let shown = false;
let seq = 0; // guards against a report answered after a newer one was asked
let written = null; // the address last written or followed: its hashchange is not followed again

/**
 * What the dashboard shows: the report's day (null: today), the view, the agency whose findings are listed,
 * the agencies' order (a column's key, '-' first for descending; null: the report's order).
 */
const view = {asOf: null, view: 'agencies', agency: null, sort: null};
let notice = null; // a message about a link that could not be followed, shown until the next change
/** The archive's findings last read: {findings} or {error}; null while unread or not the user's to read. */
let archived = null;

/** Wires the dashboard into its section; agencyClicked(id) is called when an agency is chosen. */
export function initDashboard(el, agencyClicked) {
  root = el;
  onAgency = agencyClicked;
}

/** Shows the dashboard (reading the report when needed). */
export async function show() {
  shown = true;
  await refresh();
}

/** Re-reads and redraws the dashboard if it has been shown. */
export async function refresh() {
  if (!shown || !root) return;
  const my = ++seq;
  // The previous table stays while the next day's report loads, so that the control in use keeps its focus.
  if (!root.firstChild) replace(root, h('p', {class: 'muted pad'}, t('app.loading')));
  root.setAttribute('aria-busy', 'true');
  let rep;
  const archive = archiveFindings();
  try {
    rep = await report(view.asOf);
  } catch (err) {
    if (my !== seq) return;
    root.removeAttribute('aria-busy');
    replace(root, h('div', {class: 'dash'}, head(null), h('p', {class: 'error', id: 'dash-error'}, t('app.loadFailed', {message: err.message}))));
    return;
  }
  if (my !== seq) return;
  root.removeAttribute('aria-busy');
  render(rep);
  const next = await archive;
  if (my !== seq) return;
  archived = next;
  const panel = root.querySelector('#dash-archive');
  if (panel) panel.replaceWith(archivePanel());
}

/** Reads the archive's findings: {findings}, {error}, or null when the user may not read them (403). */
async function archiveFindings() {
  try {
    return {findings: await get('/api/v1/register/findings')};
  } catch (err) {
    if (err.code === 'aborted' || err.status === 403 || err.status === 401) return null;
    return {error: err};
  }
}

// ---- the view in the address ----

/** The address of the dashboard's view: #/dashboard, then what is not the default. */
export function dashboardHash() {
  const q = new URLSearchParams();
  if (view.asOf) q.set('as_of', view.asOf);
  if (view.view !== 'agencies') q.set('view', view.view);
  if (view.agency) q.set('agency', view.agency);
  if (view.sort) q.set('sort', view.sort);
  const s = q.toString();
  return s ? `#/dashboard?${s}` : '#/dashboard';
}

/** A day as YYYY-MM-DD that the calendar has (2026-02-30 is not one). */
function isDay(s) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * Follows the address (main.js calls it at every route, before the tab is shown): on the dashboard
 * tab, the view the address names becomes the dashboard's, without a new history entry. A date that is
 * not a day falls back to today with a message, and the address is corrected to what is shown.
 */
export function followHash(tab) {
  if (location.hash === written) return;
  written = location.hash;
  if (tab !== 'dashboard') return;
  const i = location.hash.indexOf('?');
  const q = new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
  notice = null;
  const asOf = q.get('as_of') || null;
  if (asOf && !isDay(asOf)) notice = t('dash.badDate', {date: asOf});
  view.asOf = asOf && isDay(asOf) ? asOf : null;
  view.view = VIEWS.includes(q.get('view')) ? q.get('view') : 'agencies';
  view.agency = q.get('agency') || null;
  view.sort = SORTS.has(q.get('sort')) ? q.get('sort') : null; // an unknown order is the report's, silently
  if (notice) record({replace: true});
  else linkTab();
}

/** The dashboard tab's link keeps the view, so that coming back from the map returns to it. */
function linkTab() {
  document.querySelector('a[data-tab="dashboard"]')?.setAttribute('href', dashboardHash());
}

/** Writes the view into the address: a new history entry (replace: the current one) when it changed. */
function record({replace: replacing = false} = {}) {
  const hash = dashboardHash();
  written = hash;
  linkTab();
  if (hash === location.hash) return;
  if (replacing) history.replaceState(history.state, '', hash);
  else history.pushState(null, '', hash);
}

/** Changes the view as the user asked: a history entry, then the dashboard redrawn. */
function change(next) {
  Object.assign(view, next);
  notice = null;
  record();
  refresh();
}

// ---- drawing ----

const fmt = (v) => Number(v || 0).toLocaleString(locale(), {minimumFractionDigits: 2, maximumFractionDigits: 2});

function bar(office, standard) {
  if (!standard) return h('span', {class: 'muted'}, t('unit.none'));
  const ratio = office / standard;
  const pct = Math.min(ratio, 1.5) / 1.5 * 100;
  return h('div', {class: 'bar', title: `${fmt(office)} / ${fmt(standard)} m²`},
    h('div', {class: ratio > 1 ? 'bar-fill over' : 'bar-fill', style: {width: `${pct.toFixed(1)}%`}}),
    h('div', {class: 'bar-mark', style: {left: `${(100 / 1.5).toFixed(1)}%`}}),
    h('span', {class: 'bar-text'}, `${(ratio * 100).toFixed(0)}%`));
}

/** The head: the title, the as-of date, the views, the downloads and this view's link. rep may be null (failed). */
function head(rep) {
  const dl = (format) => `/api/v1/reports/over-standard${query({format, lang: lang(), as_of: view.asOf})}`;
  const viewButton = (v, key) => h('button', {type: 'button', id: `dash-view-${v}`, class: 'seg', 'aria-pressed': view.view === v ? 'true' : 'false',
    onClick: () => view.view !== v && change({view: v})}, t(key));
  return h('div', {class: 'dash-head'},
    h('h2', null, t('dash.title')),
    h('label', {class: 'dash-date'}, h('span', null, t('dash.asOfLabel')),
      h('input', {type: 'date', id: 'dash-as-of', value: view.asOf || rep?.as_of || '', required: true,
        onChange: (e) => {
          const v = e.target.value;
          if (!v || isDay(v)) change({asOf: v || null});
        }})),
    view.asOf ? h('button', {type: 'button', id: 'dash-today', onClick: () => change({asOf: null})}, t('dash.asOfToday')) : null,
    h('div', {class: 'seg-group', role: 'group', 'aria-label': t('dash.views')},
      viewButton('agencies', 'dash.viewAgencies'), viewButton('findings', 'dash.viewFindings')),
    h('span', {class: 'downloads'}, t('dash.download'), ': ',
      h('a', {id: 'dl-csv', href: dl('csv'), download: ''}, t('dash.csv')), ' · ',
      h('a', {id: 'dl-xlsx', href: dl('xlsx'), download: ''}, t('dash.xlsx')), ' · ',
      h('a', {id: 'dash-link', href: dashboardHash()}, t('dash.link'))));
}

/** A table in a box that scrolls sideways on a narrow screen; the box is focusable so that keys scroll it. */
function scroller(labelId, table) {
  return h('div', {class: 'table-scroll', tabindex: '0', role: 'region', 'aria-labelledby': labelId}, table);
}

function agenciesTable(rep) {
  const numCell = (v) => h('td', {class: 'num'}, v);
  const agencyRow = (a, total) => {
    const current = !total && a.agency_id === view.agency;
    return h('tr', {
      class: total ? 'total' : current ? 'clickable current' : 'clickable', dataset: total ? {} : {agencyId: a.agency_id},
      tabindex: total ? null : '0', 'aria-current': current ? 'true' : null,
      title: total ? null : t('dash.clickHint'), onClick: total ? null : () => onAgency(a.agency_id),
      onKeydown: total ? null : (e) => {
        // Enter or Space on a row does what a click does; keys on the findings button inside are its own.
        if (e.target !== e.currentTarget || (e.key !== 'Enter' && e.key !== ' ')) return;
        e.preventDefault();
        onAgency(a.agency_id);
      },
    },
    h(total ? 'td' : 'th', total ? null : {scope: 'row'}, total ? t('dash.total') : a.agency),
    numCell(a.people), numCell(a.rooms), numCell(fmt(a.office_area_m2)), numCell(fmt(a.standard_area_m2)),
    h('td', null, bar(a.office_area_m2, a.standard_area_m2)),
    numCell(fmt(a.office_space_area_m2)), numCell(a.approved_area_m2 ? fmt(a.approved_area_m2) : t('unit.none')),
    // The button's name begins with the number it shows (WCAG 2.5.3), then says what it does.
    h('td', {class: a.findings ? 'num findings-n' : 'num'}, !total && a.findings ? h('button', {
      type: 'button', class: 'link findings-link',
      onClick: (e) => {
        e.stopPropagation();
        change({view: 'findings', agency: a.agency_id});
      },
    }, String(a.findings), h('span', {class: 'sr-only'}, ' ', t('dash.showFindings', {agency: a.agency}))) : a.findings));
  };
  // A heading is a button that sorts by its column, ascending first, then descending; the sorted column's
  // heading carries aria-sort.
  const desc = view.sort?.startsWith('-');
  const sortKey = view.sort?.replace(/^-/, '');
  const heading = ([key, label], i) => h('th', {
    scope: 'col', class: i && key !== 'ratio' ? 'num' : null, 'aria-sort': key === sortKey ? (desc ? 'descending' : 'ascending') : null,
  }, h('button', {type: 'button', class: 'sort', id: `dash-sort-${key}`,
    onClick: () => change({sort: key === sortKey && !desc ? `-${key}` : key})},
  t(label), h('span', {class: 'sort-mark', 'aria-hidden': 'true'}, key === sortKey ? (desc ? ' ▼' : ' ▲') : '')));
  let agencies = rep.agencies;
  const column = COLUMNS.find(([key]) => key === sortKey);
  if (column) {
    const value = column[2];
    const cmp = sortKey === 'agency' ? (a, b) => value(a).localeCompare(value(b), 'zh-CN') : (a, b) => value(a) - value(b);
    agencies = [...agencies].sort((a, b) => (desc ? -cmp(a, b) : cmp(a, b)));
  }
  return [
    h('p', {class: 'hint'}, t('dash.clickHint')),
    h('h3', {class: 'sr-only', id: 'dash-table-title'}, t('dash.viewAgencies')),
    scroller('dash-table-title', h('table', {class: 'grid', id: 'dash-agencies'},
      h('thead', null, h('tr', null, COLUMNS.map(heading))),
      h('tbody', null, agencies.map((a) => agencyRow(a, false))),
      h('tfoot', null, agencyRow(rep.total, true)))),
    h('p', {class: 'muted'}, `${t('dash.office')}: ${area(rep.total.office_area_m2)}`),
  ];
}

function findingsTable(rep) {
  const findings = view.agency ? rep.findings.filter((f) => f.agency_id === view.agency) : rep.findings;
  const agencies = rep.agencies.filter((a) => a.agency_id && a.agency);
  return [
    h('label', {class: 'dash-agency'}, h('span', null, t('dash.agencyFilter')),
      h('select', {id: 'dash-agency', onChange: (e) => change({agency: e.target.value || null})},
        h('option', {value: ''}, t('dash.allAgencies')),
        agencies.map((a) => h('option', {value: a.agency_id, selected: a.agency_id === view.agency}, a.agency)))),
    h('h3', {id: 'dash-table-title'}, t('dash.findingsTitle'), ' ', h('span', {class: 'muted'}, `(${findings.length})`)),
    findings.length ? scroller('dash-table-title', h('table', {class: 'grid findings-table', id: 'dash-findings'},
      h('thead', null, h('tr', null, ['dash.rule', 'dash.severity', 'dash.agency', 'dash.person', 'dash.roomsCol', 'dash.message']
        .map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, findings.map((f) => h('tr', {dataset: {agencyId: f.agency_id}},
        h('td', null, f.rule), h('td', {class: `sev-${f.severity}`}, severityLabel(f.severity)),
        h('td', null, f.agency), h('td', null, f.person), h('td', null, (f.rooms || []).join(lang() === 'en' ? ', ' : '、')),
        h('td', null, f.message, h('div', {class: 'source'}, f.source))))))) : h('p', {class: 'muted'}, t('dash.none')),
  ];
}

/** The panel of the archive's findings, each linked to its property's page. */
function archivePanel() {
  const box = (...children) => h('section', {class: 'dash-archive', id: 'dash-archive', 'aria-labelledby': 'dash-archive-title'}, ...children);
  if (!archived) return h('div', {id: 'dash-archive', hidden: true});
  const title = (n) => h('h3', {id: 'dash-archive-title'}, t('dash.archiveTitle'), n == null ? null : h('span', {class: 'muted'}, ` (${n})`));
  if (archived.error) return box(title(), h('p', {class: 'error'}, t('dash.archiveFailed', {message: archived.error.message})));
  const list = archived.findings || [];
  const en = lang() === 'en';
  const ruleName = (id) => {
    const key = `dash.archiveRule.${id}`;
    const s = t(key);
    return s === key ? id : s;
  };
  return box(title(list.length), h('p', {class: 'hint'}, t('dash.archiveHint')),
    list.length ? scroller('dash-archive-title', h('table', {class: 'grid findings-table', id: 'dash-archive-findings'},
      h('thead', null, h('tr', null, ['dash.archiveProperty', 'dash.rule', 'dash.severity', 'dash.message']
        .map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, list.map((f) => h('tr', {dataset: {siteId: f.site_id, rule: f.rule_id}},
        h('td', null, h('a', {href: `#/register${query({site: f.site_id})}`, class: 'archive-site'}, f.site_name)),
        h('td', null, ruleName(f.rule_id)), h('td', {class: `sev-${f.severity}`}, severityLabel(f.severity)),
        h('td', null, en ? f.message_en : f.message, h('div', {class: 'source'}, f.source))))))) :
      h('p', {class: 'muted'}, t('dash.archiveNone')));
}

function render(rep) {
  // An agency the report does not list (unknown, or not the user's to see) is dropped with a message.
  if (view.agency && !rep.agencies.some((a) => a.agency_id === view.agency)) {
    view.agency = null;
    notice = t('dash.badAgency');
    record({replace: true});
  }
  // The control in use keeps the focus across the redraw (a view button, the date, a row).
  const active = document.activeElement;
  const focusId = root.contains(active) ? active.id : '';
  const focusRow = root.contains(active) ? active.dataset?.agencyId : null;
  replace(root,
    h('div', {class: 'dash', dataset: {view: view.view, asOf: rep.as_of}},
      head(rep),
      notice ? h('p', {class: 'error', id: 'dash-notice', role: 'alert'}, notice) : null,
      h('p', {class: 'muted', id: 'dash-as-of-text'}, t('dash.asOf', {date: rep.as_of})),
      view.view === 'findings' ? findingsTable(rep) : agenciesTable(rep),
      archivePanel()));
  const again = (focusId && document.getElementById(focusId)) ||
    (focusRow && root.querySelector(`tr[data-agency-id="${CSS.escape(focusRow)}"]`));
  if (again) again.focus();
}
