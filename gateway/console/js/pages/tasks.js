// Tasks (工作任务): assign one to some users or to every holder of a role in a subtree (each is
// texted), the tasks assigned by you with who is late marked, and yours to accept or complete.
import { api, ApiError } from '../api.js';
import { errorBox, field, fill, h, toast } from '../dom.js';
import { TASK_KINDS, labeller, options, when } from '../labels.js';
import { names } from '../names.js';
import { ROLE_NAMES } from '../nav.js';
import { table } from '../table.js';

export const title = '工作任务';

const ASSIGNERS = ['admin', 'info_officer', 'secretary'];
const ROLES = ['helper', 'work_team', 'secretary', 'info_officer', 'inspector'];

function inAWeek() {
  const due = new Date(Date.now() + 7 * 86400000);
  due.setHours(17, 0, 0, 0);
  const pad = (n) => String(n).padStart(2, '0');
  return `${due.getFullYear()}-${pad(due.getMonth() + 1)}-${pad(due.getDate())}T17:00`;
}

function assignForm(me, users, label, name, onAssigned) {
  const message = h('div', {});
  const kind = field('任务类型', { name: 'kind' }, 'select');
  kind.querySelector('select').append(...options(TASK_KINDS, label));
  const target = field('派给', { name: 'target' }, 'select');
  target.querySelector('select').append(h('option', { value: 'role' }, '某区划内某角色的所有人'), h('option', { value: 'users' }, '指定用户'));
  const role = field('角色', { name: 'role' }, 'select');
  role.querySelector('select').append(...ROLES.map((code) => h('option', { value: code }, ROLE_NAMES[code])));
  const byRole = h('div', { class: 'inline' }, role,
    field('区划代码', { name: 'region_code', value: me.region_code, inputmode: 'numeric' }));
  const chosen = field('用户（可多选）', { name: 'assignee_ids', multiple: true, size: 5 }, 'select');
  chosen.querySelector('select').append(...users.map((u) => h('option', { value: u.id },
    `${u.name}（${u.roles.map((r) => ROLE_NAMES[r] || r).join('、')}，${name.region(u.region_code)}）`)));
  const byUsers = h('div', { hidden: true }, chosen);
  target.querySelector('select').addEventListener('change', (event) => {
    byRole.hidden = event.target.value !== 'role';
    byUsers.hidden = event.target.value !== 'users';
  });
  const form = h('form', { class: 'card', 'aria-labelledby': 'assign-title', novalidate: true },
    h('h2', { id: 'assign-title' }, '派发任务'),
    h('div', { class: 'inline' }, kind,
      field('任务名称', { name: 'title', maxlength: 200, required: true }),
      field('完成期限', { name: 'due_at', type: 'datetime-local', value: inAWeek(), required: true }),
      field('农户户编号（可不填）', { name: 'household_number' })),
    target, byRole, byUsers, message, h('button', { type: 'submit', class: 'primary' }, '派发'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { elements } = form;
    const due = new Date(elements.due_at.value);
    const number = elements.household_number.value.trim();
    const household = number ? (await api.get('/api/v1/households', { number, page_size: 1 })).items[0] : null;
    if (number && !household) { fill(message, errorBox({ message: `未找到（或不在您的辖区内）：${number}` })); return; }
    const body = {
      kind: elements.kind.value, title: elements.title.value.trim(),
      due_at: Number.isNaN(due.getTime()) ? '' : due.toISOString(), household_id: household ? household.id : '',
    };
    if (elements.target.value === 'role') Object.assign(body, { role: elements.role.value, region_code: elements.region_code.value.trim() });
    else body.assignee_ids = [...elements.assignee_ids.selectedOptions].map((option) => option.value);
    try {
      await api.post('/api/v1/tasks', body);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      fill(message, errorBox(error));
      return;
    }
    toast('任务已派发，已短信通知。');
    await onAssigned();
  });
  return form;
}

function progress(task) {
  const done = task.assignments.filter((a) => a.status === 'completed').length;
  const late = task.assignments.filter((a) => a.overdue).length;
  return [`${done} / ${task.assignments.length} 已完成`, late ? h('strong', { class: 'overdue' }, `，${late} 人超期`) : null];
}

function assignments(task, name, label) {
  return h('ul', { class: 'assignments' }, task.assignments.map((a) => h('li', { class: a.overdue ? 'overdue' : null },
    `${name.user(a.assignee_id)}：${label(a.status)}`,
    a.completed_at ? `（${when(a.completed_at)}，${label(a.via)}）` : '',
    a.overdue ? h('strong', {}, ' 超期') : null)));
}

function answers(task, label, onAnswered) {
  const mine = task.assignments[0];
  if (!mine || mine.status === 'completed') return null;
  const answer = async (action) => {
    try {
      await api.post(`/api/v1/tasks/${task.id}/answers`, { action });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      toast(error.message);
      return;
    }
    toast(action === 'accept' ? '已接受。' : '已完成。');
    await onAnswered();
  };
  return h('div', { class: 'inline' },
    mine.status === 'assigned' ? h('button', { type: 'button', class: 'secondary', onclick: () => answer('accept') }, '接受') : null,
    h('button', { type: 'button', class: 'secondary', onclick: () => answer('complete') }, '完成'));
}

export async function render(main, context) {
  const { me, query, navigate } = context;
  const label = await labeller();
  const mayAssign = ASSIGNERS.some((role) => me.roles.includes(role));
  const scope = query.get('scope') || (mayAssign ? 'assigned_by_me' : 'assigned_to_me');
  const overdue = query.get('overdue') === 'true';
  const [page, users] = await Promise.all([
    api.get('/api/v1/tasks', { scope, overdue: overdue || null, page_size: 100 }),
    api.get('/api/v1/users', { page_size: 200 }).then((p) => p.items, () => []),
  ]);
  const name = await names({
    regions: users.map((u) => u.region_code),
    users: page.items.flatMap((t) => t.assignments.map((a) => a.assignee_id)),
    households: page.items.map((t) => t.household_id).filter(Boolean),
  });
  const reload = () => render(main, context);
  const filter = h('form', { class: 'card', role: 'search', 'aria-label': '筛选任务' },
    h('div', { class: 'inline' }, (() => {
      const wrapper = field('范围', { name: 'scope' }, 'select');
      wrapper.querySelector('select').append(...options(['assigned_by_me', 'assigned_to_me'], label, scope));
      return wrapper;
    })(),
    h('div', { class: 'field checkbox' }, h('label', {}, h('input', { type: 'checkbox', name: 'overdue', value: 'true', checked: overdue }), ' 只看超期')),
    h('button', { type: 'submit', class: 'primary' }, '筛选')));
  filter.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate('tasks', '', Object.fromEntries(new FormData(filter)));
  });
  fill(main, h('h1', {}, '工作任务'),
    mayAssign ? assignForm(me, users, label, name, reload) : null, filter,
    h('section', { 'aria-labelledby': 'tasks-title' }, h('h2', { id: 'tasks-title' }, label(scope)),
      table('任务', [
        ['任务', (t) => t.title], ['类型', (t) => label(t.kind)], ['期限', (t) => when(t.due_at)],
        ['农户', (t) => (t.household_id ? h('a', { href: `#/household/${encodeURIComponent(t.household_id)}` }, name.household(t.household_id)) : '—')],
        ['进度', progress], ['执行情况', (t) => assignments(t, name, label)],
        ...(scope === 'assigned_to_me' ? [['操作', (t) => answers(t, label, reload)]] : []),
      ], page.items, '没有任务。')));
}
