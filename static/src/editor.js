// The floor editor for planners, in the building's LOCAL metres (the CAD plane the server measures
// areas in): rooms come from GET /api/v1/floors/{id}/rooms?crs=local and are shown in a custom
// projection with units 'm', so every coordinate drawn is the one stored. The floor's doors (the list's
// openings) and voids (hatched) are drawn as in the viewer; doors are a reference, never edited here.
//
// Tools: select/modify (OpenLayers Modify over all rooms of the floor, so a vertex shared by two rooms
// moves in both), draw a room (snapping to the rooms' and the building's edges and vertices), split a
// room with a line, delete, orthogonal constraint (toggle or Shift), undo of unsaved edits, live area
// and per-person area. A click that does not drag changes no shape (Modify would otherwise leave a vertex
// where it was pressed near an edge).
//
// "Save all" sends every changed room in ONE request (POST /api/v1/floors/{id}/rooms/batch): the server
// writes all of them or none. Each update carries the version its room was read at (if_match): a room
// changed meanwhile by someone else is refused (412) and shown as a conflict with both versions, on the
// map and side by side, to keep mine (re-applied on theirs) or take theirs; validation (422) and overlap
// (409) errors are shown next to the drawing. Leaving the editor, the map tab or the page with unsaved
// edits asks first.

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
import {area, locale, t, usageLabel} from './i18n.js';
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
  conflict: null, // {feature, number, op, theirs, etag, changedBy, loading, gone}
  error: null, // {feature, message, otherId, code, note}
  sketch: null,
  busy: false,
  asking: null, // the open confirmation dialog's promise
  address: null, // the page's address as the editor last saw it accepted (for putting it back)
  leaving: false, // a navigation confirmed in the dialog is under way: let it pass
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
    conflict: null, error: null, leaving: false, address: location.href});
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
  ed.theirs.clear();
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

/**
 * A room feature from its GeoJSON (local coordinates); its version gives the ETag for If-Match. 'saved'
 * keeps the room as the server has it, for a discard and for re-applying my changes after a conflict;
 * 'dirty' says its shape changed, 'propsDirty' its number, name, usage or agency.
 */
function toFeature(json) {
  const f = gj.readFeature(json);
  f.setProperties({room: json.properties, etag: etagOf(json.properties.version), dirty: false, propsDirty: false,
    saved: savedOf(ringsOf(f), json.properties)}, true);
  f.unset('id', true);
  return f;
}

function updateFeature(f, json, etag) {
  f.setId(json.id);
  f.getGeometry().setCoordinates(json.geometry.coordinates);
  f.setProperties({room: json.properties, etag: etag || etagOf(json.properties.version), dirty: false, propsDirty: false,
    saved: savedOf(json.geometry.coordinates, json.properties)});
}

const savedOf = (coords, room) => ({coords: JSON.parse(JSON.stringify(coords)), room: {...room}});

// The properties the editor's form changes, as the API takes them.
const editable = (p) => ({number: p.number || '', name: p.name || '', usage: p.usage, agency_id: p.agency_id || null});
const sameProps = (a, b) => JSON.stringify(editable(a)) === JSON.stringify(editable(b));
const isEdited = (f) => !!(f.get('dirty') || f.get('propsDirty'));

function createMap(target) {
  ed.rooms = new VectorSource();
  ed.backdrop = new VectorSource();
  ed.openings = new VectorSource();
  ed.theirs = new VectorSource(); // after a conflict: the server's outline of the room, drawn over mine
  const backdropLayer = new VectorLayer({source: ed.backdrop, style: new Style({
    fill: new Fill({color: '#ffffff'}), stroke: new Stroke({color: '#777', width: 2})})});
  const roomsLayer = new VectorLayer({source: ed.rooms, style: (f, res) => roomStyle(f, res)});
  // The doors stay where they are while rooms are edited: a reference, neither snapped to nor saved.
  const openingsLayer = new VectorLayer({source: ed.openings, style: openingStyle(3)});
  const theirsLayer = new VectorLayer({source: ed.theirs, style: theirsStyle});
  ed.map = new Map({
    target,
    layers: [backdropLayer, roomsLayer, openingsLayer, theirsLayer],
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
  modify.on('modifyend', (e) => {
    const changed = new globalThis.Map();
    // Modify inserts a vertex as soon as the button goes down near an edge. A click that did not drag
    // (the pointer released within a few pixels of where it was pressed) is a selection: every shape
    // goes back to what it was, so no collinear vertex is left and no room becomes dirty.
    const up = e.mapBrowserEvent?.pixel;
    const tolerance = e.mapBrowserEvent?.originalEvent?.pointerType === 'touch' ? TAP_TOLERANCE : DRAG_TOLERANCE;
    const click = !!(pressedAt && up) && Math.hypot(up[0] - pressedAt[0], up[1] - pressedAt[1]) <= tolerance;
    for (const [f, snap] of before) {
      if (!ed.rooms.hasFeature(f) || JSON.stringify(snap.coords) === JSON.stringify(ringsOf(f))) continue;
      if (click) {
        f.getGeometry().setCoordinates(snap.coords);
        continue;
      }
      changed.set(f, snap);
      f.set('dirty', true);
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

  // Sees every event before Modify (see the order below): where the button went down, for telling a
  // click from a drag.
  let pressedAt = null;
  const orthoI = new Interaction({handleEvent: (e) => {
    if (e.type === 'pointerdown') pressedAt = e.pixel.slice();
    return constrain(e);
  }});
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
    if (!ed.ctx || target.hidden || ed.asking) return;
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
  guardLeaving();
}

// A pointer released within this many pixels of where it went down clicked; it did not drag. A finger
// wobbles more than a mouse.
const DRAG_TOLERANCE = 3;
const TAP_TOLERANCE = 8;

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
  readForm(); // what was typed for the room selected before stays with it
  if (ed.error && ed.error.feature && ed.error.feature !== f) clearError();
  ed.selected = f;
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
  const dirty = isEdited(f);
  const fill = fresh ? 'rgba(255,236,153,0.7)' : p.usage === VOID ? voidFill() : withAlpha(statusColor(p.status), 0.35);
  // In a conflict my outline is solid orange and theirs dashed purple (theirsStyle): told apart by the line
  // as well as by the colour, which stay distinct for colour-blind users.
  const mine = ed.conflict && ed.conflict.feature === f && ed.theirs.getFeatures().length > 0;
  const styles = [new Style({
    fill: new Fill({color: fill}),
    stroke: mine ? new Stroke({color: CONFLICT_MINE, width: 4}) : new Stroke({
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

const CONFLICT_MINE = '#e66101';
const CONFLICT_THEIRS = '#5e3c99';
const theirsStyle = new Style({
  fill: new Fill({color: withAlpha(CONFLICT_THEIRS, 0.12)}),
  stroke: new Stroke({color: CONFLICT_THEIRS, width: 3, lineDash: [10, 6]}),
});

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
  for (const i of changed) {
    const f = feats[i];
    f.getGeometry().setCoordinates(polys[i]);
    // A vertex added on a saved room's edge changes no area: it is the room as saved, to discard to.
    if (!isEdited(f) && f.get('saved')) f.set('saved', savedOf(polys[i], f.get('saved').room), true);
  }
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

/**
 * Shows a server error next to the drawing of f (and in the panel); a 412 on a write of the room (op:
 * save, delete or split) opens the conflict view.
 */
function showError(f, err, op) {
  if (err instanceof ApiError && err.status === 412 && op && f && !isNew(f)) {
    ed.error = {feature: f, message: t('conflict.title'), code: 'conflict'};
    errorOverlay.setPosition(undefined);
    openConflict(f, op);
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

/** Reads the form into the selected feature's properties and notes whether they now differ from the saved room. */
function readForm() {
  const f = ed.selected;
  if (!f || !document.getElementById('edit-form')) return;
  const val = (id) => document.getElementById(id)?.value ?? '';
  const p = {...props(f), number: val('edit-number').trim(), name: val('edit-name').trim(), usage: val('edit-usage'),
    agency_id: val('edit-agency') || null};
  f.set('room', p, true);
  f.set('propsDirty', !isNew(f) && !sameProps(p, f.get('saved')?.room || {}), true);
}

/**
 * saveAll saves every changed room (shape or properties) in one request to the batch route, which
 * writes all of them or none. Existing rooms that shrank come first (a wall moved between two rooms
 * leaves one before it enters the other, whichever way the server checks), then the others, then new
 * rooms. On success every saved room takes its new version at once; on any error nothing was written,
 * every local edit stays, and the room the server names is marked (a 412 opens the conflict view).
 */
async function saveAll() {
  if (ed.busy) return;
  readForm();
  const work = ed.rooms.getFeatures().filter(isEdited);
  if (!work.length) {
    toast(t('edit.nothingToSave'));
    return;
  }
  const unnumbered = work.find((f) => isNew(f) && !props(f).number);
  if (unnumbered) {
    select(unnumbered);
    ed.error = {feature: unnumbered, message: t('edit.numberRequired')};
    renderPanel();
    return;
  }
  const savedArea = (f) => props(f).area_m2 ?? 0;
  work.sort((a, b) => (isNew(a) - isNew(b)) || ((areaOf(a) - savedArea(a)) - (areaOf(b) - savedArea(b))));
  ed.busy = true;
  clearError();
  setStatus(t('edit.saving'));
  try {
    const res = await request('POST', `/api/v1/floors/${ed.ctx.floorId}/rooms/batch${query({crs: 'local'})}`,
      {body: {changes: work.map(changeOf)}});
    const rooms = res.data.rooms || [];
    work.forEach((f, i) => {
      if (!rooms[i]) return;
      updateFeature(f, rooms[i], rooms[i].etag);
      forgetSteps(f);
    });
    renode();
    ed.changed = true;
    toast(work.length === 1 ? t('edit.saved') : t('edit.savedCount', {n: work.length}), 'ok');
  } catch (err) {
    failedSave(work, err);
  } finally {
    ed.busy = false;
    renderPanel();
    renderToolbar();
  }
}

/** The batch change that saves f: a create for a new room, else an update of what changed, at the version read. */
function changeOf(f) {
  const geometry = {type: 'Polygon', coordinates: roundRings(ringsOf(f))};
  const properties = editable(props(f));
  if (isNew(f)) return {op: 'create', feature: {type: 'Feature', geometry, properties: {...properties, state: 'in_use'}}};
  const patch = {};
  if (f.get('dirty')) patch.geometry = geometry;
  if (f.get('propsDirty')) patch.properties = properties;
  return {op: 'update', id: f.getId(), if_match: f.get('etag'), patch};
}

/**
 * failedSave marks the room a refused batch names (by its index in the changes, or its id) and says that
 * nothing was saved; the local edits of every room stay as they were.
 */
function failedSave(work, err) {
  const d = (err instanceof ApiError && err.detail) || {};
  const f = (Number.isInteger(d.index) && work[d.index]) || (d.room_id && work.find((x) => x.getId() === d.room_id)) ||
    (work.length === 1 ? work[0] : null);
  if (f && f !== ed.selected) select(f);
  showError(f, err, 'save');
  // A refusal is sure to have written nothing; a request that got no answer cannot say so.
  if (ed.error && err instanceof ApiError && err.status >= 400) {
    ed.error.note = t('edit.nothingSaved', {number: (f && props(f).number) || d.room_number || t('edit.newRoom')});
  }
}

// ---- conflicts ----

/**
 * openConflict shows why the server refused a write with 412: it reads the room as the server has it now
 * (and, from its history, who changed it last and when), draws that outline over mine and lists the
 * properties that differ. op is what was refused: save, delete or split.
 */
async function openConflict(f, op) {
  const c = {feature: f, number: props(f).number || '', op, theirs: null, etag: null, changedBy: null, loading: true, gone: false};
  ed.conflict = c;
  ed.theirs.clear();
  renderPanel();
  try {
    const [res, hist] = await Promise.all([request('GET', `/api/v1/rooms/${f.getId()}${query({crs: 'local'})}`),
      get(`/api/v1/rooms/${f.getId()}/history`).catch(() => null)]);
    c.theirs = res.data;
    c.etag = res.etag || etagOf(res.data.properties.version);
    const last = Array.isArray(hist) && hist.length ? hist[hist.length - 1] : null;
    if (last) c.changedBy = {actor: last.actor || '', at: last.at};
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 404)) {
      c.loading = false;
      if (ed.conflict === c) showError(f, err);
      return;
    }
    c.gone = true; // deleted meanwhile: there is no version of theirs to keep mine on
  }
  c.loading = false;
  if (ed.conflict !== c) return;
  if (c.theirs) {
    ed.theirs.addFeature(gj.readFeature({type: 'Feature', geometry: c.theirs.geometry, properties: {}}));
    const ext = ed.theirs.getExtent().slice();
    const mine = f.getGeometry().getExtent();
    const both = [Math.min(ext[0], mine[0]), Math.min(ext[1], mine[1]), Math.max(ext[2], mine[2]), Math.max(ext[3], mine[3])];
    const view = ed.map.getView().calculateExtent(ed.map.getSize());
    if (!(both[0] >= view[0] && both[1] >= view[1] && both[2] <= view[2] && both[3] <= view[3])) {
      ed.map.getView().fit(both, {padding: [90, 60, 60, 60], maxZoom: ed.map.getView().getZoom()});
    }
  }
  ed.rooms.changed();
  renderPanel();
  document.getElementById('edit-conflict')?.focus();
}

function closeConflict() {
  ed.conflict = null;
  ed.theirs.clear();
  ed.rooms.changed();
}

/**
 * keepMine re-applies my changes on the server's version: each property I changed (against the version I
 * read) and my shape if I changed it win, the rest is theirs; the room then carries their version for
 * If-Match, and a refused save is sent again.
 */
function keepMine() {
  const c = ed.conflict;
  if (!c?.theirs) return;
  const f = c.feature;
  const base = f.get('saved')?.room || {};
  const mine = editable(props(f));
  const merged = {...c.theirs.properties};
  for (const [k, v] of Object.entries(mine)) {
    if (JSON.stringify(v) !== JSON.stringify(editable(base)[k])) merged[k] = v;
  }
  const shape = f.get('dirty') ? ringsOf(f) : c.theirs.geometry.coordinates;
  f.getGeometry().setCoordinates(shape);
  f.setProperties({room: merged, etag: c.etag, saved: savedOf(c.theirs.geometry.coordinates, c.theirs.properties),
    propsDirty: !sameProps(merged, c.theirs.properties)});
  renode(); // their outline may have corners on the neighbours' walls
  closeConflict();
  clearError();
  renderPanel();
  renderToolbar();
  if (c.op === 'save') saveAll();
  else setStatus(t('conflict.again'));
}

/** takeTheirs drops my changes to the room and shows it as the server has it (or drops it, deleted meanwhile). */
function takeTheirs() {
  const c = ed.conflict;
  if (!c || c.loading) return;
  const f = c.feature;
  if (c.gone) {
    ed.rooms.removeFeature(f);
    if (ed.selected === f) ed.selected = null;
  } else {
    updateFeature(f, c.theirs, c.etag);
    renode();
  }
  forgetSteps(f);
  closeConflict();
  clearError();
  renderPanel();
  renderToolbar();
}

/** The conflict view: legend of the two outlines, the properties side by side (differences marked), the choices. */
function conflictBox(c) {
  const title = h('b', {id: 'conflict-title'}, t('conflict.title'));
  const box = h('div', {class: 'conflict', id: 'edit-conflict', role: 'dialog', tabindex: '-1', 'aria-labelledby': 'conflict-title',
    'aria-describedby': 'conflict-msg', onKeydown: (e) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      closeConflict();
      renderPanel();
    }}, title);
  box.append(h('p', {id: 'conflict-msg', role: 'alert'}, t(c.gone ? 'conflict.gone' : 'conflict.both', {number: c.number})));
  if (c.loading) {
    box.append(h('p', {class: 'muted'}, t('app.loading')));
    return box;
  }
  if (c.theirs) {
    box.append(h('ul', {class: 'conflict-legend', id: 'conflict-legend'},
      h('li', null, h('span', {class: 'key mine'}), t('conflict.mine')),
      h('li', null, h('span', {class: 'key theirs'}), t('conflict.theirs'))));
    const mine = props(c.feature);
    const theirs = c.theirs.properties;
    const agency = (id) => (id ? data.agencies.get(id)?.name || id : t('edit.noAgency'));
    const myArea = areaOf(c.feature);
    const theirArea = polygonArea(c.theirs.geometry.coordinates) * (ed.unit || 1) ** 2;
    const sameShape = JSON.stringify(roundRings(ringsOf(c.feature))) === JSON.stringify(roundRings(c.theirs.geometry.coordinates));
    const rows = [
      ['number', t('room.number'), mine.number || '', theirs.number || ''],
      ['name', t('room.name'), mine.name || '', theirs.name || ''],
      ['usage', t('room.usage'), usageLabel(mine.usage), usageLabel(theirs.usage)],
      ['agency', t('room.agency'), agency(mine.agency_id), agency(theirs.agency_id)],
      ['area', t('conflict.shape'), area(myArea), area(theirArea), !sameShape],
    ].map(([key, label, a, b, differs = a !== b]) => ({key, label, a, b, differs})).filter((r) => r.differs);
    rows.push({key: 'version', label: t('conflict.version'), a: t('conflict.versionRead', {v: mine.version ?? '—'}),
      b: String(theirs.version ?? '—'), differs: true});
    if (c.changedBy) {
      const when = new Date(c.changedBy.at);
      rows.push({key: 'changed', label: t('conflict.changedBy'), a: '—', differs: true,
        b: `${c.changedBy.actor || t('conflict.someone')} · ${Number.isNaN(when.getTime()) ? c.changedBy.at : when.toLocaleString(locale())}`});
    }
    box.append(h('table', {class: 'conflict-table', id: 'conflict-table'},
      h('thead', null, h('tr', null, h('th', {scope: 'col'}, t('conflict.property')), h('th', {scope: 'col'}, t('conflict.mine')),
        h('th', {scope: 'col'}, t('conflict.theirs')))),
      h('tbody', null, rows.map((r) => h('tr', {dataset: {key: r.key}, class: r.differs ? 'differs' : null},
        h('th', {scope: 'row'}, r.label), h('td', {class: 'mine'}, r.a), h('td', {class: 'theirs'}, r.b))))));
  }
  box.append(h('div', {class: 'actions'},
    c.theirs ? h('button', {type: 'button', id: 'conflict-keep', class: 'primary', onClick: keepMine}, t('conflict.keepMine')) : null,
    h('button', {type: 'button', id: 'conflict-reload', onClick: takeTheirs}, t(c.gone ? 'conflict.dropMine' : 'conflict.takeTheirs'))));
  return box;
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
    showError(f, err, 'delete');
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
  if (isEdited(f)) {
    toast(t('edit.splitUnsaved'), 'error');
    return;
  }
  const coords = line.map(([x, y]) => [Math.round(x * 1000) / 1000, Math.round(y * 1000) / 1000]);
  let res;
  try {
    res = await request('POST', `/api/v1/rooms/${f.getId()}/split${query({crs: 'local'})}`,
      {body: {type: 'LineString', coordinates: coords}, ifMatch: f.get('etag')});
  } catch (err) {
    showError(f, err, 'split');
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
  // Only the occupants and what the server computes: an unsaved shape or form stays as it is, and so do the
  // version and the saved room it was read at.
  if (!isEdited(f)) {
    updateFeature(f, res.data, res.etag);
    return;
  }
  f.set('room', {...res.data.properties, ...editable(props(f)), version: props(f).version});
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

/** A button that asks once more before acting (deletes and removals; leaving asks in a dialog: see ask). */
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
  const dirtyCount = ed.rooms ? ed.rooms.getFeatures().filter(isEdited).length : 0;
  toolbar.hidden = false;
  replace(toolbar,
    tool('modify', 'modify'), tool('draw', 'draw'), tool('split', 'split'),
    h('label', {class: 'tool', title: t('edit.orthoTitle')},
      h('input', {type: 'checkbox', id: 'tool-ortho', checked: ed.orthoOn, onChange: (e) => (ed.orthoOn = e.target.checked)}),
      ' ', t('edit.ortho')),
    h('button', {id: 'tool-undo', class: 'tool', title: t('edit.undoTitle'), disabled: !ed.undo.length, onClick: undo}, t('edit.undo')),
    h('button', {id: 'tool-save', class: 'tool primary', title: t('edit.saveAllTitle'), onClick: saveAll},
      t('edit.saveAll'), dirtyCount ? ` (${dirtyCount})` : ''),
    h('button', {id: 'tool-discard', class: 'tool', title: t('edit.discardTitle'), disabled: !dirtyCount, onClick: async () => {
      if (await ask(t('edit.discardQuestion', {n: dirtyCount}), t('edit.discardAll'))) discardAll();
    }}, t('edit.discardAll')),
    h('button', {id: 'tool-exit', class: 'tool', onClick: () => leave(exit)}, t('edit.exit')));
}

/** Whether a room has changes not saved yet (a shape, a new room, what was typed in the form). */
function hasUnsaved() {
  return !!ed.ctx && !!ed.rooms && ed.rooms.getFeatures().some(isEdited);
}

/** Drops every unsaved change: new rooms go, the others are shown again as the server has them. */
function discardAll() {
  for (const f of ed.rooms.getFeatures()) {
    if (isNew(f)) {
      ed.rooms.removeFeature(f);
      continue;
    }
    const saved = f.get('saved');
    if (!isEdited(f) || !saved) continue;
    f.getGeometry().setCoordinates(JSON.parse(JSON.stringify(saved.coords)));
    f.setProperties({room: {...saved.room}, dirty: false, propsDirty: false});
  }
  if (ed.selected && !ed.rooms.hasFeature(ed.selected)) ed.selected = null;
  ed.undo = [];
  closeConflict();
  clearError();
  renderPanel();
  renderToolbar();
}

// ---- leaving with unsaved changes ----

/**
 * ask opens the editor's confirmation dialog (modal: focus inside and kept there, Escape or a click
 * outside stays) and resolves true when the user chooses to go on. One dialog at a time.
 */
function ask(message, goLabel) {
  if (ed.asking) return ed.asking;
  ed.asking = new Promise((resolve) => {
    const back = document.activeElement;
    const close = (ok) => {
      document.removeEventListener('keydown', onKey, true);
      wrap.remove();
      ed.asking = null;
      if (back?.isConnected) back.focus();
      resolve(ok);
    };
    const stay = h('button', {type: 'button', id: 'leave-stay', class: 'primary', onClick: () => close(false)}, t('edit.stay'));
    const go = h('button', {type: 'button', id: 'leave-discard', class: 'danger', onClick: () => close(true)}, goLabel);
    const wrap = h('div', {class: 'modal-back', id: 'edit-leave', onMousedown: (e) => e.target === wrap && close(false)},
      h('div', {class: 'modal edit-dialog', role: 'alertdialog', 'aria-modal': 'true', 'aria-labelledby': 'edit-leave-title',
        'aria-describedby': 'edit-leave-msg'},
      h('h2', {id: 'edit-leave-title'}, t('edit.unsavedTitle')), h('p', {id: 'edit-leave-msg'}, message),
      h('div', {class: 'actions'}, stay, go)));
    const onKey = (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close(false);
      } else if (e.key === 'Tab') {
        e.preventDefault();
        (document.activeElement === stay ? go : stay).focus();
      }
    };
    document.addEventListener('keydown', onKey, true);
    document.body.append(wrap);
    stay.focus();
  });
  return ed.asking;
}

/** leave runs then (which leaves the editor) at once, or after the user agreed to drop the unsaved changes. */
async function leave(then) {
  if (hasUnsaved()) {
    const n = ed.rooms.getFeatures().filter(isEdited).length;
    if (!(await ask(t('edit.unsavedExit', {n}), t('edit.leaveDiscard')))) return;
    discardAll();
  }
  await then();
}

/**
 * guardLeaving asks before the page or the app's view is left with unsaved changes: the browser's own
 * prompt when the page is reloaded or closed; the dialog above for a tab, a link or Back/Forward in the
 * app (they all change the address). A confirmed navigation discards the changes, closes the editor and
 * then goes where it was asked to.
 */
function guardLeaving() {
  window.addEventListener('beforeunload', (e) => {
    if (!hasUnsaved()) return;
    e.preventDefault();
    e.returnValue = ''; // older browsers need it set to show the prompt
  });
  const goTo = (hash) => leave(async () => {
    ed.leaving = true;
    try {
      await exit();
    } finally {
      ed.leaving = false;
    }
    location.hash = hash;
  });
  // A link within the page (the tabs): asked before the address changes, so history stays as it was.
  document.addEventListener('click', (e) => {
    const a = e.target instanceof Element ? e.target.closest('a[href^="#"]') : null;
    if (!a || ed.leaving || !hasUnsaved() || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    const hash = a.getAttribute('href');
    if (hash === location.hash || hash === '#') return;
    e.preventDefault();
    e.stopPropagation();
    goTo(hash);
  }, true);
  // Back, Forward or an edited address: the address has already changed. The browser fires popstate
  // before it queues hashchange, the event the app's router (main.js) follows, so the address is put back
  // here, before the router reads it, while the user decides; hashchange then finds nothing new.
  const onAddress = (e) => {
    if (location.href === ed.address) return;
    if (ed.leaving || !hasUnsaved() || !ed.address) {
      ed.address = location.href;
      return;
    }
    e.stopImmediatePropagation();
    const hash = location.hash;
    history.replaceState(history.state, '', ed.address);
    goTo(hash);
  };
  window.addEventListener('popstate', onAddress, true);
  window.addEventListener('hashchange', onAddress, true);
}

function renderPanel() {
  if (!ed.ctx) return;
  const floor = floorById(ed.ctx.floorId);
  const f = ed.selected;
  const building = data.buildings.get(ed.ctx.buildingId);
  const children = [h('h2', null, t('edit.title', {floor: [building?.name, floor?.name].filter(Boolean).join(' ')}))];
  if (ed.conflict) children.push(conflictBox(ed.conflict));
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
      h('form', {class: 'edit-form', id: 'edit-form', onInput: () => {
        readForm();
        renderToolbar();
      }, onSubmit: (e) => {
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
      ed.error && (ed.error.feature === f || !ed.error.feature) ? errorLine() : null,
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
    if (ed.error) children.push(errorLine());
  }
  children.push(h('p', {class: 'muted', id: 'edit-status'}));
  replace(panel, h('section', {class: 'card', id: 'card-edit'}, children));
}

/** The error under the form; after a refused "save all", first that nothing was saved and which room failed. */
function errorLine() {
  // A conflict explains itself in its own view above: here only that nothing was saved, if it was a save.
  const conflict = ed.error.code === 'conflict';
  if (conflict && !ed.error.note) return null;
  return h('div', {class: 'error', id: 'edit-error', role: 'alert', dataset: {code: ed.error.code || ''}},
    ed.error.note ? h('p', {id: 'edit-batch-note'}, ed.error.note) : null, conflict ? null : h('p', null, ed.error.message));
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

/** Leaves the editor; resolves when the app shows the floor again. */
function exit() {
  if (!ed.ctx) return Promise.resolve();
  const changed = ed.changed;
  setMode('modify');
  closeConflict();
  clearError();
  const done = ed.ctx.onExit(changed);
  ed.ctx = null;
  ed.selected = null;
  toolbar.hidden = true;
  document.getElementById('editor-map').hidden = true;
  return Promise.resolve(done);
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
    unsaved: ed.rooms ? ed.rooms.getFeatures().filter(isEdited).length : 0,
    dirtyIds: ed.rooms ? ed.rooms.getFeatures().filter(isEdited).map((x) => x.getId() || null) : [],
    undo: ed.undo.length,
    error: ed.error ? {code: ed.error.code || '', message: ed.error.message} : null,
    conflict: ed.conflict ? {number: ed.conflict.number, id: ed.conflict.feature.getId(), loading: ed.conflict.loading,
      theirs: ed.conflict.theirs ? {version: ed.conflict.theirs.properties.version} : null, gone: ed.conflict.gone,
      outlines: ed.theirs.getFeatures().length} : null,
    asking: !!ed.asking,
    uid: f ? getUid(f) : null,
  };
}
