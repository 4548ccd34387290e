// 督查结果 (inspection results, issue 18): the bureau's overview across the plans of a year
// (#/inspections?view=results&year=…&kind=…, GET /api/v1/inspections/results), the results section of a
// plan's page (GET /api/v1/inspections/{id}/results, with the 回头看 table of a follow-up), and the links to
// the papers: an agency's rectification notice (整改通知书, PDF) and the referral files (移交材料, zip).
//
// The charts are SVG drawn here, as the flowchart and the floor plans are (no chart library): a
// horizontal bar per checklist point, agency or district, its length the items, split into fixed,
// referred, overdue and the rest. Each chart is an image with a label that says its numbers, and its
// data table follows it. The server scopes every number: an agency manager gets its own agency's.

import {get, query} from './api.js';
import {h, replace, tableBox} from './dom.js';
import {lang, t} from './i18n.js';
import {accounts, session} from './session.js';

const NS = 'http://www.w3.org/2000/svg';
const NIL = '00000000-0000-0000-0000-000000000000';
const KINDS = ['annual', 'special', 'key', 'follow_up'];

/** The parts of a bar, in order: its name and how many of the counts it is. */
const SEGMENTS = [
  ['fixed', (c) => c.fixed],
  ['referred', (c) => c.referred],
  ['overdue', (c) => c.overdue],
  ['other', (c) => Math.max(0, c.items - c.fixed - c.referred - c.overdue)],
];
/** The columns of a chart's data table: the count's key. */
const COLUMNS = ['items', 'notified', 'answered', 'fixed', 'not_fixed', 'referred', 'overdue', 'rectification_rate'];
const ROW = 44; // px per bar: its label above, the bar below
const WIDE = 82; // % of the chart's width the longest bar takes; its number follows it

let seq = 0; // guards the overview against an answer to an older choice

/** Whether the user holds one of roles (the server checks the scope); always in single-user mode. */
const holds = (...roles) => !accounts() || roles.some((r) => session.user?.roles?.includes(r));
/** Whether the user may take the papers (notices, referral files): the bureau and the inspectors. */
const mayPapers = () => holds('bureau_admin', 'inspector');

/** An SVG element with attrs and children (text children become text nodes). */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const rateText = (r) => (r === null || r === undefined ? t('inspr.noRate') : `${Number(r).toFixed(1)}%`);
const cell = (c, key) => (key === 'rectification_rate' ? rateText(c[key]) : String(c[key] ?? 0));
const agencyLabel = (a) => (a.agency_id === NIL ? t('inspr.noAgency') : a.name);
const districtLabel = (d) => (d.jurisdiction_id === NIL ? t('inspr.cityLevel') : d.name);
const pointLabel = (p) => `${p.code} ${(lang() === 'en' ? p.text_en : p.text) || ''}`.trim();
const planName = (p) => p.title || t(`insp.kind.${p.kind}`);

/** The link to the overview, for the plans list. */
export function overviewLink() {
  if (!holds('bureau_admin', 'inspector', 'approver', 'agency_manager')) return null;
  return h('p', {class: 'inspr-links'}, h('a', {href: '#/inspections?view=results', id: 'insp-results-link'}, t('inspr.overview')));
}

/** The address of the overview of year and kind ('' for every kind but follow-ups). */
const overviewHash = (year, kind) => '#/inspections' + query({view: 'results', year, kind});

/** The overview page: the year and kind, then the results (drawn again in place when they change). */
export async function overviewPage(params) {
  const thisYear = new Date().getFullYear();
  const asked = Number(params.get('year'));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2100 ? asked : thisYear;
  const kind = KINDS.includes(params.get('kind')) ? params.get('kind') : '';
  const {inspections = []} = await get('/api/v1/inspections').catch(() => ({}));
  const years = [...new Set([thisYear, year, ...inspections.filter((p) => p.state !== 'draft').map((p) => Number(String(p.as_of).slice(0, 4)))])]
    .filter((y) => y >= 2000).sort((a, b) => b - a);
  const body = h('div', {id: 'inspr-body'});
  const yearSel = h('select', {id: 'inspr-year'}, years.map((y) => h('option', {value: String(y), selected: y === year}, String(y))));
  const kindSel = h('select', {id: 'inspr-kind'}, h('option', {value: ''}, t('inspr.kindAll')),
    KINDS.map((k) => h('option', {value: k, selected: k === kind}, t(`insp.kind.${k}`))));
  const change = () => {
    history.pushState(null, '', overviewHash(yearSel.value, kindSel.value));
    fill(body, Number(yearSel.value), kindSel.value);
  };
  yearSel.addEventListener('change', change);
  kindSel.addEventListener('change', change);
  await fill(body, year, kind);
  return [h('p', null, h('a', {href: '#/inspections', id: 'insp-back'}, t('insp.back'))),
    h('h2', {id: 'inspr-title', tabindex: '-1'}, t('inspr.overview')),
    h('form', {class: 'filters inspr-filters', role: 'search', 'aria-label': t('inspr.choose'), onSubmit: (e) => e.preventDefault()},
      h('label', {class: 'field'}, t('inspr.year'), yearSel), h('label', {class: 'field'}, t('insp.kind'), kindSel)),
    body];
}

/** Reads the results of year and kind and draws them in body. */
async function fill(body, year, kind) {
  const my = ++seq;
  body.setAttribute('aria-busy', 'true');
  let r;
  try {
    r = await get('/api/v1/inspections/results' + query({year, kind}));
  } catch (err) {
    if (my !== seq) return;
    body.removeAttribute('aria-busy');
    replace(body, h('p', {class: 'error', role: 'alert', id: 'inspr-failed'}, t('insp.failed', {message: err.message})));
    return;
  }
  if (my !== seq) return;
  body.removeAttribute('aria-busy');
  replace(body, h('div', {id: 'inspr-results', dataset: {year: String(r.year), kind: r.kind || ''}},
    downloads('/api/v1/inspections/results', {year, kind}, 'inspr-dl'),
    h('p', {class: 'muted'}, t('inspr.asOf', {date: String(r.as_of).slice(0, 10), plans: r.plans.length})),
    resultsView(r, 'inspr', 'h3'),
    plansTable(r.plans)));
}

/** The XLSX and PDF links of the results at base with params. */
function downloads(base, params, id) {
  const href = (format) => base + query({...params, format, lang: lang() === 'en' ? 'en' : 'zh'});
  return h('p', {class: 'downloads'}, t('inspr.download'), ': ',
    h('a', {id: `${id}-xlsx`, href: href('xlsx'), download: ''}, t('inspr.xlsx')), ' · ',
    h('a', {id: `${id}-pdf`, href: href('pdf'), target: '_blank', rel: 'noopener'}, t('inspr.pdf')));
}

/** The cards of the totals, then the charts by point, agency and district, each with its data table. */
function resultsView(r, prefix, hx) {
  const c = r.totals;
  return [
    cards(`${prefix}-cards`, [['agencies', String(r.agencies_checked)], ['items', String(c.items)], ['fixed', String(c.fixed), 'good'],
      ['overdue', String(c.overdue), c.overdue ? 'bad' : ''], ['referred', String(c.referred)], ['rate', rateText(c.rectification_rate)]]),
    h('p', {class: 'hint'}, t('inspr.rateHint')),
    legend(),
    h('div', {class: 'inspr-charts'},
      chartBlock(`${prefix}-by-point`, t('inspr.byPoint'), hx, r.by_point.map((p) => ({key: p.code, label: pointLabel(p), counts: p}))),
      chartBlock(`${prefix}-by-agency`, t('inspr.byAgency'), hx, r.by_agency.map((a) => ({key: a.agency_id, label: agencyLabel(a), counts: a}))),
      chartBlock(`${prefix}-by-district`, t('inspr.byDistrict'), hx, r.by_district.map((d) => ({key: d.jurisdiction_id, label: districtLabel(d), counts: d})))),
  ];
}

/** Number cards: [key, value, class] each, labelled inspr.card.<key>. */
function cards(id, list) {
  return h('dl', {class: 'inspr-cards', id}, list.map(([key, value, cls]) => h('div', {class: `inspr-card ${cls || ''}`.trim(), dataset: {key}},
    h('dt', null, t(`inspr.card.${key}`)), h('dd', {class: 'inspr-card-n'}, value))));
}

/** What the bars' colours mean (the charts' labels say it in words). */
function legend() {
  return h('p', {class: 'inspr-legend', 'aria-hidden': 'true'},
    SEGMENTS.map(([k]) => h('span', null, h('span', {class: `inspr-swatch seg-${k}`}), t(`inspr.seg.${k}`))));
}

/** A chart of rows ({key, label, counts}) under a heading, and its data table. */
function chartBlock(id, title, hx, rows) {
  return h('section', {class: 'inspr-chart-box', id, 'aria-labelledby': `${id}-title`}, h(hx, {id: `${id}-title`}, title),
    rows.length === 0 ? h('p', {class: 'hint'}, t('inspr.noData')) : [barChart(title, rows), dataTable(id, title, rows)]);
}

/** The bars of rows as an SVG image whose label says every row's numbers. */
function barChart(title, rows) {
  const max = Math.max(1, ...rows.map((r) => r.counts.items));
  const says = (r) => t('inspr.barText', {label: r.label, items: r.counts.items, fixed: r.counts.fixed, referred: r.counts.referred, overdue: r.counts.overdue});
  const bar = (r, i) => {
    const y = i * ROW;
    let x = 0;
    const parts = SEGMENTS.map(([k, of]) => {
      const w = (of(r.counts) / max) * WIDE;
      const rect = w > 0 ? s('rect', {class: `seg-${k}`, x: `${x.toFixed(2)}%`, y: y + 21, width: `${w.toFixed(2)}%`, height: 14}) : null;
      x += w;
      return rect;
    });
    return s('g', {class: 'inspr-bar', 'data-key': r.key, 'data-items': r.counts.items}, s('title', null, says(r)),
      s('text', {class: 'inspr-label', x: 0, y: y + 15}, r.label),
      s('rect', {class: 'inspr-track', x: 0, y: y + 21, width: `${WIDE}%`, height: 14}), parts,
      s('text', {class: 'inspr-value', x: `${(x + 1).toFixed(2)}%`, y: y + 33}, String(r.counts.items)));
  };
  return s('svg', {class: 'inspr-chart', width: '100%', height: rows.length * ROW + 2, role: 'img', focusable: 'false',
    'aria-label': lang() === 'en' ? `${title}: ${rows.map(says).join('; ')}` : `${title}：${rows.map(says).join('；')}`}, rows.map(bar));
}

/** A chart's numbers as a table, folded under it. */
function dataTable(id, title, rows) {
  return h('details', {class: 'inspr-data'}, h('summary', null, t('inspr.dataTable')),
    tableBox(h('table', {class: 'data', id: `${id}-table`},
      h('thead', null, h('tr', null, h('th', {scope: 'col'}, title), COLUMNS.map((k) => h('th', {scope: 'col', class: 'num'}, t(`inspr.col.${k}`))))),
      h('tbody', null, rows.map((r) => h('tr', {dataset: {key: r.key}}, h('th', {scope: 'row'}, r.label),
        COLUMNS.map((k) => h('td', {class: 'num'}, cell(r.counts, k))))))), title));
}

/** The plans an overview counts, each linked to its page. */
function plansTable(plans) {
  if (plans.length === 0) return h('p', {class: 'hint', id: 'inspr-no-plans'}, t('inspr.noPlans'));
  return h('section', {class: 'app-section', 'aria-labelledby': 'inspr-plans-title'}, h('h3', {id: 'inspr-plans-title'}, t('inspr.plans')),
    tableBox(h('table', {class: 'data', id: 'inspr-plans'},
      h('thead', null, h('tr', null, ['insp.titleCol', 'insp.kind', 'insp.state', 'insp.asOf', 'insp.items'].map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, plans.map((p) => h('tr', {dataset: {planId: p.id}},
        h('td', null, h('a', {href: '#/inspections' + query({plan: p.id})}, planName(p))), h('td', null, t(`insp.kind.${p.kind}`)),
        h('td', null, t(`insp.plan.${p.state}`)), h('td', null, String(p.as_of).slice(0, 10)), h('td', {class: 'num'}, String(p.items)))))),
    t('inspr.plans')));
}

/** The link to agency's rectification notice in plan. */
function noticeLink(planId, agencyId, name) {
  return h('a', {class: 'inspr-notice', href: `/api/v1/inspections/${planId}/notices/${agencyId}.pdf`, target: '_blank', rel: 'noopener',
    dataset: {planId, agencyId}}, t('inspr.notice', {agency: name}));
}

/**
 * The results section of a plan's page (none for a draft): its cards and charts, the 回头看 table of a
 * follow-up, and for the bureau and the inspectors the notices of the agencies notified and the referral file.
 */
export async function planResults(plan) {
  if (plan.state === 'draft') return null;
  const box = (...children) => h('section', {class: 'app-section inspr-plan', id: 'inspr-plan-results', 'aria-labelledby': 'inspr-plan-title'},
    h('h3', {id: 'inspr-plan-title'}, t('inspr.planResults')), ...children);
  let r;
  try {
    r = await get(`/api/v1/inspections/${plan.id}/results`);
  } catch (err) {
    return box(h('p', {class: 'error', id: 'inspr-plan-failed'}, t('insp.failed', {message: err.message})));
  }
  return box(downloads(`/api/v1/inspections/${plan.id}/results`, {}, 'inspr-plan-dl'), resultsView(r, 'inspr-plan', 'h4'),
    r.follow_up ? followUpView(r.follow_up) : null, mayPapers() ? papers(plan, r) : null);
}

/** The notices of the agencies with notified items and the plan's referral file, when there are any. */
function papers(plan, r) {
  const notified = r.by_agency.filter((a) => a.agency_id !== NIL && a.notified > 0);
  if (notified.length === 0 && !r.totals.referred) return null;
  return h('div', {id: 'inspr-papers'}, h('h4', null, t('inspr.papers')),
    notified.length ? h('ul', {class: 'inspr-notices'}, notified.map((a) => h('li', null, noticeLink(plan.id, a.agency_id, a.name)))) : null,
    r.totals.referred ? h('p', null, h('a', {id: 'inspr-referral', href: `/api/v1/inspections/${plan.id}/referral.zip`, download: ''},
      t('inspr.referralZip', {n: r.totals.referred}))) : null);
}

/** The 回头看 view: the totals and each item against the followed plan's. */
function followUpView(fu) {
  const c = fu.totals;
  const label = (prefix, v) => (v ? t(`${prefix}.${v}`) : t('unit.none'));
  return h('section', {class: 'app-section', id: 'inspr-follow-up', 'aria-labelledby': 'inspr-follow-up-title'},
    h('h4', {id: 'inspr-follow-up-title'}, t('inspr.followUp')),
    h('p', null, h('a', {href: '#/inspections' + query({plan: fu.follows}), id: 'inspr-follows'}, t('inspr.followsPlan'))),
    cards('inspr-follow-up-totals', [['original', String(c.original)], ['fixed_before', String(c.fixed_before)], ['followed', String(c.followed)],
      ['rectified_since', String(c.rectified_since), 'good'], ['still_open', String(c.still_open), c.still_open ? 'bad' : '']]),
    fu.items.length === 0 ? h('p', {class: 'hint'}, t('insp.noItems')) : tableBox(h('table', {class: 'data', id: 'inspr-follow-up-items'},
      h('thead', null, h('tr', null, ['insp.agency', 'insp.point', 'inspr.fu.original', 'inspr.fu.atStart', 'inspr.fu.state', 'inspr.fu.now']
        .map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, fu.items.map((row) => h('tr', {dataset: {itemId: row.item_id, now: row.now}},
        h('td', null, row.agency_id === NIL ? t('inspr.noAgency') : row.agency),
        h('td', null, h('a', {href: '#/inspections' + query({item: row.item_id})}, row.point_code)),
        h('td', null, label('insp.item', row.original_state)), h('td', null, label('inspr.recheck', row.recheck_at_start)),
        h('td', null, label('insp.item', row.state)), h('td', {class: row.now === 'fixed' ? 'inspr-good' : row.now === 'still_found' ? 'inspr-bad' : null},
          label('inspr.now', row.now)))))), t('inspr.followUp')));
}

/** An item's referral file, on the item's page, once it is referred (the bureau and the inspectors). */
export function itemReferral(it) {
  if (it.state !== 'referred' || !mayPapers()) return null;
  return h('p', {class: 'inspr-item-referral'},
    h('a', {id: 'inspr-item-referral', href: `/api/v1/inspection-items/${it.id}/referral.zip`, download: ''}, t('inspr.itemReferralZip')));
}

/** An agency manager's rectification notices: one per plan (started or closed) and agency with notified items. */
export async function managerNotices(plans, agencyName) {
  const shown = plans.filter((p) => p.state !== 'draft');
  const lists = await Promise.all(shown.map((p) => get(`/api/v1/inspections/${p.id}/items`).then((r) => r.items || []).catch(() => [])));
  const rows = shown.flatMap((p, i) => [...new Set(lists[i].filter((it) => it.deadline).map((it) => it.agency_id))].map((a) => [p, a]));
  return h('section', {class: 'app-section', id: 'inspr-my-notices', 'aria-labelledby': 'inspr-my-notices-title'},
    h('h3', {id: 'inspr-my-notices-title'}, t('inspr.myNotices')),
    rows.length === 0 ? h('p', {class: 'hint'}, t('inspr.noNotices')) : h('ul', {class: 'inspr-notices'},
      rows.map(([p, a]) => h('li', {dataset: {planId: p.id}}, `${planName(p)} · `, noticeLink(p.id, a, agencyName(a))))));
}
