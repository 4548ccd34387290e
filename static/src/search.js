// The search box: as the user types, GET /api/v1/search?q= lists rooms, people, agencies and
// buildings; choosing one (click, or Enter for the first/highlighted) hands it to the app, which flies
// there and highlights it.
//
// It is an ARIA 1.2 combobox (the input has role=combobox in index.html): aria-expanded follows the
// list, the arrow keys move aria-activedescendant over the options (focus stays in the input, so
// typing goes on), Enter picks and Escape closes. A screen reader hears the option, its kind and detail.

import {ApiError, get, query} from './api.js';
import {h, replace} from './dom.js';
import {t} from './i18n.js';
import {seesPersonal} from './session.js';

/** Wires the search input and its result list; onPick(hit) is called with the chosen hit. */
export function initSearch(input, list, onPick) {
  let timer = null;
  let hits = [];
  let active = -1;
  let asked = '';

  const open = () => {
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
  };
  const close = () => {
    list.hidden = true;
    active = -1;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  };
  // A message in the list (nothing found, a failure) is a disabled option: a listbox holds options only.
  const message = (text) => {
    open();
    input.removeAttribute('aria-activedescendant');
    replace(list, h('li', {class: 'empty', role: 'option', id: 'search-message', 'aria-disabled': 'true', 'aria-selected': 'false'}, text));
  };
  const pick = (hit) => {
    close();
    input.value = hit.label;
    onPick(hit);
  };
  const render = () => {
    if (!asked) return close();
    if (!hits.length) return message(t('search.none', {q: asked}));
    open();
    replace(list, hits.map((hit, i) => h('li', {
      class: i === active ? 'hit active' : 'hit', role: 'option', id: `search-option-${i}`,
      'aria-selected': i === active ? 'true' : 'false', dataset: {kind: hit.kind, id: hit.id},
      onMousedown: (e) => {
        e.preventDefault();
        pick(hit);
      },
    }, h('span', {class: `kind kind-${hit.kind}`}, t(`search.kind.${hit.kind}`)), h('span', {class: 'label'}, hit.label),
    hit.detail ? h('span', {class: 'detail'}, hit.detail) : null)));
    if (active >= 0) {
      input.setAttribute('aria-activedescendant', `search-option-${active}`);
      list.children[active].scrollIntoView({block: 'nearest'});
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  };
  const run = async (q) => {
    try {
      const res = await get(`/api/v1/search${query({q, limit: 20})}`);
      if (input.value.trim() !== q) return; // typed on meanwhile
      asked = q;
      hits = seesPersonal() ? res.hits : res.hits.filter((hit) => hit.kind !== 'person'); // people are personal data
      active = -1;
      render();
    } catch (err) {
      asked = q;
      hits = [];
      message(t('search.failed', {message: err instanceof ApiError ? err.message : String(err)}));
    }
  };
  const schedule = () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) {
      asked = '';
      hits = [];
      close();
      return;
    }
    timer = setTimeout(() => run(q), 200);
  };

  input.addEventListener('input', schedule);
  input.addEventListener('keydown', async (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!hits.length) return;
      e.preventDefault();
      if (active < 0) active = e.key === 'ArrowDown' ? 0 : hits.length - 1;
      else active = (active + (e.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length;
      render();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const q = input.value.trim();
      if (!q) return;
      if (asked !== q) {
        clearTimeout(timer);
        await run(q);
      }
      if (hits.length) pick(hits[Math.max(active, 0)]);
    } else if (e.key === 'Escape' && !list.hidden) {
      e.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
  input.addEventListener('focus', () => asked && input.value.trim() === asked && render());
}
