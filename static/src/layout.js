// The page's layout where CSS alone cannot do it. On a phone (style.css: max-width 640px) the header
// folds its tabs, search and filters behind a menu button, the panel is a bottom sheet over the map
// (collapsed to its handle and title, half or full height; the handle is pressed or dragged) and the
// legend folds behind a button. Everywhere, the large-text mode (大字, 适老化) scales the page's text and
// controls; it is remembered in localStorage as the language is.

const PHONE = window.matchMedia('(max-width: 640px)');
const LARGE_KEY = 'officemap.largeText';
const SHEET_STATES = ['collapsed', 'half', 'full'];

const els = {};
let shownRoom = null; // the room whose card the sheet last opened for

/** Wires the header's menu and large-text buttons, the sheet and the legend's button. */
export function initLayout() {
  for (const id of ['topbar', 'menu-toggle', 'topbar-menu', 'sheet', 'sheet-handle', 'sheet-title', 'panel', 'legend', 'legend-toggle', 'large-text']) {
    els[id] = document.getElementById(id);
  }
  els['menu-toggle'].addEventListener('click', () => setMenu(!els.topbar.classList.contains('open')));
  // Escape closes the menu and gives the focus back to its button, as a disclosure does.
  els['topbar-menu'].addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && els.topbar.classList.contains('open') && !e.defaultPrevented) {
      setMenu(false);
      els['menu-toggle'].focus();
    }
  });
  els['legend-toggle'].addEventListener('click', () => {
    const open = !document.body.classList.contains('legend-open');
    document.body.classList.toggle('legend-open', open);
    els['legend-toggle'].setAttribute('aria-expanded', String(open));
  });
  els['large-text'].addEventListener('click', () => setLargeText(!document.documentElement.classList.contains('large-text')));
  // The skip link moves the focus without touching the address, whose fragment is the app's route.
  document.querySelector('a.skip')?.addEventListener('click', (e) => {
    e.preventDefault();
    document.getElementById('main').focus();
  });
  setLargeText(rememberedLargeText(), false);
  initSheet();
  // A phone turned to landscape (or a window made wider) leaves no menu open behind the full header.
  PHONE.addEventListener('change', () => setMenu(false));
}

/** Whether the page is laid out for a phone. */
export function isPhone() {
  return PHONE.matches;
}

/** Opens or closes the header's menu (the phone layout; on a wider screen everything is shown anyway). */
export function setMenu(open) {
  els.topbar.classList.toggle('open', open);
  els['menu-toggle'].setAttribute('aria-expanded', String(open));
}

/** Closes the header's menu after a choice in it took the user somewhere (a tab, a search hit). */
export function closeMenu() {
  if (els.topbar?.classList.contains('open')) setMenu(false);
}

function rememberedLargeText() {
  try {
    return localStorage.getItem(LARGE_KEY) === '1';
  } catch {
    return false; // storage may be disabled: the normal size
  }
}

/** Switches the large-text mode on or off (remember: store the choice). */
export function setLargeText(on, remember = true) {
  document.documentElement.classList.toggle('large-text', on);
  els['large-text'].setAttribute('aria-pressed', String(on));
  if (!remember) return;
  try {
    localStorage.setItem(LARGE_KEY, on ? '1' : '0');
  } catch {
    // not remembered; still switched
  }
}

// ---- the bottom sheet ----

/** The sheet's state: collapsed, half or full (the desktop layout ignores it: the panel is a column there). */
export function sheetState() {
  return els.sheet?.dataset.state || 'collapsed';
}

/** Sets the sheet's state. */
export function setSheet(state) {
  if (!SHEET_STATES.includes(state)) return;
  els.sheet.dataset.state = state;
  els['sheet-handle'].setAttribute('aria-expanded', String(state !== 'collapsed'));
}

function initSheet() {
  const handle = els['sheet-handle'];
  let drag = null; // {y, height, moved} while the handle is dragged
  let tapped = 0; // when a finger last tapped the handle
  const next = () => setSheet(SHEET_STATES[(SHEET_STATES.indexOf(sheetState()) + 1) % SHEET_STATES.length]);
  // A press by mouse or keyboard is a click. A tap is taken at its pointerup: after a drag, Chromium sends no
  // click for the next tap; the click it may send after another tap is then not a second press.
  handle.addEventListener('click', () => {
    if (drag?.moved || performance.now() - tapped < 700) return;
    next();
  });
  handle.addEventListener('pointerdown', (e) => {
    if (!isPhone() || e.button !== 0) return;
    drag = {y: e.clientY, height: els.sheet.getBoundingClientRect().height, moved: false};
    handle.setPointerCapture(e.pointerId);
  });
  handle.addEventListener('pointermove', (e) => {
    if (!drag) return;
    const dy = drag.y - e.clientY;
    if (!drag.moved && Math.abs(dy) < 6) return;
    drag.moved = true;
    els.sheet.classList.add('dragging');
    const max = els.sheet.parentElement.getBoundingClientRect().height;
    els.sheet.style.height = `${Math.max(handle.offsetHeight, Math.min(max, drag.height + dy))}px`;
  });
  const drop = (e) => {
    if (!drag) return;
    if (!drag.moved && e.type === 'pointerup' && e.pointerType !== 'mouse') {
      tapped = performance.now();
      next();
    } else if (drag.moved) {
      // The sheet settles at the state nearest to where it was let go.
      const max = els.sheet.parentElement.getBoundingClientRect().height;
      const h = els.sheet.getBoundingClientRect().height;
      const heights = {collapsed: handle.offsetHeight, half: max / 2, full: max};
      const nearest = SHEET_STATES.reduce((a, b) => (Math.abs(heights[b] - h) < Math.abs(heights[a] - h) ? b : a));
      els.sheet.classList.remove('dragging');
      els.sheet.style.height = '';
      setSheet(nearest);
    }
    // The click that follows the pointerup must still see the drag; it is forgotten after it.
    setTimeout(() => {
      drag = null;
    }, 0);
  };
  handle.addEventListener('pointerup', drop);
  handle.addEventListener('pointercancel', drop);

  // The handle shows the card's title; a room's card opens the sheet to half height on a phone, so that
  // a room chosen on the map or found by search is read without another touch.
  new MutationObserver(() => {
    const title = els.panel.querySelector('h2');
    els['sheet-title'].textContent = title ? title.textContent.trim() : '';
    const room = els.panel.querySelector('#card-room')?.dataset.roomId || null;
    if (room && room !== shownRoom && isPhone() && sheetState() === 'collapsed') setSheet('half');
    shownRoom = room;
  }).observe(els.panel, {childList: true, subtree: true, characterData: true});
  // Keyboard users reaching the panel's content open the sheet, so that the focused control is seen.
  els.panel.addEventListener('focusin', () => {
    if (isPhone() && sheetState() === 'collapsed') setSheet('half');
  });
}
