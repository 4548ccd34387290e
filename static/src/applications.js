// 办理 (the online handling): the applications the user may see, filtered by kind, state and overdue
// (the server scopes the list); the inbox and the notices; a form to file a new application of each kind;
// and an application's page (#/applications?id=…): its procedure's flowchart with the current step, its
// fields, its trail with the documents, its scenario (an allocation: scenario.js), its certificate, and
// the actions its current step allows when the user holds the step's role. The address holds the view:
// #/applications?kind=…&state=…&overdue=… for the list, ?id=… for an application, ?new=<kind> for a form.

import {get, query, request} from './api.js';
import {h, replace, tableBox, toast} from './dom.js';
import {flowchart, stateLabel, stepName} from './flowchart.js';
import {applicationHash, inboxSection, noticesSection, refreshBadge} from './inbox.js';
import {area, onLangChange, roleLabel, t, usageLabel} from './i18n.js';
import {day, moment} from './registerutil.js';
import {actionForm} from './appaction.js';
import {picker, scenarioEditor, scenarioReadOnly} from './scenario.js';
import {accounts, session} from './session.js';

export const KINDS = ['allocation', 'second_office', 'maintenance', 'disposal', 'recovery'];
export const MODES = ['lease_tender', 'sale', 'reallocation', 'demolition', 'change_of_use'];
const FILTERS = ['kind', 'state', 'overdue'];

const page = {root: null, seq: 0, procedures: null, agencies: [], names: new Map()};

/** Whether the user holds role (anywhere: the server checks the scope); always in single-user mode. */
export const holds = (role) => !accounts() || !!session.user?.roles?.includes(role);

/** The label of a kind of application. */
export const kindLabel = (k) => t(`appl.kind.${k}`);

/** The procedure of a kind, from the procedures read. */
export const procedureOf = (kind) => page.procedures?.procedures.find((p) => p.kind === kind) || null;

/** The label of an application's state (its step's name, or an end state). */
const appState = (a) => stateLabel(procedureOf(a.kind), a.state);

const agencyName = (id) => page.names.get(id) || (id ? id.slice(0, 8) : t('unit.none'));

/** Shows the page the address names in el. */
export async function show(el) {
  if (page.root !== el) {
    page.root = el;
    onLangChange(() => location.hash.startsWith('#/applications') && show(el));
  }
  const params = new URLSearchParams(location.hash.split('?')[1] || '');
  const seq = ++page.seq;
  try {
    if (!page.procedures) page.procedures = await get('/api/v1/procedures');
    page.agencies = await get('/api/v1/agencies').catch(() => []);
    page.names = new Map(page.agencies.map((a) => [a.id, a.name]));
    let content;
    if (params.get('id')) content = await applicationPage(params.get('id'));
    else if (params.get('new')) content = newForm(params.get('new'));
    else content = await listPage(Object.fromEntries(FILTERS.map((k) => [k, params.get(k) || ''])));
    if (seq !== page.seq) return;
    replace(el, h('div', {class: 'pad app-page', id: 'applications-page'}, content));
  } catch (err) {
    if (seq === page.seq) replace(el, h('div', {class: 'pad app-page'}, h('p', {class: 'error', role: 'alert', id: 'app-failed'}, t('appl.failed', {message: err.message})),
      h('p', null, h('a', {href: '#/applications'}, t('appl.back')))));
    return;
  }
  refreshBadge();
  document.querySelector('#applications-page h2')?.focus({preventScroll: true});
}

/** The list: the new-application choice, the inbox, the notices, the filters and the applications. */
async function listPage(filter) {
  const [list, inbox, notices] = await Promise.all([
    get('/api/v1/applications' + query({kind: filter.kind, state: filter.state, overdue: filter.overdue})),
    accounts() ? inboxSection({kindLabel, stateLabel: appState}) : null,
    accounts() ? noticesSection() : null,
  ]);
  const apps = list.applications || [];
  const set = (key, value) => {
    location.hash = '#/applications' + query({...filter, [key]: value});
  };
  const pick = (key, options) => h('label', {class: 'field'}, t(`appl.filter.${key}`),
    h('select', {id: `app-filter-${key}`, onChange: (e) => set(key, e.target.value)},
      h('option', {value: ''}, t('appl.all')), options.map(([v, label]) => h('option', {value: v, selected: filter[key] === v}, label))));
  const states = new Map();
  for (const p of page.procedures.procedures) for (const st of p.steps) if (!states.has(st.code)) states.set(st.code, stepName(st.name));
  states.set('closed', t('appl.state.closed'));
  states.set('rejected', t('appl.state.rejected'));
  const mine = KINDS.filter((k) => holds(procedureOf(k)?.steps[0]?.role));
  const kindSel = h('select', {id: 'app-new-kind'}, mine.map((k) => h('option', {value: k}, kindLabel(k))));
  return [
    h('h2', {id: 'apps-title', tabindex: '-1'}, t('appl.title')),
    mine.length ? h('div', {class: 'actions', id: 'app-new-box'}, h('label', {class: 'field inline'}, t('appl.newKind'), kindSel),
      h('button', {type: 'button', id: 'app-new', class: 'primary', onClick: () => { location.hash = '#/applications' + query({new: kindSel.value}); }}, t('appl.new'))) : null,
    inbox, notices,
    h('section', {class: 'app-section'}, h('h3', null, t('appl.list')),
      h('form', {class: 'filters', role: 'search', 'aria-label': t('appl.filters'), onSubmit: (e) => e.preventDefault()},
        pick('kind', KINDS.map((k) => [k, kindLabel(k)])), pick('state', [...states]),
        pick('overdue', [['true', t('appl.overdueYes')], ['false', t('appl.overdueNo')]])),
      apps.length === 0 ? h('p', {class: 'hint', id: 'app-none'}, t('appl.none')) : tableBox(h('table', {class: 'data', id: 'app-list'},
        h('thead', null, h('tr', null, ['appl.titleCol', 'appl.kind', 'appl.agency', 'appl.state', 'appl.due'].map((k) => h('th', {scope: 'col'}, t(k))))),
        h('tbody', null, apps.map((a) => h('tr', {class: a.overdue ? 'overdue' : null, dataset: {applicationId: a.id, state: a.state}},
          h('td', null, h('a', {href: applicationHash(a.id)}, a.title)), h('td', null, kindLabel(a.kind)), h('td', null, agencyName(a.agency_id)),
          h('td', null, appState(a)), h('td', {class: a.overdue ? 'bad' : null}, day(a.due?.[a.state]), a.overdue ? ` · ${t('appl.overdue')}` : ''))))),
      t('appl.list'))),
  ];
}

/** The form filing an application of kind: the agency, a title and the fields the kind needs. */
function newForm(kind) {
  if (!KINDS.includes(kind)) throw new Error(t('appl.unknownKind', {kind}));
  const input = (id, attrs = {}) => h('input', {id, type: 'text', ...attrs});
  const field = (key, control) => h('label', {class: 'field'}, t(key), control);
  const agency = h('select', {id: 'new-agency'}, page.agencies.map((a) => h('option', {value: a.id}, a.name)));
  const title = input('new-title', {maxlength: 200, required: true});
  const rooms = [];
  const roomList = h('ul', {id: 'new-rooms', class: 'pick-list'});
  const roomsPick = picker('new-room', 'room', (hit) => {
    if (!rooms.some((r) => r.id === hit.id)) rooms.push(hit);
    replace(roomList, rooms.map((r) => h('li', {dataset: {roomId: r.id}}, r.label, r.detail ? ` · ${r.detail}` : '')));
  });
  const person = {};
  const post = h('select', {id: 'new-post'});
  const personPick = picker('new-person', 'person', async (hit) => {
    const p = await get(`/api/v1/people/${hit.id}`);
    person.id = hit.id;
    replace(post, (p.posts || []).map((x) => h('option', {value: x.id}, `${x.title} · ${agencyName(x.agency_id)}`)));
  });
  const office = {};
  const officePick = picker('new-office', 'room', (hit) => { office.id = hit.id; });
  const sitesSel = h('select', {id: 'new-site'});
  get('/api/v1/sites').then((sites) => replace(sitesSel, sites.map((s) => h('option', {value: s.id}, s.name)))).catch(() => null);
  const c = {area: input('new-area', {type: 'number', min: 0, step: '0.01'}), reason: input('new-reason'), distance: input('new-distance'),
    budget: input('new-budget', {type: 'number', min: 0, step: '0.01'}), mode: h('select', {id: 'new-mode'}, MODES.map((m) => h('option', {value: m}, t(`appl.mode.${m}`)))),
    finding: input('new-finding'), deadline: input('new-deadline', {type: 'date'})};
  // Functions: a control is one element, shown in the form of one kind.
  const byKind = {
    allocation: () => [field('appl.f.area_m2', c.area), field('appl.f.reason', c.reason), roomsPick, roomList],
    second_office: () => [personPick, field('appl.f.post_id', post), officePick, field('appl.f.distance_reason', c.distance)],
    maintenance: () => [field('appl.f.site_id', sitesSel), field('appl.f.budget', c.budget)],
    disposal: () => [field('appl.f.site_id', sitesSel), h('p', {class: 'hint'}, t('appl.roomsOfSite')), roomsPick, roomList,
      field('appl.f.mode', c.mode), field('appl.f.finding', c.finding)],
    recovery: () => [field('appl.f.finding', c.finding), roomsPick, roomList, field('appl.f.deadline', c.deadline)],
  };
  const fields = () => {
    const num = (el) => (el.value === '' ? undefined : Number(el.value));
    const str = (el) => el.value.trim() || undefined;
    switch (kind) {
      case 'allocation': return {area_m2: num(c.area), reason: str(c.reason), room_ids: rooms.length ? rooms.map((r) => r.id) : undefined};
      case 'second_office': return {person_id: person.id, post_id: post.value || undefined, room_id: office.id, distance_reason: str(c.distance)};
      case 'maintenance': return {site_id: sitesSel.value || undefined, budget: num(c.budget)};
      case 'disposal': return {site_id: sitesSel.value || undefined, room_ids: rooms.length ? rooms.map((r) => r.id) : undefined,
        mode: c.mode.value, finding: str(c.finding)};
      default: return {finding: str(c.finding), room_ids: rooms.map((r) => r.id), deadline: c.deadline.value || undefined};
    }
  };
  const error = h('p', {class: 'form-error error', role: 'alert', id: 'new-error'});
  const submit = async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      const {data} = await request('POST', '/api/v1/applications', {body: {kind, agency_id: agency.value, title: title.value.trim(), fields: fields()}});
      toast(t('appl.filed'), 'ok');
      location.hash = applicationHash(data.id);
    } catch (err) {
      error.textContent = t('appl.failed', {message: err.message});
    }
  };
  return [h('p', null, h('a', {href: '#/applications', id: 'app-back'}, t('appl.back'))),
    h('h2', {id: 'new-title-h', tabindex: '-1'}, t('appl.newOf', {kind: kindLabel(kind)})),
    h('form', {id: 'new-application', class: 'register-form', dataset: {kind}, onSubmit: submit},
      field('appl.agency', agency), field('appl.titleCol', title), byKind[kind](), error, h('button', {type: 'submit', id: 'new-submit', class: 'primary'}, t('appl.file')))];
}

/** An application's page. */
async function applicationPage(id) {
  const a = await get(`/api/v1/applications/${encodeURIComponent(id)}`);
  const proc = procedureOf(a.kind);
  const step = proc?.steps.find((x) => x.code === a.state) || null;
  const docs = await trailDocuments(a);
  const reload = async () => {
    await show(page.root);
    refreshBadge();
  };
  let scenario = null;
  let stored = null;
  if (a.kind === 'allocation') {
    if (a.state === 'review' && holds('bureau_admin')) {
      stored = a.scenario ? await get(`/api/v1/applications/${a.id}/scenario`).catch(() => null) : null;
      scenario = scenarioEditor(a, {stored: stored?.changes || [], names: page.names, agencies: page.agencies, onProposed: reload});
    } else {
      scenario = a.scenario ? await scenarioReadOnly(a, page.names) : null;
      if (a.scenario && a.state === 'approval') stored = await get(`/api/v1/applications/${a.id}/scenario`).catch(() => null);
    }
  }
  const open = a.state !== 'closed' && a.state !== 'rejected';
  const form = open && step && holds(step.role)
    ? await actionForm(a, step, {docs, agencies: page.agencies, evaluation: stored?.evaluation || null, onDone: reload}) : null;
  return [
    h('p', null, h('a', {href: '#/applications', id: 'app-back'}, t('appl.back'))),
    h('h2', {id: 'app-title', tabindex: '-1'}, a.title),
    summary(a, step),
    proc ? h('figure', {class: 'app-flow', id: 'app-flowchart'}, flowchart(proc, a), h('figcaption', {class: 'hint'}, t('appl.flowchartHint'))) : null,
    h('section', {class: 'app-section'}, h('h3', null, t('appl.fields')), fieldList(a)),
    scenario,
    form,
    trail(a, docs),
  ];
}

/** The application's head: kind, agency, state, the step's role and due date, its certificate. */
function summary(a, step) {
  const item = (key, value, id) => h('div', {class: 'kv'}, h('dt', null, t(key)), h('dd', {id}, value));
  return h('dl', {class: 'app-summary', id: 'app-summary', dataset: {state: a.state, kind: a.kind}},
    item('appl.kind', kindLabel(a.kind)),
    item('appl.agency', agencyName(a.agency_id)),
    item('appl.state', [appState(a), a.overdue ? h('span', {class: 'badge overdue-badge'}, t('appl.overdue')) : null], 'app-state'),
    step ? item('appl.role', roleLabel(step.role)) : null,
    step ? item('appl.due', day(a.due?.[a.state]), 'app-due') : null,
    item('appl.created', moment(a.created_at)),
    a.certificate_id ? item('appl.certificate', h('a', {id: 'app-certificate', href: `/api/v1/certificates/${a.certificate_id}.pdf`,
      download: ''}, t('appl.certificatePdf'))) : null,
    a.cost !== undefined && a.cost !== null ? item('appl.cost', t('appl.yuan', {v: Number(a.cost).toFixed(2)}), 'app-cost') : null,
    a.result ? item('appl.result', Object.entries(a.result).map(([k, v]) => `${t(`appl.r.${k}`)}: ${k === 'usage' ? usageLabel(v) : k === 'to_agency_id' ? agencyName(v) : v}`).join('；'), 'app-result') : null);
}

/** The application's own fields, labelled. */
function fieldList(a) {
  const f = a.fields || {};
  const value = (k, v) => {
    if (k === 'area_m2') return area(v);
    if (k === 'mode') return t(`appl.mode.${v}`);
    if (k === 'deadline') return day(v);
    if (Array.isArray(v)) return v.length ? t('appl.nRecords', {n: v.length}) : t('unit.none');
    return String(v);
  };
  const rows = Object.entries(f).filter(([, v]) => v !== null && v !== '' && !(Array.isArray(v) && v.length === 0));
  if (rows.length === 0) return h('p', {class: 'hint'}, t('unit.none'));
  return h('dl', {class: 'app-fields', id: 'app-fields'}, rows.map(([k, v]) => h('div', {class: 'kv', dataset: {field: k}}, h('dt', null, t(`appl.f.${k}`)), h('dd', null, value(k, v)))));
}

/** The documents the trail names, by id (those the user may read; the others are missing from the map). */
async function trailDocuments(a) {
  const ids = [...new Set((a.actions || []).flatMap((x) => x.document_ids || []))];
  const found = await Promise.all(ids.map((id) => get(`/api/v1/documents/${id}`).catch(() => null)));
  return new Map(found.filter(Boolean).map((d) => [d.id, d]));
}

/** The trail: every action with its actor, role, time, comment and documents. */
function trail(a, docs) {
  const actions = a.actions || [];
  const proc = procedureOf(a.kind);
  return h('section', {class: 'app-section'}, h('h3', null, t('appl.trail')),
    actions.length === 0 ? h('p', {class: 'hint', id: 'app-trail-empty'}, t('appl.noTrail')) : tableBox(h('table', {class: 'data', id: 'app-trail'},
      h('thead', null, h('tr', null, ['appl.at', 'appl.step', 'appl.action', 'appl.actor', 'appl.role', 'appl.comment', 'appl.documents']
        .map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, actions.map((x) => h('tr', {dataset: {action: x.action, step: x.step}},
        h('td', null, moment(x.at)), h('td', null, stateLabel(proc, x.step)), h('td', null, t(`appl.action.${x.action}`)),
        h('td', null, x.actor), h('td', null, roleLabel(x.role)), h('td', null, x.comment || ''),
        h('td', null, (x.document_ids || []).map((id) => {
          const d = docs.get(id);
          return h('div', null, h('a', {href: `/api/v1/documents/${id}/content`, class: 'trail-doc', dataset: {docId: id}},
            d ? `${d.name} · ${t(`doc.${d.doc_type}`)}` : t('appl.document', {id: id.slice(0, 8)})));
        })))))), t('appl.trail')));
}
