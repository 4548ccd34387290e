// The app's state and what changes it: choosing a building, a floor, a room, an agency filter, a
// colouring, a tab; the viewer, the panel, the legend and the level switcher follow. Search, the
// dashboard and the editor call into here.
//
// The map's view lives in the address (see static/README.md, "Links"):
// #/map?b=<building>&f=<floor>&r=<room>&color=agency|usage&agency=<agency>. Every navigation by the user
// pushes a history entry (record); Back, Forward, an edited address or an opened link restore the view
// (followHash), which pushes nothing.
//
// Loads commit or roll back: a floor, a building's floors or a room's findings are read first, and only
// once they have arrived do the state, the map, the panel, the level switcher and the address change,
// together; a load that fails leaves all of them on what was shown, with a message. A newer navigation
// aborts the load it supersedes.

import {ApiError, get, pending} from './api.js';
import {h, replace, swatch, toast} from './dom.js';
import {lang, onLangChange, statusLabel, t, usageLabel} from './i18n.js';
import {IDLE, STATUSES, USAGES, VOID, agencyColor, statusColor, usageColor} from './colors.js';
import {agencyName, agencyRooms, data, findingsOf, floorById, floorsOf, invalidateReport, loadRegister, roomsOf} from './data.js';
import {agencyCard, floorCard, messageCard, overviewCard, roomCard, setActions} from './panel.js';
import {can} from './session.js';
import {Viewer} from './viewer.js';

export const state = {
  ready: false,
  tab: 'map',
  buildingId: null,
  floorId: null,
  roomId: null,
  room: null, // the selected room's Feature (lon/lat) with its findings (null: the role reads no reports)
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
let roomSeq = 0; // the same for a room's findings
let loading = null; // the AbortController of the building or floor being loaded
let roomLoading = null; // the AbortController of the room's findings being read
let holding = 0; // > 0 while restoring a link or running a navigation of several steps: record waits
let written = null; // the address last written or followed: its hashchange is not followed again
let restoring = 0; // the restore running last; an older one stops at its next step
let focusHint = null; // the data-focus key to give the focus to after the next redraw, when its own is gone

/** Starts the app in the page. */
export async function start({basemap, dashboardModule}) {
  for (const id of ['map', 'editor-map', 'panel', 'levels', 'legend', 'agency-filter', 'color-by', 'map-view', 'dashboard-view', 'edit-toolbar']) {
    els[id] = document.getElementById(id);
  }
  setActions(() => ({
    building: (id) => selectBuilding(id),
    floor: (floorId, buildingId) => selectBuilding(buildingId, {floorId}),
    room: (id) => selectRoom(id, {fly: true}),
    closeRoom: () => {
      // Closing a room's card from the keyboard lands on that room's button in the floor's list.
      focusHint = state.roomId ? `room:${state.roomId}` : null;
      selectRoom(null);
    },
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
    if (state.roomId) selectRoom(state.roomId, {again: true});
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
  const building = state.buildingId ? data.buildings.get(state.buildingId) : null;
  const floor = state.floorId ? floorById(state.floorId) : null;
  const cards = [];
  if (state.room) cards.push(roomCard(state.room, state.room.findings));
  if (state.agencyId) cards.push(agencyCard(state.agencyId, state.agencyRooms));
  else if (building) cards.push(floorCard(building, floor, state.floorRooms, state.colorBy, state.roomId));
  if (!cards.length) cards.push(overviewCard());
  keepFocus(els.panel, () => replace(els.panel, notice, cards), () => els.panel.querySelector('h2[tabindex]'));
}

/**
 * keepFocus rebuilds container with build() and, when the keyboard focus was in it, puts the focus back
 * on the equivalent element (the one with the same data-focus key: the same room's button, the same
 * level) or, when there is none, on fallback() (a card's heading), so that it never drops to <body>.
 */
function keepFocus(container, build, fallback) {
  const active = document.activeElement;
  const had = !!active && active !== document.body && container.contains(active);
  const key = had ? active.closest('[data-focus]')?.dataset.focus : null;
  const hint = focusHint;
  focusHint = null;
  build();
  if (!had) return;
  const find = (k) => (k ? [...container.querySelectorAll('[data-focus]')].find((el) => el.dataset.focus === k) : null);
  (find(key) || find(hint) || fallback?.())?.focus();
}

function renderLevels() {
  const box = els.levels;
  if (!state.buildingId || state.editing) {
    keepFocus(box, () => {
      box.hidden = true;
    }, () => els.panel.querySelector('h2[tabindex]'));
    return;
  }
  const floors = data.floors.get(state.buildingId) || [];
  const b = data.buildings.get(state.buildingId);
  box.hidden = false;
  keepFocus(box, () => replace(box,
    h('div', {class: 'levels-head', title: b?.name}, b?.name || ''),
    h('div', {class: 'levels-list', role: 'group', 'aria-label': t('building.chooseFloor')},
      [...floors].reverse().map((f) => {
        const current = f.id === state.floorId;
        return h('button', {
          type: 'button', class: current ? 'level active' : 'level', dataset: {floorId: f.id, ordinal: f.ordinal, focus: `level:${f.id}`},
          'aria-pressed': current ? 'true' : 'false', 'aria-label': current ? t('level.current', {name: f.name}) : f.name,
          onClick: () => showFloor(f.id),
        }, f.name);
      })),
    h('button', {type: 'button', class: 'level close', title: t('building.back'), 'aria-label': t('building.back'),
      dataset: {focus: 'level:close'}, onClick: () => showOverview()}, '×')),
  () => box.querySelector('.level.active') || els.panel.querySelector('h2[tabindex]'));
}

/** Marks the level button of a floor being loaded (the pressed one stays on the floor shown until it has loaded). */
function markLoading(floorId) {
  for (const el of els.levels.querySelectorAll('button.level[data-floor-id]')) {
    const on = el.dataset.floorId === floorId;
    el.classList.toggle('loading', on);
    if (on) {
      el.setAttribute('aria-busy', 'true');
      el.setAttribute('aria-label', t('level.loading', {name: el.textContent}));
    } else el.removeAttribute('aria-busy');
  }
}

function renderLegend() {
  const box = els.legend;
  const feats = state.floorRooms?.features || [];
  let title;
  let entries; // [colour, label, kind: '' | 'void' | 'over' | 'idle']
  if (state.colorBy === 'agency') {
    title = t('legend.agency');
    const ids = state.agencyId ? [state.agencyId] : [...new Set(feats.map((f) => f.properties.agency_id || ''))];
    entries = ids.map((id) => [agencyColor(id), agencyName(id, true) || t('legend.unallocated'), ''])
      .sort((a, b) => a[1].localeCompare(b[1], 'zh-CN'));
  } else if (state.colorBy === 'usage') {
    title = t('legend.usage');
    const present = new Set(feats.map((f) => f.properties.usage));
    entries = USAGES.filter((u) => !feats.length || present.has(u)).map((u) => [usageColor(u), usageLabel(u), u === VOID ? 'void' : '']);
  } else {
    title = t('legend.status');
    // Over-standard rooms are hatched as well as coloured: the legend shows the hatching.
    entries = STATUSES.map((s) => [statusColor(s), s === 'over_standard' ? t('legend.overHatch') : statusLabel(s), s === 'over_standard' ? 'over' : '']);
  }
  // Voids are hatched whatever the colouring: the legend says they are no floor area.
  if (state.colorBy !== 'usage' && feats.some((f) => f.properties.usage === VOID)) entries.push([usageColor(VOID), t('legend.void'), 'void']);
  if (state.floorId && feats.some((f) => f.properties.state === IDLE)) entries.push(['', t('legend.idle'), 'idle']);
  const mark = (c, kind) => {
    if (kind === 'void') return h('span', {class: 'swatch void', 'aria-hidden': 'true'});
    if (kind === 'over') return h('span', {class: 'swatch over', style: {backgroundColor: c}, 'aria-hidden': 'true'});
    if (kind === 'idle') return h('span', {class: 'idle-mark', 'aria-hidden': 'true'});
    return swatch(c);
  };
  replace(box, h('div', {class: 'legend-title'}, title),
    h('ul', null, entries.map(([c, label, kind]) => h('li', {dataset: kind ? {kind} : null}, mark(c, kind), label))));
  box.hidden = state.editing;
}

function onMapClick({room, buildingId}) {
  if (state.editing) return;
  if (room) {
    if (room.floor_id !== state.floorId) {
      const floor = floorById(room.floor_id);
      const b = floor?.building_id || buildingId;
      navigation(async () => {
        if (await selectBuilding(b, {floorId: room.floor_id, fit: false}) === 'ok') await selectRoom(room.id);
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

/** Aborts the loads in progress (a building's floors, a floor, a room's findings): a newer navigation supersedes them. */
function abortLoads() {
  loading?.abort();
  loading = null;
  roomLoading?.abort();
  roomLoading = null;
}

/** Draws what the state says: the floor's rooms, or the agency's rooms everywhere. */
function drawRooms() {
  viewer.setRooms({floorId: state.floorId, fc: state.floorRooms, agencyId: state.agencyId, agencyRooms: state.agencyRooms});
  viewer.setSelection({buildingId: state.buildingId, roomId: state.roomId, highlight: state.highlight});
}

/** Back to all buildings. */
export function showOverview() {
  seq++;
  abortLoads();
  Object.assign(state, {buildingId: null, floorId: null, roomId: null, room: null, floorRooms: null, highlight: []});
  drawRooms();
  viewer.fitAll();
  renderAll();
  record();
}

/**
 * Chooses a building and shows one of its floors (floorId, or the lowest above ground). The map flies
 * there at once; the building's floors and the floor's rooms are read meanwhile (the only requests), and
 * the view changes when both have arrived. Returns 'ok', 'failed' (the previous view stays, a message
 * says why) or 'superseded'.
 */
export async function selectBuilding(id, {floorId, fit = true} = {}) {
  if (!id) return 'failed';
  const my = ++seq;
  abortLoads();
  const ctl = (loading = new AbortController());
  const before = state.buildingId;
  if (fit) viewer.fitBuilding(id);
  let floor = null;
  let fc = null;
  try {
    const floors = await floorsOf(id, {signal: ctl.signal});
    floor = floors.find((f) => f.id === floorId) || floors.find((f) => f.ordinal >= 0) || floors[0] || null;
    if (floor) fc = await roomsOf(floor.id, undefined, {signal: ctl.signal});
  } catch (err) {
    if (my !== seq) return 'superseded';
    loading = null;
    // Back to where the map was, since nothing else changed.
    if (fit && before) viewer.fitBuilding(before);
    else if (fit) viewer.fitAll();
    failed(err, 'load.buildingFailed', {building: data.buildings.get(id)?.name || id});
    return 'failed';
  }
  if (my !== seq) return 'superseded';
  loading = null;
  Object.assign(state, {buildingId: id, floorId: floor?.id ?? null, roomId: null, room: null, highlight: [], floorRooms: fc});
  drawRooms();
  renderAll();
  record();
  return 'ok';
}

/**
 * Shows a floor of the current building: its rooms are read first, and only then do the map, the level
 * switcher, the panel and the address move to it together. Returns 'ok', 'failed' or 'superseded'.
 */
export async function showFloor(floorId) {
  const my = ++seq;
  abortLoads();
  const ctl = (loading = new AbortController());
  markLoading(floorId);
  let fc;
  try {
    fc = await roomsOf(floorId, undefined, {signal: ctl.signal});
  } catch (err) {
    if (my !== seq) return 'superseded';
    loading = null;
    renderLevels(); // the pressed level is still the floor shown; only its loading mark goes
    failed(err, 'load.floorFailed', {floor: floorById(floorId)?.name || floorId});
    return 'failed';
  }
  if (my !== seq) return 'superseded';
  loading = null;
  Object.assign(state, {floorId, roomId: null, room: null, highlight: [], floorRooms: fc});
  drawRooms();
  renderAll();
  record();
  return 'ok';
}

/**
 * Selects a room of the current floor (null: none) and shows its card; fly moves the map to it. The card
 * comes from the floor's GeoJSON (the same properties as GET /api/v1/rooms/{id}); only the room's
 * findings are read, for roles that read reports. Until they arrive the previous selection stays; if
 * they cannot be read it stays, with a message. again re-reads the findings of the room shown (a new
 * language) without touching the rest.
 */
export async function selectRoom(id, {fly = false, highlight, again = false} = {}) {
  const mine = ++roomSeq;
  roomLoading?.abort();
  roomLoading = null;
  if (!id) {
    if (highlight) state.highlight = highlight;
    Object.assign(state, {roomId: null, room: null});
    viewer.setSelection({buildingId: state.buildingId, highlight: state.highlight});
    renderPanel();
    record();
    return;
  }
  const floorSeq = seq;
  const ctl = (roomLoading = new AbortController());
  let room = state.floorRooms?.features.find((f) => f.id === id) || null;
  let findings = null;
  try {
    if (!room) room = await get(`/api/v1/rooms/${encodeURIComponent(id)}`, {signal: ctl.signal});
    if (can('report')) findings = await findingsOf(id, {signal: ctl.signal});
  } catch (err) {
    if (mine !== roomSeq || floorSeq !== seq) return;
    roomLoading = null;
    failed(err, 'load.findingsFailed', {room: room?.properties.number || room?.properties.name || id});
    return;
  }
  if (mine !== roomSeq || floorSeq !== seq) return;
  roomLoading = null;
  if (highlight) state.highlight = highlight;
  Object.assign(state, {roomId: id, room: {...room, findings}});
  if (!again) {
    record();
    viewer.setSelection({buildingId: state.buildingId, roomId: id, highlight: state.highlight});
    if (fly) viewer.flyToRoom(id);
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
      if (await selectBuilding(hit.building_id, {floorId: hit.floor_id, fit: false}) !== 'ok') return;
      await selectRoom(hit.id, {fly: true, highlight: [hit.id]});
      return;
    case 'person': {
      if (!hit.floor_id) {
        toast(t('search.noOffice', {name: hit.label}));
        return;
      }
      if (state.agencyId) await setAgency(null, {quiet: true});
      if (await selectBuilding(hit.building_id, {floorId: hit.floor_id, fit: false}) !== 'ok') return;
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
    abortLoads();
    Object.assign(state, {buildingId: null, floorId: null, roomId: null, room: null, floorRooms: null, highlight: []});
  }
  if (state.agencyId && !state.floorId) state.room = null;
  drawRooms();
  if (!state.agencyId) {
    record();
    if (!quiet) renderAll();
    if (!state.floorId && !quiet) viewer.fitAll();
    return;
  }
  state.room = null;
  state.roomId = null;
  record();
  drawRooms();
  renderAll();
  const my = state.agencyId;
  try {
    const rooms = await agencyRooms(my);
    await Promise.all([...new Set(rooms.map((r) => r.building_id))].map((b) => floorsOf(b)));
    if (state.agencyId !== my) return;
    state.agencyRooms = rooms;
    drawRooms();
    viewer.setMarkedBuildings(rooms.map((r) => r.building_id));
    if (fit && !state.floorId && rooms.length) viewer.fitGeometries(rooms.map((r) => r.geometry), 19);
  } catch (err) {
    return failed(err);
  }
  renderAll();
}

/**
 * Lands on a building just imported: reads the register again (the new building, its site and
 * footprint), forgets what the import may have changed (its floors, the report), then
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
  // toMap pushed the map's entry; the agency's view replaces it, so that Back returns to the dashboard.
  navigation(() => setAgency(id, {fit: true, overview: true}), {replace: true});
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

/** Runs a navigation of several steps (search, a room on another floor) as one history entry (replace: the current one). */
async function navigation(steps, {replace: replacing = false} = {}) {
  holding++;
  try {
    await steps();
  } finally {
    holding--;
    record({replace: replacing});
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
    const done = buildingId === state.buildingId && known?.some((f) => f.id === wantFloor)
      ? await showFloor(wantFloor) : await selectBuilding(buildingId, {floorId: wantFloor});
    // A load that failed has said so and left the view as it was: the address is corrected to it.
    if (!current() || done !== 'ok') return;
    if (state.buildingId !== buildingId || (wantFloor && state.floorId !== wantFloor)) return unreadable();
  }
  if ((roomId || null) !== state.roomId) await selectRoom(roomId, {fly: !!roomId});
}

/**
 * failed tells what went wrong in a toast: what could not be done (what, an i18n key with vars, whose
 * {message} is the reason) or the generic message. A load its caller aborted is no failure: nothing.
 */
function failed(err, what = 'error.generic', vars = {}) {
  if (err instanceof ApiError && err.code === 'aborted') return;
  const msg = err instanceof ApiError && err.code === 'network' ? t('error.network') : err.message;
  toast(t(what, {...vars, message: msg}), 'error');
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
    dashboard.refresh();
  }
  const roomId = state.roomId;
  // The floor is read again (its ETag changed with the edits, so the browser gets the new rooms).
  await navigation(async () => {
    if (await showFloor(state.floorId) !== 'ok') return;
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
