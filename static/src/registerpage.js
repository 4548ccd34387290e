// The property register (房产档案): the list of properties the user may see, with filters and totals, and a
// property's page — its register entry and titles, its documents (一房一档: listed, previewed, downloaded,
// uploaded with progress by the archive's keepers), its line of this year's ledger (一房一账), the timeline of
// its recorded changes, and links to its archive package and the ledger's workbook. The address holds the
// view: #/register?site=<id>.

import {get, query, upload} from './api.js';
import {h, replace, tableBox, toast} from './dom.js';
import {onLangChange, t} from './i18n.js';
import {can} from './session.js';

const DOC_TYPES = ['title_certificate', 'land_certificate', 'completion_drawings', 'floor_plan', 'filing_confirmation',
  'public_notice', 'filing_document', 'contract', 'maintenance_record', 'acceptance', 'photo', 'other'];

const page = {root: null, sites: [], site: null, filter: {ownership: '', category: ''}};

const L = (key, tag = 'span', attrs = {}) => h(tag, {...attrs, 'data-i18n': key}, t(key));
const fmt = (v) => (Math.round(v * 100) / 100).toLocaleString(undefined, {minimumFractionDigits: 2, maximumFractionDigits: 2});

/** Shows the page in el: the property the address names, or the list. */
export async function show(el) {
  if (page.root !== el) {
    page.root = el;
    onLangChange(() => render());
  }
  const id = new URLSearchParams(location.hash.split('?')[1] || '').get('site');
  try {
    page.sites = await get('/api/v1/sites');
    page.site = id ? await loadSite(id) : null;
  } catch (err) {
    replace(el, h('p', {class: 'pad error', role: 'alert'}, t('register.failed', {message: err.message})));
    return;
  }
  render();
}

/** Reads what a property's page shows. */
async function loadSite(id) {
  const year = new Date().getFullYear();
  const [site, docs, history, ledger] = await Promise.all([
    get(`/api/v1/sites/${id}`),
    get('/api/v1/documents' + query({site_id: id})),
    get(`/api/v1/sites/${id}/history`).catch(() => []),
    can('report') ? get('/api/v1/ledger' + query({year})).catch(() => null) : null,
  ]);
  return {site, docs: docs.documents, history, line: ledger?.lines.find((l) => l.site_id === id) || null,
    checks: (ledger?.checks || []).filter((c) => c.site_id === id), year};
}

function render() {
  if (!page.root) return;
  replace(page.root, h('div', {class: 'pad register-page'}, page.site ? sitePage(page.site) : listPage()));
}

function listPage() {
  const f = page.filter;
  const shown = page.sites.filter((s) => (!f.ownership || s.ownership === f.ownership) && (!f.category || s.category.startsWith(f.category)));
  const select = (key, values, label) => h('label', {class: 'field'}, L(label),
    h('select', {id: `register-${key}`, onChange: (e) => { f[key] = e.target.value; render(); }},
      h('option', {value: ''}, t('register.all')),
      values.map((v) => h('option', {value: v, selected: f[key] === v}, t(`register.${key}.${v}`)))));
  return [
    h('h2', null, t('register.title')),
    h('div', {class: 'filters'}, select('ownership', ['registered', 'filed', 'unclear'], 'register.ownership'),
      select('category', ['office', 'residential', 'commercial'], 'register.category')),
    h('p', {id: 'register-total'}, t('register.total', {n: shown.length})),
    tableBox(h('table', {id: 'register-list', class: 'data'},
      h('thead', null, h('tr', null, h('th', null, t('register.name')), h('th', null, t('register.address')),
        h('th', null, t('register.category')), h('th', null, t('register.ownership')))),
      h('tbody', null, shown.map((s) => h('tr', null,
        h('td', null, h('a', {href: `#/register?site=${s.id}`, dataset: {siteId: s.id}}, s.name)),
        h('td', null, s.address), h('td', null, s.category), h('td', null, t(`register.ownership.${s.ownership}`)))))),
    t('register.title')),
  ];
}

function sitePage({site, docs, history, line, checks, year}) {
  return [
    h('p', null, h('a', {href: '#/register'}, t('register.back'))),
    h('h2', {id: 'register-site-name'}, site.name),
    h('p', null, `${site.address} · ${site.category} · ${t(`register.ownership.${site.ownership}`)}`),
    h('h3', null, t('register.titles')),
    tableBox(h('table', {class: 'data'}, h('tbody', null, site.records.map((r) => h('tr', null,
      h('td', null, r.kind), h('td', null, r.number), h('td', null, r.holder), h('td', null, r.issued_on || ''),
      h('td', null, r.area_m2 ? `${fmt(r.area_m2)} m²` : ''))))), t('register.titles')),
    documentsSection(site, docs),
    line ? ledgerSection(site, line, checks, year) : null,
    h('h3', null, t('register.timeline')),
    h('ol', {id: 'register-timeline'}, history.map((c) => h('li', null,
      `${new Date(c.at).toLocaleString()} · ${c.entity} · ${c.op} · ${c.actor}${c.reason ? ' · ' + c.reason : ''}`))),
    can('export') ? h('p', null, h('a', {id: 'register-archive', href: `/api/v1/sites/${site.id}/archive.zip`, download: ''}, t('register.archive'))) : null,
  ];
}

function documentsSection(site, docs) {
  return [
    h('h3', null, t('register.documents')),
    docs.length === 0 ? h('p', {class: 'hint'}, t('register.noDocuments')) : null,
    h('ul', {id: 'register-documents', class: 'documents'}, docs.map((d) => h('li', {dataset: {docId: d.id, sha256: d.sha256}},
      h('a', {href: d.content_url, download: d.name}, d.name), ` · ${t(`doc.${d.doc_type}`)} · ${(d.size / 1024).toFixed(1)} KB · v${d.version}`,
      preview(d)))),
    can('write_register') ? uploadForm(site) : null,
  ];
}

/** A preview of an image or a PDF, shown inline from the same bytes (inline=1). */
function preview(d) {
  const src = `${d.content_url}?inline=1`;
  if (d.media_type.startsWith('image/')) return h('div', null, h('img', {src, alt: d.name, class: 'doc-preview', loading: 'lazy'}));
  if (d.media_type === 'application/pdf') {
    return h('details', null, h('summary', null, t('register.preview')), h('object', {data: src, type: 'application/pdf', class: 'doc-preview'}));
  }
  return null;
}

function uploadForm(site) {
  const file = h('input', {type: 'file', id: 'register-file', required: true});
  const type = h('select', {id: 'register-doc-type'}, DOC_TYPES.map((c) => h('option', {value: c}, t(`doc.${c}`))));
  const progress = h('progress', {id: 'register-progress', max: 100, value: 0, hidden: true});
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
      page.site = await loadSite(site.id);
      render();
    } catch (err) {
      progress.hidden = true;
      toast(t('register.uploadFailed', {message: err.message}), 'error');
    }
  };
  return h('form', {id: 'register-upload', class: 'upload', onSubmit: submit},
    h('label', {class: 'field'}, L('register.file'), file), h('label', {class: 'field'}, L('register.docType'), type),
    h('button', {type: 'submit'}, t('register.upload')), progress);
}

function ledgerSection(site, line, checks, year) {
  const row = (key, v) => h('tr', null, h('th', null, t(key)), h('td', null, v));
  return [
    h('h3', null, t('register.ledger', {year})),
    tableBox(h('table', {id: 'register-ledger', class: 'data'}, h('tbody', null,
      row('ledger.title', `${fmt(line.title_area_m2)} m²`), row('ledger.book', `${fmt(line.book_area_m2)} m²`),
      row('ledger.gross', `${fmt(line.gross_area_m2)} m²`), row('ledger.usable', `${fmt(line.usable_area_m2)} m²`),
      row('ledger.office', `${fmt(line.office_area_m2)} m²`), row('ledger.value', fmt(line.book_value)),
      row('ledger.costs', fmt(line.maintenance + line.property_services + line.utilities)))), t('register.ledger', {year})),
    checks.map((c) => h('p', {class: 'warn', role: 'note'}, c.message)),
    h('p', null, h('a', {id: 'register-ledger-xlsx', href: '/api/v1/ledger' + query({year, format: 'xlsx'}), download: ''}, t('register.ledgerXlsx'))),
  ];
}
