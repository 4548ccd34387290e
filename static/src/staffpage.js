// The staff import page (单位人员导入): the bureau's own spreadsheets of agencies, people and room
// assignments. Choose the kind, download its template (GET /api/v1/templates/{kind}.xlsx), choose the
// filled-in file (.xlsx or .csv) and run a dry run: the file is posted to
// POST /api/v1/imports/{kind}?dry_run=true with XMLHttpRequest, so that the upload's progress shows, and
// the server's answer is shown as a table of the rows read with each problem on its row, the counts to
// create, update and leave, the deadlines the changes would start and the notes. 确认导入 sends the same
// file with the same options once that dry run passed. An agency manager (write_people without import)
// imports people and assignments, of its own agency only: the server refuses the rest. Nothing here
// leaves the server.

import {query, upload} from './api.js';
import {h, replace, tableBox, toast} from './dom.js';
import {lang, onLangChange, t} from './i18n.js';
import {can, seesPersonal} from './session.js';

const KINDS = ['agencies', 'people', 'assignments'];

const page = {
  root: null,
  els: null,
  checked: null, // the key of the form whose dry run passed: the import button needs it
};

/** A text in the UI's language that follows a language switch (translate fills data-i18n). */
const L = (key, tag = 'span', attrs = {}) => h(tag, {...attrs, 'data-i18n': key}, t(key));

function field(key, control, hint) {
  return h('label', {class: 'field'}, L(key), control, hint ? L(hint, 'small', {class: 'hint'}) : null);
}

/**
 * The switch between the two parts of the import page — drawings and data (#/import), agencies and
 * staff (#/staff) — with current marked; null when the user may not reach both.
 */
export function importSwitch(current) {
  if (!(can('read') && can('import') && seesPersonal())) return null;
  const link = (part, key) => h('a', {href: `#/${part}`, class: part === current ? 'active' : null, 'data-i18n': key}, t(key));
  return h('nav', {class: 'subtabs', id: `${current}-switch`}, link('import', 'import.title'), link('staff', 'staff.title'));
}

/** Shows the page in el. */
export function show(el) {
  if (page.root !== el) {
    page.root = el;
    build();
  }
  // Agencies are the register's records: their list needs the import action, which an agency manager lacks.
  for (const opt of page.els.kind.options) opt.disabled = opt.value === 'agencies' && !can('import');
  if (page.els.kind.selectedOptions[0]?.disabled) page.els.kind.value = 'people';
  changed();
}

function build() {
  const text = (id, hintKey) => h('input', {id, type: 'text', autocomplete: 'off', spellcheck: 'false', 'data-i18n-placeholder': hintKey, placeholder: t(hintKey)});
  const els = {
    kind: h('select', {id: 'staff-kind'}, KINDS.map((k) => h('option', {value: k, 'data-i18n': `staff.kind.${k}`}, t(`staff.kind.${k}`)))),
    template: h('a', {id: 'staff-template', class: 'button', download: ''}, L('staff.template')),
    file: h('input', {id: 'staff-file', type: 'file', accept: '.xlsx,.csv,.txt'}),
    sheet: text('staff-sheet', 'staff.sheetHint'),
    columns: text('staff-columns', 'staff.columnsHint'),
    skip_invalid: h('input', {id: 'staff-skip-invalid', type: 'checkbox'}),
    dry: h('button', {id: 'staff-dry-run', type: 'button', class: 'primary', 'data-i18n': 'staff.dryRun', onClick: () => submit(true)}, t('staff.dryRun')),
    run: h('button', {id: 'staff-run', type: 'button', 'data-i18n': 'staff.run', disabled: true, onClick: () => submit(false)}, t('staff.run')),
    progress: h('progress', {id: 'staff-progress', max: 1, value: 0, hidden: true}),
    status: h('p', {id: 'staff-status', class: 'muted', role: 'status'}),
    result: h('div', {id: 'staff-result'}),
  };
  page.els = els;
  replace(page.root, h('div', {class: 'audit pad', id: 'staff-page'},
    importSwitch('staff'),
    L('staff.title', 'h2'),
    L('staff.intro', 'p', {class: 'hint'}),
    h('form', {id: 'staff-form', class: 'import-fields staff-form', novalidate: true, onSubmit: (e) => e.preventDefault()},
      h('div', {class: 'row'}, field('staff.kind', els.kind), h('div', {class: 'field'}, L('staff.templateLabel'), els.template)),
      field('staff.file', els.file, 'staff.fileHint'),
      h('details', {id: 'staff-advanced'}, L('staff.advanced', 'summary'),
        field('staff.sheet', els.sheet),
        field('staff.columns', els.columns)),
      h('label', {class: 'check'}, els.skip_invalid, L('staff.skipInvalid')),
      h('div', {class: 'actions'}, els.dry, ' ', els.run),
      els.progress,
      els.status),
    els.result));
  els.kind.addEventListener('change', changed);
  page.root.querySelector('#staff-form').addEventListener('input', changed);
  els.file.addEventListener('change', changed);
  onLangChange(templateLink);
}

/** Points the template link at the chosen kind's template, in the UI's language. */
function templateLink() {
  const kind = page.els.kind.value;
  page.els.template.href = `/api/v1/templates/${kind}.xlsx${query({lang: lang() === 'en' ? 'en' : 'zh'})}`;
  page.els.template.setAttribute('download', `${t(`staff.kind.${kind}`)}.xlsx`);
}

/** The request the form gives, or throws an Error saying what is missing. */
function params() {
  const els = page.els;
  const file = els.file.files[0];
  if (!file) throw new Error(t('staff.needFile'));
  const p = {filename: file.name, sheet: els.sheet.value.trim(), columns: els.columns.value.trim(),
    skip_invalid: els.skip_invalid.checked ? 'true' : ''};
  return {kind: els.kind.value, file, p};
}

/** What a dry run checked: the file and every option, so that the import sends what was checked. */
function keyOf({kind, file, p}) {
  return JSON.stringify([kind, file.name, file.size, file.lastModified, p]);
}

/** Follows a change of the form: the template link, and whether the import may be sent. */
function changed() {
  templateLink();
  let req = null;
  try {
    req = params();
  } catch {
    // no file chosen yet: nothing to import
  }
  const key = req && keyOf(req);
  page.els.run.disabled = !key || key !== page.checked;
  if (page.checked && key !== page.checked && page.els.result.firstChild) replace(page.els.status, L('staff.stale'));
}

/** Shows the upload's progress: the bar, and the share sent. */
function progress(loaded, total) {
  const bar = page.els.progress;
  bar.hidden = false;
  bar.max = Math.max(total, 1);
  bar.value = loaded;
  bar.dataset.loaded = String(loaded);
  bar.dataset.total = String(total);
  replace(page.els.status, t('staff.uploading', {pct: Math.round((100 * loaded) / Math.max(total, 1))}));
}

/** The request of the form, or null with what is missing said in the status line. */
function formRequest() {
  try {
    return params();
  } catch (err) {
    page.els.status.className = 'error';
    replace(page.els.status, err.message);
    return null;
  }
}

/** Posts the file: a dry run, or (dry false) the import of what the last dry run checked. */
async function submit(dry) {
  const {els} = page;
  const req = formRequest();
  const key = req && keyOf(req);
  if (!req || (!dry && key !== page.checked)) return;
  for (const button of [els.dry, els.run]) button.disabled = true;
  els.status.className = 'muted';
  progress(0, req.file.size);
  const answer = await upload(`/api/v1/imports/${req.kind}${query({...req.p, dry_run: dry ? 'true' : ''})}`, req.file, {
    onProgress: progress,
    onSent: () => replace(els.status, L(dry ? 'staff.checking' : 'staff.importing')),
  }).then(({data}) => ({sum: data}), (err) => ({err}));
  // A passed dry run allows the import of the same form; an import, or a refusal, asks for a new dry run.
  page.checked = answer.sum && dry ? key : null;
  replace(els.status);
  replace(els.result, answer.sum ? summaryView(answer.sum) : errorView(answer.err));
  els.dry.disabled = false;
  changed();
  const sum = answer.sum;
  if (sum && !dry) toast(t('staff.done', {file: sum.file, created: sum.records?.created ?? 0, updated: sum.records?.updated ?? 0}), 'ok');
}

// ---- the answer ----

/** The row of the sheet a problem names ("row 57", "第 57 行"), or null. */
function rowOf(problem) {
  const m = /(\d+)/.exec(problem.feature || '');
  return m ? Number(m[1]) : null;
}

function list(id, title, items, cls) {
  if (!items?.length) return null;
  return [L(title, 'h3'), h('ul', {id, class: cls || null}, items.map((s) => h('li', null, s)))];
}

/**
 * The rows the server read, each with its problems beside it (a problem of no row shown above): the
 * table of a dry run. Rows with a problem are marked (class bad, data-problems).
 */
function previewView(preview, problems) {
  const byRow = new Map();
  const loose = [];
  for (const p of problems) {
    const row = rowOf(p);
    if (row === null || !preview?.rows.some((r) => r.row === row)) loose.push(p);
    else byRow.set(row, [...(byRow.get(row) || []), p.reason]);
  }
  const out = [];
  if (loose.length) out.push(L('staff.fileProblems', 'h3'), h('ul', {id: 'staff-loose-problems', class: 'warn'}, loose.map((p) => h('li', null, [p.feature, p.reason].filter(Boolean).join(' · ')))));
  if (!preview) return out;
  const width = Math.max(preview.header.length, ...preview.rows.map((r) => r.cells.length));
  const cells = (cs) => Array.from({length: width}, (_, i) => cs[i] ?? '');
  out.push(L('staff.preview', 'h3'), tableBox(h('table', {class: 'grid staff-preview', id: 'staff-preview'},
    h('thead', null, h('tr', null, L('staff.row', 'th'), cells(preview.header).map((c) => h('th', null, c)), L('staff.problem', 'th'))),
    h('tbody', null, preview.rows.map((r) => {
      const ps = byRow.get(r.row) || [];
      return h('tr', {class: ps.length ? 'bad' : null, dataset: {row: String(r.row), problems: String(ps.length)}},
        h('td', null, r.row), cells(r.cells).map((c) => h('td', null, c)), h('td', {class: 'problem'}, ps.join('；')));
    }))), t('table.scrolls')));
  if (preview.more) out.push(h('p', {class: 'hint'}, t('staff.more', {n: preview.more})));
  return out;
}

/** The summary of a dry run or an import, as the server told it. */
function summaryView(sum) {
  const rec = sum.records || {};
  return h('section', {id: 'staff-summary', class: 'import-summary', dataset: {dryRun: sum.dry_run ? 'true' : 'false', kind: sum.kind}},
    L(sum.dry_run ? 'staff.dryResult' : 'staff.doneResult', 'h3'),
    h('p', {class: 'muted'}, `${sum.file} · ${t(`staff.kind.${sum.kind}`)} · ${t('staff.rows', {n: sum.rows})}`),
    h('div', {class: 'table-wrap'}, h('table', {class: 'grid', id: 'staff-counts'},
      h('thead', null, h('tr', null, ['import.count.created', 'import.count.updated', 'import.count.unchanged'].map((k) => L(k, 'th')))),
      h('tbody', null, h('tr', null, h('td', {dataset: {count: 'created'}}, rec.created ?? 0),
        h('td', {dataset: {count: 'updated'}}, rec.updated ?? 0), h('td', {dataset: {count: 'unchanged'}}, rec.unchanged ?? 0))))),
    list('staff-events', 'staff.events', (sum.events || []).map((e) => e.text)),
    sum.problems?.length ? L('staff.skipped', 'h3') : null,
    previewView(sum.preview, sum.problems || []),
    list('staff-notes', 'import.notes', sum.notes));
}

/** A refused request: the server's message and, for a rejected file, its rows with the problems on them. */
function errorView(err) {
  const problems = Array.isArray(err.detail?.problems) ? err.detail.problems : [];
  return h('section', {id: 'staff-error', class: 'import-summary'},
    h('p', {class: 'error'}, t('staff.failed', {message: err.message})),
    problems.length || err.detail?.preview ? previewView(err.detail?.preview, problems) : null);
}
