// Users and pairings (用户与结对) of the caller's subtree: the users (locked ones marked), a new
// user with the one-time password shown once, disable / enable, a new one-time password (which
// also lifts a lockout); and a helper paired with households, or a pairing ended.
import { api, ApiError } from '../api.js';
import { errorBox, field, fill, h, toast } from '../dom.js';
import { labeller, options, when } from '../labels.js';
import { names } from '../names.js';
import { ROLE_NAMES } from '../nav.js';
import { table } from '../table.js';

export const title = '用户与结对';

const MANAGERS = ['admin', 'info_officer'];
const GRANTABLE = ['helper', 'work_team', 'secretary', 'info_officer', 'inspector', 'admin'];

/** The one-time password, shown once: whoever hands it over reads it now. */
function oneTimePassword(user, password) {
  return h('div', { class: 'notice', role: 'alert', id: 'initial-password' },
    h('p', {}, `${user.name}（${user.mobile}）的初始密码：`, h('strong', { class: 'secret' }, password)),
    h('p', {}, '只显示这一次，请当面或电话告知本人；首次登录须修改。'));
}

/** The API's answer, or null with its problem shown in `holder`. */
async function acted(holder, promise) {
  try {
    return await promise;
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    fill(holder, errorBox(error));
    return null;
  }
}

function createForm(me, holder, onCreated) {
  const form = h('form', { class: 'card', 'aria-labelledby': 'create-title', novalidate: true },
    h('h2', { id: 'create-title' }, '新建用户'),
    h('div', { class: 'inline' },
      field('姓名', { name: 'name', maxlength: 64, required: true }),
      field('手机号', { name: 'mobile', type: 'tel', inputmode: 'numeric', maxlength: 11, required: true }),
      field('区划代码', { name: 'region_code', value: me.region_code, inputmode: 'numeric', required: true })),
    h('fieldset', { class: 'roles' }, h('legend', {}, '角色'),
      GRANTABLE.map((role) => h('label', {}, h('input', { type: 'checkbox', name: 'roles', value: role }), ` ${ROLE_NAMES[role]}`))),
    h('button', { type: 'submit', class: 'primary' }, '创建'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { elements } = form;
    const roles = [...form.querySelectorAll('input[name=roles]:checked')].map((box) => box.value);
    const created = await acted(holder, api.post('/api/v1/users', {
      name: elements.name.value.trim(), mobile: elements.mobile.value.trim(),
      region_code: elements.region_code.value.trim(), roles,
    }));
    if (created) await onCreated(oneTimePassword(created.user, created.initial_password));
  });
  return form;
}

function userActions(user, holder, reload) {
  const toggle = async () => {
    const changed = await acted(holder, api.patch(`/api/v1/users/${user.id}`, { disabled: !user.disabled }));
    if (changed) { toast(changed.disabled ? '已停用。' : '已启用。'); await reload(); }
  };
  const reset = async () => {
    const reply = await acted(holder, api.post(`/api/v1/users/${user.id}/password-reset`, {}));
    if (reply) await reload(oneTimePassword(user, reply.initial_password));
  };
  return h('div', { class: 'inline' },
    h('button', { type: 'button', class: 'secondary', onclick: toggle }, user.disabled ? '启用' : '停用'),
    h('button', { type: 'button', class: 'secondary', onclick: reset }, user.locked ? '解锁并重置密码' : '重置密码'));
}

function stateOf(user) {
  if (user.disabled) return '已停用';
  if (user.locked) return h('strong', { class: 'overdue' }, '已锁定（密码错误过多）');
  return user.must_change_password ? '待首次登录' : '正常';
}

async function pairingSection(helpers, name, query, navigate, holder) {
  const helperId = query.get('helper') || '';
  const message = h('div', {});
  const select = field('结对的帮扶责任人', { name: 'helper' }, 'select');
  select.querySelector('select').append(h('option', { value: '' }, '请选择'),
    ...helpers.map((u) => h('option', { value: u.id, selected: u.id === helperId }, `${u.name}（${name.region(u.region_code)}）`)));
  select.querySelector('select').addEventListener('change', (event) => navigate('users', '', { ...Object.fromEntries(query), helper: event.target.value }));
  const form = h('form', { class: 'card', 'aria-labelledby': 'pair-title', novalidate: true },
    h('h2', { id: 'pair-title' }, '结对帮扶'), select,
    field('农户户编号（多个用逗号或换行分隔）', { name: 'numbers', rows: 2 }, 'textarea'),
    message, h('button', { type: 'submit', class: 'primary' }, '结对'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const helper = form.elements.helper.value;
    const numbers = form.elements.numbers.value.split(/[,，\s]+/).filter(Boolean);
    if (!helper || !numbers.length) { fill(message, errorBox({ message: '请选择帮扶责任人并填写户编号。' })); return; }
    const missing = [];
    for (const number of numbers) {
      const found = (await api.get('/api/v1/households', { number, page_size: 1 })).items[0];
      if (!found) { missing.push(number); continue; }
      const paired = await acted(message, api.post(`/api/v1/households/${found.id}/pairings`, { helper_id: helper }));
      if (!paired) return;
    }
    if (missing.length) { fill(message, errorBox({ message: `未找到（或不在您的辖区内）：${missing.join('、')}` })); return; }
    toast('已结对。');
    navigate('users', '', { ...Object.fromEntries(query), helper });
  });
  if (!helperId) return form;
  const pairings = await api.get('/api/v1/pairings', { helper_id: helperId }).then((r) => r.items, () => []);
  const named = await names({ households: pairings.map((p) => p.household_id) });
  const unpair = async (pairing) => {
    const ended = await acted(holder, api.delete(`/api/v1/households/${pairing.household_id}/pairings/${helperId}`).then(() => true));
    if (ended) { toast('已解除结对。'); navigate('users', '', Object.fromEntries(query)); }
  };
  form.append(table('已结对的农户', [
    ['农户', (p) => h('a', { href: `#/household/${encodeURIComponent(p.household_id)}` }, named.household(p.household_id))],
    ['结对时间', (p) => when(p.paired_at)],
    ['操作', (p) => h('button', { type: 'button', class: 'secondary', onclick: () => unpair(p) }, '解除结对')],
  ], pairings, '尚未结对农户。'));
  return form;
}

export async function render(main, context) {
  const { me, query, navigate } = context;
  const label = await labeller();
  const mayManage = MANAGERS.some((role) => me.roles.includes(role));
  const holder = h('div', { 'aria-live': 'polite' }, context.flash);
  const params = { region_code: query.get('region_code') || '', role: query.get('role') || '', include_disabled: query.get('include_disabled') || null };
  const [page, helpers] = await Promise.all([
    api.get('/api/v1/users', { ...params, page_size: 100 }),
    mayManage ? api.get('/api/v1/users', { role: 'helper', page_size: 200 }).then((p) => p.items) : [],
  ]);
  const name = await names({ regions: [...page.items, ...helpers].map((u) => u.region_code) });
  const reload = (flash = null) => render(main, { ...context, flash });
  const role = field('角色', { name: 'role' }, 'select');
  role.querySelector('select').append(...options(['', ...GRANTABLE], label, params.role));
  const filter = h('form', { class: 'card', role: 'search', 'aria-label': '筛选用户' },
    h('div', { class: 'inline' }, field('区划代码', { name: 'region_code', value: params.region_code, inputmode: 'numeric' }), role,
      h('div', { class: 'field checkbox' }, h('label', {}, h('input', { type: 'checkbox', name: 'include_disabled', value: 'true', checked: !!params.include_disabled }), ' 含已停用')),
      h('button', { type: 'submit', class: 'primary' }, '筛选')));
  filter.addEventListener('submit', (event) => { event.preventDefault(); navigate('users', '', Object.fromEntries(new FormData(filter))); });
  fill(main, h('h1', {}, '用户与结对'), holder,
    mayManage ? createForm(me, holder, reload) : null, filter,
    h('section', { 'aria-labelledby': 'users-title' }, h('h2', { id: 'users-title' }, '辖区用户'),
      table('用户', [
        ['姓名', (u) => u.name], ['手机号（已脱敏）', (u) => u.mobile],
        ['角色', (u) => u.roles.map((r) => ROLE_NAMES[r] || r).join('、')], ['区划', (u) => name.region(u.region_code)],
        ['状态', stateOf], ...(mayManage ? [['操作', (u) => userActions(u, holder, reload)]] : []),
      ], page.items, '没有用户。')),
    mayManage ? await pairingSection(helpers, name, query, navigate, holder) : null);
}
