// The app's state and what changes it: choosing a building, a floor, a room, an agency filter, a
// colouring, a tab; the viewer, the panel, the legend and the level switcher follow. Search, the
// dashboard and the editor call into here.
//
// The map's view lives in the address (see static/README.md, "Links"):
// #/map?b=<building>&f=<floor>&r=<room>&color=agency|usage&agency=<agency>. Every navigation by the user
// pushes a history entry (record); Back, Forward, an edited address or an opened link restore the view
// (followHash), which pushes nothing.

import {ApiError, get, pending} from './api.js';
import {h, replace, swatch, toast} from './dom.js';
import {lang, onLangChange, statusLabel, t, usageLabel} from './i18n.js';
import {STATUSES, USAGES, VOID, agencyColor, statusColor, usageColor} from './colors.js';
import {agencyName, agencyRooms, data, findingsFor, floorById, floorsOf, invalidateReport, loadRegister, report, roomsOf} from './data.js';
import {agencyCard, floorCard, messageCard, overviewCard, roomCard, setActions} from './panel.js';
import {can} from './session.js';
import {Viewer} from './viewer.js';

export const state = {
  ready: false,
  tab: 'map',
  buildingId: null,
  floorId: null,
  roomId: null,
  room: null, // the selected room's Feature (lon/lat) with its findings
  highlight: [],
  colorBy: 'status',
  agencyId: null,
  agencyRooms: null,
  floorRooms: null, // the current floor's rooms, GeoJSON lon/lat
  editing: false,
  error: null,
  notice: null, // an i18n key shown above the panel's card: a link that could not be opened
};

let viewer;
let editor = null; // the editor module, loaded on first use (a separate chunk)
const els = {};
let seq = 0; // guards against answers to superseded requests
let holding = 0; // > 0 while restoring a link or running a navigation of several steps: record waits
let written = null; // the address last written or followed: its hashchange is not followed again
let restoring = 0; // the restore running last; an older one stops at its next step

/** Starts the app in the page. */
export async function start({basemap, dashboardModule}) {
  for (const id of ['map', 'editor-map', 'panel', 'levels', 'legend', 'agency-filter', 'color-by', 'map-view', 'dashboard-view', 'edit-toolbar']) {
    els[id] = document.getElementById(id);
  }
  setActions(() => ({
    building: (id) => selectBuilding(id),
    floor: (floorId, buildingId) => selectBuilding(buildingId, {floorId}),
    room: (id) => selectRoom(id, {fly: true}),
    closeRoom: () => selectRoom(null),
    edit: (roomId) => openEditor(roomId),
    overview: () => showOverview(),
    agency: (id) => setAgency(id),
  }));
  viewer = new Viewer(els.map, {basemap, onClick: onMapClick});
  els['color-by'].addEventListener('change', (e) => setColorBy(e.target.value));
  els['agency-filter'].addEventListener('change', (e) => setAgency(e.target.value || null, {fit: true}));
  onLangChange(() => {
    invalidateReport();
    fillSelects();
    renderAll();
    if (state.roomId) selectRoom(state.roomId);
    dashboardModule.refresh();
  });
  dashboard = dashboardModule;
  replace(els.panel, messageCard(t('app.loading')));
  try {
    await loadRegister();
  } catch (err) {
    state.error = err.message;
    replace(els.panel, messageCard(t('app.loadFailed', {message: err.message}), 'error'));
    state.ready = true;
    return;
  }
  fillSelects();
  viewer.setBuildings(data.buildings, data.sites);
  viewer.fitAll(true);
  renderAll();
  state.ready = true;
}

let dashboard = {refresh() {}, show() {}};

/** Follows the tab the page shows (main.js routes): the map, the dashboard or another page. */
export function showTab(tab) {
  state.tab = tab;
  if (tab === 'dashboard') dashboard.show();
  else if (tab === 'map' && viewer) (state.editing ? editor?.updateSize() : viewer.updateSize());
}

function fillSelects() {
  const sel = els['agency-filter'];
  const agencies = [...data.agencies.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  replace(sel, h('option', {value: ''}, t('filter.allAgencies')), agencies.map((a) => h('option', {value: a.id}, a.name)));
  sel.value = state.agencyId || '';
  const cb = els['color-by'];
  replace(cb, ['status', 'agency', 'usage'].map((m) => h('option', {value: m}, t(`color.${m}`))));
  cb.value = state.colorBy;
}

function renderAll() {
  renderPanel();
  renderLevels();
  renderLegend();
}

function renderPanel() {
  if (state.editing) return; // the editor owns the panel
  const notice = state.notice ? messageCard(t(state.notice), 'error') : null;
  if (notice) notice.id = 'link-notice';
  let card;
  const building = state.buildingId ? data.buildings.get(state.buildingId) : null;
  const floor = state.floorId ? floorById(state.floorId) : null;
  if (state.room) card = roomCard(state.room, state.room.findings);
  else if (state.agencyId) card = agencyCard(state.agencyId, state.agencyRooms);
  else if (building) card = floorCard(building, floor, state.floorRooms, state.colorBy);
  else card = overviewCard();
  replace(els.panel, notice, card);
}

function renderLevels() {
  const box = els.levels;
  if (!state.buildingId || state.editing) {
    box.hidden = true;
    return;
  }
  const floors = data.floors.get(state.buildingId) || [];
  const b = data.buildings.get(state.buildingId);
  box.hidden = false;
  replace(box,
    h('div', {class: 'levels-head', title: b?.name}, b?.name || ''),
    h('div', {class: 'levels-list', role: 'group', 'aria-label': t('building.chooseFloor')},
      [...floors].reverse().map((f) => h('button', {
        class: f.id === state.floorId ? 'level active' : 'level', dataset: {floorId: f.id, ordinal: f.ordinal},
        'aria-pressed': f.id === state.floorId ? 'true' : 'false', onClick: () => showFloor(f.id),
      }, f.name))),
    h('button', {class: 'level close', title: t('building.back'), onClick: () => showOverview()}, '×'));
}

function renderLegend() {
  const box = els.legend;
  const feats = state.floorRooms?.features || [];
  let title;
  let entries;
  if (state.colorBy === 'agency') {
    title = t('legend.agency');
    const ids = state.agencyId ? [state.agencyId] : [...new Set(feats.map((f) => f.properties.agency_id || ''))];
    entries = ids.map((id) => [agencyColor(id), agencyName(id, true) || t('legend.unallocated')])
      .sort((a, b) => a[1].localeCompare(b[1], 'zh-CN'));
  } else if (state.colorBy === 'usage') {
    title = t('legend.usage');
    const present = new Set(feats.map((f) => f.properties.usage));
    entries = USAGES.filter((u) => !feats.length || present.has(u)).map((u) => [usageColor(u), usageLabel(u), u === VOID]);
  } else {
    title = t('legend.status');
    entries = STATUSES.map((s) => [statusColor(s), statusLabel(s)]);
  }
  // Voids are hatched whatever the colouring: the legend says they are no floor area.
  if (state.colorBy !== 'usage' && feats.some((f) => f.properties.usage === VOID)) entries.push([usageColor(VOID), t('legend.void'), true]);
  replace(box, h('div', {class: 'legend-title'}, title),
    h('ul', null, entries.map(([c, label, hatched]) => h('li', null, hatched ? h('span', {class: 'swatch void'}) : swatch(c), label))));
  box.hidden = state.editing;
}

function onMapClick({room, buildingId}) {
  if (state.editing) return;
  if (room) {
    if (room.floor_id !== state.floorId) {
      const floor = floorById(room.floor_id);
      const b = floor?.building_id || buildingId;
      navigation(async () => {
        await selectBuilding(b, {floorId: room.floor_id, fit: false});
        await selectRoom(room.id);
      });
      return;
    }
    selectRoom(room.id);
    return;
  }
  if (buildingId && buildingId !== state.buildingId) {
    selectBuilding(buildingId);
    return;
  }
  if (state.roomId) selectRoom(null);
}

/** Back to all buildings. */
export function showOverview() {
  seq++;
  Object.assign(state, {buildingId: null, floorId: null, roomId: null, room: null, floorRooms: null, highlight: []});
  viewer.setRooms({floorId: null, agencyId: state.agencyId});
  viewer.setFloorRooms(null);
  viewer.setSelection({});
  viewer.fitAll();
  renderAll();
  record();
}

/** Chooses a building and shows one of its floors (floorId, or the lowest above ground). */
export async function selectBuilding(id, {floorId, fit = true} = {}) {
  if (!id) return;
  const my = ++seq;
  Object.assign(state, {buildingId: id, roomId: null, room: null});
  viewer.setSelection({buildingId: id});
  if (fit) viewer.fitBuilding(id);
  let floors;
  try {
    floors = await floorsOf(id);
  } catch (err) {
    return failed(err);
  }
  if (my !== seq) return;
  const floor = floors.find((f) => f.id === floorId) || floors.find((f) => f.ordinal >= 0) || floors[0];
  if (!floor) {
    Object.assign(state, {floorId: null, floorRooms: null});
    viewer.setRooms({floorId: null, agencyId: state.agencyId});
    renderAll();
    record();
    return;
  }
  await showFloor(floor.id, my);
}

/** Shows a floor of the current building. */
export async function showFloor(floorId, my = ++seq) {
  Object.assign(state, {floorId, roomId: null, room: null, highlight: []});
  record();
  viewer.setRooms({floorId, agencyId: state.agencyId});
  viewer.setSelection({buildingId: state.buildingId, highlight: state.highlight});
  renderLevels();
  let fc;
  try {
    fc = await roomsOf(floorId);
  } catch (err) {
    return failed(err);
  }
  if (my !== seq) return;
  state.floorRooms = fc;
  viewer.setFloorRooms(fc);
  renderAll();
}

/** Selects a room of the current floor (null: none) and shows its card; fly moves the map to it. */
export async function selectRoom(id, {fly = false, highlight} = {}) {
  if (highlight) state.highlight = highlight;
  state.roomId = id;
  record();
  viewer.setSelection({buildingId: state.buildingId, roomId: id, highlight: state.highlight});
  if (!id) {
    state.room = null;
    renderPanel();
    return;
  }
  if (fly) viewer.flyToRoom(id);
  const my = seq;
  try {
    // Findings come from the report, which only roles with the report action read (null: not shown).
    const [room, rep] = await Promise.all([get(`/api/v1/rooms/${id}`), can('report') ? report() : null]);
    if (my !== seq || state.roomId !== id) return;
    room.findings = rep ? findingsFor(rep, id, room.properties.occupants.map((o) => o.id)) : null;
    state.room = room;
  } catch (err) {
    return failed(err);
  }
  renderPanel();
}

/**
 * Goes to a hit of the search box: a room (its floor), a person (their room), an agency (its rooms
 * everywhere) or a building.
 */
export async function goTo(hit) {
  if (state.editing) return;
  if (state.tab !== 'map') toMap();
  await navigation(() => goToHit(hit));
}

async function goToHit(hit) {
  switch (hit.kind) {
    case 'building':
      await selectBuilding(hit.id);
      return;
    case 'agency':
      await setAgency(hit.id, {fit: true, overview: true});
      return;
    case 'room':
      if (state.agencyId) await setAgency(null, {quiet: true});
      await selectBuilding(hit.building_id, {floorId: hit.floor_id, fit: false});
      await selectRoom(hit.id, {fly: true, highlight: [hit.id]});
      return;
    case 'person': {
      if (!hit.floor_id) {
        toast(t('search.noOffice', {name: hit.label}));
        return;
      }
      if (state.agencyId) await setAgency(null, {quiet: true});
      await selectBuilding(hit.building_id, {floorId: hit.floor_id, fit: false});
      const rooms = (state.floorRooms?.features || []).filter((f) => f.properties.occupants.some((o) => o.id === hit.id));
      if (!rooms.length) {
        viewer.fitBuilding(hit.building_id);
        toast(t('search.noOffice', {name: hit.label}));
        return;
      }
      const main = rooms.find((f) => f.properties.occupants.some((o) => o.id === hit.id && o.kind === 'main')) || rooms[0];
      await selectRoom(main.id, {fly: true, highlight: rooms.map((f) => f.id)});
    }
  }
}

/** Filters the map to one agency's rooms (null: all). */
export async function setAgency(id, {fit = false, overview = false, quiet = false} = {}) {
  state.agencyId = id || null;
  state.agencyRooms = null;
  viewer.setMarkedBuildings(null);
  els['agency-filter'].value = state.agencyId || '';
  if (overview && state.buildingId) {
    seq++;
    Object.assign(state, {buildingId: null, floorId: null, roomId: null, room: null, floorRooms: null, highlight: []});
    viewer.setFloorRooms(null);
    viewer.setSelection({});
  }
  if (state.agencyId && !state.floorId) state.room = null;
  viewer.setRooms({floorId: state.floorId, agencyId: state.agencyId});
  if (!state.agencyId) {
    record();
    if (!quiet) renderAll();
    if (!state.floorId && !quiet) viewer.fitAll();
    return;
  }
  state.room = null;
  state.roomId = null;
  record();
  viewer.setSelection({buildingId: state.buildingId, highlight: state.highlight});
  renderAll();
  const my = state.agencyId;
  try {
    const rooms = await agencyRooms(my);
    await Promise.all([...new Set(rooms.map((r) => r.building_id))].map((b) => floorsOf(b)));
    if (state.agencyId !== my) return;
    state.agencyRooms = rooms;
    viewer.setMarkedBuildings(rooms.map((r) => r.building_id));
    if (fit && !state.floorId && rooms.length) viewer.fitGeometries(rooms.map((r) => r.geometry), 19);
  } catch (err) {
    return failed(err);
  }
  renderAll();
}

/**
 * Lands on a building just imported: reads the register again (the new building, its site and
 * footprint), forgets what the import may have changed (its floors, the report, the room tiles), then
 * chooses the building and zooms to its footprint — or, when it has none, to its rooms.
 */
export async function landOn(buildingId) {
  if (state.editing) return;
  try {
    await loadRegister();
  } catch (err) {
    return failed(err);
  }
  data.floors.delete(buildingId);
  invalidateReport();
  fillSelects();
  viewer.setBuildings(data.buildings, data.sites);
  viewer.refreshRooms();
  dashboard.refresh();
  viewer.updateSize();
  await navigation(async () => {
    if (state.agencyId) await setAgency(null, {quiet: true});
    await selectBuilding(buildingId);
  });
  const b = data.buildings.get(buildingId);
  if (b && !b.footprint && state.buildingId === buildingId && state.floorRooms?.features.length) {
    viewer.fitGeometries(state.floorRooms.features.map((f) => f.geometry));
  }
}

/** Switches the room colouring: status, agency or usage. */
export function setColorBy(mode) {
  state.colorBy = mode;
  els['color-by'].value = mode;
  viewer.setColorBy(mode);
  renderAll();
  record();
}

/** Shows the map filtered to an agency, from the dashboard. */
export function showAgencyOnMap(id) {
  toMap();
  navigation(() => setAgency(id, {fit: true, overview: true}));
}

// ---- the view in the address ----

const COLORINGS = ['status', 'agency', 'usage'];

/** The address of the map's current view: #/map, then what is chosen (the default colouring left out). */
export function mapHash() {
  const q = new URLSearchParams();
  if (state.buildingId) q.set('b', state.buildingId);
  if (state.buildingId && state.floorId) q.set('f', state.floorId);
  if (state.floorId && state.roomId) q.set('r', state.roomId);
  if (state.colorBy !== 'status') q.set('color', state.colorBy);
  if (state.agencyId) q.set('agency', state.agencyId);
  const s = q.toString();
  return s ? `#/map?${s}` : '#/map';
}

/** Switches the page to the map tab on its current view (main.js routes at the hashchange, which is not followed). */
export function toMap() {
  written = mapHash();
  location.hash = written;
}

/**
 * Writes the map's view into the address: a new history entry (replace: the current one) when it
 * changed. Nothing while a link is restored or a navigation of several steps runs, nor on another tab.
 * The map tab's link keeps the view, so that leaving the dashboard returns to it.
 */
function record({replace: replacing = false} = {}) {
  if (holding > 0 || !state.ready) return;
  if (state.tab !== 'map' && !location.hash.startsWith('#/map')) return;
  const hash = mapHash();
  document.querySelector('a[data-tab="map"]')?.setAttribute('href', hash);
  written = hash;
  if (hash === location.hash) return;
  if (replacing) {
    history.replaceState(history.state, '', hash);
    return;
  }
  history.pushState(null, '', hash);
  if (state.notice) {
    state.notice = null;
    document.getElementById('link-notice')?.remove();
  }
}

/** Runs a navigation of several steps (search, a room on another floor) as one history entry. */
async function navigation(steps) {
  holding++;
  try {
    await steps();
  } finally {
    holding--;
    record();
  }
}

/**
 * Follows the address (main.js calls it at start and at every hashchange, once the tab is routed): on
 * the map tab, a view other than the one shown is restored without a new history entry.
 */
export function followHash(tab) {
  if (!state.ready || state.error || location.hash === written) return;
  written = location.hash;
  if (tab !== 'map' || state.editing) return;
  const i = location.hash.indexOf('?');
  restore(new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1)));
}

/**
 * Restores the view a link names. Only what differs from the view shown changes. A building, floor,
 * agency or room that does not exist or that the user may not see (the API answers 404) leaves a
 * notice and the overview. The address is then made to say what is shown (replacing, not pushing).
 */
async function restore(q) {
  holding++;
  const my = ++restoring;
  state.notice = null;
  try {
    await restoreView(q, () => my === restoring);
  } catch (err) {
    failed(err);
  } finally {
    holding--;
  }
  if (my === restoring) record({replace: true});
}

async function restoreView(q, current) {
  const unreadable = () => {
    state.notice = 'link.unreadable';
    if (state.buildingId) showOverview();
    else renderAll();
  };
  const color = COLORINGS.includes(q.get('color')) ? q.get('color') : 'status';
  if (color !== state.colorBy) setColorBy(color);
  const agencyId = q.get('agency') || null;
  if (agencyId && !data.agencies.has(agencyId)) {
    if (state.agencyId) await setAgency(null, {quiet: true});
    return unreadable();
  }
  const buildingId = q.get('b') || null;
  const floorId = q.get('f') || null;
  const roomId = q.get('r') || null;
  if (agencyId !== state.agencyId) await setAgency(agencyId, {fit: !buildingId, overview: !buildingId, quiet: !!buildingId});
  if (!current()) return;
  if (!buildingId) {
    if (floorId || roomId) return unreadable();
    if (state.buildingId) showOverview();
    return;
  }
  if (!data.buildings.has(buildingId)) return unreadable();
  // The room first: one the user may not see answers 404, and the link must not open its floor then.
  let room = null;
  if (roomId && roomId !== state.roomId) {
    try {
      room = await get(`/api/v1/rooms/${encodeURIComponent(roomId)}`);
    } catch (err) {
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) return unreadable();
      throw err;
    }
    if (!current()) return;
    if (floorId && room.properties.floor_id !== floorId) return unreadable();
  }
  const wantFloor = floorId || room?.properties.floor_id || null;
  if (buildingId !== state.buildingId || (wantFloor && wantFloor !== state.floorId)) {
    const known = data.floors.get(buildingId);
    if (buildingId === state.buildingId && known?.some((f) => f.id === wantFloor)) await showFloor(wantFloor);
    else await selectBuilding(buildingId, {floorId: wantFloor});
    if (!current()) return;
    if (state.buildingId !== buildingId || (wantFloor && state.floorId !== wantFloor)) return unreadable();
  }
  if ((roomId || null) !== state.roomId) await selectRoom(roomId, {fly: !!roomId});
}

function failed(err) {
  const msg = err instanceof ApiError && err.status === 0 ? t('error.network') : err.message;
  toast(t('error.generic', {message: msg}), 'error');
}

async function openEditor(roomId) {
  if (!state.floorId || state.editing) return;
  if (!editor) {
    try {
      editor = await import('./editor.js');
    } catch (err) {
      return failed(err);
    }
  }
  state.editing = true;
  els.map.hidden = true;
  els.levels.hidden = true;
  els.legend.hidden = true;
  await editor.open({floorId: state.floorId, buildingId: state.buildingId, roomId,
    onExit: (changed) => closeEditor(changed)});
}

async function closeEditor(changed) {
  state.editing = false;
  els.map.hidden = false;
  viewer.updateSize();
  if (changed) {
    invalidateReport();
    viewer.refreshRooms();
    dashboard.refresh();
  }
  const roomId = state.roomId;
  await navigation(async () => {
    await showFloor(state.floorId);
    if (roomId && state.floorRooms?.features.some((f) => f.id === roomId)) await selectRoom(roomId);
  });
}

/** What the page shows, for tests and support (see README: window.officemap). */
export function snapshot() {
  const floor = state.floorId ? floorById(state.floorId) : null;
  return {
    ready: state.ready,
    tab: state.tab,
    lang: lang(),
    building: state.buildingId,
    floor: floor ? {id: floor.id, name: floor.name, ordinal: floor.ordinal} : null,
    room: state.roomId,
    highlight: [...state.highlight],
    colorBy: state.colorBy,
    agency: state.agencyId,
    editing: state.editing,
    openings: state.editing ? editor.openingCount() : viewer ? viewer.openingCount() : 0,
    busy: !state.ready || holding > 0 || pending() > 0 || (state.editing ? editor.busy() : !!viewer && viewer.busy()),
    editor: state.editing ? editor.editorState() : null,
    error: state.error,
  };
}

export function renderedRoomIds() {
  return state.editing ? editor.roomIds() : viewer.renderedRoomIds();
}

export function roomPixel(id) {
  return state.editing ? editor.roomPixel(id) : viewer.roomPixel(id);
}

/** The pixel of a position: local metres [x, y] in the editor, [lon, lat] in the viewer. */
export function pixelOf(coord) {
  return state.editing ? editor.pixelOf(coord) : viewer.pixelOfLonLat(coord);
}
