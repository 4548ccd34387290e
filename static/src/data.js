// The register as the app knows it: buildings, sites and agencies (read once at start), floors and
// rooms (read when needed) and the over-standard report (re-read after every write). Everything comes
// from the API; nothing here is computed that the server already computes.

import {get, query} from './api.js';
import {lang} from './i18n.js';

const NIL = '00000000-0000-0000-0000-000000000000';

export const data = {
  buildings: new Map(), // id → building JSON (footprint in lon/lat)
  sites: new Map(), // id → site JSON
  agencies: new Map(), // id → agency JSON
  floors: new Map(), // building id → [floor JSON] by ordinal
  report: null, // the report JSON (findings, agencies, total) in the UI's language
  reportLang: null,
  reportAsOf: null, // the report's day as asked (null: today)
};

/** Reads buildings, sites and agencies. */
export async function loadRegister() {
  const [buildings, sites, agencies] = await Promise.all([get('/api/v1/buildings'), get('/api/v1/sites'),
    get('/api/v1/agencies')]);
  data.buildings = new Map(buildings.map((b) => [b.id, b]));
  data.sites = new Map(sites.map((s) => [s.id, s]));
  data.agencies = new Map(agencies.map((a) => [a.id, a]));
}

/** The floors of a building, lowest first (cached); signal aborts the request. */
export async function floorsOf(buildingId, {signal} = {}) {
  let fl = data.floors.get(buildingId);
  if (!fl) {
    fl = await get(`/api/v1/buildings/${buildingId}/floors`, {signal});
    fl.sort((a, b) => a.ordinal - b.ordinal);
    data.floors.set(buildingId, fl);
  }
  return fl;
}

/** A floor by id, from the cache of its building's floors. */
export function floorById(floorId) {
  for (const list of data.floors.values()) {
    const f = list.find((x) => x.id === floorId);
    if (f) return f;
  }
  return null;
}

/**
 * The rooms of a floor as a GeoJSON FeatureCollection; crs 'local' gives the building's local metres;
 * signal aborts the request. Kept in memory with its ETag: a revisit is a 304 when nothing changed.
 */
export function roomsOf(floorId, crs, {signal} = {}) {
  return get(`/api/v1/floors/${floorId}/rooms${query({crs})}`, {signal, revalidate: true});
}

/**
 * The findings that concern one room or one of its occupants, in the UI's language
 * (GET /api/v1/rooms/{id}/findings: the report's finding objects); signal aborts the request.
 */
export async function findingsOf(roomId, {signal} = {}) {
  const res = await get(`/api/v1/rooms/${encodeURIComponent(roomId)}/findings${query({lang: lang()})}`, {signal});
  return res.findings || [];
}

/**
 * The over-standard report in the UI's language (cached until invalidateReport), on the day asOf
 * (YYYY-MM-DD; null: today, as the server counts it). One report is cached: the dashboard's day.
 */
export async function report(asOf = null) {
  if (!data.report || data.reportLang !== lang() || data.reportAsOf !== asOf) {
    const l = lang();
    data.report = await get(`/api/v1/reports/over-standard${query({format: 'json', lang: l, as_of: asOf})}`);
    data.reportLang = l;
    data.reportAsOf = asOf;
  }
  return data.report;
}

/** Forgets the report, after a write changed what it says. */
export function invalidateReport() {
  data.report = null;
}

/** The display name of an agency (short name when asked and known). */
export function agencyName(id, short = false) {
  if (!id || id === NIL) return '';
  const a = data.agencies.get(id);
  if (!a) return id;
  return (short && a.short_name) || a.name;
}

/**
 * The live rooms of one agency across all buildings (GET /api/v1/rooms?agency_id=), with each room's
 * building and level from its floor: [{id, floor_id, building_id, level, number, area_m2, status, geometry}].
 */
export async function agencyRooms(agencyId) {
  const fc = await get(`/api/v1/rooms${query({agency_id: agencyId})}`);
  const floors = new Map(); // floor id → floor JSON (from the cache, or read once per floor)
  for (const f of fc.features) {
    const id = f.properties.floor_id;
    if (!floors.has(id)) floors.set(id, floorById(id) || get(`/api/v1/floors/${id}`));
  }
  await Promise.all([...floors].map(async ([id, fl]) => floors.set(id, await fl)));
  return fc.features.map((f) => {
    const fl = floors.get(f.properties.floor_id);
    return {id: f.id, geometry: f.geometry, ...f.properties, building_id: fl.building_id, level: fl.ordinal};
  });
}

export {NIL};
