// A property's registration (权属登记/备案) and timeline (履历) on its page: the registration state, the
// filing path's three steps — confirmation of the title (确权) → public notice (公示, from a start to an end
// day) → filing document (备案文件) — each with its days, number and documents, the history of the state;
// and the timeline, automatic and manual events oldest first. Those who keep the register (write_register)
// record a step, change the state and add an event with documents already filed in the archive. The server
// checks every one of them (order of the steps, days, documents of this property) and names what is wrong.

import {h, replace} from './dom.js';
import {lang, t} from './i18n.js';
import {
  compact, day, docLinks, documentChoices, field, folded, L, moment, registerForm, select, send, STATES, stateLabel, today,
} from './registerutil.js';
import {can} from './session.js';

const STEPS = ['confirmation', 'notice', 'filing_document'];
const TIMELINE_SHOWN = 100; // the events a property's page lists at first, the latest
const EVENT_KINDS = ['acquired', 'built', 'registered', 'filed', 'renovated', 'allocated', 'leased', 'disposed', 'other'];

/**
 * The registration section of view (a property's page: site, registration or null when the server has
 * none to give, docs); reload(focusId) reads the page again after a write.
 */
export function registrationSection(view, reload) {
  const {site, registration: reg, docs} = view;
  const state = reg ? reg.state : site.ownership;
  const steps = new Map((reg?.steps || []).map((s) => [s.step, s]));
  return h('section', {id: 'register-registration', 'aria-labelledby': 'register-registration-h'},
    h('h3', {id: 'register-registration-h', tabindex: '-1'}, t('register.registration')),
    h('p', null, L('register.state'), t('register.colon'),
      h('strong', {id: 'register-state', class: `state state-${state}`, dataset: {state}}, stateLabel(state))),
    reg ? [
      h('h4', null, t('register.steps')),
      // A registered property has no filing path, unless one was recorded.
      state === 'registered' && steps.size === 0 ? h('p', {class: 'hint', id: 'register-no-filing'}, t('register.noFiling'))
        : h('ol', {id: 'register-steps', class: 'filing-steps'}, STEPS.map((k) => stepItem(k, steps.get(k), docs))),
      h('h4', null, t('register.stateHistory')),
      reg.history.length === 0 ? h('p', {class: 'hint'}, t('register.noStateHistory')) : null,
      h('ol', {id: 'register-state-history', class: 'history'}, reg.history.map((c) => h('li', {dataset: {state: c.state}},
        `${day(c.effective)} · ${stateLabel(c.state)}`, c.reason ? ` · ${c.reason}` : '',
        h('span', {class: 'hint'}, ` · ${t('register.recorded', {by: c.recorded_by, at: moment(c.recorded_at)})}`)))),
    ] : h('p', {class: 'hint'}, t('register.noRegistration')),
    reg && can('write_register') ? [
      folded('register-step-fold', 'register.recordStep', stepForm(site, docs, reload)),
      folded('register-state-fold', 'register.changeState', stateForm(site, state, reload)),
    ] : null);
}

/** One step of the filing path: done with its days, number, documents and who recorded it, or still to do. */
function stepItem(kind, step, docs) {
  let when = t('register.stepPending');
  if (step) when = kind === 'notice' ? t('register.noticeDays', {start: day(step.start), end: day(step.end)}) : day(step.date);
  return h('li', {class: step ? 'done' : 'pending', dataset: {step: kind, done: step ? 'true' : 'false'}},
    h('strong', null, t(`register.step.${kind}`)), ' · ', h('span', {class: 'step-when'}, when),
    step?.number ? ` · ${step.number}` : null,
    step?.form ? ` · ${t(`register.form.${step.form}`)}` : null,
    step?.note ? h('div', null, step.note) : null,
    step ? docLinks(step.document_ids, docs) : null,
    step ? h('div', {class: 'hint'}, t('register.recorded', {by: step.recorded_by, at: moment(step.recorded_at)})) : null);
}

/** The form that records a step: the fields the chosen step has (a notice's start and end, a document's number). */
function stepForm(site, docs, reload) {
  const kind = select('register-step-kind', STEPS.map((k) => [k, t(`register.step.${k}`)]));
  const date = h('input', {type: 'date', id: 'register-step-date'});
  const start = h('input', {type: 'date', id: 'register-step-start'});
  const end = h('input', {type: 'date', id: 'register-step-end'});
  const number = h('input', {type: 'text', id: 'register-step-number', autocomplete: 'off'});
  const form = select('register-step-form', [['', t('register.form.unsaid')], ['normative', t('register.form.normative')],
    ['minutes', t('register.form.minutes')]]);
  const note = h('textarea', {id: 'register-step-note', rows: 2});
  const picks = documentChoices(docs, 'register-step-docs');
  const rows = {date: field('register.stepDate', date), start: field('register.noticeStart', start),
    end: field('register.noticeEnd', end), number: field('register.number', number), form: field('register.formKind', form)};
  const sync = () => {
    const k = kind.value;
    rows.date.hidden = k === 'notice';
    rows.start.hidden = rows.end.hidden = k !== 'notice';
    rows.number.hidden = rows.form.hidden = k !== 'filing_document';
  };
  kind.addEventListener('change', sync);
  sync();
  const submit = (e) => {
    e.preventDefault();
    const k = kind.value;
    const body = {step: k, note: note.value.trim(), document_ids: picks.value()};
    if (k === 'notice') Object.assign(body, {start: start.value, end: end.value});
    else body.date = date.value;
    if (k === 'filing_document') Object.assign(body, {number: number.value.trim(), form: form.value});
    return send(e.target, 'POST', `/api/v1/sites/${site.id}/registration/steps`, compact(body),
      t('register.stepRecorded', {step: t(`register.step.${k}`)}), () => reload('register-registration-h'));
  };
  return registerForm('register-step-form-el', 'register.save', submit, field('register.step', kind), rows.date, rows.start,
    rows.end, rows.number, rows.form, field('register.note', note), picks.el);
}

/** The form that changes the registration state, from a day, for a reason. */
function stateForm(site, state, reload) {
  const to = select('register-new-state', STATES.map((s) => [s, stateLabel(s)]), state);
  const effective = h('input', {type: 'date', id: 'register-state-effective', value: today()});
  const reason = h('input', {type: 'text', id: 'register-state-reason', autocomplete: 'off'});
  const submit = (e) => {
    e.preventDefault();
    return send(e.target, 'POST', `/api/v1/sites/${site.id}/registration`,
      compact({state: to.value, effective: effective.value, reason: reason.value.trim()}),
      t('register.stateChanged', {state: stateLabel(to.value)}), () => reload('register-registration-h'));
  };
  return registerForm('register-state-form', 'register.save', submit, field('register.newState', to),
    field('register.effective', effective), field('register.reason', reason));
}

/**
 * The timeline section: the events oldest first (null: the server gives none to this user), with the form
 * that adds an event.
 */
export function timelineSection(view, reload) {
  const {site, timeline, docs} = view;
  const events = timeline || [];
  // A large property has an event per room allocated: the latest TIMELINE_SHOWN first, the rest on request.
  const first = Math.max(0, events.length - TIMELINE_SHOWN);
  const list = h('ol', {id: 'register-timeline', class: 'timeline', start: first + 1}, events.slice(first).map((ev) => eventItem(ev, docs)));
  const more = events.length > TIMELINE_SHOWN ? h('button', {type: 'button', id: 'register-timeline-all', onClick: (e) => {
    list.removeAttribute('start');
    replace(list, events.map((ev) => eventItem(ev, docs)));
    e.target.remove();
    list.querySelector('li')?.setAttribute('tabindex', '-1');
    list.querySelector('li')?.focus();
  }}, t('register.allEvents', {n: events.length, shown: TIMELINE_SHOWN})) : null;
  return h('section', {id: 'register-timeline-section', 'aria-labelledby': 'register-timeline-h'},
    h('h3', {id: 'register-timeline-h', tabindex: '-1'}, t('register.timeline')),
    more, list,
    !events.length ? h('p', {class: 'hint'}, t('register.noTimeline')) : null,
    timeline && can('write_register') ? folded('register-event-fold', 'register.addEvent', eventForm(site, docs, reload)) : null);
}

function eventItem(ev, docs) {
  const title = lang() === 'en' && ev.title_en ? ev.title_en : ev.title;
  return h('li', {dataset: {kind: ev.kind, source: ev.source}},
    h('span', {class: 'tl-date'}, day(ev.date)), ' · ', h('strong', null, t(`timeline.${ev.kind}`)), ' · ', title,
    ' ', h('span', {class: `badge tl-${ev.source}`}, t(`timeline.source.${ev.source}`)),
    ev.note ? h('div', null, ev.note) : null,
    docLinks(ev.document_ids, docs),
    ev.source === 'manual' && ev.recorded_by ? h('div', {class: 'hint'}, t('register.recordedBy', {by: ev.recorded_by})) : null);
}

/** The form that adds a manual event to the timeline, with documents of the property. */
function eventForm(site, docs, reload) {
  const kind = select('register-event-kind', EVENT_KINDS.map((k) => [k, t(`timeline.${k}`)]), 'renovated');
  const date = h('input', {type: 'date', id: 'register-event-date', value: today()});
  const title = h('input', {type: 'text', id: 'register-event-title', autocomplete: 'off'});
  const note = h('textarea', {id: 'register-event-note', rows: 2});
  const picks = documentChoices(docs, 'register-event-docs');
  const submit = (e) => {
    e.preventDefault();
    return send(e.target, 'POST', `/api/v1/sites/${site.id}/timeline`,
      compact({kind: kind.value, date: date.value, title: title.value.trim(), note: note.value.trim(), document_ids: picks.value()}),
      t('register.eventAdded'), () => reload('register-timeline-h'));
  };
  return registerForm('register-event-form', 'register.save', submit, field('register.eventKind', kind),
    field('register.eventDate', date), field('register.eventTitle', title), field('register.note', note), picks.el);
}
