// Review the changes helpers proposed (reviewed before they count): approve, or reject with a
// reason. The API decides who may review what (the village's work team, the officers).
import { api, ApiError } from '../api.js';
import { errorBox, field, fill, h, toast } from '../dom.js';
import { labeller, when } from '../labels.js';
import { names } from '../names.js';

export const title = '待审核修改';

/** [name, value] of each change, the nested groups (fields, incomes ...) flattened. */
function changesOf(changes) {
  return Object.entries(changes).flatMap(([name, value]) => (
    value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [[name, value]]));
}

function proposal(request, label, name, onReviewed) {
  const message = h('div', {});
  const reasonId = `reason-${request.id}`;
  const review = async (decision) => {
    const reason = document.getElementById(reasonId).value.trim();
    try {
      await api.post(`/api/v1/change-requests/${request.id}/review`, { decision, reason });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      fill(message, errorBox(error));
      return;
    }
    toast(decision === 'approve' ? '已通过。' : '已驳回。');
    await onReviewed();
  };
  return h('article', { class: 'card', 'aria-labelledby': `title-${request.id}` },
    h('h2', { id: `title-${request.id}` },
      h('a', { href: `#/household/${encodeURIComponent(request.household_id)}` }, `农户 ${name.household(request.household_id)}`),
      ` 的修改申请`),
    h('p', {}, `提交人：${name.user(request.requested_by)}；提交时间：${when(request.created_at)}；依据版本：${request.base_version}；村：${name.region(request.village_code)}`),
    h('ul', {}, changesOf(request.changes).map(([name, value]) => h('li', {}, `${label(name)} → ${label(value)}`))),
    field('驳回原因（驳回时必填）', { id: reasonId, name: 'reason', maxlength: 500 }),
    h('div', { class: 'inline' },
      h('button', { type: 'button', class: 'primary', onclick: () => review('approve') }, '通过'),
      h('button', { type: 'button', class: 'secondary', onclick: () => review('reject') }, '驳回')),
    message);
}

export async function render(main, context) {
  const label = await labeller();
  const page = await api.get('/api/v1/change-requests', { status: 'pending', page_size: 50 });
  const name = await names({
    regions: page.items.map((r) => r.village_code), users: page.items.map((r) => r.requested_by),
    households: page.items.map((r) => r.household_id),
  });
  const reload = () => render(main, context);
  fill(main, h('h1', {}, '待审核修改'),
    page.items.length ? page.items.map((request) => proposal(request, label, name, reload))
      : h('p', { class: 'empty' }, '没有待审核的修改申请。'));
}
