// 督查 (inspections): the inspector's workspace, the agency manager's view and the bureau's overview.
// The address holds the view: #/inspections the plans (and, for an agency manager, its items to answer),
// ?plan=… a plan's items with filters and its floors drawn with the items on them, ?item=… one item with
// its photos, trail and the actions the user may take, ?field=… the field entry of a started plan
// (fieldentry.js), ?view=results the results overview (inspresults.js). The server scopes every list:
// an agency manager sees its own agency's items only.

import {get, query, request, upload} from './api.js';
import {h, replace, tableBox, toast} from './dom.js';
import {lang, onLangChange, t} from './i18n.js';
import {day, moment, today} from './registerutil.js';
import {accounts, session} from './session.js';
import {fieldEntry, floorPlan} from './fieldentry.js';
import {leadsLink, leadsPage} from './leads.js';
import {itemReferral, managerNotices, overviewLink, overviewPage, planResults} from './inspresults.js';

const KINDS = ['annual', 'special', 'key', 'follow_up'];
const STATES = ['open', 'notified', 'answered', 'fixed', 'not_fixed', 'referred'];

const page = {root: null, seq: 0, agencies: [], jurisdictions: [], names: new Map(), checklist: null};

/** Whether the user holds role (the server checks the scope); always in single-user mode. */
const holds = (role) => !accounts() || !!session.user?.roles?.includes(role);
const agencyName = (id) => page.names.get(id) || (id ? id.slice(0, 8) : t('unit.none'));
const pointText = (code) => {
  const p = page.checklist?.points?.find((x) => x.code === code);
  return p ? `${code} ${lang() === 'en' ? p.text_en : p.text}` : code;
};
const link = (params) => '#/inspections' + query(params);
const kv = (key, value, id) => h('div', {class: 'kv'}, h('dt', null, t(key)), h('dd', {id}, value));

/** Shows the page the address names in el. */
export async function show(el) {
  if (page.root !== el) {
    page.root = el;
    onLangChange(() => location.hash.startsWith('#/inspections') && show(el));
  }
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const seq = ++page.seq;
  try {
    if (!page.checklist) page.checklist = await get('/api/v1/inspections/checklist');
    page.agencies = await get('/api/v1/agencies').catch(() => []);
    page.jurisdictions = await get('/api/v1/jurisdictions').catch(() => []);
    page.names = new Map(page.agencies.map((a) => [a.id, a.name]));
    let content;
    if (params.get('view') === 'results') content = await overviewPage(params); // the results (inspresults.js)
    else if (params.get('lead') || params.get('leads')) content = await leadsPage(params, {agencies: page.agencies, checklist: page.checklist, reload: () => show(el)});
    else if (params.get('item')) content = await itemPage(params.get('item'));
    else if (params.get('field')) content = await fieldPage(params.get('field'));
    else if (params.get('plan')) content = await planPage(params.get('plan'), params);
    else content = await listPage();
    if (seq !== page.seq) return;
    replace(el, h('div', {class: 'pad app-page insp-page', id: 'inspections-page'}, content));
  } catch (err) {
    if (seq === page.seq) replace(el, h('div', {class: 'pad app-page insp-page'}, h('p', {class: 'error', role: 'alert', id: 'insp-failed'}, t('insp.failed', {message: err.message})),
      h('p', null, h('a', {href: '#/inspections'}, t('insp.back')))));
    return;
  }
  document.querySelector('#inspections-page h2')?.focus({preventScroll: true});
}

/** The plans, the form to make one (inspectors), and an agency manager's items to answer. */
async function listPage() {
  const {inspections = []} = await get('/api/v1/inspections');
  const rows = inspections.map((p) => h('tr', {dataset: {planId: p.id, state: p.state}},
    h('td', null, h('a', {href: link({plan: p.id})}, p.title || t(`insp.kind.${p.kind}`))), h('td', null, t(`insp.kind.${p.kind}`)),
    h('td', null, t(`insp.plan.${p.state}`)), h('td', null, day(p.due)), h('td', {class: 'num'}, String(p.items ?? 0)),
    h('td', null, p.state === 'draft' && holds('inspector') ? h('button', {type: 'button', class: 'insp-start', onClick: () => act(`/api/v1/inspections/${p.id}/start`)}, t('insp.start')) : null,
      p.state === 'started' && holds('inspector') ? h('a', {class: 'button insp-field-link', href: link({field: p.id})}, t('insp.addItem')) : null)));
  const managed = holds('agency_manager') && !holds('inspector') ? await managerItems(inspections.filter((p) => p.state === 'started')) : null;
  const notices = holds('agency_manager') && !holds('inspector') ? await managerNotices(inspections, agencyName) : null;
  return [h('h2', {id: 'insp-title', tabindex: '-1'}, t('insp.title')), overviewLink(), leadsLink(), managed, notices,
    h('section', {class: 'app-section'}, h('h3', null, t('insp.plans')),
      inspections.length === 0 ? h('p', {class: 'hint', id: 'insp-none'}, t('insp.none')) : tableBox(h('table', {class: 'data', id: 'insp-plans'},
        h('thead', null, h('tr', null, ['insp.titleCol', 'insp.kind', 'insp.state', 'insp.due', 'insp.items', 'insp.actions'].map((k) => h('th', {scope: 'col'}, t(k))))),
        h('tbody', null, rows)), t('insp.plans'))),
    holds('inspector') ? newPlanForm() : null];
}

/** An agency manager's items of the started plans (the server gives its agency's only). */
async function managerItems(plans) {
  const lists = await Promise.all(plans.map((p) => get(`/api/v1/inspections/${p.id}/items`).then((r) => r.items || []).catch(() => [])));
  const items = lists.flat();
  return h('section', {class: 'app-section', id: 'insp-my-items'}, h('h3', null, t('insp.myItems')),
    items.length === 0 ? h('p', {class: 'hint'}, t('insp.noItems')) : itemsTable(items));
}

/** POSTs an action on a plan and reloads the page. */
async function act(path) {
  try {
    await request('POST', path, {body: {}});
    toast(t('insp.done'), 'ok');
  } catch (err) {
    toast(t('insp.failed', {message: err.message}), 'error');
  }
  await show(page.root);
}

/** The form that makes a plan (a draft): kind, title, as_of, scope (every agency, a list, a district or a named
 * system of agencies), due. */
function newPlanForm() {
  const kind = h('select', {id: 'insp-new-kind'}, KINDS.filter((k) => k !== 'follow_up').map((k) => h('option', {value: k}, t(`insp.kind.${k}`))));
  const title = h('input', {type: 'text', id: 'insp-new-title', maxlength: 200});
  const asOf = h('input', {type: 'date', id: 'insp-new-asof', value: today()});
  const due = h('input', {type: 'date', id: 'insp-new-due'});
  const scope = h('select', {id: 'insp-new-scope'}, ['all', 'agencies', 'jurisdiction', 'system'].map((k) => h('option', {value: k}, t(`insp.scope.${k}`))));
  const agencies = h('select', {id: 'insp-new-agencies', multiple: true, size: 4}, page.agencies.map((a) => h('option', {value: a.id}, a.name)));
  const district = h('select', {id: 'insp-new-district'}, page.jurisdictions.map((j) => h('option', {value: j.id}, j.name)));
  const system = h('input', {type: 'text', id: 'insp-new-system', maxlength: 100, placeholder: t('insp.scope.systemHint')});
  const error = h('p', {class: 'form-error error', role: 'alert', id: 'insp-new-error'});
  const submit = async (e) => {
    e.preventDefault();
    error.textContent = '';
    const listed = [...agencies.selectedOptions].map((o) => o.value);
    const sc = {all: {kind: 'all'}, agencies: {kind: 'agencies', agency_ids: listed},
      jurisdiction: {kind: 'jurisdiction', jurisdiction_id: district.value},
      system: {kind: 'system', system: system.value.trim(), agency_ids: listed}}[scope.value];
    try {
      const {data} = await request('POST', '/api/v1/inspections', {body: {kind: kind.value, title: title.value.trim(), as_of: asOf.value,
        scope: sc, due: due.value || undefined}});
      toast(t('insp.created'), 'ok');
      location.hash = link({plan: data.id});
    } catch (err) {
      error.textContent = t('insp.failed', {message: err.message});
    }
  };
  const label = (key, control) => h('label', {class: 'field'}, t(key), control);
  return h('details', {class: 'register-fold', id: 'insp-new'}, h('summary', null, t('insp.new')),
    h('form', {id: 'insp-new-form', class: 'register-form', novalidate: true, onSubmit: submit},
      label('insp.kind', kind), label('insp.titleCol', title), label('insp.asOf', asOf), label('insp.scope', scope),
      label('insp.scope.list', agencies), label('insp.scope.district', district), label('insp.scope.systemName', system),
      label('insp.due', due), error,
      h('button', {type: 'submit', id: 'insp-new-submit', class: 'primary'}, t('insp.create'))));
}

/** Items as a table: point, agency, finding, state, deadline (overdue red). */
function itemsTable(items) {
  return tableBox(h('table', {class: 'data', id: 'insp-items'},
    h('thead', null, h('tr', null, ['insp.point', 'insp.agency', 'insp.finding', 'insp.state', 'insp.deadline'].map((k) => h('th', {scope: 'col'}, t(k))))),
    h('tbody', null, items.map((it) => h('tr', {class: it.overdue ? 'overdue' : null, dataset: {itemId: it.id, state: it.state}},
      h('td', null, h('a', {href: link({item: it.id})}, pointText(it.point_code))), h('td', null, agencyName(it.agency_id)),
      h('td', null, it.finding?.message || it.notes || ''), h('td', null, t(`insp.item.${it.state}`)),
      h('td', {class: it.overdue ? 'bad' : null}, day(it.deadline), it.overdue ? ` · ${t('insp.overdue')}` : ''))))), t('insp.items'));
}

/** A plan: its summary, filters, items, and the floors of its items drawn with them. */
async function planPage(id, params) {
  const filter = {agency_id: params.get('agency_id') || '', state: params.get('state') || '', overdue: params.get('overdue') || ''};
  const [plan, list] = await Promise.all([get(`/api/v1/inspections/${id}`), get(`/api/v1/inspections/${id}/items` + query(filter))]);
  const items = list.items || [];
  const resultsSoon = planResults(plan); // its results, notices and referral file (inspresults.js)
  const set = (key, value) => {
    location.hash = link({plan: id, ...filter, [key]: value});
  };
  const pick = (key, options) => h('label', {class: 'field'}, t(`insp.filter.${key}`),
    h('select', {id: `insp-filter-${key}`, onChange: (e) => set(key, e.target.value)}, h('option', {value: ''}, t('insp.all')),
      options.map(([v, label]) => h('option', {value: v, selected: filter[key] === v}, label))));
  const floors = [...new Set(items.map((it) => it.floor_id).filter(Boolean))].slice(0, 4);
  const drawn = await Promise.all(floors.map((f) => floorPlan(f, {items: items.filter((it) => it.floor_id === f)})
    .then((p) => h('figure', {class: 'insp-floor', dataset: {floorId: f}}, p.el, h('figcaption', null, `${p.building.name || ''} ${p.floor.name || ''}`)))
    .catch(() => null)));
  const results = await resultsSoon;
  return [h('p', null, h('a', {href: '#/inspections', id: 'insp-back'}, t('insp.back'))),
    h('h2', {id: 'insp-plan-title', tabindex: '-1'}, plan.title || t(`insp.kind.${plan.kind}`)),
    h('dl', {class: 'app-summary', id: 'insp-plan', dataset: {state: plan.state}}, kv('insp.kind', t(`insp.kind.${plan.kind}`)),
      kv('insp.state', t(`insp.plan.${plan.state}`)), kv('insp.asOf', day(plan.as_of)), kv('insp.due', day(plan.due)),
      kv('insp.items', String(plan.items ?? 0)), (plan.warnings || []).length ? kv('insp.warnings', plan.warnings.join('；')) : null),
    h('div', {class: 'actions'},
      plan.state === 'draft' && holds('inspector') ? h('button', {type: 'button', id: 'insp-start', class: 'primary', onClick: () => act(`/api/v1/inspections/${id}/start`)}, t('insp.start')) : null,
      plan.state === 'started' && holds('inspector') ? h('a', {class: 'button primary', id: 'insp-add-item', href: link({field: id})}, t('insp.addItem')) : null),
    results,
    h('form', {class: 'filters', role: 'search', 'aria-label': t('insp.filters'), onSubmit: (e) => e.preventDefault()},
      pick('agency_id', page.agencies.map((a) => [a.id, a.name])), pick('state', STATES.map((s) => [s, t(`insp.item.${s}`)])),
      pick('overdue', [['true', t('insp.yes')], ['false', t('insp.no')]])),
    items.length === 0 ? h('p', {class: 'hint', id: 'insp-no-items'}, t('insp.noItems')) : itemsTable(items),
    drawn.some(Boolean) ? h('section', {class: 'app-section'}, h('h3', null, t('insp.onPlan')), h('div', {class: 'insp-floors'}, drawn)) : null];
}

/** The field entry of a started plan. */
async function fieldPage(id) {
  const plan = await get(`/api/v1/inspections/${id}`);
  const box = h('div', {id: 'fe-box'});
  await fieldEntry(box, plan, {agencies: page.agencies, onAdded: (it) => {
    location.hash = link({item: it.id});
  }});
  return [h('p', null, h('a', {href: link({plan: id}), id: 'insp-back'}, t('insp.backPlan'))),
    h('h2', {id: 'fe-title', tabindex: '-1'}, t('insp.fe.title', {plan: plan.title || t(`insp.kind.${plan.kind}`)})), box];
}

/** One item: what was found, where (its floor drawn), its photos and trail, and the user's actions. */
async function itemPage(id) {
  const it = await get(`/api/v1/inspection-items/${id}`);
  const docIds = [...new Set([...(it.photo_ids || []), ...(it.trail || []).flatMap((a) => a.document_ids || [])])];
  const docs = new Map((await Promise.all(docIds.map((d) => get(`/api/v1/documents/${d}`).catch(() => null)))).filter(Boolean).map((d) => [d.id, d]));
  const docLink = (d, cls) => h('a', {href: `/api/v1/documents/${d}/content?inline=1`, class: cls, target: '_blank', rel: 'noopener', dataset: {docId: d}},
    docs.get(d)?.name || t('insp.document', {id: d.slice(0, 8)}));
  const plan = it.floor_id ? await floorPlan(it.floor_id, {items: [it]}).catch(() => null) : null;
  return [h('p', null, h('a', {href: link({plan: it.inspection_id}), id: 'insp-back'}, t('insp.backPlan'))),
    h('h2', {id: 'insp-item-title', tabindex: '-1'}, pointText(it.point_code)),
    h('dl', {class: 'app-summary', id: 'insp-item', dataset: {state: it.state, overdue: String(!!it.overdue)}},
      kv('insp.agency', agencyName(it.agency_id)),
      kv('insp.state', [t(`insp.item.${it.state}`), it.overdue ? h('span', {class: 'badge overdue-badge'}, t('insp.overdue')) : null], 'insp-item-state'),
      it.deadline ? kv('insp.deadline', day(it.deadline)) : null, it.finding ? kv('insp.finding', it.finding.message) : null,
      it.person_name ? kv('insp.person', it.person_name) : null, it.notes ? kv('insp.fe.notes', it.notes, 'insp-item-notes') : null,
      (it.measurements || []).length ? kv('insp.measurements', it.measurements.map((m) => `${m.name} ${m.value} ${m.unit}`).join('；')) : null,
      (it.photo_ids || []).length ? kv('insp.photos', h('span', {id: 'insp-photos'}, it.photo_ids.map((d) => docLink(d, 'insp-photo')))) : null),
    itemReferral(it),
    plan ? h('figure', {class: 'insp-floor', id: 'insp-item-plan'}, plan.el, h('figcaption', null, `${plan.building.name || ''} ${plan.floor.name || ''}`)) : null,
    actionsForm(it),
    h('section', {class: 'app-section'}, h('h3', null, t('insp.trail')), (it.trail || []).length === 0 ? h('p', {class: 'hint'}, t('insp.noTrail'))
      : h('ol', {class: 'insp-trail', id: 'insp-trail'}, it.trail.map((a) => h('li', {dataset: {action: a.action}},
        `${moment(a.at)} · ${t(`insp.action.${a.action}`)} · ${a.actor}`, a.comment ? ` · ${a.comment}` : '', a.deadline ? ` · ${day(a.deadline)}` : '',
        (a.document_ids || []).map((d) => [' ', docLink(d, 'insp-evidence')])))))];
}

/** The actions the item's state allows that the user's role takes: notify, verify, refer (inspector), answer (agency manager). */
function actionsForm(it) {
  const mine = (it.allowed || []).filter((a) => (a === 'answer' ? holds('agency_manager') : holds('inspector')));
  if (mine.length === 0) return null;
  const action = h('select', {id: 'insp-act'}, mine.map((a) => h('option', {value: a}, t(`insp.action.${a}`))));
  const deadline = h('input', {type: 'date', id: 'insp-act-deadline'});
  const fixed = h('select', {id: 'insp-act-fixed'}, h('option', {value: 'true'}, t('insp.fixed')), h('option', {value: 'false'}, t('insp.notFixed')));
  const comment = h('textarea', {id: 'insp-act-comment', rows: 3, maxlength: 2000});
  const files = h('input', {type: 'file', id: 'insp-act-file', multiple: true, accept: 'image/*,application/pdf'});
  const error = h('p', {class: 'form-error error', role: 'alert', id: 'insp-act-error'});
  const label = (key, control) => h('label', {class: 'field'}, t(key), control);
  const parts = {deadline: label('insp.deadline', deadline), fixed: label('insp.verdict', fixed), files: label('insp.evidence', files)};
  const sync = () => {
    parts.deadline.hidden = action.value !== 'notify';
    parts.fixed.hidden = action.value !== 'verify';
    parts.files.hidden = action.value !== 'answer';
  };
  action.addEventListener('change', sync);
  sync();
  const submit = async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      const ids = [];
      if (action.value === 'answer') {
        for (const file of files.files) {
          const form = new FormData();
          form.append('subject_type', it.room_id ? 'room' : 'agency');
          form.append('subject_id', it.room_id || it.agency_id);
          form.append('doc_type', file.type.startsWith('image/') ? 'photo' : 'other');
          form.append('file', file, file.name);
          const {data} = await upload('/api/v1/documents', form);
          ids.push(data.id);
        }
      }
      const body = {action: action.value, comment: comment.value.trim(), document_ids: ids};
      if (action.value === 'notify') body.deadline = deadline.value;
      if (action.value === 'verify') body.fixed = fixed.value === 'true';
      await request('POST', `/api/v1/inspection-items/${it.id}/actions`, {body});
      toast(t('insp.done'), 'ok');
      await show(page.root);
    } catch (err) {
      error.textContent = t('insp.failed', {message: err.message});
    }
  };
  return h('section', {class: 'app-section'}, h('h3', null, t('insp.act')),
    h('form', {id: 'insp-act-form', class: 'register-form', novalidate: true, onSubmit: submit},
      label('insp.action', action), parts.deadline, parts.fixed, label('insp.comment', comment), parts.files, error,
      h('button', {type: 'submit', id: 'insp-act-submit', class: 'primary'}, t('insp.submit'))));
}
