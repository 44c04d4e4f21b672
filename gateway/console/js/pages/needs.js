// The needs ledger (问题解决台账): the needs of a region with filters, overdue ones marked; one
// need's whole path (filed, escalated level by level, resolved or answered); and resolve /
// answer / escalate for the level that owns it (the API decides: a refusal is shown in Chinese).
import { api, ApiError } from '../api.js';
import { errorBox, field, fill, h, toast } from '../dom.js';
import { LEVELS, NEED_CATEGORIES, labeller, options, when } from '../labels.js';
import { names } from '../names.js';
import { table } from '../table.js';

export const title = '需求台账';

const HANDLERS = ['admin', 'info_officer', 'secretary', 'work_team'];

function overdueMark(need) {
  return need.overdue && need.status === 'open' ? h('strong', { class: 'overdue' }, '（已超期）') : null;
}

function filters(query, label, navigate) {
  const select = (name, text, codes, list) => {
    const wrapper = field(text, { name }, 'select');
    wrapper.querySelector('select').append(...options(['', ...codes], label, query.get(name) || '', list));
    return wrapper;
  };
  const form = h('form', { class: 'card', role: 'search', 'aria-label': '筛选需求' },
    h('div', { class: 'inline' },
      field('区划代码', { name: 'region_code', value: query.get('region_code') || '', inputmode: 'numeric' }),
      select('status', '状态', ['open', 'resolved', 'answered']),
      select('category', '类别', NEED_CATEGORIES, 'need_category'),
      select('owner_level', '当前责任层级', LEVELS),
      h('button', { type: 'submit', class: 'primary' }, '筛选')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate('needs', '', Object.fromEntries(new FormData(form)));
  });
  return form;
}

function actionForm(need, label, onDone) {
  const message = h('div', {});
  const action = field('处理方式', { name: 'action' }, 'select');
  action.querySelector('select').append(...options(['escalate', 'resolve', 'answer'], label));
  const form = h('form', { class: 'card', 'aria-labelledby': 'act-title', novalidate: true },
    h('h2', { id: 'act-title' }, '处理'),
    action,
    field('说明（上报原因、解决办法或答复内容）', { name: 'reason', rows: 3, maxlength: 2000, required: true }, 'textarea'),
    message, h('button', { type: 'submit', class: 'primary' }, '提交'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api.post(`/api/v1/needs/${need.id}/actions`, {
        action: form.elements.action.value, reason: form.elements.reason.value.trim(),
        expected_version: need.version,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      fill(message, errorBox(error));
      return;
    }
    toast('已提交。');
    await onDone();
  });
  return form;
}

async function needView(main, context, label) {
  const need = await api.get(`/api/v1/needs/${encodeURIComponent(context.rest[0])}`);
  const mayHandle = HANDLERS.some((role) => context.me.roles.includes(role));
  const name = await names({
    regions: [need.village_code, need.owner_region, ...need.steps.flatMap((s) => [s.from_region, s.to_region])],
    users: [need.filed_by],
    households: [need.household_id],
  });
  fill(main,
    h('p', {}, h('a', { href: '#/needs' }, '‹ 返回台账')),
    h('h1', {}, `帮扶需求：${label(need.category, 'need_category')}`),
    h('dl', { class: 'facts card' },
      h('dt', {}, '内容'), h('dd', {}, need.description),
      h('dt', {}, '农户'), h('dd', {}, h('a', { href: `#/household/${encodeURIComponent(need.household_id)}` }, name.household(need.household_id)), `（${name.region(need.village_code)}）`),
      h('dt', {}, '提出人'), h('dd', { id: 'need-filed-by' }, name.user(need.filed_by)),
      h('dt', {}, '状态'), h('dd', { id: 'need-status' }, label(need.status), overdueMark(need)),
      h('dt', {}, '当前责任'), h('dd', { id: 'need-owner' }, `${label(need.owner_level)}（${name.region(need.owner_region)}）`),
      h('dt', {}, '处理期限'), h('dd', {}, when(need.due_at)),
      h('dt', {}, '紧急'), h('dd', {}, label(need.urgent))),
    h('section', { 'aria-labelledby': 'steps-title' }, h('h2', { id: 'steps-title' }, '处理经过'),
      table('处理经过', [
        ['序号', (s) => s.seq], ['环节', (s) => label(s.action)], ['从', (s) => name.region(s.from_region)],
        ['到', (s) => name.region(s.to_region)], ['说明', (s) => s.reason || '—'], ['时间', (s) => when(s.at)],
      ], need.steps)),
    mayHandle && need.status === 'open' ? actionForm(need, label, () => needView(main, context, label)) : null);
}

export async function render(main, context) {
  const label = await labeller();
  if (context.rest.length) { await needView(main, context, label); return; }
  const { query, navigate } = context;
  const results = h('section', { 'aria-labelledby': 'ledger-title' }, h('h2', { id: 'ledger-title' }, '需求列表'));
  fill(main, h('h1', {}, '需求台账'), filters(query, label, navigate), results);
  const [page, menu] = await Promise.all([
    api.get('/api/v1/needs', { ...Object.fromEntries(query), page_size: 100 }),
    api.get('/api/v1/needs/menu', { region_code: query.get('region_code') || '' }).catch(() => null),
  ]);
  const name = await names({ regions: page.items.map((n) => n.village_code) });
  if (menu) results.append(h('p', { id: 'needs-menu' }, `共 ${menu.total} 件，待处理 ${menu.open} 件，超期 ${menu.overdue} 件。`));
  results.append(table('需求', [
    ['提出时间', (n) => h('a', { href: `#/needs/${encodeURIComponent(n.id)}` }, when(n.created_at))],
    ['类别', (n) => label(n.category, 'need_category')], ['内容', (n) => n.description],
    ['村', (n) => name.region(n.village_code)], ['当前责任', (n) => label(n.owner_level)],
    ['状态', (n) => [label(n.status), overdueMark(n)]], ['期限', (n) => when(n.due_at)],
  ], page.items, '没有符合条件的需求。'));
  if (page.next_page_token) results.append(h('p', {}, '只显示前 100 件，请缩小筛选条件。'));
}
