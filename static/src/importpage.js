// The import page (导入), for users whose roles may import: a drawing or a data file (DXF, OSM, an IMDF
// zip, GeoJSON) with the options its format needs, a dry run first whose summary says what the import
// would do (counts, warnings, repairs, skipped rooms with their reasons, notes), then the import itself:
// POST /api/v1/imports/{format} with the file as the body and the UI's language as Accept-Language, so
// that the server tells the summary in it. A DXF drawing has no place on the earth: its origin is typed,
// or picked by clicking the small map, with a rotation. After an import the app lands on the new
// building (onImported). Nothing here leaves the server: the small map shows the register's own
// buildings (and the operator's basemap when one is configured).

import Map from 'ol/Map.js';
import View from 'ol/View.js';
import Feature from 'ol/Feature.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import Point from 'ol/geom/Point.js';
import {Circle as CircleStyle, Fill, Stroke, Style, Text} from 'ol/style.js';
import {buffer, getHeight, getWidth, isEmpty} from 'ol/extent.js';
import {fromLonLat, toLonLat} from 'ol/proj.js';
import {defaults as defaultControls} from 'ol/control.js';

import {query, request} from './api.js';
import {h, replace, tableBox, toast} from './dom.js';
import {area, t} from './i18n.js';
import {data} from './data.js';
import {FONT_FAMILY, basemapLayer} from './viewer.js';
import {importSwitch} from './staffpage.js';

const FORMATS = ['dxf', 'osm', 'imdf', 'geojson'];
const EXTENSIONS = {dxf: 'dxf', osm: 'osm', zip: 'imdf', geojson: 'geojson', json: 'geojson'};
const UNITS = ['', 'mm', 'cm', 'm', 'in', 'ft'];
// The options of DXF drawings only: the server refuses them for the other formats.
const DXF_ONLY = ['units', 'rooms_layer', 'labels_layer', 'names_layer', 'outline_layer'];

const geojson = new GeoJSON({dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857'});

const page = {
  root: null,
  els: null,
  map: null,
  buildings: null, // VectorSource: the register's footprints
  marker: null, // VectorSource: the origin
  fitted: false,
  checked: null, // the key of the input whose dry run passed: the import button needs it
  onImported: () => {},
  basemap: null,
};

/** A text in the UI's language that follows a language switch (translate fills data-i18n). */
const L = (key, tag = 'span', attrs = {}) => h(tag, {...attrs, 'data-i18n': key}, t(key));

function field(key, control, hint) {
  return h('label', {class: 'field'}, L(key), control, hint ? L(hint, 'small', {class: 'hint'}) : null);
}

/**
 * Shows the page in el. onImported(buildingId) is called after an import with the building it wrote;
 * basemap is the page's basemap configuration (or null).
 */
export function show(el, {onImported, basemap}) {
  page.onImported = onImported;
  page.basemap = basemap;
  if (page.root !== el) {
    page.root = el;
    build();
  }
  fillSites();
  showBuildings();
  page.map.updateSize();
  if (!page.fitted) fitAll();
}

function build() {
  const num = (id, step, extra = {}) => h('input', {id, type: 'number', step, inputmode: 'decimal', ...extra});
  const text = (id) => h('input', {id, type: 'text', autocomplete: 'off', spellcheck: 'false'});
  const els = {
    file: h('input', {id: 'import-file', type: 'file', accept: '.dxf,.osm,.zip,.geojson,.json'}),
    format: h('select', {id: 'import-format'}, FORMATS.map((f) => h('option', {value: f, 'data-i18n': `import.format.${f}`}, t(`import.format.${f}`)))),
    building: text('import-building'),
    site: h('select', {id: 'import-site'}),
    lon: num('import-lon', 'any', {min: -180, max: 180}),
    lat: num('import-lat', 'any', {min: -90, max: 90}),
    rotation: num('import-rotation', 'any'),
    level: num('import-level', '1'),
    units: h('select', {id: 'import-units'}, UNITS.map((u) => h('option', {value: u, 'data-i18n': `import.units.${u || 'auto'}`}, t(`import.units.${u || 'auto'}`)))),
    rooms_layer: text('import-rooms-layer'),
    labels_layer: text('import-labels-layer'),
    names_layer: text('import-names-layer'),
    outline_layer: text('import-outline-layer'),
    snap: num('import-snap', 'any', {min: 0}),
    max_repair: num('import-max-repair', 'any', {min: 0}),
    valid_from: h('input', {id: 'import-valid-from', type: 'date'}),
    skip_invalid: h('input', {id: 'import-skip-invalid', type: 'checkbox'}),
    ignore_footprint: h('input', {id: 'import-ignore-footprint', type: 'checkbox'}),
    dry: h('button', {id: 'import-dry-run', type: 'button', class: 'primary', 'data-i18n': 'import.dryRun', onClick: () => submit(true)}, t('import.dryRun')),
    run: h('button', {id: 'import-run', type: 'button', 'data-i18n': 'import.run', disabled: true, onClick: () => submit(false)}, t('import.run')),
    status: h('p', {id: 'import-status', class: 'muted', role: 'status'}),
    result: h('div', {id: 'import-result'}),
    map: h('div', {id: 'import-map', class: 'import-map'}),
  };
  page.els = els;
  const dxfOnly = (node) => h('div', {class: 'dxf-only'}, node);
  replace(page.root, h('div', {class: 'audit pad', id: 'import-page'},
    importSwitch('import'),
    L('import.title', 'h2'),
    L('import.intro', 'p', {class: 'hint'}),
    h('form', {id: 'import-form', class: 'import-form', novalidate: true, onSubmit: (e) => e.preventDefault()},
      h('div', {class: 'import-fields'},
        field('import.file', els.file),
        field('import.format', els.format),
        field('import.building', els.building, 'import.buildingHint'),
        field('import.site', els.site),
        h('fieldset', null, L('import.placement', 'legend'),
          L('import.placementHint', 'p', {class: 'hint'}),
          h('div', {class: 'row'}, field('import.lon', els.lon), field('import.lat', els.lat)),
          h('div', {class: 'row'}, field('import.rotation', els.rotation), field('import.level', els.level, 'import.levelHint')),
          dxfOnly(field('import.units', els.units))),
        h('details', {id: 'import-advanced'}, L('import.advanced', 'summary'),
          dxfOnly(h('div', {class: 'row'}, field('import.roomsLayer', els.rooms_layer), field('import.labelsLayer', els.labels_layer))),
          dxfOnly(h('div', {class: 'row'}, field('import.namesLayer', els.names_layer), field('import.outlineLayer', els.outline_layer))),
          h('div', {class: 'row'}, field('import.snap', els.snap, 'import.snapHint'), field('import.maxRepair', els.max_repair, 'import.maxRepairHint')),
          field('import.validFrom', els.valid_from),
          h('label', {class: 'check'}, els.ignore_footprint, L('import.ignoreFootprint'))),
        h('label', {class: 'check'}, els.skip_invalid, L('import.skipInvalid')),
        h('div', {class: 'actions'}, els.dry, ' ', els.run),
        els.status),
      h('div', {class: 'import-side'}, els.map, L('import.mapHint', 'p', {class: 'hint'}), els.result))));
  els.file.addEventListener('change', () => {
    const ext = (els.file.files[0]?.name.match(/\.([a-z0-9]+)$/i) || [])[1]?.toLowerCase();
    if (EXTENSIONS[ext]) els.format.value = EXTENSIONS[ext];
    changed();
  });
  els.format.addEventListener('change', changed);
  page.root.querySelector('#import-form').addEventListener('input', changed);
  for (const id of ['lon', 'lat']) els[id].addEventListener('input', placeMarker);
  createMap();
  changed();
}

function fillSites() {
  const sel = page.els.site;
  const was = sel.value;
  const sites = [...data.sites.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
  replace(sel, h('option', {value: '', 'data-i18n': 'import.newSite'}, t('import.newSite')), sites.map((s) => h('option', {value: s.id}, s.name)));
  sel.value = sites.some((s) => s.id === was) ? was : '';
}

// ---- the small map: the register's buildings, click to set the origin ----

function createMap() {
  page.buildings = new VectorSource();
  page.marker = new VectorSource();
  const layers = [];
  const base = basemapLayer(page.basemap);
  if (base) layers.push(base);
  layers.push(
    new VectorLayer({source: page.buildings, style: buildingStyle}),
    new VectorLayer({source: page.marker, style: new Style({image: new CircleStyle({radius: 7,
      fill: new Fill({color: 'rgba(215,48,31,0.85)'}), stroke: new Stroke({color: '#fff', width: 2})})})}));
  page.map = new Map({
    target: page.els.map,
    layers,
    view: new View({center: [0, 0], zoom: 2, maxZoom: 21}),
    controls: defaultControls({attribution: !!base, rotate: false}),
  });
  page.map.on('singleclick', (e) => {
    const [lon, lat] = toLonLat(e.coordinate);
    page.els.lon.value = lon.toFixed(7);
    page.els.lat.value = lat.toFixed(7);
    placeMarker();
    changed();
  });
}

const buildingFill = new Style({fill: new Fill({color: '#efece6'}), stroke: new Stroke({color: '#8a8580', width: 1.2})});
const buildingDot = new Style({geometry: (f) => f.getGeometry().getInteriorPoint(),
  image: new CircleStyle({radius: 4, fill: new Fill({color: '#8a8580'}), stroke: new Stroke({color: '#fff', width: 1})})});

/** A building: its outline, a dot when it is too small to see, its name when there is room for it. */
function buildingStyle(f, res) {
  const ext = f.getGeometry().getExtent();
  const px = Math.max(getWidth(ext), getHeight(ext)) / res;
  const styles = [buildingFill];
  if (px < 8) styles.push(buildingDot);
  if (px > 40) {
    styles.push(new Style({text: new Text({text: f.get('name'), font: `12px ${FONT_FAMILY}`, fill: new Fill({color: '#333'}),
      stroke: new Stroke({color: '#fff', width: 3})})}));
  }
  return styles;
}

function showBuildings() {
  page.buildings.clear();
  for (const b of data.buildings.values()) {
    if (b.footprint) page.buildings.addFeature(new Feature({geometry: geojson.readGeometry(b.footprint), name: b.name}));
  }
}

/** Fits the small map to the register's buildings, with room around them to pick a free spot. */
function fitAll() {
  const ext = page.buildings.getExtent();
  if (isEmpty(ext) || !Number.isFinite(ext[0]) || !page.map.getSize()?.[0]) return;
  page.map.getView().fit(buffer(ext, Math.max(500, 0.25 * Math.max(getWidth(ext), getHeight(ext)))), {padding: [20, 20, 20, 20]});
  page.fitted = true;
}

/** The origin the fields give, as [lon, lat], or null when they do not give one. */
function origin() {
  const lon = parseFloat(page.els.lon.value);
  const lat = parseFloat(page.els.lat.value);
  return Number.isFinite(lon) && Number.isFinite(lat) ? [lon, lat] : null;
}

function placeMarker() {
  page.marker.clear();
  const o = origin();
  if (o && Math.abs(o[0]) <= 180 && Math.abs(o[1]) <= 90) page.marker.addFeature(new Feature({geometry: new Point(fromLonLat(o))}));
}

/** The pixel of a [lon, lat] position on the small map (for tests), or null before it is shown. */
export function pixelOf(lonlat) {
  return page.map?.getSize() ? page.map.getPixelFromCoordinate(fromLonLat(lonlat)) : null;
}

// ---- the request ----

/**
 * The query parameters of the form (without dry_run), or throws an Error naming the field that is
 * wrong. Empty fields are left out: the server chooses.
 */
function params() {
  const els = page.els;
  const file = els.file.files[0];
  if (!file) throw new Error(t('import.needFile'));
  const format = els.format.value;
  const v = (k) => els[k].value.trim();
  const p = {filename: file.name, building: v('building'), site_id: v('site'), rotation: v('rotation'), level: v('level'),
    snap: v('snap'), max_repair: v('max_repair'), valid_from: v('valid_from'),
    skip_invalid: els.skip_invalid.checked ? 'true' : '', ignore_footprint: els.ignore_footprint.checked ? 'true' : ''};
  if (format === 'dxf') for (const k of DXF_ONLY) p[k] = v(k);
  const lon = v('lon');
  const lat = v('lat');
  if (lon || lat) {
    const o = origin();
    if (!o || Math.abs(o[0]) > 180 || Math.abs(o[1]) > 90) throw new Error(t('import.badOrigin'));
    p.origin = `${o[0]},${o[1]}`;
  }
  for (const k of ['rotation', 'snap', 'max_repair']) {
    if (p[k] !== '' && !Number.isFinite(Number(p[k]))) throw new Error(t('import.badNumber', {field: t(`import.${k === 'max_repair' ? 'maxRepair' : k}`)}));
  }
  if (p.level !== '' && !Number.isInteger(Number(p.level))) throw new Error(t('import.badLevel'));
  return {format, file, p};
}

/** What a dry run checked: the file and every option, so that the import sends what was checked. */
function keyOf({format, file, p}) {
  return JSON.stringify([format, file.name, file.size, file.lastModified, p]);
}

/** Follows a change of the form: the options a format takes, and whether the import may be sent. */
function changed() {
  const els = page.els;
  const dxf = els.format.value === 'dxf';
  for (const el of page.root.querySelectorAll('.dxf-only')) el.hidden = !dxf;
  let key = null;
  try {
    key = keyOf(params());
  } catch {
    key = null;
  }
  els.run.disabled = !key || key !== page.checked;
  if (page.checked && key !== page.checked && page.els.result.firstChild) {
    replace(els.status, L('import.stale'));
  }
}

async function submit(dry) {
  const els = page.els;
  let req;
  try {
    req = params();
  } catch (err) {
    els.status.className = 'error';
    replace(els.status, err.message);
    return;
  }
  const key = keyOf(req);
  if (!dry && key !== page.checked) return;
  els.dry.disabled = true;
  els.run.disabled = true;
  els.status.className = 'muted';
  replace(els.status, L(dry ? 'import.checking' : 'import.importing'));
  try {
    const {data: sum} = await request('POST', `/api/v1/imports/${req.format}${query({...req.p, dry_run: dry ? 'true' : ''})}`,
      {raw: req.file});
    page.checked = dry ? key : null;
    replace(els.status);
    replace(els.result, summaryView(sum));
    if (!dry) {
      const target = (sum.targets || []).find((x) => x.id && x.op !== 'unchanged') || (sum.targets || [])[0];
      toast(t('import.done', {name: target?.name || sum.file}), 'ok');
      if (target?.id) await page.onImported(target.id);
    }
  } catch (err) {
    page.checked = null;
    replace(els.status);
    replace(els.result, errorView(err));
  } finally {
    els.dry.disabled = false;
    changed();
  }
}

// ---- the summary ----

function table(id, heads, rows) {
  return tableBox(h('table', {class: 'grid', id},
    h('thead', null, h('tr', null, heads.map((k) => L(k, 'th')))),
    h('tbody', null, rows.map((r) => h('tr', null, r.map((c) => h('td', null, c)))))), t('table.scrolls'));
}

function list(id, title, items, cls) {
  if (!items?.length) return null;
  return [L(title, 'h3'), h('ul', {id, class: cls || null}, items.map((s) => h('li', null, s)))];
}

/** The summary of a dry run or an import, as the server told it. */
function summaryView(sum) {
  const counts = ['buildings', 'floors', 'rooms'].map((k) => [L(`import.count.${k}`), sum[k]?.created ?? 0,
    sum[k]?.updated ?? 0, sum[k]?.unchanged ?? 0]);
  const targets = (sum.targets || []).map((x) => h('li', {dataset: {buildingId: x.id}},
    h('b', null, x.name), ' · ', L(`import.op.${x.op}`), ' · ', t('import.target', {floors: x.floors, rooms: x.rooms, area: area(x.area_m2)})));
  const repairs = sum.repairs || [];
  const skipped = sum.skipped || [];
  return h('section', {id: 'import-summary', class: 'import-summary', dataset: {dryRun: sum.dry_run ? 'true' : 'false'}},
    L(sum.dry_run ? 'import.dryResult' : 'import.doneResult', 'h3'),
    h('p', {class: 'muted'}, `${sum.file} · ${sum.format}`),
    table('import-counts', ['import.count.what', 'import.count.created', 'import.count.updated', 'import.count.unchanged'], counts),
    targets.length ? [L('import.targets', 'h3'), h('ul', {id: 'import-targets'}, targets)] : null,
    list('import-warnings', 'import.warnings', sum.warnings, 'warn'),
    repairs.length ? [L('import.repairs', 'h3'), table('import-repairs',
      ['import.repair.floor', 'import.repair.room', 'import.repair.other', 'import.repair.area', 'import.repair.action'],
      repairs.map((r) => [r.floor, r.room, r.other, area(r.area_m2), r.action]))] : null,
    skipped.length ? [L('import.skipped', 'h3'), problemTable('import-skipped', skipped)] : null,
    list('import-notes', 'import.notes', sum.notes));
}

function problemTable(id, problems) {
  return table(id, ['import.problem.feature', 'import.problem.number', 'import.problem.reason'],
    problems.map((p) => [p.feature || p.source_id || '', p.number || '', p.reason]));
}

/** A refused request: the server's message (in the UI's language) and a rejected file's problems. */
function errorView(err) {
  const problems = Array.isArray(err.detail?.problems) ? err.detail.problems : [];
  return h('section', {id: 'import-error', class: 'import-summary'},
    h('p', {class: 'error'}, t('import.failed', {message: err.message})),
    problems.length ? [L('import.problems', 'h3'), problemTable('import-problems', problems)] : null);
}
