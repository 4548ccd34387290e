// An allocation's scenario (调配方案) in the browser: at the review step the bureau drafts changes (assign
// a person to a room, move an assignment, set a room's agency, end an assignment), picking the records by
// search (GET /api/v1/search?q=) with the versions they have now; 评估 evaluates them
// (POST /api/v1/scenarios/evaluate) and shows the before/after view; 提出方案 stores them on the
// application (PUT /api/v1/applications/{id}/scenario). Later steps see the same view read-only
// (GET /api/v1/applications/{id}/scenario).
//
// The before/after view: the floors the scenario touches drawn twice, side by side, coloured by status
// before and after (the rooms' shapes are today's, from GET /api/v1/floors/{id}/rooms: the editor offers
// no split or merge, the only changes of shape; a room the evaluation names takes its before or after
// status, the others keep today's), the changed rooms outlined; the rooms and the people's areas before
// and after in tables; the findings that appear (red) and disappear (green).

import {get, query, request} from './api.js';
import {statusColor} from './colors.js';
import {roomsOf} from './data.js';
import {h, replace, tableBox, toast} from './dom.js';
import {area, lang, statusLabel, t} from './i18n.js';
import {moment, today} from './registerutil.js';

const NS = 'http://www.w3.org/2000/svg';
const OPS = ['set_agency', 'assign', 'move', 'end'];
const PLAN_W = 340;

/** The name of an agency from names (id → name), '—' for none. */
const agencyOf = (names, id) => (!id || /^0{8}-/.test(id) ? t('unit.none') : names.get(id) || id.slice(0, 8));

/** The version of a record as the API gives it (a room is a Feature with its version in its properties). */
const versionOf = (rec) => rec?.properties?.version ?? rec?.version;

/**
 * A search box for one kind of record (room or person): as the user types it lists the hits as buttons
 * (button.pick-hit[data-id]); choosing one calls onPick(hit) and shows it as chosen.
 */
export function picker(id, kind, onPick) {
  const input = h('input', {id: `${id}-q`, type: 'search', autocomplete: 'off', 'aria-controls': `${id}-hits`});
  const hits = h('ul', {id: `${id}-hits`, class: 'pick-hits'});
  const chosen = h('span', {id: `${id}-chosen`, class: 'pick-chosen'});
  let timer = null;
  const run = async (q) => {
    let res;
    try {
      res = await get(`/api/v1/search${query({q, limit: 20})}`);
    } catch (err) {
      replace(hits, h('li', {class: 'error'}, err.message));
      return;
    }
    if (input.value.trim() !== q) return;
    const list = res.hits.filter((x) => x.kind === kind);
    replace(hits, list.length === 0 ? h('li', {class: 'hint'}, t('search.none', {q}))
      : list.map((x) => h('li', null, h('button', {type: 'button', class: 'link pick-hit', dataset: {id: x.id}, onClick: async () => {
        replace(hits);
        try {
          await onPick(x); // shown as chosen once what it needs (a version) is read
        } catch (err) {
          replace(chosen, h('span', {class: 'error'}, err.message));
          return;
        }
        replace(chosen, `${x.label}${x.detail ? ` · ${x.detail}` : ''}`);
        chosen.dataset.id = x.id;
      }}, x.label, x.detail ? h('span', {class: 'muted'}, ` · ${x.detail}`) : null))));
  };
  input.addEventListener('input', () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) return replace(hits);
    timer = setTimeout(() => run(q), 200);
  });
  return h('div', {class: 'picker', id}, h('label', {class: 'field'}, t(`appl.scn.pick.${kind}`), input), chosen, hits);
}

/** What a change does, in words, from what the editor knew when it was added (or the ids it names). */
function describe(ch, rooms, names, people = new Map()) {
  if (ch.hidden) return t('appl.scn.hidden');
  const room = ch.room_label || rooms.get(ch.room_id) || (ch.room_id || '').slice(0, 8);
  const who = ch.person_label || people.get(ch.person_id) || (ch.person_id ? ch.person_id.slice(0, 8) : t('appl.scn.ofAssignment', {id: (ch.assignment_id || '').slice(0, 8)}));
  return t(`appl.scn.does.${ch.op}`, {room, person: who, agency: ch.agency_label || agencyOf(names, ch.agency_id)});
}

/** The change on the wire: the editor's labels dropped. */
const wire = (ch) => Object.fromEntries(Object.entries(ch).filter(([k, v]) => !k.endsWith('_label') && k !== 'hidden' && v !== '' && v !== undefined));

/**
 * scenarioEditor returns the editor of application's scenario (starting from stored, the changes stored
 * before, if any); names maps agency ids to names; agencies lists them for set_agency. onProposed(out)
 * is called with the PUT's answer.
 */
export function scenarioEditor(application, {stored = [], names, agencies, onProposed}) {
  const changes = stored.map((c) => ({...c}));
  const draft = {};
  const list = h('ol', {id: 'scn-changes', class: 'scn-changes'});
  const result = h('div', {id: 'scn-result'});
  const error = h('p', {class: 'form-error error', role: 'alert', id: 'scn-error'});
  const propose = h('button', {type: 'button', id: 'scn-propose', class: 'primary', disabled: true}, t('appl.scn.propose'));
  const comment = h('input', {id: 'scn-comment', type: 'text', maxlength: 2000});
  const op = h('select', {id: 'scn-op'}, OPS.map((o) => h('option', {value: o}, t(`appl.scn.op.${o}`))));
  const agency = h('select', {id: 'scn-agency'}, agencies.map((a) => h('option', {value: a.id, selected: a.id === application.agency_id}, a.name)));
  const asg = h('select', {id: 'scn-assignment'});
  const rooms = new Map();
  let evaluated = false;

  const stale = () => {
    evaluated = false;
    propose.disabled = true;
    replace(result);
  };
  const renderList = () => {
    replace(list, changes.map((ch, i) => h('li', {dataset: {op: ch.op}}, describe(ch, rooms, names), ' ',
      h('button', {type: 'button', class: 'link', 'aria-label': t('appl.scn.remove'), onClick: () => {
        changes.splice(i, 1);
        renderList();
        stale();
      }}, '✕'))));
    if (changes.length === 0) list.append(h('li', {class: 'hint'}, t('appl.scn.none')));
  };
  const roomPick = picker('scn-room', 'room', async (hit) => {
    const room = await get(`/api/v1/rooms/${hit.id}`);
    Object.assign(draft, {room_id: hit.id, room_version: versionOf(room), room_label: hit.label});
  });
  const personPick = picker('scn-person', 'person', async (hit) => {
    const [p, held] = await Promise.all([get(`/api/v1/people/${hit.id}`), get(`/api/v1/assignments${query({person_id: hit.id, active_on: today()})}`)]);
    Object.assign(draft, {person_id: hit.id, person_version: versionOf(p), person_label: hit.label});
    const labelled = await Promise.all(held.map(async (a) => ({a, room: await get(`/api/v1/rooms/${a.room_id}`).catch(() => null)})));
    replace(asg, labelled.map(({a, room}) => h('option', {value: a.id, dataset: {version: a.version}},
      `${room?.properties?.number || a.room_id.slice(0, 8)} · ${t(`appl.scn.kind.${a.kind}`)}`)));
  });
  const fields = h('div', {class: 'scn-fields'});
  const showFields = () => {
    const o = op.value;
    replace(fields, o !== 'set_agency' ? personPick : null, o === 'move' || o === 'end' ? h('label', {class: 'field'}, t('appl.scn.assignment'), asg) : null,
      o !== 'end' ? roomPick : null, o === 'set_agency' ? h('label', {class: 'field'}, t('appl.scn.agency'), agency) : null);
  };
  op.addEventListener('change', showFields);
  const add = () => {
    const o = op.value;
    const ch = {op: o};
    error.textContent = '';
    if (o !== 'end' && !draft.room_id) return void (error.textContent = t('appl.scn.needRoom'));
    if (o !== 'set_agency' && !draft.person_id) return void (error.textContent = t('appl.scn.needPerson'));
    if ((o === 'move' || o === 'end') && !asg.value) return void (error.textContent = t('appl.scn.needAssignment'));
    if (o !== 'end') Object.assign(ch, {room_id: draft.room_id, room_version: draft.room_version, room_label: draft.room_label});
    if (o === 'assign') Object.assign(ch, {person_id: draft.person_id, person_version: draft.person_version});
    if (o !== 'set_agency') ch.person_label = draft.person_label;
    if (o === 'move' || o === 'end') {
      Object.assign(ch, {assignment_id: asg.value, assignment_version: Number(asg.selectedOptions[0].dataset.version)});
    }
    if (o === 'set_agency') Object.assign(ch, {agency_id: agency.value, agency_label: agency.selectedOptions[0]?.textContent});
    changes.push(ch);
    renderList();
    stale();
  };
  const evaluate = async () => {
    error.textContent = '';
    if (changes.length === 0) return void (error.textContent = t('appl.scn.none'));
    try {
      const ev = await request('POST', '/api/v1/scenarios/evaluate', {body: {changes: changes.map(wire), application_id: application.id}});
      evaluated = true;
      for (const r of ev.data.rooms) rooms.set(r.room_id, (r.before || r.after).number);
      replace(result, await beforeAfter(ev.data, names));
      propose.disabled = false;
    } catch (err) {
      error.textContent = t('appl.scn.failed', {message: err.message});
    }
  };
  propose.addEventListener('click', async () => {
    if (!evaluated) return;
    propose.disabled = true;
    try {
      const {data} = await request('PUT', `/api/v1/applications/${application.id}/scenario`,
        {body: {changes: changes.map(wire), comment: comment.value.trim()}});
      toast(t('appl.scn.proposed'), 'ok');
      await onProposed(data);
    } catch (err) {
      error.textContent = t('appl.scn.failed', {message: err.message});
      propose.disabled = false;
    }
  });
  showFields();
  renderList();
  return h('section', {id: 'scenario-editor', class: 'app-section'},
    h('h3', null, t('appl.scn.title')), h('p', {class: 'hint'}, t('appl.scn.hint')), list,
    h('fieldset', {class: 'scn-add'}, h('legend', null, t('appl.scn.add')), h('label', {class: 'field'}, t('appl.scn.op'), op), fields,
      h('button', {type: 'button', id: 'scn-add', onClick: add}, t('appl.scn.addButton'))),
    error, h('div', {class: 'actions'}, h('button', {type: 'button', id: 'scn-evaluate', onClick: evaluate}, t('appl.scn.evaluate')),
      h('label', {class: 'field inline'}, t('appl.comment'), comment), propose), result);
}

/** The read-only view of an application's stored scenario (GET …/scenario); null when it has none. */
export async function scenarioReadOnly(application, names) {
  let sc;
  try {
    sc = await get(`/api/v1/applications/${application.id}/scenario`);
  } catch (err) {
    if (err.status === 404) return null;
    return h('section', {id: 'scenario-view', class: 'app-section'}, h('h3', null, t('appl.scn.title')),
      h('p', {class: 'error', role: 'alert'}, t('appl.scn.failed', {message: err.message})));
  }
  const rooms = new Map((sc.evaluation?.rooms || []).map((r) => [r.room_id, (r.before || r.after).number]));
  const people = new Map((sc.evaluation?.people || []).map((p) => [p.person_id, (p.before || p.after).name]).filter(([, n]) => n));
  return h('section', {id: 'scenario-view', class: 'app-section'}, h('h3', null, t('appl.scn.title')),
    sc.proposed_at ? h('p', {class: 'hint'}, t('appl.scn.proposedBy', {by: sc.proposed_by || '', at: moment(sc.proposed_at)})) : null,
    sc.applied_at ? h('p', {class: 'hint', id: 'scenario-applied'}, t('appl.scn.applied', {at: moment(sc.applied_at)})) : null,
    sc.override_reason ? h('p', {class: 'warn'}, t('appl.scn.overrideGiven', {reason: sc.override_reason})) : null,
    sc.evaluation_error ? h('p', {class: 'warn', id: 'scenario-eval-error'}, t('appl.scn.failed', {message: lang() === 'en'
      ? sc.evaluation_error.message : sc.evaluation_error.message_zh || sc.evaluation_error.message})) : null,
    h('ol', {class: 'scn-changes'}, (sc.changes || []).map((ch) => h('li', {dataset: {op: ch.op}}, describe(ch, rooms, names, people)))),
    sc.evaluation ? await beforeAfter(sc.evaluation, names) : null);
}

/** The evaluation of a scenario shown before and after: plans, rooms, people and findings. */
export async function beforeAfter(ev, names) {
  const findingText = (f) => (lang() === 'en' ? f.message_en || f.message : f.message);
  const cell = (b, a, fmt) => {
    const x = b ? fmt(b) : t('unit.none');
    const y = a ? fmt(a) : t('unit.none');
    return [h('td', null, x), h('td', {class: x !== y ? 'changed' : null}, y)];
  };
  const occupants = (r) => (r.occupants || []).map((o) => o.name || t('appl.scn.someone')).join('、') || t('unit.none');
  return h('div', {id: 'scn-view', class: 'scn-view'},
    ev.new_over_standard ? h('p', {class: 'warn', id: 'scn-over'}, t('appl.scn.newOver')) : null,
    ev.stale?.length ? h('p', {class: 'warn', id: 'scn-stale'}, t('appl.scn.stale', {n: ev.stale.length})) : null,
    await plans(ev),
    h('h4', null, t('appl.scn.rooms')),
    tableBox(h('table', {class: 'data', id: 'scn-rooms'},
      h('thead', null, h('tr', null, h('th', {scope: 'col'}, t('appl.scn.room')),
        ['agency', 'status', 'occupants', 'perPerson'].flatMap((k) => [h('th', {scope: 'col'}, `${t(`appl.scn.${k}`)} · ${t('appl.scn.before')}`),
          h('th', {scope: 'col'}, `${t(`appl.scn.${k}`)} · ${t('appl.scn.after')}`)]))),
      h('tbody', null, ev.rooms.map((r) => h('tr', {dataset: {roomId: r.room_id}}, h('td', null, (r.before || r.after).number),
        cell(r.before, r.after, (x) => agencyOf(names, x.agency_id)), cell(r.before, r.after, (x) => statusLabel(x.status)),
        cell(r.before, r.after, occupants), cell(r.before, r.after, (x) => area(x.per_person_m2)))))), t('appl.scn.rooms')),
    ev.people.length ? [h('h4', null, t('appl.scn.people')), tableBox(h('table', {class: 'data', id: 'scn-people'},
      h('thead', null, h('tr', null, ['person', 'standard', 'areaBefore', 'areaAfter', 'statusBefore', 'statusAfter']
        .map((k) => h('th', {scope: 'col'}, t(`appl.scn.${k}`))))),
      h('tbody', null, ev.people.map((p) => {
        const x = p.after || p.before;
        return h('tr', {dataset: {personId: p.person_id}}, h('td', null, x.name || t('appl.scn.someone')), h('td', {class: 'num'}, area(x.standard_m2)),
          cell(p.before, p.after, (y) => area(y.office_area_m2)), cell(p.before, p.after, (y) => statusLabel(y.status)));
      }))), t('appl.scn.people'))] : null,
    h('h4', null, t('appl.scn.findings')),
    ev.appeared.length === 0 && ev.disappeared.length === 0 ? h('p', {class: 'hint', id: 'scn-no-findings'}, t('appl.scn.noFindings')) : null,
    h('ul', {class: 'findings scn-findings', id: 'scn-findings'},
      ev.appeared.map((f) => h('li', {class: 'finding appeared', dataset: {rule: f.rule_id}}, h('strong', null, t('appl.scn.appeared')), ' ', findingText(f))),
      ev.disappeared.map((f) => h('li', {class: 'finding disappeared', dataset: {rule: f.rule_id}}, h('strong', null, t('appl.scn.disappeared')), ' ', findingText(f)))));
}

/** The floors the evaluation touches, each drawn before and after, side by side. */
async function plans(ev) {
  const byFloor = new Map();
  for (const r of ev.rooms) {
    const fl = (r.after || r.before).floor_id;
    if (!byFloor.has(fl)) byFloor.set(fl, new Map());
    byFloor.get(fl).set(r.room_id, r);
  }
  const figures = await Promise.all([...byFloor].slice(0, 4).map(async ([floorId, changed]) => {
    let fc;
    let where = '';
    try {
      const [rooms, fl] = await Promise.all([roomsOf(floorId), get(`/api/v1/floors/${floorId}`)]);
      fc = rooms;
      const bl = await get(`/api/v1/buildings/${fl.building_id}`).catch(() => null);
      where = `${bl?.name || ''} ${fl.name || ''}`.trim();
    } catch {
      return h('p', {class: 'hint'}, t('appl.scn.noPlan'));
    }
    const side = (when) => h('figure', {class: 'scn-plan', dataset: {floorId, when}},
      planSVG(fc, changed, when), h('figcaption', null, `${where} · ${t(`appl.scn.${when}`)}`));
    return h('div', {class: 'scn-plans'}, side('before'), side('after'));
  }));
  return [h('h4', null, t('appl.scn.plans')), h('p', {class: 'hint'}, t('appl.scn.plansHint')), figures,
    h('p', {class: 'scn-legend'}, ['over_standard', 'compliant', 'vacant', 'non_office', 'no_standard'].map((s) =>
      h('span', null, h('span', {class: 'swatch', style: {background: statusColor(s)}}), statusLabel(s), ' ')))];
}

/** One floor's rooms (a lon/lat FeatureCollection) as SVG, coloured by status when ("before" or "after"). */
function planSVG(fc, changed, when) {
  const rings = (g) => (g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : []);
  const feats = fc.features.filter((f) => rings(f.geometry).length);
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  const lat0 = feats.length ? rings(feats[0].geometry)[0][0][0][1] : 0;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const pt = ([lon, lat]) => [lon * k, -lat];
  for (const f of feats) for (const poly of rings(f.geometry)) for (const c of poly[0]) {
    const [x, y] = pt(c);
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  }
  const scale = feats.length ? PLAN_W / Math.max(x1 - x0, (y1 - y0) * 1.2, 1e-9) : 1;
  const height = feats.length ? Math.ceil((y1 - y0) * scale) + 8 : 40;
  const svg = document.createElementNS(NS, 'svg');
  for (const [a, v] of Object.entries({viewBox: `-4 -4 ${PLAN_W + 8} ${height + 8}`, width: PLAN_W + 8, height: height + 8, role: 'img',
    'aria-label': t(`appl.scn.${when}`)})) svg.setAttribute(a, String(v));
  const outlined = [];
  for (const f of feats) {
    const id = f.id ?? f.properties?.id;
    const r = changed.get(id);
    const state = r ? r[when] : {status: f.properties?.status};
    const d = rings(f.geometry).map((poly) => poly.map((ring) => 'M' + ring.map((c) => {
      const [x, y] = pt(c);
      return `${((x - x0) * scale).toFixed(1)},${((y - y0) * scale).toFixed(1)}`;
    }).join('L') + 'Z').join('')).join('');
    const path = document.createElementNS(NS, 'path');
    path.setAttribute('d', d);
    path.setAttribute('fill', state ? statusColor(state.status) : '#ffffff');
    path.setAttribute('class', r ? 'scn-changed' : 'scn-room');
    path.dataset.roomId = id;
    if (state?.status) path.dataset.status = state.status;
    if (!r) {
      svg.append(path);
      continue;
    }
    outlined.push(path);
    const title = document.createElementNS(NS, 'title');
    title.textContent = `${f.properties?.number || ''} · ${state ? statusLabel(state.status) : t('appl.scn.gone')}`;
    path.append(title);
  }
  svg.append(...outlined); // the changed rooms on top, so that their outlines show whole
  return svg;
}
