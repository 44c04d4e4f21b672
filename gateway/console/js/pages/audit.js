// The audit log (审计日志) of the caller's subtree: every service's sensitive acts, filtered by
// region (theirs or a child, by name), service, action (suggested by name), actor (a person of
// their subtree, by name), target and period, newest first, page by page.
import { api } from '../api.js';
import { field, fill, h } from '../dom.js';
import { AUDIT_ACTIONS, labeller, options, when } from '../labels.js';
import { names } from '../names.js';
import { table } from '../table.js';

export const title = '审计日志';

const SERVICES = ['', 'identity', 'registry', 'assistance', 'training', 'notification', 'projects'];

/** A <select> of [value, text] choices, '' (全部) first; a chosen value not among them is kept. */
function choice(text, name, choices, chosen) {
  const wrapper = field(text, { name }, 'select');
  const known = chosen && !choices.some(([value]) => value === chosen) ? [[chosen, chosen]] : [];
  wrapper.querySelector('select').append(...[['', '全部'], ...choices, ...known].map(([value, shown]) => (
    h('option', { value, selected: value === chosen }, shown))));
  return wrapper;
}

/** The filters' choices: the caller's region and its children, the people of their subtree. */
async function filterChoices(me, name) {
  const [children, people] = await Promise.all([
    api.get(`/api/v1/regions/${me.region_code}/children`, { page_size: 200 }).then((p) => p.items, () => []),
    api.get('/api/v1/users', { include_disabled: true, page_size: 200 }).then((p) => p.items, () => []),
  ]);
  return {
    regions: [[me.region_code, name.region(me.region_code)], ...children.map((r) => [r.code, r.name])],
    people: people.map((u) => [u.id, `${u.name}（${u.mobile}）`]),
  };
}

/** The start of a day (plus `days`) in the officer's own time zone, as an instant. */
function instant(dayText, days = 0) {
  if (!dayText) return '';
  const moment = new Date(`${dayText}T00:00:00`);
  moment.setDate(moment.getDate() + days);
  return Number.isNaN(moment.getTime()) ? '' : moment.toISOString();
}

function detailText(detail) {
  const entries = Object.entries(detail || {});
  return entries.length ? entries.map(([name, value]) => `${name}: ${typeof value === 'object' ? JSON.stringify(value) : value}`).join('；') : '—';
}

export async function render(main, { me, query, navigate }) {
  const label = await labeller();
  const service = field('服务', { name: 'service' }, 'select');
  service.querySelector('select').append(...options(SERVICES, label, query.get('service') || ''));
  const chosen = await names({ regions: [query.get('region_code')], users: [query.get('actor_id')] });
  const { regions, people } = await filterChoices(me, chosen);
  const actions = h('datalist', { id: 'audit-actions' },
    AUDIT_ACTIONS.map((code) => h('option', { value: code }, label(code))));
  const form = h('form', { class: 'card', role: 'search', 'aria-label': '筛选审计记录' },
    h('div', { class: 'inline' },
      choice('区划', 'region_code', regions, query.get('region_code') || ''),
      field('操作（输入或选择）', { name: 'action', list: 'audit-actions', value: query.get('action') || '' }), actions,
      choice('操作人', 'actor_id', people, query.get('actor_id') || ''),
      field('对象 ID', { name: 'target_id', value: query.get('target_id') || '' }), service,
      field('起始日期', { name: 'from', type: 'date', value: query.get('from') || '' }),
      field('截止日期', { name: 'to', type: 'date', value: query.get('to') || '' }),
      h('button', { type: 'submit', class: 'primary' }, '筛选')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate('audit', '', Object.fromEntries(new FormData(form)));
  });
  const results = h('section', { 'aria-labelledby': 'audit-title' }, h('h2', { id: 'audit-title' }, '审计记录'));
  fill(main, h('h1', {}, '审计日志'), form, results);
  const params = Object.fromEntries(['region_code', 'service', 'action', 'actor_id', 'target_id', 'page_token'].map((name) => [name, query.get(name) || '']));
  const page = await api.get('/api/v1/audit-records', {
    ...params, from: instant(query.get('from')), to: instant(query.get('to'), 1), page_size: 50,
  });
  const name = await names({
    regions: page.items.map((r) => r.region_code),
    users: page.items.flatMap((r) => [r.actor_id, r.target_id]), // a target that is a user is named too
  });
  results.append(table('审计记录', [
    ['时间', (r) => when(r.at)], ['服务', (r) => label(r.service)], ['操作', (r) => label(r.action)],
    ['操作人', (r) => name.user(r.actor_id)], ['对象', (r) => name.user(r.target_id)], ['区划', (r) => name.region(r.region_code)],
    ['详情', (r) => detailText(r.detail)], ['来源地址', (r) => r.client_ip || '—'],
  ], page.items, '没有符合条件的审计记录。'));
  if (page.next_page_token) {
    results.append(h('p', {}, h('button', {
      type: 'button', class: 'secondary',
      onclick: () => navigate('audit', '', { ...Object.fromEntries(query), page_token: page.next_page_token }),
    }, '下一页')));
  }
}
