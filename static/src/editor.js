// The floor editor for planners, in the building's LOCAL metres (the CAD plane the server measures
// areas in): rooms come from GET /api/v1/floors/{id}/rooms?crs=local and are shown in a custom
// projection with units 'm', so every coordinate drawn is the one stored. The floor's doors (the list's
// openings) and voids (hatched) are drawn as in the viewer; doors are a reference, never edited here.
//
// Tools: select/modify (OpenLayers Modify over all rooms of the floor, so a vertex shared by two rooms
// moves in both), draw a room (snapping to the rooms' and the building's edges and vertices), split a
// room with a line, delete, orthogonal constraint (toggle or Shift), undo of unsaved edits, live area
// and per-person area. Saving uses the version each room was read at (If-Match): a room changed
// meanwhile by someone else is refused by the server (412) and shown as a conflict with a reload
// button; validation (422) and overlap (409) errors are shown next to the drawing.

import Collection from 'ol/Collection.js';
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import Overlay from 'ol/Overlay.js';
import Projection from 'ol/proj/Projection.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import Interaction from 'ol/interaction/Interaction.js';
import Draw from 'ol/interaction/Draw.js';
import Modify from 'ol/interaction/Modify.js';
import Snap from 'ol/interaction/Snap.js';
import {never, primaryAction} from 'ol/events/condition.js';
import {Circle as CircleStyle, Fill, Stroke, Style, Text} from 'ol/style.js';
import MultiPoint from 'ol/geom/MultiPoint.js';
import {getUid} from 'ol/util.js';
import {ScaleLine, defaults as defaultControls} from 'ol/control.js';

import {ApiError, etagOf, get, query, request} from './api.js';
import {h, replace, toast} from './dom.js';
import {area, t, usageLabel} from './i18n.js';
import {USAGES, VOID, statusColor, voidFill, withAlpha} from './colors.js';
import {data, floorById, roomsOf} from './data.js';
import {can} from './session.js';
import {node, ortho, polygonArea, roundRings} from './geom.js';
import {FONT_FAMILY, openingStyle} from './viewer.js';

const local = new Projection({code: 'officemap:local', units: 'm', extent: [-100000, -100000, 100000, 100000]});
const gj = new GeoJSON({dataProjection: local, featureProjection: local});

const ed = {
  map: null,
  rooms: null, // VectorSource of room features (local metres)
  backdrop: null,
  openings: null, // VectorSource of the floor's doors (local metres), drawn only
  ctx: null, // {floorId, buildingId, onExit}
  mode: 'modify',
  orthoOn: false,
  selected: null,
  undo: [],
  changed: false, // something was saved: the viewer must reload
  conflict: null, // {feature, number}
  error: null, // {feature, message, otherId}
  sketch: null,
  formDirty: false,
  busy: false,
  interactions: {},
  unit: 1, // metres per local coordinate unit (the building's georef.scale)
};

let panel;
let toolbar;
let errorOverlay;
let measureOverlay;

const isNew = (f) => !f.getId();
const props = (f) => f.get('room') || {};
const ringsOf = (f) => f.getGeometry().getCoordinates();
// Local coordinates come in the building's exchange unit (georef.scale metres per unit, 1 by default):
// areas are shown in m² whatever the unit.
const areaOf = (f) => polygonArea(ringsOf(f)) * (ed.unit || 1) ** 2;

/** Opens the editor on a floor; onExit(changed) is called when the user leaves it. */
export async function open({floorId, buildingId, roomId, onExit}) {
  panel = document.getElementById('panel');
  toolbar = document.getElementById('edit-toolbar');
  const target = document.getElementById('editor-map');
  target.hidden = false;
  Object.assign(ed, {ctx: {floorId, buildingId, onExit}, mode: 'modify', selected: null, undo: [], changed: false,
    conflict: null, error: null, formDirty: false});
  if (!ed.map) createMap(target);
  ed.map.updateSize();
  renderToolbar();
  replace(panel, h('section', {class: 'card'}, h('p', null, t('app.loading'))));
  try {
    await load();
  } catch (err) {
    toast(t('error.generic', {message: err.message}), 'error');
  }
  setMode('modify');
  if (roomId) select(ed.rooms.getFeatureById(roomId) || null);
  else renderPanel();
}

async function load() {
  const {floorId, buildingId} = ed.ctx;
  const [fc, building, floor] = await Promise.all([roomsOf(floorId, 'local'),
    get(`/api/v1/buildings/${buildingId}${query({crs: 'local'})}`), get(`/api/v1/floors/${floorId}${query({crs: 'local'})}`)]);
  ed.unit = (building.georef && building.georef.scale) || 1;
  ed.rooms.clear();
  ed.backdrop.clear();
  ed.openings.clear();
  if (fc.openings) ed.openings.addFeature(gj.readFeature({type: 'Feature', geometry: fc.openings, properties: {}}));
  for (const g of [building.footprint, floor.outline]) {
    if (g) ed.backdrop.addFeature(gj.readFeature({type: 'Feature', geometry: g, properties: {}}));
  }
  // T-junctions become shared vertices (see geom.node), so that Modify moves every room meeting there.
  const noded = node(fc.features.map((f) => f.geometry.coordinates)).polys;
  ed.rooms.addFeatures(fc.features.map((f, i) => toFeature({...f, geometry: {...f.geometry, coordinates: noded[i]}})));
  const ext = ed.backdrop.getFeatures().length ? ed.backdrop.getExtent() : ed.rooms.getExtent();
  if (Number.isFinite(ext[0])) ed.map.getView().fit(ext, {padding: [70, 40, 40, 40]});
}

/** A room feature from its GeoJSON (local coordinates); its version gives the ETag for If-Match. */
function toFeature(json) {
  const f = gj.readFeature(json);
  f.setProperties({room: json.properties, etag: etagOf(json.properties.version), dirty: false}, true);
  f.unset('id', true);
  return f;
}

function updateFeature(f, json, etag) {
  f.setId(json.id);
  f.getGeometry().setCoordinates(json.geometry.coordinates);
  f.setProperties({room: json.properties, etag: etag || etagOf(json.properties.version), dirty: false});
}

function createMap(target) {
  ed.rooms = new VectorSource();
  ed.backdrop = new VectorSource();
  ed.openings = new VectorSource();
  const backdropLayer = new VectorLayer({source: ed.backdrop, style: new Style({
    fill: new Fill({color: '#ffffff'}), stroke: new Stroke({color: '#777', width: 2})})});
  const roomsLayer = new VectorLayer({source: ed.rooms, style: (f, res) => roomStyle(f, res)});
  // The doors stay where they are while rooms are edited: a reference, neither snapped to nor saved.
  const openingsLayer = new VectorLayer({source: ed.openings, style: openingStyle(3)});
  ed.map = new Map({
    target,
    layers: [backdropLayer, roomsLayer, openingsLayer],
    controls: defaultControls({attribution: false, rotate: false}).extend([new ScaleLine({units: 'metric'})]),
    view: new View({projection: local, center: [0, 0], zoom: 18, maxZoom: 28, minZoom: 10}),
  });
  ed.roomsLayer = roomsLayer;

  errorOverlay = new Overlay({element: h('div', {class: 'error-pop', id: 'edit-error-pop'}), positioning: 'bottom-center',
    offset: [0, -8], stopEvent: false});
  measureOverlay = new Overlay({element: h('div', {class: 'measure-pop', id: 'edit-measure'}), positioning: 'bottom-left',
    offset: [12, -12], stopEvent: false});
  ed.map.addOverlay(errorOverlay);
  ed.map.addOverlay(measureOverlay);

  const modify = new Modify({source: ed.rooms, pixelTolerance: 8});
  let before = null;
  modify.on('modifystart', () => {
    before = new globalThis.Map(ed.rooms.getFeatures().map((f) => [f, {coords: ringsOf(f), dirty: f.get('dirty')}]));
  });
  modify.on('modifyend', () => {
    const changed = new globalThis.Map();
    for (const [f, snap] of before) {
      if (ed.rooms.hasFeature(f) && JSON.stringify(snap.coords) !== JSON.stringify(ringsOf(f))) {
        changed.set(f, snap);
        f.set('dirty', true);
      }
    }
    before = null;
    if (changed.size) {
      ed.undo.push({kind: 'modify', before: changed});
      clearError();
      renderPanel();
      renderToolbar();
    }
  });

  const draw = newDraw('Polygon');
  draw.on('drawend', (e) => {
    const f = e.feature;
    f.setProperties({room: {number: '', name: '', usage: 'office', agency_id: null, occupants: []}, dirty: true}, true);
    ed.sketch = null;
    measureOverlay.setPosition(undefined);
    // Added after the event, so that Draw has finished with the feature.
    setTimeout(() => {
      ed.rooms.addFeature(f);
      ed.undo.push({kind: 'draw', feature: f});
      setMode('modify');
      select(f);
    }, 0);
  });

  const split = newDraw('LineString');
  split.on('drawend', (e) => {
    ed.sketch = null;
    measureOverlay.setPosition(undefined);
    const line = e.feature.getGeometry().getCoordinates();
    setTimeout(() => splitSelected(line), 0);
  });

  const orthoI = new Interaction({handleEvent: (e) => constrain(e)});
  // One Snap over the rooms and the building outline together, so that a vertex within reach always
  // wins over an edge, whichever feature it belongs to.
  const snapSet = new Collection();
  for (const src of [ed.rooms, ed.backdrop]) {
    src.on('addfeature', (e) => snapSet.push(e.feature));
    src.on('removefeature', (e) => snapSet.remove(e.feature));
  }
  const snap = new Snap({features: snapSet, pixelTolerance: 10});

  // Order matters: the last added sees an event first. Snap moves the pointer onto a vertex or edge,
  // then the orthogonal constraint applies, then Draw or Modify uses the result.
  for (const i of [modify, draw, split, orthoI, snap]) ed.map.addInteraction(i);
  ed.interactions = {modify, draw, split};

  ed.map.on('singleclick', (e) => {
    if (ed.mode !== 'modify') return;
    let hit = null;
    ed.map.forEachFeatureAtPixel(e.pixel, (f) => (hit = hit || f), {layerFilter: (l) => l === roomsLayer});
    select(hit);
  });
  ed.rooms.on('changefeature', (e) => {
    if (e.feature === ed.selected) updateLive();
  });
  document.addEventListener('keydown', (e) => {
    if (!ed.ctx || target.hidden) return;
    const inField = /^(INPUT|SELECT|TEXTAREA)$/.test(document.activeElement?.tagName || '');
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z' && !inField) {
      e.preventDefault();
      undo();
    } else if (e.key === 'Escape' && ed.mode !== 'modify') {
      ed.interactions[ed.mode === 'draw' ? 'draw' : 'split'].abortDrawing();
      measureOverlay.setPosition(undefined);
    } else if (e.key === 'Backspace' && ed.mode !== 'modify' && !inField) {
      ed.interactions[ed.mode === 'draw' ? 'draw' : 'split'].removeLastPoint();
    }
  });
}

function newDraw(type) {
  const d = new Draw({type, condition: primaryAction, freehandCondition: never, stopClick: true,
    style: sketchStyle});
  d.setActive(false);
  d.on('drawstart', (e) => {
    ed.sketch = e.feature;
    clearError();
    e.feature.getGeometry().on('change', () => updateMeasure(e.feature));
  });
  d.on('drawabort', () => {
    ed.sketch = null;
    measureOverlay.setPosition(undefined);
  });
  return d;
}

/**
 * constrain keeps the segment being drawn horizontal or vertical while the orthogonal toggle is on or
 * Shift is held, except near the first vertex, so that a polygon can still be closed there.
 */
function constrain(e) {
  if (ed.mode === 'modify' || !ed.sketch || !e.coordinate) return true;
  if (!ed.orthoOn && !e.originalEvent?.shiftKey) return true;
  const g = ed.sketch.getGeometry();
  let fixed;
  if (g.getType() === 'Polygon') {
    const ring = g.getCoordinates()[0];
    fixed = ring.slice(0, -2); // the ring ends with the moving point and the closing point
  } else {
    fixed = g.getCoordinates().slice(0, -1);
  }
  if (!fixed.length) return true;
  const near = (coord, px) => {
    const p = ed.map.getPixelFromCoordinate(coord);
    return Math.hypot(p[0] - px[0], p[1] - px[1]) < 10;
  };
  if (g.getType() === 'Polygon' && fixed.length > 2 && near(fixed[0], e.pixel)) return true;
  const last = fixed[fixed.length - 1];
  // A second click where the last vertex was constrained from finishes the drawing there.
  if (fixed.length > 1 && near(last, ed.map.getPixelFromCoordinate(ortho(fixed[fixed.length - 2], e.coordinate)))) {
    e.coordinate = last.slice();
    e.pixel = ed.map.getPixelFromCoordinate(last);
    return true;
  }
  const c = ortho(last, e.coordinate);
  e.coordinate = c;
  e.pixel = ed.map.getPixelFromCoordinate(c);
  return true;
}

function setMode(mode) {
  ed.mode = mode;
  const {modify, draw, split} = ed.interactions;
  modify.setActive(mode === 'modify');
  draw.setActive(mode === 'draw');
  split.setActive(mode === 'split');
  if (mode !== 'draw') draw.abortDrawing();
  if (mode !== 'split') split.abortDrawing();
  renderToolbar();
}

function select(f) {
  if (ed.error && ed.error.feature && ed.error.feature !== f) clearError();
  ed.selected = f;
  ed.formDirty = false;
  ed.rooms.changed();
  renderPanel();
}

// ---- styles ----

const font = (px, w = 'normal') => `${w} ${px}px ${FONT_FAMILY}`;

function roomStyle(f, res) {
  const p = props(f);
  const sel = f === ed.selected;
  const err = ed.error && (ed.error.feature === f || (ed.error.otherId && f.getId() === ed.error.otherId));
  const fresh = isNew(f);
  const dirty = f.get('dirty');
  const fill = fresh ? 'rgba(255,236,153,0.7)' : p.usage === VOID ? voidFill() : withAlpha(statusColor(p.status), 0.35);
  const styles = [new Style({
    fill: new Fill({color: fill}),
    stroke: new Stroke({
      color: err ? '#d7301f' : sel ? '#1f5fbf' : dirty ? '#e67e00' : '#333',
      width: err || sel ? 3 : dirty ? 2 : 1, lineDash: dirty && !sel ? [6, 4] : undefined,
    }),
    text: res < 0.2 ? new Text({
      text: `${p.number || (fresh ? t('edit.newRoom') : '')}\n${area(areaOf(f))}`, font: font(12),
      fill: new Fill({color: '#111'}), stroke: new Stroke({color: '#fff', width: 3}), overflow: false,
    }) : undefined,
  })];
  if (sel) {
    styles.push(new Style({
      image: new CircleStyle({radius: 4, fill: new Fill({color: '#1f5fbf'}), stroke: new Stroke({color: '#fff', width: 1})}),
      geometry: (feat) => new MultiPoint(feat.getGeometry().getCoordinates()[0]),
    }));
  }
  return styles;
}

const sketchStyle = [
  new Style({
    fill: new Fill({color: 'rgba(31,95,191,0.15)'}),
    stroke: new Stroke({color: '#1f5fbf', width: 2, lineDash: [5, 4]}),
    image: new CircleStyle({radius: 5, fill: new Fill({color: '#1f5fbf'}), stroke: new Stroke({color: '#fff', width: 1.5})}),
  }),
];

// ---- live measures ----

function updateMeasure(sketch) {
  const g = sketch.getGeometry();
  if (g.getType() !== 'Polygon') {
    measureOverlay.setPosition(undefined);
    return;
  }
  const ring = g.getCoordinates()[0];
  const a = polygonArea([ring]);
  measureOverlay.getElement().textContent = t('edit.live', {area: area(a)});
  measureOverlay.setPosition(ring[ring.length - 2]);
  const live = document.getElementById('edit-area');
  if (live) live.textContent = area(a);
}

function updateLive() {
  const f = ed.selected;
  if (!f) return;
  const a = areaOf(f);
  const n = (props(f).occupants || []).length;
  const areaEl = document.getElementById('edit-area');
  const ppEl = document.getElementById('edit-per-person');
  if (areaEl) areaEl.textContent = area(a);
  if (ppEl) ppEl.textContent = n ? area(a / n) : t('unit.none');
}

/** Nodes the floor again after rooms were added (split pieces, saved drawings). */
function renode() {
  const feats = ed.rooms.getFeatures();
  const {polys, changed} = node(feats.map(ringsOf));
  for (const i of changed) feats[i].getGeometry().setCoordinates(polys[i]);
}

// ---- undo ----

function undo() {
  const step = ed.undo.pop();
  if (!step) {
    toast(t('edit.nothingToUndo'));
    return;
  }
  if (step.kind === 'draw') {
    if (ed.rooms.hasFeature(step.feature) && isNew(step.feature)) ed.rooms.removeFeature(step.feature);
    if (ed.selected === step.feature) ed.selected = null;
  } else if (step.kind === 'modify') {
    for (const [f, snap] of step.before) {
      f.getGeometry().setCoordinates(snap.coords);
      f.set('dirty', snap.dirty);
    }
  }
  clearError();
  renderPanel();
  renderToolbar();
}

/** Forgets the unsaved steps that involve feature f (it was saved, reloaded or deleted). */
function forgetSteps(f) {
  ed.undo = ed.undo.filter((s) => (s.kind === 'draw' ? s.feature !== f : !s.before.has(f)));
}

// ---- errors ----

function clearError() {
  ed.error = null;
  errorOverlay.setPosition(undefined);
  ed.rooms?.changed();
}

/** Shows a server error next to the drawing of f (and in the panel); 412 becomes a conflict. */
function showError(f, err) {
  if (err instanceof ApiError && err.status === 412) {
    ed.conflict = {feature: f, number: props(f).number || ''};
    renderPanel();
    return;
  }
  // The server's sentence is in the UI's language (Accept-Language) and complete: for an overlap it names
  // the other room, for invalid geometry it gives the reason and where.
  let message;
  let otherId = null;
  let at = null;
  if (err instanceof ApiError && err.status === 0) {
    message = t('error.network');
  } else if (err instanceof ApiError && ['overlap', 'invalid_geometry', 'invalid_split'].includes(err.code)) {
    message = err.message || t(`error.${err.code}`);
    if (err.code === 'overlap') otherId = err.detail.other_room_id || null;
    const {ring, vertex} = err.detail;
    const rings = f ? ringsOf(f) : null;
    if (rings && Number.isInteger(vertex) && rings[ring || 0]?.[vertex]) at = rings[ring || 0][vertex];
  } else {
    message = t('error.generic', {message: err instanceof Error ? err.message : String(err)});
  }
  ed.error = {feature: f, message, otherId, code: err.code};
  errorOverlay.getElement().textContent = message;
  if (f && !at) at = f.getGeometry().getInteriorPoint().getCoordinates().slice(0, 2);
  if (at) {
    // Keep the bubble on the map: anchored left or right of the point near the map's sides.
    const [x] = ed.map.getPixelFromCoordinate(at);
    const w = ed.map.getSize()[0];
    errorOverlay.setPositioning(x < 170 ? 'bottom-left' : x > w - 170 ? 'bottom-right' : 'bottom-center');
  }
  errorOverlay.setPosition(at || undefined);
  ed.rooms.changed();
  renderPanel();
}

// ---- saving ----

function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Reads the form into the selected feature's properties. */
function readForm() {
  const f = ed.selected;
  if (!f) return;
  const val = (id) => document.getElementById(id)?.value ?? '';
  const p = {...props(f), number: val('edit-number').trim(), name: val('edit-name').trim(), usage: val('edit-usage'),
    agency_id: val('edit-agency') || null};
  f.set('room', p, true);
}

/**
 * saveAll saves, one request each, every room whose shape changed and the selected room's form:
 * existing rooms that shrank first (a wall moved between two rooms must leave one before it enters the
 * other), then the others, then a new room.
 */
async function saveAll() {
  if (ed.busy) return;
  if (ed.selected) readForm();
  const work = ed.rooms.getFeatures().filter((f) => f.get('dirty') || (f === ed.selected && (ed.formDirty || isNew(f))));
  if (!work.length) {
    toast(t('edit.nothingToSave'));
    return;
  }
  const savedArea = (f) => props(f).area_m2 ?? 0;
  work.sort((a, b) => (isNew(a) - isNew(b)) || ((areaOf(a) - savedArea(a)) - (areaOf(b) - savedArea(b))));
  ed.busy = true;
  clearError();
  setStatus(t('edit.saving'));
  let n = 0;
  try {
    for (const f of work) {
      if (isNew(f) && !props(f).number) {
        ed.error = {feature: f, message: t('edit.numberRequired')};
        select(f);
        return;
      }
      await saveOne(f);
      n++;
    }
    renode();
    toast(n === 1 ? t('edit.saved') : t('edit.savedCount', {n}), 'ok');
  } catch (err) {
    showError(work[n], err);
  } finally {
    ed.busy = false;
    renderPanel();
    renderToolbar();
  }
}

async function saveOne(f) {
  const p = props(f);
  const geometry = {type: 'Polygon', coordinates: roundRings(ringsOf(f))};
  const properties = {number: p.number, name: p.name || '', usage: p.usage, agency_id: p.agency_id || null};
  let res;
  if (isNew(f)) {
    res = await request('POST', `/api/v1/floors/${ed.ctx.floorId}/rooms${query({crs: 'local'})}`,
      {body: {type: 'Feature', geometry, properties: {...properties, state: 'in_use'}}});
  } else {
    const body = {properties};
    if (f.get('dirty')) body.geometry = geometry;
    res = await request('PATCH', `/api/v1/rooms/${f.getId()}${query({crs: 'local'})}`,
      {body, ifMatch: f.get('etag'), contentType: 'application/merge-patch+json'});
  }
  updateFeature(f, res.data, res.etag);
  forgetSteps(f);
  ed.changed = true;
  if (f === ed.selected) ed.formDirty = false;
}

/** Re-reads one room from the server, dropping local changes to it (after a conflict). */
async function reloadRoom(f) {
  try {
    const res = await request('GET', `/api/v1/rooms/${f.getId()}${query({crs: 'local'})}`);
    updateFeature(f, res.data, res.etag);
    renode();
    forgetSteps(f);
    ed.conflict = null;
    clearError();
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      ed.rooms.removeFeature(f);
      if (ed.selected === f) ed.selected = null;
      ed.conflict = null;
    } else {
      showError(f, err);
      return;
    }
  }
  ed.formDirty = false;
  renderPanel();
  renderToolbar();
}

async function deleteSelected() {
  const f = ed.selected;
  if (!f) return;
  if (isNew(f)) {
    ed.rooms.removeFeature(f);
    forgetSteps(f);
    clearError();
    select(null);
    return;
  }
  try {
    await request('DELETE', `/api/v1/rooms/${f.getId()}`, {ifMatch: f.get('etag')});
  } catch (err) {
    showError(f, err);
    return;
  }
  const number = props(f).number;
  ed.rooms.removeFeature(f);
  forgetSteps(f);
  ed.changed = true;
  clearError();
  select(null);
  toast(t('edit.deleted', {number}), 'ok');
}

async function splitSelected(line) {
  const f = ed.selected;
  setMode('modify');
  if (!f || isNew(f)) {
    toast(t('edit.splitNeedRoom'), 'error');
    return;
  }
  if (f.get('dirty')) {
    toast(t('edit.splitUnsaved'), 'error');
    return;
  }
  const coords = line.map(([x, y]) => [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000]);
  let res;
  try {
    res = await request('POST', `/api/v1/rooms/${f.getId()}/split${query({crs: 'local'})}`,
      {body: {type: 'LineString', coordinates: coords}, ifMatch: f.get('etag')});
  } catch (err) {
    showError(f, err);
    return;
  }
  ed.rooms.removeFeature(f);
  forgetSteps(f);
  const pieces = res.data.features.map(toFeature);
  ed.rooms.addFeatures(pieces);
  renode();
  ed.changed = true;
  toast(t('edit.splitDone', {numbers: pieces.map((p) => props(p).number).join('、')}), 'ok');
  select(pieces[0] || null);
}

// ---- people ----

async function refreshRoom(f) {
  const res = await request('GET', `/api/v1/rooms/${f.getId()}${query({crs: 'local'})}`);
  // Only the properties: an unsaved shape stays as drawn, and so does the version it was read at.
  const dirty = f.get('dirty');
  const etag = f.get('etag');
  const keep = dirty ? ringsOf(f) : null;
  updateFeature(f, res.data, dirty ? etag : res.etag);
  if (dirty) {
    f.getGeometry().setCoordinates(keep);
    f.set('dirty', true);
  }
}

async function assign(person) {
  const f = ed.selected;
  if (!f || isNew(f)) return;
  try {
    const kind = document.getElementById('assign-kind')?.value || 'main';
    await request('POST', '/api/v1/assignments', {body: {person_id: person.id, room_id: f.getId(), kind, start: today()}});
    await refreshRoom(f);
    ed.changed = true;
    toast(t('edit.assigned', {name: person.label, number: props(f).number}), 'ok');
  } catch (err) {
    showError(f, err);
    return;
  }
  renderPanel();
}

async function unassign(occupant) {
  const f = ed.selected;
  if (!f) return;
  try {
    const list = await get(`/api/v1/assignments${query({room_id: f.getId(), person_id: occupant.id, active_on: today()})}`);
    for (const a of list) await request('DELETE', `/api/v1/assignments/${a.id}`, {ifMatch: etagOf(a.version)});
    await refreshRoom(f);
    ed.changed = true;
    toast(t('edit.unassigned', {name: occupant.name, number: props(f).number}), 'ok');
  } catch (err) {
    showError(f, err);
    return;
  }
  renderPanel();
}

// ---- UI ----

/** A button that asks once more before acting (no blocking dialogs). */
function confirmButton(attrs, label, question, action) {
  const b = h('button', {...attrs, onClick: () => {
    if (b.dataset.armed) {
      delete b.dataset.armed;
      action();
      return;
    }
    b.dataset.armed = '1';
    b.textContent = question;
    setTimeout(() => {
      if (b.isConnected && b.dataset.armed) {
        delete b.dataset.armed;
        b.textContent = label;
      }
    }, 5000);
  }}, label);
  return b;
}

function setStatus(text) {
  const el = document.getElementById('edit-status');
  if (el) el.textContent = text;
}

function renderToolbar() {
  const tool = (mode, key) => h('button', {id: `tool-${mode}`, class: ed.mode === mode ? 'tool active' : 'tool',
    title: t(`edit.${key}Title`), 'aria-pressed': ed.mode === mode ? 'true' : 'false', onClick: () => setMode(mode)}, t(`edit.${key}`));
  const dirtyCount = ed.rooms ? ed.rooms.getFeatures().filter((f) => f.get('dirty')).length : 0;
  toolbar.hidden = false;
  replace(toolbar,
    tool('modify', 'modify'), tool('draw', 'draw'), tool('split', 'split'),
    h('label', {class: 'tool', title: t('edit.orthoTitle')},
      h('input', {type: 'checkbox', id: 'tool-ortho', checked: ed.orthoOn, onChange: (e) => (ed.orthoOn = e.target.checked)}),
      ' ', t('edit.ortho')),
    h('button', {id: 'tool-undo', class: 'tool', title: t('edit.undoTitle'), disabled: !ed.undo.length, onClick: undo}, t('edit.undo')),
    h('button', {id: 'tool-save', class: 'tool primary', title: t('edit.saveAllTitle'), onClick: saveAll},
      t('edit.saveAll'), dirtyCount ? ` (${dirtyCount})` : ''),
    hasUnsaved()
      ? confirmButton({id: 'tool-exit', class: 'tool'}, t('edit.exit'), t('edit.unsavedExit'), exit)
      : h('button', {id: 'tool-exit', class: 'tool', onClick: exit}, t('edit.exit')));
}

function hasUnsaved() {
  return !!ed.rooms && ed.rooms.getFeatures().some((f) => f.get('dirty'));
}

function renderPanel() {
  if (!ed.ctx) return;
  const floor = floorById(ed.ctx.floorId);
  const f = ed.selected;
  const building = data.buildings.get(ed.ctx.buildingId);
  const children = [h('h2', null, t('edit.title', {floor: [building?.name, floor?.name].filter(Boolean).join(' ')}))];
  if (ed.conflict) {
    const c = ed.conflict;
    children.push(h('div', {class: 'conflict', id: 'edit-conflict', role: 'alert'},
      h('b', null, t('conflict.title')), h('p', null, t('conflict.message', {number: c.number})),
      h('button', {id: 'conflict-reload', class: 'primary', onClick: () => reloadRoom(c.feature)}, t('conflict.reload'))));
  }
  if (f) {
    const p = props(f);
    const occ = p.occupants || [];
    const a = areaOf(f);
    children.push(
      h('h3', null, isNew(f) ? t('edit.newRoom') : t('edit.room', {number: p.number})),
      f.get('dirty') ? h('p', {class: 'warn'}, t('edit.dirty')) : null,
      h('dl', null,
        h('div', {class: 'kv'}, h('dt', null, t('edit.area')), h('dd', {id: 'edit-area'}, area(a))),
        h('div', {class: 'kv'}, h('dt', null, t('edit.perPerson')), h('dd', {id: 'edit-per-person'}, occ.length ? area(a / occ.length) : t('unit.none')))),
      h('form', {class: 'edit-form', id: 'edit-form', onInput: () => (ed.formDirty = true), onSubmit: (e) => {
        e.preventDefault();
        saveAll();
      }},
      h('label', null, t('room.number'), h('input', {id: 'edit-number', value: p.number || '', required: true, autocomplete: 'off'})),
      h('label', null, t('room.name'), h('input', {id: 'edit-name', value: p.name || '', autocomplete: 'off'})),
      h('label', null, t('room.usage'), h('select', {id: 'edit-usage'}, USAGES.map((u) =>
        h('option', {value: u, selected: u === p.usage}, usageLabel(u))))),
      h('label', null, t('room.agency'), h('select', {id: 'edit-agency'},
        h('option', {value: ''}, t('edit.noAgency')),
        [...data.agencies.values()].sort((x, y) => x.name.localeCompare(y.name, 'zh-CN')).map((ag) =>
          h('option', {value: ag.id, selected: ag.id === p.agency_id}, ag.name)))),
      ed.error && (ed.error.feature === f || !ed.error.feature)
        ? h('p', {class: 'error', id: 'edit-error', role: 'alert', dataset: {code: ed.error.code || ''}}, ed.error.message) : null,
      h('div', {class: 'actions'},
        h('button', {type: 'submit', id: 'edit-save', class: 'primary', disabled: ed.busy}, t('edit.save')),
        confirmButton({type: 'button', id: 'edit-delete'}, isNew(f) ? t('edit.cancel') : t('edit.delete'),
          t('edit.confirmDelete', {number: p.number || t('edit.newRoom')}), deleteSelected)),
      ),
      h('h3', null, t('room.occupants')),
      occ.length ? h('ul', {class: 'occupants', id: 'edit-occupants'}, occ.map((o) => h('li', null,
        h('b', null, o.name), ' ', h('span', {class: 'muted'}, o.rank_title || ''), ' ',
        can('write_people') ? confirmButton({type: 'button', class: 'link', dataset: {personId: o.id}}, t('edit.unassign'),
          t('edit.confirmUnassign', {name: o.name, number: p.number}), () => unassign(o)) : null)))
        : h('p', {class: 'muted'}, t('room.noOccupants')),
      !can('write_people') ? null : isNew(f) ? h('p', {class: 'muted'}, t('edit.assignSaveFirst')) : assignBox(),
    );
  } else {
    children.push(h('p', {class: 'hint'}, t('edit.hint')));
    if (ed.error) children.push(h('p', {class: 'error', id: 'edit-error', role: 'alert'}, ed.error.message));
  }
  children.push(h('p', {class: 'muted', id: 'edit-status'}));
  replace(panel, h('section', {class: 'card', id: 'card-edit'}, children));
}

function assignBox() {
  const list = h('ul', {class: 'assign-hits', id: 'assign-hits'});
  let timer;
  const input = h('input', {id: 'assign-q', type: 'search', placeholder: t('edit.assignPlaceholder'), autocomplete: 'off',
    onInput: () => {
      clearTimeout(timer);
      const q = input.value.trim();
      if (!q) return replace(list);
      timer = setTimeout(async () => {
        try {
          const res = await get(`/api/v1/search${query({q, limit: 10})}`);
          replace(list, res.hits.filter((x) => x.kind === 'person').map((p) =>
            h('li', null, h('button', {type: 'button', class: 'link', dataset: {personId: p.id}, onClick: () => assign(p)},
              p.label), ' ', h('span', {class: 'muted'}, p.detail))));
        } catch (err) {
          replace(list, h('li', {class: 'error'}, err.message));
        }
      }, 200);
    }});
  const kind = h('select', {id: 'assign-kind', 'aria-label': t('edit.kind')},
    h('option', {value: 'main'}, t('edit.kind.main')), h('option', {value: 'second'}, t('edit.kind.second')));
  return h('div', {class: 'assign'}, h('label', null, t('edit.assign'), h('div', {class: 'assign-row'}, input, kind)), list);
}

function exit() {
  const changed = ed.changed;
  setMode('modify');
  clearError();
  ed.ctx.onExit(changed);
  ed.ctx = null;
  ed.selected = null;
  toolbar.hidden = true;
  document.getElementById('editor-map').hidden = true;
}

// ---- for the app and its tests ----

export function busy() {
  return ed.busy || !!ed.map?.getView().getAnimating();
}

export function updateSize() {
  ed.map?.updateSize();
}

/** The ids of the saved rooms in the editor. */
export function roomIds() {
  return ed.rooms ? ed.rooms.getFeatures().filter((f) => !isNew(f)).map((f) => f.getId()).sort() : [];
}

/** The number of door lines drawn on the floor. */
export function openingCount() {
  return ed.openings ? ed.openings.getFeatures().reduce((n, f) => n + f.getGeometry().getLineStrings().length, 0) : 0;
}

/** The pixel of a local coordinate [x, y] in metres. */
export function pixelOf(coord) {
  return ed.map ? ed.map.getPixelFromCoordinate(coord) : null;
}

/** The pixel inside a room (its interior point). */
export function roomPixel(id) {
  const f = ed.rooms?.getFeatureById(id);
  return f ? ed.map.getPixelFromCoordinate(f.getGeometry().getInteriorPoint().getCoordinates().slice(0, 2)) : null;
}

/** A summary of the editor's state: mode, selection, unsaved rooms, error and conflict. */
export function editorState() {
  const f = ed.selected;
  return {
    mode: ed.mode,
    selected: f ? {id: f.getId() || null, number: props(f).number || '', area: areaOf(f), dirty: !!f.get('dirty')} : null,
    unsaved: ed.rooms ? ed.rooms.getFeatures().filter((x) => x.get('dirty')).length : 0,
    undo: ed.undo.length,
    error: ed.error ? {code: ed.error.code || '', message: ed.error.message} : null,
    conflict: ed.conflict ? {number: ed.conflict.number} : null,
    uid: f ? getUid(f) : null,
  };
}
