// A property's page in the register (房产档案): its register entry and titles, its registration and timeline
// (registration.js), its documents (一房一档: listed, previewed, downloaded, uploaded with progress by the
// archive's keepers), its line of this year's ledger (一房一账), the plan of each of its floors, and links to
// its archive package and the ledger's workbook.

import {get, query, upload} from './api.js';
import {h, tableBox, toast} from './dom.js';
import {lang, t} from './i18n.js';
import {registrationSection, timelineSection} from './registration.js';
import {day, docLinks, kindLabel, L, m2, num, stateLabel, titleArea} from './registerutil.js';
import {can} from './session.js';

const DOC_TYPES = ['title_certificate', 'land_certificate', 'completion_drawings', 'floor_plan', 'filing_confirmation',
  'public_notice', 'filing_document', 'contract', 'maintenance_record', 'acceptance', 'photo', 'other'];

/** A read the server may refuse this user (404: outside what they may see of the property): null then. */
async function optional(promise) {
  try {
    return await promise;
  } catch (err) {
    if (err.status === 404) return null;
    throw err;
  }
}

/**
 * Reads what a property's page shows. ledger is the general ledger of year when the user may read it
 * (null otherwise): the property's line is taken from it.
 */
export async function loadSite(id, {ledger, year}) {
  const [site, docs, registration, timeline, buildings] = await Promise.all([
    get(`/api/v1/sites/${id}`),
    get('/api/v1/documents' + query({site_id: id})),
    optional(get(`/api/v1/sites/${id}/registration`)),
    optional(get(`/api/v1/sites/${id}/timeline`)),
    get('/api/v1/buildings' + query({site_id: id})),
  ]);
  const plans = await Promise.all(buildings.map(async (b) => ({building: b,
    floors: (await get(`/api/v1/buildings/${b.id}/floors`)).sort((x, y) => x.ordinal - y.ordinal)})));
  return {site, docs: docs.documents, registration, timeline, plans, year,
    line: ledger?.lines.find((l) => l.site_id === id) || null, checks: (ledger?.checks || []).filter((c) => c.site_id === id)};
}

/**
 * The page of view (loadSite's): back is the address of the list it came from, districts names the
 * jurisdictions by id, reload(focusId) reads the page again after a write.
 */
export function sitePage(view, {back, districts, reload}) {
  const {site} = view;
  return [
    h('p', null, h('a', {href: back, id: 'register-back'}, t('register.back'))),
    h('h2', {id: 'register-site-name', tabindex: '-1'}, site.name),
    entrySection(site, districts, view.docs),
    registrationSection(view, reload),
    timelineSection(view, reload),
    documentsSection(view, reload),
    view.line ? ledgerSection(view) : null,
    plansSection(view.plans),
    can('export') ? h('p', null, h('a', {id: 'register-archive', href: `/api/v1/sites/${site.id}/archive.zip`, download: ''}, t('register.archive'))) : null,
  ];
}

/**
 * The register entry: address, kind, district, state, note, and the title records with their land-use
 * expiry and scan (a document of docs, the property's).
 */
function entrySection(site, districts, docs) {
  const kv = (key, value) => h('div', {class: 'kv'}, h('dt', null, t(key)), h('dd', null, value));
  return h('section', {id: 'register-entry', 'aria-labelledby': 'register-entry-h'},
    h('h3', {id: 'register-entry-h'}, t('register.entry')),
    h('dl', null, kv('register.address', site.address || t('unit.none')),
      kv('register.category', h('span', {id: 'register-kind', dataset: {kind: site.category}}, kindLabel(site.category))),
      kv('register.district', districts.get(site.jurisdiction_id)?.name || t('register.cityLevel')),
      kv('register.ownership', stateLabel(site.ownership)), site.note ? kv('register.note', site.note) : null),
    h('h4', null, t('register.titles')),
    site.records.length === 0 ? h('p', {class: 'hint'}, t('register.noTitles')) : tableBox(h('table', {id: 'register-titles', class: 'data'},
      h('thead', null, h('tr', null, ['register.titleKind', 'register.number', 'register.holder', 'register.issued', 'register.expires',
        'ledger.title', 'register.scan'].map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, site.records.map((r) => h('tr', null, h('td', null, r.kind), h('td', null, r.number), h('td', null, r.holder),
        h('td', null, day(r.issued_on)), h('td', {class: 'expires'}, day(r.expires_on)),
        h('td', {class: 'num'}, r.area_m2 ? m2(r.area_m2) : t('unit.none')),
        h('td', {class: 'scan'}, r.document_id ? docLinks([r.document_id], docs) : null)))),
      site.records.length > 1 ? h('tfoot', null, h('tr', null, h('th', {scope: 'row', colspan: 5}, t('register.sum')),
        h('td', {class: 'num'}, m2(titleArea(site))), h('td'))) : null), t('register.titles')));
}

function documentsSection({site, docs}, reload) {
  return h('section', {id: 'register-documents-section', 'aria-labelledby': 'register-documents-h'},
    h('h3', {id: 'register-documents-h', tabindex: '-1'}, t('register.documents')),
    docs.length === 0 ? h('p', {class: 'hint'}, t('register.noDocuments')) : null,
    h('ul', {id: 'register-documents', class: 'documents'}, docs.map((d) => h('li', {dataset: {docId: d.id, sha256: d.sha256}},
      h('a', {href: d.content_url, download: d.name}, d.name), ` · ${t(`doc.${d.doc_type}`)} · ${(d.size / 1024).toFixed(1)} KB · v${d.version}`,
      d.date ? ` · ${day(d.date)}` : '', preview(d)))),
    can('write_register') ? uploadForm(site, reload) : null);
}

/** A preview of an image or a PDF, shown inline from the same bytes (inline=1). */
function preview(d) {
  const src = `${d.content_url}?inline=1`;
  if (d.media_type.startsWith('image/')) return h('div', null, h('img', {src, alt: d.name, class: 'doc-preview', loading: 'lazy'}));
  if (d.media_type === 'application/pdf') {
    return h('details', null, h('summary', null, t('register.preview')), h('object', {data: src, type: 'application/pdf', class: 'doc-preview', 'aria-label': d.name}, d.name));
  }
  return null;
}

function uploadForm(site, reload) {
  const file = h('input', {type: 'file', id: 'register-file', required: true});
  const type = h('select', {id: 'register-doc-type'}, DOC_TYPES.map((c) => h('option', {value: c}, t(`doc.${c}`))));
  const progress = h('progress', {id: 'register-progress', max: 100, value: 0, hidden: true, 'aria-label': t('register.progress')});
  const submit = async (e) => {
    e.preventDefault();
    if (!file.files.length) return;
    const form = new FormData();
    form.append('subject_type', 'site');
    form.append('subject_id', site.id);
    form.append('doc_type', type.value);
    form.append('file', file.files[0]);
    progress.hidden = false;
    try {
      await upload('/api/v1/documents', form, {onProgress: (done, total) => { progress.value = total ? (100 * done) / total : 0; }});
      toast(t('register.uploaded', {name: file.files[0].name}), 'ok');
      await reload('register-documents-h');
    } catch (err) {
      progress.hidden = true;
      toast(t('register.uploadFailed', {message: err.message}), 'error');
    }
  };
  return h('form', {id: 'register-upload', class: 'upload', onSubmit: submit},
    h('label', {class: 'field'}, L('register.file'), file), h('label', {class: 'field'}, L('register.docType'), type),
    h('button', {type: 'submit'}, t('register.upload')), progress);
}

function ledgerSection({line, checks, year}) {
  const row = (key, v) => h('tr', null, h('th', {scope: 'row'}, t(key)), h('td', {class: 'num'}, v));
  return h('section', {id: 'register-ledger-section', 'aria-labelledby': 'register-ledger-h'},
    h('h3', {id: 'register-ledger-h'}, t('register.ledger', {year})),
    tableBox(h('table', {id: 'register-ledger', class: 'data'}, h('tbody', null,
      row('ledger.title', m2(line.title_area_m2)), row('ledger.book', m2(line.book_area_m2)),
      row('ledger.gross', m2(line.gross_area_m2)), row('ledger.usable', m2(line.usable_area_m2)),
      row('ledger.office', m2(line.office_area_m2)), row('ledger.value', num(line.book_value)),
      row('ledger.costs', num(line.maintenance + line.property_services + line.utilities)))), t('register.ledger', {year})),
    checks.map((c) => h('p', {class: 'warn', role: 'note'}, c.message)),
    h('p', null, h('a', {id: 'register-ledger-xlsx', href: '/api/v1/ledger' + query({year, format: 'xlsx'}), download: ''}, t('register.ledgerXlsx'))));
}

/** The plan of every floor of every building of the property: an image (SVG) linking to itself, and the PNG. */
function plansSection(plans) {
  if (!plans.length) return null;
  return h('section', {id: 'register-plans', 'aria-labelledby': 'register-plans-h'},
    h('h3', {id: 'register-plans-h'}, t('register.plans')),
    plans.map(({building, floors}) => [
      h('h4', null, building.name, building.category
        ? h('span', {class: 'building-kind', dataset: {kind: building.category}}, ' · ' + kindLabel(building.category)) : null),
      floors.length === 0 ? h('p', {class: 'hint'}, t('register.noFloors')) : null,
      h('ul', {class: 'plans', dataset: {buildingId: building.id}}, floors.map((f) => planItem(building, f))),
    ]));
}

function planItem(b, f) {
  const q = query({lang: lang() === 'en' ? 'en' : ''}); // the plan's labels in the UI's language
  const svg = `/api/v1/floors/${f.id}/plan.svg${q}`;
  const png = `/api/v1/floors/${f.id}/plan.png${q}`;
  const name = t('register.planOf', {building: b.name, floor: f.name});
  return h('li', {class: 'plan', dataset: {floorId: f.id}},
    h('a', {href: svg, target: '_blank', rel: 'noopener', class: 'plan-image'},
      h('img', {src: svg, alt: name, loading: 'lazy', width: 320, height: 200})),
    h('div', {class: 'plan-links'}, h('span', null, f.name), ' ',
      h('a', {href: svg, target: '_blank', rel: 'noopener', 'aria-label': t('register.planSvg', {name})}, 'SVG'), ' ',
      h('a', {href: png, download: '', 'aria-label': t('register.planPng', {name})}, 'PNG')));
}
