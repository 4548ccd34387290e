// The map of the viewer: a plain background (or an operator's basemap), site and building outlines
// from the API, and the rooms of the chosen floor (or of one agency everywhere) from the rooms vector
// tiles, coloured by status, agency or usage. It knows OpenLayers; it does not know the panel or the
// app's state machine — app.js tells it what to show and hears about clicks.

import Map from 'ol/Map.js';
import View from 'ol/View.js';
import Feature from 'ol/Feature.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import MVT from 'ol/format/MVT.js';
import TileLayer from 'ol/layer/Tile.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorTileLayer from 'ol/layer/VectorTile.js';
import VectorSource from 'ol/source/Vector.js';
import VectorTileSource from 'ol/source/VectorTile.js';
import XYZ from 'ol/source/XYZ.js';
import {createXYZ} from 'ol/tilegrid.js';
import {Circle as CircleStyle, Fill, Stroke, Style, Text} from 'ol/style.js';
import {fromExtent} from 'ol/geom/Polygon.js';
import Point from 'ol/geom/Point.js';
import {buffer, createEmpty, extend, getCenter, getHeight, getWidth, isEmpty} from 'ol/extent.js';
import {ScaleLine, defaults as defaultControls} from 'ol/control.js';

import {OPENING_COLOR, VOID, agencyColor, statusColor, usageColor, voidFill, withAlpha} from './colors.js';
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

/** The room id of a tile feature (the MVT format moves the id attribute to the feature id). */
const roomId = (f) => f.getId() ?? f.get('id');

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
    this.tilesLoading = 0;
    this.styleCache = new globalThis.Map();

    this.sitesSource = new VectorSource();
    this.buildingsSource = new VectorSource();
    this.labelsSource = new VectorSource();
    this.openingsSource = new VectorSource();

    const layers = [];
    const base = basemapLayer(opts.basemap);
    if (base) layers.push(base);
    this.hasBasemap = layers.length > 0;

    this.sitesLayer = new VectorLayer({source: this.sitesSource, style: (f) => this.siteStyle(f), declutter: 'sites'});
    this.buildingsLayer = new VectorLayer({
      source: this.buildingsSource, style: (f, res) => this.buildingStyle(f, res), declutter: 'buildings',
    });
    this.roomsUrl = null;
    this.roomsSource = this.newRoomsSource(null);
    this.roomsLayer = new VectorTileLayer({
      source: this.roomsSource, style: (f) => this.roomStyle(f), visible: false, minZoom: 14, renderMode: 'hybrid',
    });
    this.labelsLayer = new VectorLayer({
      source: this.labelsSource, style: (f, res) => this.labelStyle(f, res), declutter: 'labels', minZoom: 17,
    });
    // The current floor's doors, over the rooms and under their labels.
    this.openingsLayer = new VectorLayer({source: this.openingsSource, style: openingStyle(), minZoom: 17});
    layers.push(this.sitesLayer, this.buildingsLayer, this.roomsLayer, this.openingsLayer, this.labelsLayer);

    this.map = new Map({
      target,
      layers,
      view: new View({center: [0, 0], zoom: 2, maxZoom: 23, constrainResolution: false}),
      controls: defaultControls({attribution: this.hasBasemap, rotate: false}).extend([new ScaleLine({units: 'metric'})]),
    });
    this.map.on('singleclick', (e) => this.handleClick(e));
    this.map.on('pointermove', (e) => {
      if (e.dragging) return;
      const hit = this.map.hasFeatureAtPixel(e.pixel, {layerFilter: (l) => l === this.roomsLayer || l === this.buildingsLayer});
      this.map.getTargetElement().style.cursor = hit ? 'pointer' : '';
    });
  }

  newRoomsSource(url) {
    const src = new VectorTileSource({
      format: new MVT({layers: ['rooms'], idProperty: 'id'}),
      tileGrid: createXYZ({minZoom: 16, maxZoom: 22, tileSize: 512}),
      url: url || undefined,
      overlaps: false,
    });
    src.on('tileloadstart', () => src === this.roomsSource && this.tilesLoading++);
    src.on(['tileloadend', 'tileloaderror'], () => src === this.roomsSource && (this.tilesLoading = Math.max(0, this.tilesLoading - 1)));
    return src;
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
   * Chooses what rooms the tiles show: one floor (floorId), or one agency's rooms on every floor
   * (agencyId without floorId), or none.
   */
  setRooms({floorId, agencyId}) {
    this.floorId = floorId || null;
    this.agencyId = agencyId || null;
    let url = null;
    if (this.floorId) url = `/tiles/rooms/{z}/{x}/{y}.mvt?floor_id=${encodeURIComponent(this.floorId)}`;
    else if (this.agencyId) url = '/tiles/rooms/{z}/{x}/{y}.mvt';
    if (url) {
      // A new source for a new floor: no tile of the previous floor lingers while the new ones load.
      if (this.roomsUrl !== url) {
        this.roomsUrl = url;
        this.tilesLoading = 0;
        this.roomsSource = this.newRoomsSource(url);
        this.roomsLayer.setSource(this.roomsSource);
      }
      this.roomsLayer.setVisible(true);
    } else {
      this.roomsLayer.setVisible(false);
    }
    this.styleCache.clear();
    this.roomsLayer.changed();
    this.buildingsLayer.changed();
  }

  /** Reloads the room tiles, after a write changed rooms. */
  refreshRooms() {
    this.roomsSource.refresh();
  }

  /**
   * The current floor's rooms (GeoJSON lon/lat) for labels, fly-to and the legend, and its doors (the
   * collection's openings, a MultiLineString).
   */
  setFloorRooms(fc) {
    this.labelsSource.clear();
    this.openingsSource.clear();
    if (!fc) return;
    this.labelsSource.addFeatures(geojson.readFeatures(fc));
    if (fc.openings) this.openingsSource.addFeature(new Feature({geometry: geojson.readGeometry(fc.openings)}));
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
    this.labelsLayer.changed();
  }

  /** Flies to a room of the current floor's labels (its GeoJSON), if known. */
  /**
   * Flies to a room of the current floor (from its GeoJSON): centred on the room, at the zoom that
   * shows its whole building, or closer for a room too small to see there.
   */
  flyToRoom(id) {
    const f = this.labelsSource.getFeatureById(id);
    if (!f) return false;
    const view = this.map.getView();
    const [w, h] = this.map.getSize();
    const room = f.getGeometry().getExtent();
    const b = this.buildingsSource.getFeatureById(this.buildingId);
    const whole = b ? b.getGeometry().getExtent() : room;
    const fit = view.getResolutionForExtent(whole, [w - 120, h - 120]);
    const legible = Math.max(getWidth(room), getHeight(room)) / 60; // the room at least 60 px wide
    const resolution = Math.max(Math.min(fit, legible), view.getResolutionForZoom(21));
    view.animate({center: getCenter(room), resolution, duration: 600});
    return true;
  }

  handleClick(e) {
    let room = null;
    let building = null;
    this.map.forEachFeatureAtPixel(e.pixel, (f, layer) => {
      if (layer === this.roomsLayer && !room && this.roomVisible(f)) room = {...f.getProperties(), id: roomId(f)};
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

  roomStyle(f) {
    const id = roomId(f);
    // Tiles of another floor can linger in the renderer's cache for a moment: never draw them.
    if (this.floorId && f.get('floor_id') !== this.floorId) return null;
    const other = this.agencyId && f.get('agency_id') !== this.agencyId;
    if (other && !this.floorId) return null; // agency view: only its rooms
    const mark = id === this.roomId ? 'sel' : this.highlight.has(id) ? 'hl' : '';
    // A void (open to the floor below) is pale and hatched whatever the colouring: it is no floor area.
    const isVoid = !other && f.get('usage') === VOID;
    const fill = other ? '#f4f4f4' : isVoid ? VOID : this.fillOf(f);
    const alpha = this.floorId ? 0.85 : 0.55; // across floors, rooms stack: let the layers show through
    const key = `${fill}|${mark}|${alpha}`;
    let st = this.styleCache.get(key);
    if (!st) {
      const stroke = mark
        ? new Stroke({color: mark === 'sel' ? HIGHLIGHT : '#ff9900', width: 4})
        : new Stroke({color: other ? '#cfcfcf' : '#4d4d4d', width: 1});
      st = new Style({fill: new Fill({color: isVoid ? voidFill() : withAlpha(fill, alpha)}), stroke, zIndex: mark ? 2 : 1});
      this.styleCache.set(key, st);
    }
    return st;
  }

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

  /** The ids of the rooms the rooms layer currently draws (from the loaded tiles in view). */
  renderedRoomIds() {
    if (!this.roomsLayer.getVisible()) return [];
    const ext = this.map.getView().calculateExtent(this.map.getSize());
    const ids = new Set();
    for (const f of this.roomsLayer.getFeaturesInExtent(ext)) {
      if (this.roomStyle(f)) ids.add(roomId(f));
    }
    return [...ids].sort();
  }

  /** The pixel of a lon/lat position, for tests and tools. */
  pixelOfLonLat(lonlat) {
    return this.map.getPixelFromCoordinate(geojson.readGeometry({type: 'Point', coordinates: lonlat}).getCoordinates());
  }

  /** The pixel of the label point of a room of the current floor, or null. */
  roomPixel(id) {
    const f = this.labelsSource.getFeatureById(id);
    if (!f) return null;
    return this.map.getPixelFromCoordinate(f.getGeometry().getInteriorPoint().getCoordinates().slice(0, 2));
  }

  busy() {
    return this.tilesLoading > 0 || this.map.getView().getAnimating();
  }

  updateSize() {
    this.map.updateSize();
  }
}

