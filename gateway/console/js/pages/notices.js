// Notices (上传下达): a text to every holder of a role in a subtree, then its recipients and the
// status of each message (queued … delivered / failed), refreshed while any is still on its way;
// and the subtree's recent messages, each linked to its notice.
import { api, ApiError } from '../api.js';
import { errorBox, field, fill, h, toast } from '../dom.js';
import { labeller, when } from '../labels.js';
import { names } from '../names.js';
import { ROLE_NAMES } from '../nav.js';
import { table } from '../table.js';

export const title = '通知公告';

const RECIPIENT_ROLES = ['helper', 'work_team', 'secretary', 'info_officer', 'admin', 'inspector'];
const STATUSES = ['queued', 'held', 'submitted', 'delivered', 'failed', 'expired'];
const UNDER_WAY = ['queued', 'held', 'submitted'];
const REFRESH_MS = 3000;

function sendForm(me, label, navigate) {
  const message = h('div', {});
  const role = field('发给（角色）', { name: 'role' }, 'select');
  role.querySelector('select').append(...RECIPIENT_ROLES.map((code) => h('option', { value: code }, ROLE_NAMES[code])));
  const form = h('form', { class: 'card', 'aria-labelledby': 'send-title', novalidate: true },
    h('h2', { id: 'send-title' }, '发送通知'),
    h('div', { class: 'inline' }, role,
      field('范围（区划代码）', { name: 'region_code', value: me.region_code, inputmode: 'numeric', required: true })),
    field('通知内容（短信，最多 500 字）', { name: 'text', maxlength: 500, rows: 3, required: true }, 'textarea'),
    h('div', { class: 'field checkbox' },
      h('label', {}, h('input', { type: 'checkbox', name: 'urgent' }), ' 紧急（夜间也发送）')),
    message, h('button', { type: 'submit', class: 'primary' }, '发送'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { elements } = form;
    let notice;
    try {
      notice = await api.post('/api/v1/notices', {
        role: elements.role.value, region_code: elements.region_code.value.trim(),
        text: elements.text.value, urgent: elements.urgent.checked,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      fill(message, errorBox(error));
      return;
    }
    toast('通知已提交发送。');
    navigate('notices', notice.id);
  });
  return form;
}

function counts(notice, label) {
  return h('ul', { class: 'counts', id: 'notice-counts' },
    STATUSES.map((status) => h('li', { 'data-status': status }, `${label(status)}：${notice.counts[status]}`)));
}

async function noticeView(id, label) {
  const [notice, recipients] = await Promise.all([
    api.get(`/api/v1/notices/${encodeURIComponent(id)}`),
    api.get(`/api/v1/notices/${encodeURIComponent(id)}/recipients`, { page_size: 200 }),
  ]);
  const name = await names({
    regions: [notice.region_code, ...recipients.items.map((m) => m.region_code)],
    users: recipients.items.map((m) => m.user_id),
  });
  const pending = notice.state !== 'done' || UNDER_WAY.some((status) => notice.counts[status] > 0);
  const view = h('section', { class: 'card', 'aria-labelledby': 'notice-title', id: 'notice' },
    h('h2', { id: 'notice-title' }, '通知发送情况'),
    h('p', {}, notice.text),
    h('dl', { class: 'facts' },
      h('dt', {}, '发给'), h('dd', {}, `${name.region(notice.region_code)}的${ROLE_NAMES[notice.role] || notice.role}`),
      h('dt', {}, '发送时间'), h('dd', {}, when(notice.created_at)),
      h('dt', {}, '状态'), h('dd', { id: 'notice-state' }, label(notice.state)),
      h('dt', {}, '收件人'), h('dd', {}, notice.recipients)),
    counts(notice, label),
    table('收件人', [
      ['收件人', (m) => name.user(m.user_id)], ['手机号（已脱敏）', (m) => m.phone], ['区划', (m) => name.region(m.region_code)],
      ['状态', (m) => h('span', { class: `status-${m.status}` }, label(m.status))],
      ['尝试次数', (m) => m.attempts], ['更新时间', (m) => when(m.updated_at)],
    ], recipients.items, notice.state === 'resolving' ? '正在确定收件人……' : '没有收件人。'),
    h('p', { class: 'hint', role: 'status' }, pending ? '发送中，页面会自动刷新。' : '已全部处理完毕。'));
  return { view, pending };
}

/** Show the notice and refresh it while it is on its way (and still on the screen). */
async function watch(holder, id, label) {
  const { view, pending } = await noticeView(id, label);
  fill(holder, view);
  if (pending) {
    setTimeout(() => {
      if (document.body.contains(view)) watch(holder, id, label).catch(() => null);
    }, REFRESH_MS);
  }
}

export async function render(main, { me, rest, navigate }) {
  const label = await labeller();
  const [noticeId] = rest;
  const mayRead = ['admin', 'info_officer', 'secretary', 'inspector'].some((role) => me.roles.includes(role));  // messages:read
  const mayCreate = ['admin', 'info_officer', 'secretary'].some((role) => me.roles.includes(role));
  const holder = h('div', { 'aria-live': 'polite' });
  const messages = mayRead ? await api.get('/api/v1/messages', { page_size: 30 }).then((p) => p.items, () => []) : [];
  const name = await names({ users: messages.map((m) => m.user_id) });
  fill(main, h('h1', {}, '通知公告'),
    mayCreate ? sendForm(me, label, navigate) : null, holder,
    mayRead ? h('section', { 'aria-labelledby': 'messages-title' },
      h('h2', { id: 'messages-title' }, '辖区最近的短信'),
      table('最近的短信', [
        ['时间', (m) => when(m.created_at)], ['收件人', (m) => name.user(m.user_id)], ['手机号（已脱敏）', (m) => m.phone],
        ['类型', (m) => label(m.template)], ['状态', (m) => label(m.status)],
        ['所属通知', (m) => (m.notice_id ? h('a', { href: `#/notices/${encodeURIComponent(m.notice_id)}` }, '查看') : '—')],
      ], messages, '没有短信记录。')) : null);
  if (noticeId) await watch(holder, noticeId, label);
}
