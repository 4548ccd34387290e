// Field entry (督查现场录入), made for a phone held in one hand: pick the plan's floor (a building, then
// its floors, or a search by name), tap the floor plan where the problem is (the point is kept in the
// building's local metres, converted with the building's georef.scale as the editor does), then the
// checklist point, the agency (the tapped room's by default), notes, a measured area and a photo taken
// with the camera. The photo is filed in the archive first (POST /api/v1/documents, subject the room, else
// the floor), then the item is added with its id (POST /api/v1/inspections/{id}/items). The floor plan
// drawing (floorPlan) is shared with the inspector's workspace (inspections.js).

import {get, request, upload} from './api.js';
import {roomsOf} from './data.js';
import {h, replace, toast} from './dom.js';
import {lang, t} from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';

const svgEl = (tag, attrs = {}) => {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
};

const ringsOf = (g) => (g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : []);

/** Whether local point p lies in polygon poly (its outer ring, not in a hole): even-odd ray casting. */
function inPolygon([x, y], poly) {
  let inside = false;
  for (const ring of poly) {
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i];
      const [xj, yj] = ring[j];
      if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
  }
  return inside;
}

/**
 * A floor's plan as SVG in the building's local frame, with the items given as numbered dots (at their
 * position) and their rooms outlined. onTap({metres, room}) is called when the plan is tapped or clicked:
 * metres is [x, y] in local metres, room the feature under the point (or null). Returns {el, mark}:
 * mark(metres) moves the marker of the point being entered.
 */
export async function floorPlan(floorId, {items = [], onTap = null, label = ''} = {}) {
  const floor = await get(`/api/v1/floors/${floorId}`);
  const [fc, building] = await Promise.all([roomsOf(floorId, 'local'), get(`/api/v1/buildings/${floor.building_id}`)]);
  const unit = building.georef?.scale || 1; // metres per local unit
  const feats = fc.features.filter((f) => ringsOf(f.geometry).length);
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of feats) for (const poly of ringsOf(f.geometry)) for (const [x, y] of poly[0]) {
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
  }
  if (!feats.length) [x0, y0, x1, y1] = [0, 0, 10, 10];
  const pad = Math.max(x1 - x0, y1 - y0) * 0.03;
  const dot = Math.max(x1 - x0, y1 - y0) * 0.018;
  const svg = svgEl('svg', {viewBox: `${x0 - pad} ${-y1 - pad} ${x1 - x0 + 2 * pad} ${y1 - y0 + 2 * pad}`, role: 'img',
    class: 'insp-plan', 'aria-label': label || t('insp.planOf', {floor: `${building.name || ''} ${floor.name || ''}`.trim()})});
  const itemRooms = new Set(items.map((it) => it.room_id).filter(Boolean));
  for (const f of feats) {
    const d = ringsOf(f.geometry).map((poly) => poly.map((ring) => 'M' + ring.map(([x, y]) => `${x},${-y}`).join('L') + 'Z').join('')).join('');
    const path = svgEl('path', {d, class: itemRooms.has(f.id ?? f.properties?.id) ? 'insp-room insp-room-hit' : 'insp-room'});
    path.dataset.roomId = f.id ?? f.properties?.id;
    const title = svgEl('title');
    title.textContent = f.properties?.number || '';
    path.append(title);
    svg.append(path);
  }
  items.forEach((it, i) => {
    if (!it.position) return;
    const g = svgEl('g', {class: `insp-dot${it.overdue ? ' overdue' : ''}`});
    g.dataset.itemId = it.id;
    g.append(svgEl('circle', {cx: it.position[0] / unit, cy: -it.position[1] / unit, r: dot}));
    const title = svgEl('title');
    title.textContent = `${i + 1} · ${it.point_code}`;
    g.append(title);
    svg.append(g);
  });
  const marker = svgEl('circle', {class: 'insp-marker', r: dot * 1.3, cx: 0, cy: 0, visibility: 'hidden'});
  svg.append(marker);
  const mark = (metres) => {
    marker.setAttribute('cx', String(metres[0] / unit));
    marker.setAttribute('cy', String(-metres[1] / unit));
    marker.setAttribute('visibility', 'visible');
  };
  if (onTap) {
    svg.classList.add('tappable');
    svg.addEventListener('click', (e) => {
      const ctm = svg.getScreenCTM();
      if (!ctm) return;
      const p = new DOMPoint(e.clientX, e.clientY).matrixTransform(ctm.inverse());
      const local = [p.x, -p.y];
      const room = feats.find((f) => ringsOf(f.geometry).some((poly) => inPolygon(local, poly))) || null;
      const metres = [Math.round(local[0] * unit * 100) / 100, Math.round(local[1] * unit * 100) / 100];
      mark(metres);
      onTap({metres, room});
    });
  }
  return {el: svg, mark, floor, building};
}

/** The buildings and their floors, read once per page. */
async function floorsList() {
  const buildings = await get('/api/v1/buildings');
  const out = [];
  await Promise.all(buildings.map(async (b) => {
    const floors = await get(`/api/v1/buildings/${b.id}/floors`).catch(() => []);
    for (const f of floors) out.push({id: f.id, building: b.name || '', name: f.name || String(f.ordinal), level: f.ordinal});
  }));
  return out.sort((a, b) => a.building.localeCompare(b.building, 'zh') || a.level - b.level);
}

/**
 * Shows the field entry of plan (a started inspection) in el; agencies are the register's agencies the
 * user sees; onAdded(item) once the item is saved.
 */
export async function fieldEntry(el, plan, {agencies, onAdded}) {
  const points = plan.checklist?.points || [];
  const floors = await floorsList();
  const entry = {floor: null, metres: null, room: null};
  const find = h('input', {type: 'search', id: 'fe-floor-search', autocomplete: 'off', placeholder: t('insp.fe.searchFloor')});
  const floorSel = h('select', {id: 'fe-floor', size: Math.min(6, Math.max(2, floors.length))});
  const listFloors = () => {
    const q = find.value.trim().toLowerCase();
    replace(floorSel, floors.filter((f) => !q || `${f.building} ${f.name}`.toLowerCase().includes(q))
      .map((f) => h('option', {value: f.id, selected: f.id === entry.floor}, `${f.building} · ${f.name}`)));
  };
  find.addEventListener('input', listFloors);
  listFloors();
  const planBox = h('div', {id: 'fe-plan', class: 'fe-plan'}, h('p', {class: 'hint'}, t('insp.fe.pickFloor')));
  const where = h('p', {id: 'fe-where', class: 'hint', role: 'status'});
  const pointSel = h('select', {id: 'fe-point'}, points.map((p) => h('option', {value: p.code}, `${p.code} ${lang() === 'en' ? p.text_en : p.text}`)));
  const agencySel = h('select', {id: 'fe-agency'}, h('option', {value: ''}, t('insp.fe.chooseAgency')),
    agencies.map((a) => h('option', {value: a.id}, a.name)));
  const notes = h('textarea', {id: 'fe-notes', rows: 3, maxlength: 4000});
  const measured = h('input', {type: 'number', id: 'fe-area', min: 0, step: '0.01', inputmode: 'decimal'});
  const photo = h('input', {type: 'file', id: 'fe-photo', accept: 'image/*', capture: 'environment'});
  const error = h('p', {class: 'form-error error', role: 'alert', id: 'fe-error'});
  const submit = h('button', {type: 'submit', id: 'fe-submit', class: 'primary'}, t('insp.fe.save'));
  floorSel.addEventListener('change', async () => {
    entry.floor = floorSel.value;
    entry.metres = entry.room = null;
    replace(where);
    try {
      const plan = await floorPlan(entry.floor, {onTap: ({metres, room}) => {
        entry.metres = metres;
        entry.room = room;
        const agency = room?.properties?.agency_id;
        if (agency && agencies.some((a) => a.id === agency)) agencySel.value = agency;
        replace(where, room ? t('insp.fe.atRoom', {room: room.properties?.number || '', x: metres[0], y: metres[1]}) : t('insp.fe.at', {x: metres[0], y: metres[1]}));
      }});
      replace(planBox, plan.el, h('p', {class: 'hint'}, t('insp.fe.tapHint')));
    } catch (err) {
      replace(planBox, h('p', {class: 'error'}, t('insp.failed', {message: err.message})));
    }
  });
  const save = async (e) => {
    e.preventDefault();
    error.textContent = '';
    if (!entry.floor) return void (error.textContent = t('insp.fe.needFloor'));
    if (!agencySel.value) return void (error.textContent = t('insp.fe.needAgency'));
    submit.disabled = true;
    try {
      const photoIds = [];
      for (const file of photo.files) {
        const form = new FormData();
        form.append('subject_type', entry.room ? 'room' : 'floor');
        form.append('subject_id', entry.room ? entry.room.id ?? entry.room.properties.id : entry.floor);
        form.append('doc_type', 'photo');
        form.append('file', file, file.name || 'photo.jpg');
        const {data} = await upload('/api/v1/documents', form);
        photoIds.push(data.id);
      }
      const body = {point_code: pointSel.value, agency_id: agencySel.value, floor_id: entry.floor, notes: notes.value.trim(), photo_ids: photoIds};
      if (entry.room) body.room_id = entry.room.id ?? entry.room.properties.id;
      if (entry.metres) body.position = entry.metres;
      if (measured.value !== '') body.measurements = [{name: t('insp.fe.areaName'), value: Number(measured.value), unit: 'm²'}];
      const {data} = await request('POST', `/api/v1/inspections/${plan.id}/items`, {body});
      toast(t('insp.fe.saved'), 'ok');
      onAdded(data);
    } catch (err) {
      error.textContent = t('insp.failed', {message: err.message});
    } finally {
      submit.disabled = false;
    }
  };
  const label = (key, control) => h('label', {class: 'field'}, t(key), control);
  replace(el, h('form', {id: 'field-entry', class: 'field-entry', novalidate: true, onSubmit: save},
    h('fieldset', null, h('legend', null, t('insp.fe.step1')), label('insp.fe.search', find), label('insp.fe.floor', floorSel)),
    h('fieldset', null, h('legend', null, t('insp.fe.step2')), planBox, where),
    h('fieldset', null, h('legend', null, t('insp.fe.step3')), label('insp.point', pointSel), label('insp.agency', agencySel),
      label('insp.fe.notes', notes), label('insp.fe.area', measured), label('insp.fe.photo', photo)),
    error, submit));
}
