// Entry point: reads the page's configuration (basemap), wires the header controls, starts the app
// and exposes window.officemap, a read-only window on the app's state for tests and support staff.

import 'ol/ol.css';
import './style.css';

import * as app from './app.js';
import * as dashboard from './dashboard.js';
import {initSearch} from './search.js';
import {lang, setLang, t, translate} from './i18n.js';

/**
 * The basemap: none by default (a plain background: no external request). An operator sets an XYZ
 * tile URL template (e.g. https://tiles.intranet.example/{z}/{x}/{y}.png) in the page's
 * <meta name="officemap-basemap"> (the server fills it: static.Options.BasemapURL) and its credit in
 * <meta name="officemap-basemap-attribution">.
 */
function basemap() {
  const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.getAttribute('content')?.trim() || '';
  const url = meta('officemap-basemap');
  if (!/^(https?:\/\/|\/)/.test(url)) return null; // http(s) or this server's own path only
  return {url, attribution: meta('officemap-basemap-attribution')};
}

function init() {
  translate(document);
  document.title = `officemap · ${t('app.title')}`;
  const langBtn = document.getElementById('lang');
  langBtn.addEventListener('click', () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    document.title = `officemap · ${t('app.title')}`;
  });
  initSearch(document.getElementById('search'), document.getElementById('search-results'), (hit) => app.goTo(hit));
  dashboard.initDashboard(document.getElementById('dashboard-view'), (id) => app.showAgencyOnMap(id));

  // window.officemap: what the page shows, and where things are on screen. It reads state and
  // computes pixels; it changes nothing (see static/README.md).
  window.officemap = Object.freeze({
    version: 1,
    state: () => app.snapshot(),
    renderedRoomIds: () => app.renderedRoomIds(),
    roomPixel: (id) => app.roomPixel(id),
    pixelOf: (coord) => app.pixelOf(coord),
  });

  app.start({basemap: basemap(), dashboardModule: dashboard});
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
