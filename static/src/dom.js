// A tiny DOM builder. Text always goes in as text nodes, never as HTML, so names from the register
// cannot inject markup.

/**
 * h(tag, attrs, ...children) creates an element. attrs: class, style (object), dataset (object),
 * on<Event> handlers, boolean attributes (true/false) and plain attributes; children are nodes,
 * strings, numbers, arrays of those, or null/false (skipped).
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'style') Object.assign(el.style, v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces the children of el. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A coloured square for legends and badges. */
/**
 * tableBox puts a table in a box that scrolls sideways when the screen is narrower than the table (a
 * phone). The box takes the focus, so that a keyboard can scroll it too; label names it for screen readers.
 */
export function tableBox(table, label) {
  return h('div', {class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': label}, table);
}

export function swatch(color) {
  return h('span', {class: 'swatch', style: {background: color}});
}

/** Shows a short message in the toast area for a few seconds. kind: info, ok or error. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const el = h('div', {class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : 'status'}, message);
  box.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 4000);
}
