// The side panel's cards: the overview, a building and its floor (with the floor's rooms as a list of
// buttons, the keyboard's way to a room), one room with its occupants and findings, and one agency's
// rooms across the buildings. Each function returns a DOM node built from data the app passes in;
// actions go back through the callbacks in `act`. Each card's heading can take the focus (tabindex -1)
// and the elements that survive a redraw carry a data-focus key, so that app.js can keep the keyboard's
// focus across redraws.

import {h, swatch} from './dom.js';
import {area, rankLabel, severityLabel, statusLabel, t, usageLabel} from './i18n.js';
import {STATUSES, inkOn, statusColor} from './colors.js';
import {agencyName, data, floorById} from './data.js';
import {query} from './api.js';
import {lang} from './i18n.js';
import {can, seesPersonal} from './session.js';

/** A card's heading: it takes the focus when the element that had it is gone after a redraw. */
function heading(cardId, ...children) {
  return h('h2', {tabindex: '-1', dataset: {focus: `head:${cardId}`}}, ...children);
}

function row(label, value, attrs) {
  return h('div', {class: 'kv'}, h('dt', null, label), h('dd', attrs || null, value));
}

/** The overview card: counts and how to start. */
export function overviewCard() {
  const sites = new Set([...data.buildings.values()].map((b) => b.site_id));
  return h('section', {class: 'card', id: 'card-overview'},
    heading('overview', t('overview.title')),
    h('p', null, t('overview.summary', {sites: sites.size, buildings: data.buildings.size})),
    data.buildings.size ? h('p', {class: 'hint'}, t('overview.hint')) : h('p', {class: 'hint'}, t('app.noBuildings')),
    h('ul', {class: 'plain'}, [...data.buildings.values()].map((b) =>
      h('li', null, h('a', {href: '#', dataset: {focus: `building:${b.id}`}, onClick: (e) => (e.preventDefault(), act().building(b.id))}, b.name),
        ' ', h('span', {class: 'muted'}, data.sites.get(b.site_id)?.name || '')))),
  );
}

let act = () => ({});

/** Sets the callbacks the cards call: building(id), floor(id), room(id), closeRoom(), edit(), overview(), agency(id). */
export function setActions(fn) {
  act = fn;
}

/**
 * The building card with the chosen floor's summary, its plan links and its rooms as buttons (number,
 * name, status in words; Enter or Space opens the room's card); roomId is the selected room, marked
 * aria-current in the list.
 */
export function floorCard(building, floor, rooms, colorBy, roomId = null) {
  const counts = {};
  for (const f of rooms?.features || []) counts[f.properties.status || ''] = (counts[f.properties.status || ''] || 0) + 1;
  const planQuery = query({color: colorBy, lang: lang()});
  return h('section', {class: 'card', id: 'card-floor'},
    h('div', {class: 'card-head'},
      heading('floor', building.name),
      h('button', {class: 'link', dataset: {focus: 'floor:back'}, onClick: () => act().overview()}, t('building.back'))),
    building.address ? h('p', {class: 'muted'}, building.address) : null,
    h('dl', null,
      row(t('overview.site'), data.sites.get(building.site_id)?.name || t('unit.none')),
      row(t('building.area'), area(building.area_m2))),
    floor ? [
      h('h3', null, `${floor.name} · ${t('floor.rooms', {n: rooms?.features.length ?? 0})}`),
      h('ul', {class: 'status-counts', 'aria-label': t('floor.statusCounts')}, STATUSES.filter((s) => counts[s]).map((s) =>
        h('li', null, s === 'over_standard' ? h('span', {class: 'swatch over', style: {backgroundColor: statusColor(s)}}) : swatch(statusColor(s)),
          statusLabel(s), ' ', h('b', null, counts[s])))),
      h('div', {class: 'actions'},
        h('span', null, t('floor.plan'), ': '),
        h('a', {id: 'plan-png', href: `/api/v1/floors/${floor.id}/plan.png${planQuery}`, target: '_blank', download: `floor-${floor.name}.png`}, t('floor.planPNG')),
        ' · ',
        h('a', {id: 'plan-svg', href: `/api/v1/floors/${floor.id}/plan.svg${planQuery}`, target: '_blank', download: `floor-${floor.name}.svg`}, t('floor.planSVG'))),
      can('write_geometry') ? h('div', {class: 'actions'}, h('button', {id: 'edit-floor', class: 'primary', onClick: () => act().edit()}, t('floor.edit'))) : null,
      roomList(rooms, roomId),
    ] : h('p', {class: 'hint'}, t('building.noFloors')),
  );
}

/** The floor's rooms as a list of buttons under a heading, numbered rooms first in number order. */
function roomList(rooms, roomId) {
  const feats = [...(rooms?.features || [])].sort((a, b) => {
    const x = a.properties.number || '';
    const y = b.properties.number || '';
    if (!x !== !y) return x ? -1 : 1;
    return x.localeCompare(y, 'zh-CN', {numeric: true}) || (a.properties.name || '').localeCompare(b.properties.name || '', 'zh-CN');
  });
  if (!feats.length) return null;
  return h('div', {class: 'room-list'},
    h('h3', {id: 'room-list-title'}, t('floor.roomList')),
    h('ul', {class: 'room-list-items', 'aria-labelledby': 'room-list-title'}, feats.map((f) => {
      const p = f.properties;
      return h('li', null, h('button', {
        type: 'button', class: 'room-item', dataset: {roomId: f.id, status: p.status || '', focus: `room:${f.id}`},
        'aria-current': f.id === roomId ? 'true' : null, onClick: () => act().room(f.id),
      },
      h('span', {class: 'room-item-number'}, p.number || '—'),
      h('span', {class: 'room-item-name'}, p.name || usageLabel(p.usage)),
      h('span', {class: 'room-item-status'}, statusLabel(p.status))));
    })));
}

/**
 * The room card. room is the room Feature (lon/lat) of the floor's GeoJSON (the same as GET
 * /api/v1/rooms/{id}); findings from GET /api/v1/rooms/{id}/findings (null: the user's roles do not
 * read reports). Occupants' names only for roles that see
 * personal data; the editing button only for those that may edit.
 */
export function roomCard(room, findings) {
  const p = room.properties;
  const floor = floorById(p.floor_id);
  const building = floor ? data.buildings.get(floor.building_id) : null;
  return h('section', {class: 'card', id: 'card-room', dataset: {roomId: p.id}},
    h('div', {class: 'card-head'},
      heading('room', h('span', {id: 'room-number'}, p.number), p.name ? h('span', {class: 'muted'}, ' ' + p.name) : null),
      h('button', {class: 'link', dataset: {focus: 'room:close'}, onClick: () => act().closeRoom()}, t('room.close'))),
    // The badge's text is white or near-black, whichever contrasts more with the status colour (≥ 4.5:1).
    h('p', null, h('span', {id: 'room-status', class: 'badge', dataset: {status: p.status || ''},
      style: {background: statusColor(p.status), color: inkOn(statusColor(p.status))}},
    statusLabel(p.status))),
    h('dl', null,
      row(t('room.location'), [building?.name, floor?.name].filter(Boolean).join(' · ') || t('unit.none')),
      row(t('room.usage'), usageLabel(p.usage), {id: 'room-usage'}),
      row(t('room.agency'), agencyName(p.agency_id) || t('legend.unallocated'), {id: 'room-agency'}),
      row(t('room.area'), area(p.area_m2), {id: 'room-area'}),
      row(t('room.standard'), p.standard_m2 ? area(p.standard_m2) : t('unit.none'), {id: 'room-standard'}),
      row(t('room.perPerson'), p.occupants.length ? area(p.per_person_m2) : t('unit.none'), {id: 'room-per-person'}),
    ),
    h('h3', null, t('room.occupants')),
    !seesPersonal()
      ? h('p', {class: 'muted', id: 'room-occupants'}, p.occupants.length ? t('room.occupantsHidden', {n: p.occupants.length}) : t('room.noOccupants'))
      : p.occupants.length
      ? h('ul', {class: 'occupants', id: 'room-occupants'}, p.occupants.map((o) =>
        h('li', null, h('b', null, o.name), ' ', h('span', {class: 'muted'}, o.rank_title && lang() === 'zh' ? o.rank_title : rankLabel(o.rank)),
          p.occupants.length > 1 ? h('span', {class: 'muted'}, ' · ' + t('room.share', {area: area(o.share_m2)})) : null)))
      : h('p', {class: 'muted', id: 'room-occupants'}, t('room.noOccupants')),
    findings === null ? null : h('h3', null, t('room.findings')),
    findings === null ? null : findings.length
      ? h('ul', {class: 'findings', id: 'room-findings'}, findings.map((f) =>
        h('li', {class: `finding sev-${f.severity}`},
          h('div', {class: 'finding-head'}, h('b', null, f.rule), ' ', h('span', {class: 'sev'}, severityLabel(f.severity))),
          h('p', null, f.message),
          h('p', {class: 'source'}, t('room.source'), ': ', f.source))))
      : h('p', {class: 'muted', id: 'room-findings'}, t('room.noFindings')),
    can('write_geometry') ? h('div', {class: 'actions'}, h('button', {id: 'edit-room', onClick: () => act().edit(p.id)}, t('room.editThis'))) : null,
  );
}

/** The agency card: its rooms grouped by building and floor, each group a link to the floor. */
export function agencyCard(agencyId, rooms) {
  const groups = new Map();
  let total = 0;
  for (const r of rooms || []) {
    const key = r.floor_id;
    const g = groups.get(key) || {building: r.building_id, floor: r.floor_id, level: r.level, n: 0, area: 0};
    g.n++;
    g.area += r.area_m2 || 0;
    total += r.area_m2 || 0;
    groups.set(key, g);
  }
  const list = [...groups.values()].sort((a, b) =>
    (data.buildings.get(a.building)?.name || '').localeCompare(data.buildings.get(b.building)?.name || '') || a.level - b.level);
  return h('section', {class: 'card', id: 'card-agency'},
    h('div', {class: 'card-head'},
      heading('agency', t('agency.distribution', {name: agencyName(agencyId)})),
      h('button', {class: 'link', dataset: {focus: 'agency:clear'}, onClick: () => act().agency(null)}, t('filter.clear'))),
    rooms === null ? h('p', {class: 'muted'}, t('app.loading'))
      : rooms.length === 0 ? h('p', {class: 'muted'}, t('agency.noRooms'))
        : [
          h('p', null, t('agency.totals', {rooms: rooms.length, area: area(total)})),
          h('table', {class: 'grid'},
            h('thead', null, h('tr', null, h('th', null, t('agency.building')), h('th', null, t('agency.floor')),
              h('th', {class: 'num'}, t('agency.count')), h('th', {class: 'num'}, t('agency.area')))),
            // Each row opens its floor, by click or (focused) by Enter or Space.
            h('tbody', null, list.map((g) => h('tr', {class: 'clickable', tabindex: '0', dataset: {focus: `agency-floor:${g.floor}`},
              onClick: () => act().floor(g.floor, g.building),
              onKeydown: (e) => {
                if (e.key !== 'Enter' && e.key !== ' ') return;
                e.preventDefault();
                act().floor(g.floor, g.building);
              }},
              h('td', null, data.buildings.get(g.building)?.name || ''),
              h('td', null, floorName(g.building, g.floor, g.level)),
              h('td', {class: 'num'}, g.n),
              h('td', {class: 'num'}, area(g.area)))))),
        ],
  );
}

function floorName(buildingId, floorId, level) {
  const f = (data.floors.get(buildingId) || []).find((x) => x.id === floorId);
  return f ? f.name : String(level);
}

/** A message card (loading, errors). */
export function messageCard(text, kind = 'info') {
  return h('section', {class: `card card-${kind}`}, h('p', null, text));
}
