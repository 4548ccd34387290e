// A procedure's flowchart (流程图), drawn as inline SVG from the same data the server runs
// (GET /api/v1/procedures): the steps as boxes in their order, each with the role that acts there and its
// due days; an arrow for each action from its step to the step it leads to, labelled with the action
// (forward to the next step straight, further forward above the row, back below it); the end states
// 办结 closed and 不予批准 rejected as boxes of their own. With an application, its current step is
// highlighted and the steps its trail passed are marked done.

import {lang, messages, roleLabel, t} from './i18n.js';

const NS = 'http://www.w3.org/2000/svg';
const BOX_W = 132;
const BOX_H = 62;
const GAP = 58;
const END_STATES = ['closed', 'rejected'];

/** An SVG element with attrs and children (text children become text nodes). */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/**
 * The part of a bilingual step name ("审批 approval") in the UI's language: the words before the first
 * space in Chinese, the rest in English; the whole name when it has no space.
 */
export function stepName(name) {
  const i = (name || '').indexOf(' ');
  if (i < 0) return name || '';
  return lang() === 'en' ? name.slice(i + 1) : name.slice(0, i);
}

/** The label of an action (提交, 退回…); the code for one the app does not know. */
export const actionLabel = (a) => (messages.zh[`appl.action.${a}`] ? t(`appl.action.${a}`) : a);

/** The label of an application's state: its step's name, or 办结 / 不予批准 for the end states. */
export function stateLabel(procedure, state) {
  if (END_STATES.includes(state)) return t(`appl.state.${state}`);
  const step = procedure?.steps.find((x) => x.code === state);
  return step ? stepName(step.name) : state;
}

/** The steps an application's trail passed: those it took an action at, other than where it is now. */
function doneSteps(application) {
  const done = new Set((application?.actions || []).map((a) => a.step));
  if (application) done.delete(application.state);
  return done;
}

/**
 * flowchart returns the SVG of procedure ({kind, name, steps: [{code, name, role, due_days, documents,
 * actions}]}); application (optional) marks its state and the steps done. Each step is a
 * g.fc-step[data-step][data-state=current|done|todo]; each arrow a g.fc-arrow[data-from][data-to][data-action].
 */
export function flowchart(procedure, application = null) {
  const steps = procedure.steps;
  const done = doneSteps(application);
  const x = (i) => 10 + i * (BOX_W + GAP);
  const index = new Map(steps.map((st, i) => [st.code, i]));
  index.set('closed', steps.length); // after the last step
  const rejectedX = x(Math.max(0, (steps.length - 1) / 2));
  // Room above the row for the arrows that skip steps forward, when there are any.
  const skips = steps.some((st, i) => Object.values(st.actions).some((to) => index.has(to) && index.get(to) > i + 1));
  const rowY = skips ? 70 : 12;
  const endY = rowY + BOX_H + 120;
  const width = x(steps.length) + BOX_W + 10;
  const height = endY + BOX_H / 1.4 + 12;
  const svg = s('svg', {class: 'flowchart', viewBox: `0 0 ${width} ${height}`, width, height, role: 'img',
    'aria-label': t('appl.flowchartOf', {name: stepName(procedure.name)})});
  svg.dataset.kind = procedure.kind;
  svg.append(s('defs', null, s('marker', {id: `fc-head-${procedure.kind}`, viewBox: '0 0 10 10', refX: 9, refY: 5,
    markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse'}, s('path', {d: 'M0,0 L10,5 L0,10 z', class: 'fc-head'}))));
  const head = `url(#fc-head-${procedure.kind})`;
  const arrows = s('g', {class: 'fc-arrows'});
  const boxes = s('g', {class: 'fc-boxes'});
  svg.append(arrows, boxes);

  steps.forEach((st, i) => {
    const state = application?.state === st.code ? 'current' : done.has(st.code) ? 'done' : 'todo';
    const g = s('g', {class: `fc-step fc-${state}`, 'data-step': st.code, 'data-state': state});
    g.append(s('title', null, `${stepName(st.name)} · ${roleLabel(st.role)}`),
      s('rect', {x: x(i), y: rowY, width: BOX_W, height: BOX_H, rx: 6}),
      s('text', {x: x(i) + BOX_W / 2, y: rowY + 20, class: 'fc-name'}, (state === 'done' ? '✓ ' : '') + stepName(st.name)),
      s('text', {x: x(i) + BOX_W / 2, y: rowY + 38, class: 'fc-role'}, roleLabel(st.role)),
      s('text', {x: x(i) + BOX_W / 2, y: rowY + 54, class: 'fc-due'},
        t('appl.dueDays', {n: st.due_days}) + (st.documents?.length ? ` · ${st.documents.map((d) => t(`doc.${d}`)).join('、')}` : '')));
    boxes.append(g);
  });
  const endBox = (code, bx, by) => {
    const reached = application?.state === code;
    const g = s('g', {class: `fc-end fc-end-${code}${reached ? ' fc-current' : ''}`, 'data-step': code, 'data-state': reached ? 'current' : 'todo'});
    g.append(s('rect', {x: bx, y: by, width: BOX_W, height: BOX_H / 1.4, rx: BOX_H / 2.8}),
      s('text', {x: bx + BOX_W / 2, y: by + BOX_H / 2.8 + 5, class: 'fc-name'}, t(`appl.state.${code}`)));
    boxes.append(g);
  };
  endBox('closed', x(steps.length), rowY + (BOX_H - BOX_H / 1.4) / 2);
  if (steps.some((st) => Object.values(st.actions).includes('rejected'))) endBox('rejected', rejectedX, endY);

  let above = 0;
  let below = 0;
  steps.forEach((st, i) => {
    for (const [action, to] of Object.entries(st.actions).sort()) {
      const g = s('g', {class: `fc-arrow fc-arrow-${action}`, 'data-from': st.code, 'data-to': to, 'data-action': action});
      let d;
      let lx;
      let ly;
      if (to === 'rejected') {
        const x1 = x(i) + BOX_W / 2;
        const x2 = rejectedX + BOX_W / 2 + (i - (steps.length - 1) / 2) * 14;
        d = `M${x1},${rowY + BOX_H} L${x2},${endY}`;
        [lx, ly] = [(x1 + x2) / 2 + 4, (rowY + BOX_H + endY) / 2 + 18];
      } else {
        const j = index.get(to);
        if (j === undefined) continue;
        if (j === i + 1) {
          const y = rowY + BOX_H / 2;
          d = `M${x(i) + BOX_W},${y} L${x(j)},${y}`;
          [lx, ly] = [(x(i) + BOX_W + x(j)) / 2, y - 6];
        } else if (j > i) {
          const lift = 22 + (above++ % 3) * 14;
          d = `M${x(i) + BOX_W * 0.7},${rowY} C${x(i) + BOX_W * 0.7},${rowY - lift} ${x(j) + BOX_W * 0.3},${rowY - lift} ${x(j) + BOX_W * 0.3},${rowY}`;
          [lx, ly] = [(x(i) + x(j) + BOX_W) / 2, rowY - lift * 0.75 - 4];
        } else {
          const drop = 26 + (below++ % 3) * 12;
          const y = rowY + BOX_H;
          d = `M${x(i) + BOX_W * 0.3},${y} C${x(i) + BOX_W * 0.3},${y + drop} ${x(j) + BOX_W * 0.7},${y + drop} ${x(j) + BOX_W * 0.7},${y}`;
          [lx, ly] = [(x(i) + x(j) + BOX_W) / 2, y + drop * 0.75 + 12];
        }
      }
      g.append(s('path', {d, 'marker-end': head}), s('text', {x: lx, y: ly, class: 'fc-label'}, actionLabel(action)));
      arrows.append(g);
    }
  });
  return svg;
}
