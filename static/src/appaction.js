// The action form of an application's page (applications.js): what the user holding the current step's
// role may do there — a comment; for each document type the step needs, a document to pick (one the trail
// carries, one of that type in the agency's archive or the property's) or a file to upload (POST
// /api/v1/documents, filed against the application's agency; offered to those who may file documents)
// whose id is then passed; optional further documents; the override
// reason when approving an allocation whose scenario creates an over-standard finding; the cost when
// closing a maintenance; the result when handing a disposal over — and one button per action the step
// allows (POST /api/v1/applications/{id}/actions).

import {get, query, request, upload} from './api.js';
import {h, toast} from './dom.js';
import {roleLabel, t, usageLabel} from './i18n.js';
import {USAGES} from './colors.js';
import {actionLabel} from './flowchart.js';
import {day} from './registerutil.js';
import {can} from './session.js';

const DOC_TYPES = ['filing_document', 'contract', 'acceptance', 'maintenance_record', 'photo', 'other'];

/** What each disposal mode records when handed over (floorplan.DisposalResult). */
const RESULT_FIELDS = {
  lease_tender: ['contract_document_id', 'rent_yuan', 'note'],
  sale: ['contract_document_id', 'buyer', 'price_yuan', 'note'],
  reallocation: ['to_agency_id', 'note'],
  change_of_use: ['usage', 'note'],
  demolition: ['note'],
};

/** Uploads file as a document of docType about the application's agency; returns its id. */
async function fileDocument(a, docType, file) {
  const form = new FormData();
  form.append('subject_type', 'agency');
  form.append('subject_id', a.agency_id);
  form.append('doc_type', docType);
  form.append('note', t('appl.docNote', {title: a.title}));
  form.append('file', file);
  const {data} = await upload('/api/v1/documents', form);
  return data.id;
}

/**
 * One needed document type: a choice among the documents of that type the trail carries and the agency's
 * archive holds, and a file to upload instead. value() uploads the file when one is chosen.
 */
async function docNeed(a, type, docs) {
  // The trail's documents first, the latest preselected; then the archive's, which the user picks.
  const inTrail = [...docs.values()].filter((d) => d.doc_type === type).reverse();
  const of = (subjectType, id) => get('/api/v1/documents' + query({subject_type: subjectType, subject_id: id, doc_type: type}))
    .then((r) => r.documents || []).catch(() => []);
  // The agency's archive, and the property's (一房一档) when the application names one.
  const archive = (await Promise.all([of('agency', a.agency_id), a.fields?.site_id ? of('site', a.fields.site_id) : []])).flat();
  const rest = archive.filter((d) => !inTrail.some((x) => x.id === d.id));
  const option = (d, selected) => h('option', {value: d.id, selected}, `${d.name} · ${day(d.uploaded_at)}`);
  const choice = h('select', {id: `act-doc-${type}`}, h('option', {value: ''}, t('appl.docNone')),
    inTrail.map((d, i) => option(d, i === 0)), rest.map((d) => option(d, false)));
  const file = can('file_documents') ? h('input', {type: 'file', id: `act-upload-${type}`}) : null;
  return {
    el: h('fieldset', {class: 'act-doc', dataset: {docType: type}}, h('legend', null, t('appl.needs', {type: t(`doc.${type}`)})),
      h('label', {class: 'field'}, t('appl.docPick'), choice),
      file ? h('label', {class: 'field'}, t('appl.docUpload'), file) : h('p', {class: 'hint'}, t('appl.docByBureau'))),
    value: async () => (file?.files.length ? fileDocument(a, type, file.files[0]) : choice.value || null),
  };
}

/** The fields a disposal's hand-over records, for its mode; value() gives the result object. */
function resultFields(a, agencies) {
  const mode = a.fields?.mode;
  const want = RESULT_FIELDS[mode] || ['note'];
  const c = {
    rent_yuan: h('input', {id: 'act-rent', type: 'number', min: 0, step: '0.01'}),
    buyer: h('input', {id: 'act-buyer', type: 'text'}),
    price_yuan: h('input', {id: 'act-price', type: 'number', min: 0, step: '0.01'}),
    to_agency_id: h('select', {id: 'act-to-agency'}, agencies.filter((x) => x.id !== a.agency_id).map((x) => h('option', {value: x.id}, x.name))),
    usage: h('select', {id: 'act-usage'}, USAGES.map((u) => h('option', {value: u}, usageLabel(u)))),
    note: h('input', {id: 'act-note', type: 'text', maxlength: 500}),
  };
  return {
    el: h('fieldset', {class: 'act-result'}, h('legend', null, t('appl.resultOf', {mode: t(`appl.mode.${mode}`)})),
      want.filter((k) => c[k]).map((k) => h('label', {class: 'field'}, t(`appl.r.${k}`), c[k]))),
    value: (contract) => {
      const out = {};
      for (const k of want) {
        if (k === 'contract_document_id') out[k] = contract || undefined;
        else if (k === 'rent_yuan' || k === 'price_yuan') out[k] = c[k].value === '' ? undefined : Number(c[k].value);
        else out[k] = c[k].value.trim?.() || c[k].value || undefined;
      }
      return out;
    },
  };
}

/**
 * actionForm returns the form of the actions the current step of application a allows: step is the
 * step, docs the trail's documents by id, agencies those the user sees, evaluation the scenario's (an
 * allocation at approval), onDone what to do once an action is taken.
 */
export async function actionForm(a, step, {docs, agencies, evaluation, onDone}) {
  const needs = await Promise.all((step.documents || []).map((type) => docNeed(a, type, docs)));
  const comment = h('textarea', {id: 'act-comment', rows: 2, maxlength: 2000});
  const extraType = h('select', {id: 'act-attach-type'}, DOC_TYPES.map((d) => h('option', {value: d}, t(`doc.${d}`))));
  const extraFile = h('input', {type: 'file', id: 'act-attach-file', multiple: true});
  const approving = a.kind === 'allocation' && step.actions.approve;
  const override = h('textarea', {id: 'act-override', rows: 2, maxlength: 2000});
  const closing = a.kind === 'maintenance' && step.code === 'acceptance';
  const cost = h('input', {id: 'act-cost', type: 'number', min: 0, step: '0.01'});
  const disposing = a.kind === 'disposal' && step.actions.hand_over;
  const result = disposing ? resultFields(a, agencies) : null;
  const error = h('p', {class: 'form-error error', role: 'alert', id: 'act-error'});
  const buttons = [];
  const act = async (action) => {
    error.textContent = '';
    for (const b of buttons) b.disabled = true;
    try {
      const body = {action, comment: comment.value.trim()};
      const forward = action !== 'return' && action !== 'reject';
      const ids = [];
      const chosen = {}; // doc type → the document given for it
      if (forward) {
        for (const [i, n] of needs.entries()) ids.push(chosen[step.documents[i]] = await n.value());
      }
      for (const f of extraFile.files) ids.push(await fileDocument(a, extraType.value, f));
      body.document_ids = ids.filter(Boolean);
      if (approving && action === 'approve' && override.value.trim()) body.override_reason = override.value.trim();
      if (closing && action === 'close' && cost.value !== '') body.cost = Number(cost.value);
      if (result && action === 'hand_over') body.result = result.value(chosen.contract);
      await request('POST', `/api/v1/applications/${a.id}/actions`, {body});
      toast(t('appl.done', {action: actionLabel(action)}), 'ok');
      await onDone();
    } catch (err) {
      error.textContent = t('appl.failed', {message: err.message});
      for (const b of buttons) b.disabled = false;
    }
  };
  for (const action of a.allowed || Object.keys(step.actions).sort()) {
    const forward = action !== 'return' && action !== 'reject';
    buttons.push(h('button', {type: 'button', id: `act-${action}`, class: forward ? 'primary' : null, dataset: {action}, onClick: () => act(action)},
      actionLabel(action)));
  }
  return h('section', {id: 'app-act', class: 'app-section', dataset: {step: step.code}},
    h('h3', null, t('appl.yourTurn', {role: roleLabel(step.role)})),
    h('label', {class: 'field'}, t('appl.comment'), comment),
    needs.map((n) => n.el),
    can('file_documents') ? h('fieldset', {class: 'act-doc'}, h('legend', null, t('appl.attach')),
      h('label', {class: 'field'}, t('register.docType'), extraType), h('label', {class: 'field'}, t('appl.docUpload'), extraFile)) : null,
    approving ? h('label', {class: 'field'}, t('appl.override'), override,
      h('small', {class: evaluation?.new_over_standard ? 'warn' : 'hint', id: 'act-override-hint'},
        t(evaluation?.new_over_standard ? 'appl.overrideNeeded' : 'appl.overrideIfNeeded'))) : null,
    closing ? h('label', {class: 'field'}, t('appl.costField'), cost) : null,
    result ? result.el : null,
    error, h('div', {class: 'actions'}, buttons));
}
