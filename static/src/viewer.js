// The map of the viewer: a plain background (or an operator's basemap), site and building outlines
// from the API, and the rooms of the chosen floor (or of one agency everywhere) coloured by status,
// agency or usage. A floor is drawn from one source, its GeoJSON (GET /api/v1/floors/{id}/rooms): fills,
// outlines, labels, markers and doors; the agency view from the agency's rooms the app already read. It
// requests nothing itself (the rooms vector tiles are for GIS clients). It knows OpenLayers; it does not
// know the panel or the app's state machine — app.js tells it what to show and hears about clicks.

import Map from 'ol/Map.js';
import View from 'ol/View.js';
import Feature from 'ol/Feature.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import TileLayer from 'ol/layer/Tile.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import XYZ from 'ol/source/XYZ.js';
import {Circle as CircleStyle, Fill, Stroke, Style, Text} from 'ol/style.js';
import {fromExtent} from 'ol/geom/Polygon.js';
import Point from 'ol/geom/Point.js';
import {buffer, createEmpty, extend, getCenter, getHeight, getWidth, isEmpty} from 'ol/extent.js';
import {ScaleLine, defaults as defaultControls} from 'ol/control.js';

import {IDLE, IDLE_MARK, OPENING_COLOR, VOID, agencyColor, overStandardHatch, statusColor, usageColor, voidFill, withAlpha} from './colors.js';
import {onLangChange, t} from './i18n.js';
import {seesPersonal} from './session.js';

export const FONT_FAMILY = '"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif';
const font = (px, weight = 'normal') => `${weight} ${px}px ${FONT_FAMILY}`;

const geojson = new GeoJSON({dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857'});

const HIGHLIGHT = '#1f5fbf';

/**
 * The style of doors and other openings: a gap in the wall (a white casing over the rooms' outlines)
 * with the door's line in it, as the rendered plans draw them. width is the door line's width in pixels.
 */
export function openingStyle(width = 3) {
  return [
    new Style({stroke: new Stroke({color: '#ffffff', width: width * 1.8, lineCap: 'butt'})}),
    new Style({stroke: new Stroke({color: OPENING_COLOR, width, lineCap: 'butt'})}),
  ];
}

/** Room labels show from this resolution (EPSG:3857 metres per pixel, zoom 17) down. */
const LABEL_RESOLUTION = 1.2;

/** The marker of an idle room, at its label point above the number. */
const IDLE_STYLE = new Style({
  geometry: (f) => f.getGeometry().getInteriorPoint(),
  image: new CircleStyle({radius: 4.5, fill: new Fill({color: '#ffffff'}), stroke: new Stroke({color: IDLE_MARK, width: 2}),
    displacement: [0, 13], declutterMode: 'none'}),
  zIndex: 3,
});

/** The operator's basemap as a tile layer, or null when none is configured. */
export function basemapLayer(basemap) {
  if (!basemap || !basemap.url) return null;
  return new TileLayer({source: new XYZ({url: basemap.url, attributions: basemap.attribution || undefined, maxZoom: 19}),
    className: 'basemap'});
}

/** Viewer is the overview/floor map. */
export class Viewer {
  /**
   * @param {HTMLElement} target
   * @param {{basemap?: {url: string, attribution: string}, onClick: Function}} opts
   */
  constructor(target, opts) {
    this.onClick = opts.onClick;
    this.colorBy = 'status';
    this.floorId = null;
    this.agencyId = null;
    this.buildingId = null;
    this.roomId = null;
    this.highlight = new Set();
    this.marked = new Set(); // buildings holding rooms of the filtered agency
    this.shown = null; // what the rooms layer was filled from: a floor's FeatureCollection or an agency's rooms
    this.styleCache = new globalThis.Map();

    this.sitesSource = new VectorSource();
    this.buildingsSource = new VectorSource();
    this.roomsSource = new VectorSource();
    this.openingsSource = new VectorSource();

    const layers = [];
    const base = basemapLayer(opts.basemap);
    if (base) layers.push(base);
    this.hasBasemap = layers.length > 0;

    this.sitesLayer = new VectorLayer({source: this.sitesSource, style: (f) => this.siteStyle(f), declutter: 'sites'});
    this.buildingsLayer = new VectorLayer({
      source: this.buildingsSource, style: (f, res) => this.buildingStyle(f, res), declutter: 'buildings',
    });
    // One layer draws the rooms: fills, outlines, idle markers and labels (decluttered, so that labels
    // never overlap); the doors are drawn over it, and the decluttered labels over everything.
    this.roomsLayer = new VectorLayer({
      source: this.roomsSource, style: (f, res) => this.roomStyle(f, res), visible: false, minZoom: 14, declutter: 'rooms',
    });
    // The current floor's doors, over the rooms and under their labels.
    this.openingsLayer = new VectorLayer({source: this.openingsSource, style: openingStyle(), minZoom: 17});
    layers.push(this.sitesLayer, this.buildingsLayer, this.roomsLayer, this.openingsLayer);

    this.map = new Map({
      target,
      layers,
      view: new View({center: [0, 0], zoom: 2, maxZoom: 23, constrainResolution: false}),
      controls: defaultControls({attribution: this.hasBasemap, rotate: false}).extend([new ScaleLine({units: 'metric'})]),
    });
    // The map is reachable by keyboard: it takes the focus (with a visible ring, style.css), and then
    // OpenLayers' default KeyboardPan and KeyboardZoom, which listen on the map's element, pan with the
    // arrows and zoom with + and -. As an application, screen readers pass those keys through.
    target.tabIndex = 0;
    target.setAttribute('role', 'application');
    const label = () => target.setAttribute('aria-label', t('map.label'));
    label();
    onLangChange(label);
    this.map.on('singleclick', (e) => this.handleClick(e));
    this.map.on('pointermove', (e) => {
      if (e.dragging) return;
      const hit = this.map.hasFeatureAtPixel(e.pixel, {layerFilter: (l) => l === this.roomsLayer || l === this.buildingsLayer});
      this.map.getTargetElement().style.cursor = hit ? 'pointer' : '';
    });
  }

  /** Shows the site and building outlines. sites: Map id → site; buildings: Map id → building JSON. */
  setBuildings(buildings, sites) {
    this.buildingsSource.clear();
    this.sitesSource.clear();
    const bySite = new globalThis.Map();
    for (const b of buildings.values()) {
      if (!b.footprint) continue;
      const f = new Feature({geometry: geojson.readGeometry(b.footprint), name: b.name, id: b.id, site_id: b.site_id});
      f.setId(b.id);
      this.buildingsSource.addFeature(f);
      const ext = f.getGeometry().getExtent();
      bySite.set(b.site_id, extend(bySite.get(b.site_id) || createEmpty(), ext));
    }
    // A site has no boundary in the register: its outline is its buildings' extent with a margin.
    for (const [siteId, ext] of bySite) {
      const margin = Math.max(20, 0.08 * Math.max(getWidth(ext), getHeight(ext)));
      const f = new Feature({geometry: fromExtent(buffer(ext, margin)), name: sites.get(siteId)?.name || ''});
      f.setId(siteId);
      this.sitesSource.addFeature(f);
    }
    this.styleCache.clear();
    this.buildingsLayer.changed();
  }

  /** The extent (EPSG:3857) of all buildings, or null when there are none. */
  allExtent() {
    const ext = this.sitesSource.getFeatures().length ? this.sitesSource.getExtent() : this.buildingsSource.getExtent();
    return isEmpty(ext) || !Number.isFinite(ext[0]) ? null : ext;
  }

  /** Fits the view to an extent, animated unless instant. */
  fit(extent, {instant = false, maxZoom = 21, padding = 50} = {}) {
    if (!extent) return;
    const p = [padding + 20, padding, padding, padding];
    // A new fit supersedes the flight under way (OpenLayers would run both at once and land in between).
    this.map.getView().cancelAnimations();
    this.map.getView().fit(extent, {padding: p, maxZoom, duration: instant ? 0 : 600});
  }

  fitAll(instant) {
    this.fit(this.allExtent(), {instant, maxZoom: 19, padding: 30});
  }

  fitBuilding(id) {
    const f = this.buildingsSource.getFeatureById(id);
    if (f) this.fit(f.getGeometry().getExtent(), {maxZoom: 21});
  }

  /** Fits the view to GeoJSON geometries (lon/lat). */
  fitGeometries(geoms, maxZoom = 21) {
    let ext = createEmpty();
    for (const g of geoms) if (g) extend(ext, geojson.readGeometry(g).getExtent());
    if (!isEmpty(ext)) this.fit(ext, {maxZoom});
  }

  /**
   * Chooses the rooms drawn: a floor's (floorId, with fc its GeoJSON FeatureCollection in lon/lat and its
   * doors as openings, a MultiLineString), or with no floor one agency's rooms on every floor
   * (agencyRooms, as data.agencyRooms gives them); agencyId on a floor greys the other agencies' rooms.
   * The layer is filled again only when the data changed, not for a new filter or selection.
   */
  setRooms({floorId = null, fc = null, agencyId = null, agencyRooms = null} = {}) {
    this.floorId = floorId || null;
    this.agencyId = agencyId || null;
    const shown = this.floorId ? fc : this.agencyId ? agencyRooms : null;
    if (shown !== this.shown) {
      this.shown = shown;
      this.roomsSource.clear();
      this.openingsSource.clear();
      if (shown && this.floorId) {
        this.roomsSource.addFeatures(geojson.readFeatures(shown));
        if (shown.openings) this.openingsSource.addFeature(new Feature({geometry: geojson.readGeometry(shown.openings)}));
      } else if (shown) {
        this.roomsSource.addFeatures(shown.map(({geometry, ...props}) => {
          const f = new Feature({...props, geometry: geojson.readGeometry(geometry)});
          f.setId(props.id);
          return f;
        }));
      }
    }
    this.roomsLayer.setVisible(!!shown);
    this.styleCache.clear();
    this.roomsLayer.changed();
    this.buildingsLayer.changed();
  }

  /** The number of door lines drawn on the current floor. */
  openingCount() {
    return this.openingsSource.getFeatures().reduce((n, f) => n + f.getGeometry().getLineStrings().length, 0);
  }

  /** Marks the buildings that hold rooms of the filtered agency (visible at every zoom). */
  setMarkedBuildings(ids) {
    this.marked = new Set(ids || []);
    this.buildingsLayer.changed();
  }

  setColorBy(mode) {
    this.colorBy = mode;
    this.styleCache.clear();
    this.roomsLayer.changed();
  }

  /** Sets the chosen building and room and the highlighted room ids. */
  setSelection({buildingId, roomId, highlight}) {
    this.buildingId = buildingId || null;
    this.roomId = roomId || null;
    this.highlight = new Set(highlight || []);
    this.roomsLayer.changed();
    this.buildingsLayer.changed();
  }

  /**
   * Flies to a room of the current floor (from its GeoJSON): centred on the room, at the zoom that
   * shows its whole building, or closer for a room too small to see there.
   */
  flyToRoom(id) {
    const f = this.roomsSource.getFeatureById(id);
    if (!f) return false;
    const view = this.map.getView();
    const [w, h] = this.map.getSize();
    const room = f.getGeometry().getExtent();
    const b = this.buildingsSource.getFeatureById(this.buildingId);
    const whole = b ? b.getGeometry().getExtent() : room;
    const fit = view.getResolutionForExtent(whole, [w - 120, h - 120]);
    const legible = Math.max(getWidth(room), getHeight(room)) / 60; // the room at least 60 px wide
    const resolution = Math.max(Math.min(fit, legible), view.getResolutionForZoom(21));
    view.cancelAnimations();
    view.animate({center: getCenter(room), resolution, duration: 600});
    return true;
  }

  handleClick(e) {
    let room = null;
    let building = null;
    this.map.forEachFeatureAtPixel(e.pixel, (f, layer) => {
      if (layer === this.roomsLayer && !room && this.roomVisible(f)) room = {...f.getProperties(), id: f.getId()};
      if (layer === this.buildingsLayer && !building) building = f.getId();
    }, {layerFilter: (l) => l === this.roomsLayer || l === this.buildingsLayer, hitTolerance: 2});
    this.onClick({room, buildingId: building});
  }

  roomVisible(f) {
    return !this.agencyId || f.get('agency_id') === this.agencyId || !!this.floorId;
  }

  fillOf(f) {
    switch (this.colorBy) {
      case 'agency':
        return agencyColor(f.get('agency_id'));
      case 'usage':
        return usageColor(f.get('usage'));
      default:
        return statusColor(f.get('status'));
    }
  }

  /**
   * The style of a room: its fill (hatched when over standard in the status colouring, so that the status
   * does not rest on colour alone; a void always pale and hatched), its outline (the selection and the
   * highlighted rooms stand out), a marker when idle, and its label once the map is close enough.
   */
  roomStyle(f, res) {
    const id = f.getId();
    const other = this.agencyId && f.get('agency_id') !== this.agencyId;
    if (other && !this.floorId) return null; // agency view: only its rooms
    const mark = id === this.roomId ? 'sel' : this.highlight.has(id) ? 'hl' : '';
    // A void (open to the floor below) is pale and hatched whatever the colouring: it is no floor area.
    const isVoid = !other && f.get('usage') === VOID;
    const hatched = !other && !isVoid && this.colorBy === 'status' && f.get('status') === 'over_standard';
    const fill = other ? '#f4f4f4' : isVoid ? VOID : this.fillOf(f);
    const alpha = this.floorId ? 0.85 : 0.55; // across floors, rooms stack: let the layers show through
    const key = `${fill}|${mark}|${alpha}|${hatched}`;
    let st = this.styleCache.get(key);
    if (!st) {
      const z = mark ? 2 : 1;
      // A marked room's outline has a white casing, so that it stands out on every fill (the selection's
      // blue on a compliant room's blue too).
      const stroke = mark ? new Stroke({color: '#ffffff', width: 7}) : new Stroke({color: other ? '#cfcfcf' : '#4d4d4d', width: 1});
      st = [new Style({fill: new Fill({color: isVoid ? voidFill() : withAlpha(fill, alpha)}), stroke, zIndex: z})];
      if (hatched) st.push(new Style({fill: new Fill({color: overStandardHatch()}), zIndex: z}));
      if (mark) st.push(new Style({stroke: new Stroke({color: mark === 'sel' ? HIGHLIGHT : '#ff9900', width: 4}), zIndex: z}));
      this.styleCache.set(key, st);
    }
    const idle = !other && f.get('state') === IDLE;
    if (res > LABEL_RESOLUTION || !this.floorId) return idle && this.floorId ? [...st, IDLE_STYLE] : st;
    return idle ? [...st, IDLE_STYLE, this.labelStyle(f, res)] : [...st, this.labelStyle(f, res)];
  }

  /** The label of a room: its number, and its occupants' names when close enough and allowed to see them. */
  labelStyle(f, res) {
    const p = f.getProperties();
    let text = p.number || '';
    if (res < 0.05 && p.occupants && p.occupants.length && seesPersonal()) {
      const names = p.occupants.slice(0, 2).map((o) => o.name).join('、');
      text += '\n' + names + (p.occupants.length > 2 ? '…' : '');
    }
    return new Style({
      text: new Text({
        text, font: font(12), fill: new Fill({color: '#1a1a1a'}), stroke: new Stroke({color: 'rgba(255,255,255,0.9)', width: 3}),
        overflow: false,
      }),
      zIndex: 4,
    });
  }

  buildingStyle(f, res) {
    const selected = f.getId() === this.buildingId;
    const marked = this.agencyId && this.marked.has(f.getId());
    const floorShown = selected && this.floorId;
    const fill = marked ? '#fdd9b5' : this.hasBasemap ? 'rgba(239,236,230,0.6)' : '#efece6';
    const styles = [new Style({
      fill: new Fill({color: floorShown ? '#ffffff' : selected ? '#e3ebf7' : fill}),
      stroke: new Stroke({color: selected ? HIGHLIGHT : marked ? '#e6550d' : '#8a8580', width: selected || marked ? 2.5 : 1.2}),
    })];
    // A building a few pixels wide is drawn as a marker too, so that it can be seen and clicked.
    const ext = f.getGeometry().getExtent();
    if (Math.max(getWidth(ext), getHeight(ext)) / res < 10) {
      styles.push(new Style({
        geometry: (feat) => feat.getGeometry().getInteriorPoint(),
        image: new CircleStyle({radius: marked ? 8 : 6, fill: new Fill({color: selected ? HIGHLIGHT : marked ? '#e6550d' : '#8a8580'}),
          stroke: new Stroke({color: '#fff', width: 1.5})}),
      }));
    }
    if (!floorShown && res < 3) {
      styles.push(new Style({
        text: new Text({text: f.get('name'), font: font(13, 'bold'), fill: new Fill({color: '#333'}),
          stroke: new Stroke({color: '#fff', width: 3}), overflow: true}),
      }));
    }
    return styles;
  }

  siteStyle(f) {
    return [
      new Style({stroke: new Stroke({color: '#a39a8c', width: 1.5, lineDash: [6, 5]})}),
      new Style({
        geometry: (feat) => {
          const ext = feat.getGeometry().getExtent();
          return new Point([getCenter(ext)[0], ext[3]]);
        },
        text: new Text({text: f.get('name'), font: font(13), fill: new Fill({color: '#6b6256'}),
          stroke: new Stroke({color: '#fff', width: 3}), offsetY: -10}),
      }),
    ];
  }

  /** The ids of the rooms the rooms layer currently draws in view. */
  renderedRoomIds() {
    if (!this.roomsLayer.getVisible()) return [];
    const view = this.map.getView();
    const ext = view.calculateExtent(this.map.getSize());
    const ids = new Set();
    for (const f of this.roomsSource.getFeaturesInExtent(ext)) {
      if (this.roomStyle(f, view.getResolution())) ids.add(f.getId());
    }
    return [...ids].sort();
  }

  /** The pixel of a lon/lat position, for tests and tools. */
  pixelOfLonLat(lonlat) {
    return this.map.getPixelFromCoordinate(geojson.readGeometry({type: 'Point', coordinates: lonlat}).getCoordinates());
  }

  /** The pixel of the label point of a room of the current floor, or null. */
  roomPixel(id) {
    const f = this.roomsSource.getFeatureById(id);
    if (!f) return null;
    return this.map.getPixelFromCoordinate(f.getGeometry().getInteriorPoint().getCoordinates().slice(0, 2));
  }

  /** Whether the view is animating (the viewer itself requests nothing). */
  busy() {
    return this.map.getView().getAnimating();
  }

  updateSize() {
    this.map.updateSize();
  }
}

