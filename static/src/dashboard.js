// The over-standard dashboard: the report's per-agency totals (people, rooms, office area against the
// standard, findings), the findings list, and the CSV/XLSX downloads of the same report. Clicking an
// agency shows its rooms on the map.

import {h, replace} from './dom.js';
import {area, lang, locale, severityLabel, t} from './i18n.js';
import {query} from './api.js';
import {report} from './data.js';

let root = null;
let onAgency = () => {};
let shown = false;

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
  replace(root, h('p', {class: 'muted pad'}, t('app.loading')));
  let rep;
  try {
    rep = await report();
  } catch (err) {
    replace(root, h('p', {class: 'error pad'}, t('app.loadFailed', {message: err.message})));
    return;
  }
  render(rep);
}

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

function render(rep) {
  const dl = (format) => `/api/v1/reports/over-standard${query({format, lang: lang()})}`;
  const numCell = (v) => h('td', {class: 'num'}, v);
  const agencyRow = (a, total) => h('tr', {
    class: total ? 'total' : 'clickable', dataset: total ? {} : {agencyId: a.agency_id},
    title: total ? null : t('dash.clickHint'), onClick: total ? null : () => onAgency(a.agency_id),
  },
  h('td', null, total ? t('dash.total') : a.agency),
  numCell(a.people), numCell(a.rooms), numCell(fmt(a.office_area_m2)), numCell(fmt(a.standard_area_m2)),
  h('td', null, bar(a.office_area_m2, a.standard_area_m2)),
  numCell(fmt(a.office_space_area_m2)), numCell(a.approved_area_m2 ? fmt(a.approved_area_m2) : t('unit.none')),
  h('td', {class: a.findings ? 'num findings-n' : 'num'}, a.findings));

  replace(root,
    h('div', {class: 'dash'},
      h('div', {class: 'dash-head'},
        h('h2', null, t('dash.title')),
        h('span', {class: 'muted'}, t('dash.asOf', {date: rep.as_of})),
        h('span', {class: 'downloads'}, t('dash.download'), ': ',
          h('a', {id: 'dl-csv', href: dl('csv'), download: ''}, t('dash.csv')), ' · ',
          h('a', {id: 'dl-xlsx', href: dl('xlsx'), download: ''}, t('dash.xlsx')))),
      h('p', {class: 'hint'}, t('dash.clickHint')),
      h('table', {class: 'grid', id: 'dash-agencies'},
        h('thead', null, h('tr', null, ['dash.agency', 'dash.people', 'dash.rooms', 'dash.office', 'dash.standard',
          'dash.officeVsStandard', 'dash.officeSpace', 'dash.approved', 'dash.findings'].map((k, i) =>
          h('th', {class: i && i !== 5 ? 'num' : null}, t(k))))),
        h('tbody', null, rep.agencies.map((a) => agencyRow(a, false))),
        h('tfoot', null, agencyRow(rep.total, true))),
      h('h2', null, t('dash.findingsTitle'), ' ', h('span', {class: 'muted'}, `(${rep.findings.length})`)),
      rep.findings.length ? h('table', {class: 'grid findings-table', id: 'dash-findings'},
        h('thead', null, h('tr', null, ['dash.rule', 'dash.severity', 'dash.agency', 'dash.person', 'dash.roomsCol', 'dash.message']
          .map((k) => h('th', null, t(k))))),
        h('tbody', null, rep.findings.map((f) => h('tr', null,
          h('td', null, f.rule), h('td', {class: `sev-${f.severity}`}, severityLabel(f.severity)),
          h('td', null, f.agency), h('td', null, f.person), h('td', null, (f.rooms || []).join(lang() === 'en' ? ', ' : '、')),
          h('td', null, f.message, h('div', {class: 'source'}, f.source)))))) : h('p', {class: 'muted'}, t('dash.none')),
      h('p', {class: 'muted'}, `${t('dash.office')}: ${area(rep.total.office_area_m2)}`)));
}
