// 线索 (leads) of the inspections, inside the inspections tab: #/inspections?leads=1 the leads with filters
// (state, source) and the form to record one (its links found with GET /api/v1/search), ?lead=… one lead:
// what it says, its links, the contact (only when the API gives it: approvers read contact_withheld, 已隐去),
// and, while open, triage into an item of a started plan and closing with a reason. The server scopes and
// checks everything; the forms are offered to the roles that use them.

import {get, query, request} from './api.js';
import {h, tableBox, toast} from './dom.js';
import {t} from './i18n.js';
import {day, moment, today} from './registerutil.js';
import {accounts, seesPersonal, session} from './session.js';

export const SOURCES = ['hotline_12345', 'public', 'internet', 'media', 'higher_level', 'other'];
const STATES = ['open', 'triaged', 'closed'];

const holds = (role) => !accounts() || !!session.user?.roles?.includes(role);
const records = () => holds('inspector') || holds('bureau_admin');
const link = (params) => '#/inspections' + query(params);
const kv = (key, value, id) => h('div', {class: 'kv'}, h('dt', null, t(key)), h('dd', {id}, value));
const label = (key, control) => h('label', {class: 'field'}, t(key), control);

/** The link to the leads, for the roles that read them (the bureau, inspectors, approvers). */
export function leadsLink() {
  if (!['inspector', 'bureau_admin', 'approver'].some(holds)) return null;
  return h('p', {class: 'insp-leads'}, h('a', {href: link({leads: 1}), id: 'insp-leads-link'}, t('lead.link')));
}

/** The content of the leads page the address names (params), with ctx {agencies, checklist, reload}. */
export async function leadsPage(params, ctx) {
  if (params.get('lead')) return leadPage(params.get('lead'), ctx);
  return listPage(params, ctx);
}

/** The leads, filtered by state and source, and the form to record one. */
async function listPage(params, ctx) {
  const filter = {state: params.get('state') || '', source: params.get('source') || ''};
  const {leads = []} = await get('/api/v1/leads' + query(filter));
  const set = (key, value) => {
    location.hash = link({leads: 1, ...filter, [key]: value});
  };
  const pick = (key, values, prefix) => label(`lead.filter.${key}`,
    h('select', {id: `lead-filter-${key}`, onChange: (e) => set(key, e.target.value)}, h('option', {value: ''}, t('insp.all')),
      values.map((v) => h('option', {value: v, selected: filter[key] === v}, t(`${prefix}.${v}`)))));
  const rows = leads.map((l) => h('tr', {dataset: {leadId: l.id, state: l.state}},
    h('td', null, day(l.received_on)), h('td', null, t(`lead.source.${l.source}`)),
    h('td', null, h('a', {href: link({lead: l.id})}, excerpt(l.text))), h('td', null, t(`lead.state.${l.state}`))));
  return [h('p', null, h('a', {href: '#/inspections', id: 'insp-back'}, t('insp.back'))),
    h('h2', {id: 'lead-title', tabindex: '-1'}, t('lead.title')),
    h('form', {class: 'filters', role: 'search', 'aria-label': t('insp.filters'), onSubmit: (e) => e.preventDefault()},
      pick('state', STATES, 'lead.state'), pick('source', SOURCES, 'lead.source')),
    leads.length === 0 ? h('p', {class: 'hint', id: 'lead-none'}, t('lead.none')) : tableBox(h('table', {class: 'data', id: 'lead-list'},
      h('thead', null, h('tr', null, ['lead.receivedOn', 'lead.source', 'lead.text', 'insp.state'].map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, rows)), t('lead.title')),
    records() ? newLeadForm(ctx) : null];
}

const excerpt = (s) => (s.length > 40 ? s.slice(0, 40) + '…' : s);

/** The form that records a lead: source, day received, text, contact and the records it is about. */
function newLeadForm(ctx) {
  const source = h('select', {id: 'lead-new-source'}, SOURCES.map((s) => h('option', {value: s}, t(`lead.source.${s}`))));
  const received = h('input', {type: 'date', id: 'lead-new-received', value: today(), max: today()});
  const text = h('textarea', {id: 'lead-new-text', rows: 4, maxlength: 4000});
  const name = h('input', {type: 'text', id: 'lead-new-contact-name', maxlength: 100, autocomplete: 'off'});
  const phone = h('input', {type: 'tel', id: 'lead-new-contact-phone', maxlength: 40, autocomplete: 'off'});
  const links = linkPicker();
  const error = h('p', {class: 'form-error error', role: 'alert', id: 'lead-new-error'});
  const submit = async (e) => {
    e.preventDefault();
    error.textContent = '';
    const ids = (kind) => links.chosen.filter((c) => c.kind === kind).map((c) => c.id);
    try {
      const {data} = await request('POST', '/api/v1/leads', {body: {source: source.value, received_on: received.value, text: text.value.trim(),
        contact: {name: name.value.trim(), phone: phone.value.trim()}, room_ids: ids('room'), person_ids: ids('person'), agency_ids: ids('agency')}});
      toast(t('lead.created'), 'ok');
      location.hash = link({lead: data.id});
    } catch (err) {
      error.textContent = t('insp.failed', {message: err.message});
    }
  };
  return h('details', {class: 'register-fold', id: 'lead-new', open: ctx.openForm || false}, h('summary', null, t('lead.new')),
    h('form', {id: 'lead-new-form', class: 'register-form', novalidate: true, onSubmit: submit},
      label('lead.source', source), label('lead.receivedOn', received), label('lead.text', text),
      h('fieldset', {class: 'lead-contact'}, h('legend', null, t('lead.contact')), label('lead.contactName', name), label('lead.contactPhone', phone)),
      links.el, error, h('button', {type: 'submit', id: 'lead-new-submit', class: 'primary'}, t('lead.create'))));
}

/** A search box that adds rooms, people (to who may see them) and agencies to a list of links. */
function linkPicker() {
  const chosen = [];
  const input = h('input', {type: 'search', id: 'lead-link-q', autocomplete: 'off', 'aria-describedby': 'lead-link-hint'});
  const hits = h('ul', {class: 'lead-hits', id: 'lead-link-hits'});
  const list = h('ul', {class: 'lead-links', id: 'lead-links'});
  let timer = null;
  const render = () => list.replaceChildren(...chosen.map((c, i) => h('li', {dataset: {kind: c.kind, id: c.id}},
    `${t(`lead.kind.${c.kind}`)} · ${c.label} `,
    h('button', {type: 'button', class: 'link-button', 'aria-label': t('lead.unlink', {label: c.label}), onClick: () => {
      chosen.splice(i, 1);
      render();
    }}, '×'))));
  const run = async (q) => {
    try {
      const res = await get(`/api/v1/search${query({q, limit: 10})}`);
      if (input.value.trim() !== q) return;
      const found = (res.hits || []).filter((x) => ['room', 'person', 'agency'].includes(x.kind) && (x.kind !== 'person' || seesPersonal()));
      hits.replaceChildren(...(found.length ? found.map((x) => h('li', null, h('button', {type: 'button', class: 'lead-hit', dataset: {kind: x.kind, id: x.id},
        onClick: () => {
          if (!chosen.some((c) => c.id === x.id)) chosen.push({kind: x.kind, id: x.id, label: [x.label, x.detail].filter(Boolean).join(' ')});
          hits.replaceChildren();
          input.value = '';
          render();
        }}, `${t(`lead.kind.${x.kind}`)} · ${x.label}${x.detail ? ' · ' + x.detail : ''}`))) : [h('li', {class: 'hint'}, t('lead.noHits'))]));
    } catch (err) {
      hits.replaceChildren(h('li', {class: 'error'}, t('insp.failed', {message: err.message})));
    }
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) {
      hits.replaceChildren();
      return;
    }
    timer = setTimeout(() => run(q), 200);
  });
  const el = h('fieldset', {class: 'lead-linkbox'}, h('legend', null, t('lead.links')),
    label('lead.search', input), h('p', {class: 'hint', id: 'lead-link-hint'}, t('lead.searchHint')), hits, list);
  return {el, chosen};
}

/** One lead: what it says, its links and contact, what became of it, and triage or closing while open. */
async function leadPage(id, ctx) {
  const l = await get(`/api/v1/leads/${id}`);
  // The rooms' numbers (a room the caller may not read keeps its short id).
  const rooms = new Map(await Promise.all((l.room_ids || []).slice(0, 20).map((r) => get(`/api/v1/rooms/${r}`)
    .then((f) => [r, f.properties?.number || r.slice(0, 8)]).catch(() => [r, r.slice(0, 8)]))));
  const roomName = (r) => rooms.get(r) || r.slice(0, 8);
  const places = new Map((l.places || []).map((p) => [p.agency_id, p]));
  const agencyName = (a) => ctx.agencies.find((x) => x.id === a)?.name || a.slice(0, 8);
  const contact = l.contact_withheld ? h('span', {class: 'hint'}, t('lead.withheld'))
    : [l.contact?.name, l.contact?.phone].filter(Boolean).join(' · ') || t('unit.none');
  const linked = [...(l.room_ids || []).map((r) => `${t('lead.kind.room')} ${roomName(r)}`),
    ...(l.person_ids || []).map((p) => `${t('lead.kind.person')} ${p.slice(0, 8)}`),
    ...(l.agency_ids || []).map((a) => `${t('lead.kind.agency')} ${agencyName(a)}`),
    ...[...places.keys()].filter((a) => a && !(l.agency_ids || []).includes(a)).map((a) => `${t('insp.agency')} ${agencyName(a)}`)];
  return [h('p', null, h('a', {href: link({leads: 1}), id: 'lead-back'}, t('lead.back'))),
    h('h2', {id: 'lead-page-title', tabindex: '-1'}, t('lead.one', {source: t(`lead.source.${l.source}`), day: day(l.received_on)})),
    h('dl', {class: 'app-summary', id: 'lead', dataset: {state: l.state, withheld: String(!!l.contact_withheld)}},
      kv('insp.state', t(`lead.state.${l.state}`), 'lead-state'), kv('lead.source', t(`lead.source.${l.source}`)),
      kv('lead.receivedOn', day(l.received_on)), kv('lead.text', l.text, 'lead-text'), kv('lead.contact', contact, 'lead-contact'),
      kv('lead.links', linked.length ? linked.join('；') : t('unit.none'), 'lead-linked'), kv('lead.createdBy', `${l.created_by} · ${moment(l.created_at)}`),
      l.item_id ? kv('lead.item', h('a', {href: link({item: l.item_id}), id: 'lead-item-link'}, t('lead.toItem'))) : null,
      l.reason ? kv('lead.reason', l.reason, 'lead-reason') : null,
      l.handled_by ? kv('lead.handledBy', `${l.handled_by} · ${moment(l.handled_at)}`) : null),
    l.state === 'open' && holds('inspector') ? await triageForm(l, {...ctx, roomName}) : null,
    l.state === 'open' && records() ? closeForm(l, ctx) : null];
}

/** Triage: a started plan and a point of its checklist; the item is of the lead's agency and room. */
async function triageForm(l, ctx) {
  const {inspections = []} = await get('/api/v1/inspections');
  const started = inspections.filter((p) => p.state === 'started');
  const plan = h('select', {id: 'lead-triage-plan'}, started.map((p) => h('option', {value: p.id}, p.title || t(`insp.kind.${p.kind}`))));
  const point = h('select', {id: 'lead-triage-point'});
  const agency = h('select', {id: 'lead-triage-agency'}, h('option', {value: ''}, t('lead.default')),
    [...new Set([...(l.agency_ids || []), ...(l.places || []).map((p) => p.agency_id)].filter(Boolean))]
      .map((a) => h('option', {value: a}, ctx.agencies.find((x) => x.id === a)?.name || a.slice(0, 8))));
  const room = h('select', {id: 'lead-triage-room'}, h('option', {value: ''}, t('lead.default')), (l.room_ids || []).map((r) => h('option', {value: r}, ctx.roomName(r))));
  const points = () => {
    const p = started.find((x) => x.id === plan.value);
    point.replaceChildren(...(p?.checklist?.points || ctx.checklist?.points || []).map((x) => h('option', {value: x.code}, `${x.code} ${x.text || ''}`)));
  };
  plan.addEventListener('change', points);
  points();
  const error = h('p', {class: 'form-error error', role: 'alert', id: 'lead-triage-error'});
  const submit = async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      const body = {inspection_id: plan.value, point_code: point.value};
      if (agency.value) body.agency_id = agency.value;
      if (room.value) body.room_id = room.value;
      const {data} = await request('POST', `/api/v1/leads/${l.id}/triage`, {body});
      toast(t('lead.triaged'), 'ok');
      location.hash = link({item: data.id});
    } catch (err) {
      error.textContent = t('insp.failed', {message: err.message});
    }
  };
  return h('section', {class: 'app-section', id: 'lead-triage'}, h('h3', null, t('lead.triage')),
    started.length === 0 ? h('p', {class: 'hint', id: 'lead-no-plan'}, t('lead.noPlan')) : h('form', {id: 'lead-triage-form', class: 'register-form', novalidate: true, onSubmit: submit},
      label('lead.plan', plan), label('insp.point', point), label('insp.agency', agency), label('lead.room', room), error,
      h('button', {type: 'submit', id: 'lead-triage-submit', class: 'primary'}, t('lead.triageDo'))));
}

/** Closing an open lead, with the reason required. */
function closeForm(l, ctx) {
  const reason = h('textarea', {id: 'lead-close-reason', rows: 2, maxlength: 2000, required: true});
  const error = h('p', {class: 'form-error error', role: 'alert', id: 'lead-close-error'});
  const submit = async (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!reason.value.trim()) {
      error.textContent = t('lead.reasonRequired');
      return;
    }
    try {
      await request('POST', `/api/v1/leads/${l.id}/close`, {body: {reason: reason.value.trim()}});
      toast(t('lead.closed'), 'ok');
      await ctx.reload();
    } catch (err) {
      error.textContent = t('insp.failed', {message: err.message});
    }
  };
  return h('section', {class: 'app-section', id: 'lead-close'}, h('h3', null, t('lead.close')),
    h('form', {id: 'lead-close-form', class: 'register-form', novalidate: true, onSubmit: submit},
      label('lead.reason', reason), error, h('button', {type: 'submit', id: 'lead-close-submit'}, t('lead.closeDo'))));
}
