// The inbox (待办) and the notices (通知) of the online handling: the tasks waiting for the user's roles
// and scope with their due dates (GET /api/v1/inbox: overdue in red, escalated ones marked), and the
// notices the server sent (GET /api/v1/notices), with the number unread as a badge on the 办理 tab and a
// button to mark each read (POST /api/v1/notices/{id}/read).

import {get, query, request} from './api.js';
import {h, replace, tableBox, toast} from './dom.js';
import {roleLabel, t} from './i18n.js';
import {day, moment} from './registerutil.js';
import {accounts} from './session.js';

/** The address of an application's page. */
export const applicationHash = (id) => '#/applications' + query({id});

/**
 * refreshBadge reads the unread notices and shows their number on the 办理 tab (#notice-badge); hidden
 * when there are none, or when the server has no notices (single-user mode, an older server).
 */
export async function refreshBadge() {
  const badge = document.getElementById('notice-badge');
  if (!badge) return;
  if (!accounts()) {
    badge.hidden = true;
    return;
  }
  let n = 0;
  try {
    n = (await get('/api/v1/notices?unread=1')).notices?.length || 0;
  } catch {
    n = 0; // no badge rather than an error in the header
  }
  badge.textContent = String(n);
  badge.setAttribute('aria-label', t('appl.unread', {n}));
  badge.hidden = n === 0;
}

/**
 * inboxSection returns the section of the tasks waiting for the user, read from the server; kindLabel
 * and stateLabel name an application's kind and state.
 */
export async function inboxSection({kindLabel, stateLabel}) {
  let tasks;
  try {
    tasks = (await get('/api/v1/inbox')).tasks || [];
  } catch (err) {
    return h('section', {id: 'inbox', class: 'app-section'}, h('h3', null, t('appl.inbox')),
      h('p', {class: 'error', role: 'alert'}, t('appl.inboxFailed', {message: err.message})));
  }
  return h('section', {id: 'inbox', class: 'app-section'}, h('h3', null, t('appl.inbox'), ' ', h('span', {class: 'badge count'}, tasks.length)),
    tasks.length === 0 ? h('p', {class: 'hint', id: 'inbox-empty'}, t('appl.inboxEmpty')) : tableBox(h('table', {class: 'data', id: 'inbox-list'},
      h('thead', null, h('tr', null, ['appl.title', 'appl.kind', 'appl.step', 'appl.role', 'appl.due', 'appl.why'].map((k) => h('th', {scope: 'col'}, t(k))))),
      h('tbody', null, tasks.map((task) => h('tr', {class: task.overdue ? 'overdue' : null, dataset: {applicationId: task.application.id}},
        h('td', null, h('a', {href: applicationHash(task.application.id)}, task.application.title)),
        h('td', null, kindLabel(task.application.kind)),
        h('td', null, stateLabel(task.application)),
        h('td', null, roleLabel(task.role)),
        h('td', {class: task.overdue ? 'bad' : null}, day(task.due), task.overdue ? ` · ${t('appl.overdue')}` : ''),
        h('td', null, task.why === 'escalated' ? h('span', {class: 'badge escalated'}, t('appl.escalated')) : t('appl.byRole')))))),
    t('appl.inbox')));
}

/** The notices section: every notice, newest first, unread ones with a button to mark them read. */
export async function noticesSection() {
  const el = h('section', {id: 'notices', class: 'app-section'});
  const render = async () => {
    let notices;
    try {
      notices = (await get('/api/v1/notices')).notices || [];
    } catch (err) {
      replace(el, h('h3', null, t('appl.notices')), h('p', {class: 'error', role: 'alert'}, t('appl.noticesFailed', {message: err.message})));
      return;
    }
    notices.sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    const read = async (n) => {
      try {
        await request('POST', `/api/v1/notices/${encodeURIComponent(n.id)}/read`);
      } catch (err) {
        toast(t('appl.failed', {message: err.message}), 'error');
        return;
      }
      await render();
      await refreshBadge();
      document.getElementById('notices-h')?.focus();
    };
    replace(el, h('h3', {id: 'notices-h', tabindex: '-1'}, t('appl.notices')),
      notices.length === 0 ? h('p', {class: 'hint'}, t('appl.noNotices')) : h('ul', {class: 'notices', id: 'notice-list'},
        notices.map((n) => h('li', {class: n.read ? 'read' : 'unread', dataset: {noticeId: n.id}},
          h('div', null, h('strong', null, n.title), ' ', h('span', {class: 'muted'}, moment(n.created_at))),
          n.body ? h('div', null, n.body) : null,
          n.application_id ? h('a', {href: applicationHash(n.application_id)}, t('appl.open')) : null,
          n.read ? null : h('button', {type: 'button', class: 'link mark-read', onClick: () => read(n)}, t('appl.markRead'))))));
  };
  await render();
  return el;
}
