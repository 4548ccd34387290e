// Entry point: reads the page's configuration (basemap), wires the header controls, finds out who is
// using the app (GET /api/v1/me: 404 is single-user mode, 401 the sign-in page), routes the tabs, starts
// the app and exposes window.officemap, a read-only window on the app's state for tests and support staff.

import 'ol/ol.css';
import './style.css';

import * as app from './app.js';
import * as dashboard from './dashboard.js';
import {initSearch} from './search.js';
import {closeMenu, initLayout, isPhone, sheetState} from './layout.js';
import {lang, setLang, t, translate} from './i18n.js';
import {onUnauthenticated, pending} from './api.js';
import {h, replace} from './dom.js';
import {accounts, can, loadMe, seesPersonal, session, signOut} from './session.js';
import {noteSessionEnded, passwordForm, rolesText, signInPage, totpForm, userMenu} from './account.js';
import * as audit from './audit.js';
import * as admin from './admin.js';
import * as importPage from './importpage.js';
import * as registerPage from './registerpage.js';
import * as staffPage from './staffpage.js';
import * as applications from './applications.js';
import * as inspections from './inspections.js';
import {refreshBadge} from './inbox.js';

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

const VIEWS = {map: 'map-view', dashboard: 'dashboard-view', register: 'register-view', import: 'import-view', staff: 'staff-view', applications: 'applications-view', inspections: 'inspections-view', audit: 'audit-view', admin: 'admin-view'};

const page = {
  name: 'boot', // boot, signin, password, totp, app, error
  tab: null,
  started: false, // the map app (app.start) runs
  ready: false, // the page shows what it should (the app: once app.start has read the register)
};

function setPage(name) {
  page.name = name;
  document.body.dataset.page = name;
  document.getElementById('auth-view').hidden = name === 'app' || name === 'boot';
}

/**
 * The tabs the user's roles may see, in order: the map (read), the dashboard (report), the import page
 * (import, with read: it lands on the map), the property register (read), the staff import page (import or write_people, with personal
 * data; reached from the import page when that is offered), the audit log (audit_read), the administrators' page.
 */
function allowedTabs() {
  const tabs = [];
  if (can('read')) tabs.push('map');
  if (can('report')) tabs.push('dashboard');
  if (can('read')) tabs.push('register');
  if (can('read') && can('import')) tabs.push('import');
  if (can('read') && seesPersonal() && (can('import') || can('write_people'))) tabs.push('staff');
  // The online handling (办理) acts by role: with accounts only (single-user mode has no roles).
  if (accounts() && can('read')) tabs.push('applications');
  // 督查: the inspector's workspace, the agency manager's items, the bureau's overview (inspections.js).
  if (accounts() && can('read')) tabs.push('inspections');
  if (accounts() && can('audit_read')) tabs.push('audit');
  if (accounts() && (can('admin_users') || can('admin_roles'))) tabs.push('admin');
  return tabs;
}

function route() {
  if (page.name !== 'app') return;
  const tabs = allowedTabs();
  const asked = (location.hash.match(/^#\/(\w+)/) || [])[1];
  const tab = tabs.includes(asked) ? asked : tabs[0] || null;
  page.tab = tab;
  closeMenu();
  for (const [name, id] of Object.entries(VIEWS)) document.getElementById(id).hidden = name !== tab;
  document.getElementById('home-view').hidden = tab !== null;
  // With the import tab, the staff import page is one of the import page's two parts (the switch at the
  // top of both): no tab of its own, so that the header holds on one line.
  const staffInImport = tabs.includes('import');
  for (const a of document.querySelectorAll('[data-tab]')) {
    a.hidden = !tabs.includes(a.dataset.tab) || (a.dataset.tab === 'staff' && staffInImport);
    a.classList.toggle('active', a.dataset.tab === tab || (a.dataset.tab === 'import' && tab === 'staff' && staffInImport));
  }
  if (page.started) {
    // The dashboard's view in the address (#/dashboard?as_of=…&view=…&agency=…) is followed before the
    // tab is shown, so that it is drawn once, as the address says.
    if (can('report')) dashboard.followHash(tab);
    app.showTab(tab);
    app.followHash(tab); // the map's view in the address: #/map?b=…&f=…&r=… (app.js)
  }
  if (tab === 'register') registerPage.show(document.getElementById('register-view'));
  if (tab === 'audit') showAudit();
  if (tab === 'admin') admin.show(document.getElementById('admin-view'));
  if (tab === 'staff') staffPage.show(document.getElementById('staff-view'));
  if (tab === 'applications') applications.show(document.getElementById('applications-view'));
  if (tab === 'inspections') inspections.show(document.getElementById('inspections-view'));
  if (tab === 'import') importPage.show(document.getElementById('import-view'), {basemap: basemap(), onImported: landOn});
}

/** After an import: the map, on the building the import wrote, zoomed to it. */
async function landOn(buildingId) {
  app.toMap();
  route(); // now, not at the hashchange: the map must have its size before it zooms
  await app.landOn(buildingId);
}

// The auditor's page is in the main bundle (2 KB): a third dynamic chunk would split esbuild's runtime
// helpers into a chunk of their own, too small to be worth compressing.
function showAudit() {
  audit.show(document.getElementById('audit-view'));
}

/** What a user without any tab sees: the system and security administrators until their pages exist. */
function homePage() {
  replace(document.getElementById('home-view'), h('div', {class: 'pad', id: 'home-page'},
    h('p', null, t('user.noBusiness', {roles: rolesText(session.user)})),
    h('p', {class: 'hint'}, t('user.noAdminPages'))));
}

/** Signs out (ending the session on the server) and reloads the page: nothing of the session stays in memory. */
async function leave() {
  try {
    await signOut();
  } finally {
    history.replaceState(null, '', location.pathname);
    location.reload();
  }
}

/** Decides what to show once the server has said who is signed in. */
async function proceed() {
  const user = session.user;
  const auth = document.getElementById('auth-view');
  const signOutButton = () => h('button', {type: 'button', id: 'setup-signout', 'data-i18n': 'user.signOut', onClick: leave}, t('user.signOut'));
  const again = async () => {
    try {
      await loadMe();
    } catch (err) {
      return failed(err);
    }
    if (!session.user) return leave(); // the session ended meanwhile
    proceed();
  };
  if (user?.must_change_password) {
    setPage('password');
    replace(auth, passwordForm({first: true, onDone: again, extra: [signOutButton()]}));
    page.ready = true;
    return;
  }
  if (user?.needs_totp) {
    setPage('totp');
    replace(auth, totpForm({first: true, onDone: again, extra: [signOutButton()]}));
    page.ready = true;
    return;
  }
  replace(auth);
  setPage('app');
  await startApp();
}

function failed(err) {
  setPage('error');
  replace(document.getElementById('auth-view'), h('div', {class: 'auth-card', id: 'boot-error'},
    h('p', {class: 'error'}, t('app.loadFailed', {message: err.message})),
    h('button', {type: 'button', 'data-i18n': 'app.retry', onClick: () => location.reload()}, t('app.retry'))));
  page.ready = true;
}

async function startApp() {
  page.ready = false;
  if (accounts()) {
    userMenu(document.getElementById('user'), {onSignOut: leave});
    // A session that ends under the page (idle timeout, lifetime, a password change elsewhere): back
    // to the sign-in page, which says why.
    onUnauthenticated(() => {
      onUnauthenticated(null);
      noteSessionEnded();
      history.replaceState(null, '', location.pathname);
      location.reload();
    });
  }
  for (const el of document.querySelectorAll('[data-needs]')) el.hidden = !can(el.dataset.needs);
  window.addEventListener('hashchange', route);
  if (can('read')) {
    initSearch(document.getElementById('search'), document.getElementById('search-results'), (hit) => {
      closeMenu(); // on a phone the search is in the header's menu, which would cover the map
      app.goTo(hit);
    });
    dashboard.initDashboard(document.getElementById('dashboard-view'), (id) => app.showAgencyOnMap(id));
    page.started = true;
    // The dashboard's functions, not its namespace object (which would need a runtime helper chunk of its own).
    await app.start({basemap: basemap(), dashboardModule: {refresh: dashboard.refresh, show: dashboard.show}});
  } else {
    homePage();
  }
  route();
  if (allowedTabs().includes('applications')) refreshBadge(); // the unread notices on the 办理 tab
  page.ready = true;
}

/** What the page shows, for tests and support (see README: window.officemap). */
function snapshot() {
  const base = page.started ? app.snapshot() : {ready: page.ready, lang: lang(), editing: false, editor: null, highlight: [], busy: false};
  const u = session.user;
  return {
    ...base,
    page: page.name,
    tab: page.tab,
    accounts: session.mode === null ? null : accounts(),
    user: u ? {username: u.username, roles: [...u.roles], actions: [...u.actions], personal_data: u.personal_data} : null,
    ready: page.ready && base.ready,
    busy: !page.ready || base.busy || pending() > 0,
    layout: {phone: isPhone(), sheet: sheetState()},
  };
}

async function init() {
  translate(document);
  initLayout();
  document.title = `officemap · ${t('app.title')}`;
  const langBtn = document.getElementById('lang');
  langBtn.addEventListener('click', () => {
    setLang(lang() === 'zh' ? 'en' : 'zh');
    document.title = `officemap · ${t('app.title')}`;
    if (page.tab === null && page.name === 'app') homePage();
  });

  // window.officemap: what the page shows, and where things are on screen. It reads state and
  // computes pixels; it changes nothing (see static/README.md).
  window.officemap = Object.freeze({
    version: 1,
    state: () => snapshot(),
    renderedRoomIds: () => (page.started ? app.renderedRoomIds() : []),
    roomPixel: (id) => app.roomPixel(id),
    pixelOf: (coord) => app.pixelOf(coord),
    importPixelOf: (lonlat) => importPage.pixelOf(lonlat),
  });

  let who;
  try {
    who = await loadMe();
  } catch (err) {
    failed(err);
    return;
  }
  if (who === 'signed_out') {
    setPage('signin');
    signInPage(document.getElementById('auth-view'), (user) => {
      session.user = user;
      proceed();
    });
    page.ready = true;
    return;
  }
  await proceed();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
else init();
