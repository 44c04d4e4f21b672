// One household's archive (一户一档): members (masked), incomes, indicators, benefits, pairings,
// visits and needs; the officer's edit, with the version read (a newer one is the API's 409,
// shown with the current values); and the history of every change.
import { api, ApiError } from '../api.js';
import { errorBox, field, fill, h, toast } from '../dom.js';
import { ATTRIBUTES, CAUSES, labeller, when, yuan } from '../labels.js';
import { names } from '../names.js';
import { table } from '../table.js';

export const title = '农户档案';

const EDITABLE = [['attribute', '户属性', ATTRIBUTES], ['main_cause', '主要致贫原因', CAUSES]];

function section(id, heading, ...content) {
  return h('section', { 'aria-labelledby': id, class: 'card' }, h('h2', { id }, heading), ...content);
}

async function optional(promise) {
  try { return (await promise).items; } catch (error) {
    if (error instanceof ApiError) return null;
    throw error;
  }
}

function unavailable(items, render) {
  return items === null ? h('p', { class: 'empty' }, '无权查看或暂不可用。') : render(items);
}

function editForm(household, label, onSaved) {
  const message = h('div', {});
  const form = h('form', { 'aria-label': '修改档案', novalidate: true },
    h('div', { class: 'inline' }, EDITABLE.map(([name, text, codes]) => {
      const wrapper = field(text, { name }, 'select');
      const select = wrapper.querySelector('select');
      const choices = codes.includes(household[name]) ? codes : [household[name], ...codes];
      for (const code of choices) {
        select.append(h('option', { value: code, selected: code === household[name] }, label(code)));
      }
      return wrapper;
    }), h('button', { type: 'submit', class: 'primary' }, '保存修改')),
    h('p', { class: 'hint' }, `当前版本：${household.version}`), message);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = { expected_version: household.version };
    for (const [name] of EDITABLE) {
      if (form.elements[name].value !== household[name]) body[name] = form.elements[name].value;
    }
    if (Object.keys(body).length === 1) {
      fill(message, h('p', {}, '没有修改。'));
      return;
    }
    try {
      await api.patch(`/api/v1/households/${household.id}`, body);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      if (error.status !== 409) { fill(message, errorBox(error)); return; }
      const current = await api.get(`/api/v1/households/${household.id}`);
      fill(message, errorBox(error), h('div', { class: 'notice', id: 'conflict-current' },
        h('p', {}, `最新内容（版本 ${current.version}）：`),
        h('ul', {}, EDITABLE.map(([name, text]) => h('li', {}, `${text}：${label(current[name])}`))),
        h('button', { type: 'button', class: 'secondary', onclick: () => onSaved() }, '载入最新内容')));
      return;
    }
    toast('已保存。');
    await onSaved();
  });
  return form;
}

/** Print the QR code alone (the rest of the page is hidden by the print style). */
function printQr() {
  document.body.classList.add('printing-qr');
  window.addEventListener('afterprint', () => document.body.classList.remove('printing-qr'), { once: true });
  window.print();
}

export async function render(main, context) {
  const [id] = context.rest;
  const label = await labeller();
  const household = await api.get(`/api/v1/households/${encodeURIComponent(id)}`);
  const roles = context.me.roles;
  const [history, pairings, benefits, visits, needs] = await Promise.all([
    optional(api.get(`/api/v1/households/${id}/history`, { page_size: 100 })),
    api.get(`/api/v1/households/${id}/pairings`).then((r) => r.items, () => null),
    optional(api.get(`/api/v1/households/${id}/benefits`)),
    optional(api.get('/api/v1/visits', { household_id: id, page_size: 50 })),
    optional(api.get('/api/v1/needs', { region_code: household.village_code, page_size: 100 })),
  ]);
  const name = await names({
    regions: [household.village_code],
    users: [...(pairings || []), ...(visits || [])].map((item) => item.helper_id),
  });
  const reload = () => render(main, context);
  const mayEdit = roles.includes('admin') || roles.includes('info_officer');
  fill(main,
    h('p', {}, h('a', { href: '#/households' }, '‹ 返回查询')),
    h('h1', {}, `农户档案 ${household.number}`),
    h('dl', { class: 'facts card' },
      h('dt', {}, '状态'), h('dd', { id: 'household-status' }, label(household.status)),
      h('dt', {}, '户属性'), h('dd', { id: 'household-attribute' }, label(household.attribute)),
      h('dt', {}, '主要致贫原因'), h('dd', { id: 'household-main-cause' }, label(household.main_cause)),
      h('dt', {}, '其他致贫原因'), h('dd', {}, household.secondary_causes.map(label).join('、') || '—'),
      h('dt', {}, '所在村'), h('dd', { id: 'household-village' }, name.region(household.village_code)),
      h('dt', {}, '银行账号'), h('dd', {}, household.bank_account || '—'),
      h('dt', {}, '版本'), h('dd', {}, household.version)),
    mayEdit ? section('edit-title', '修改档案', editForm(household, label, reload)) : null,
    section('qr-title', '门牌二维码',
      h('img', {
        id: 'household-qr', class: 'qr', width: 200, height: 200,
        src: `/api/v1/households/${encodeURIComponent(household.id)}/qr.png`,
        alt: `农户 ${household.number} 的门牌二维码（扫码打开公开页）`,
      }),
      h('p', {}, h('button', { type: 'button', onclick: printQr }, '打印二维码'))),
    section('members-title', '家庭成员', table('家庭成员', [
      ['姓名', (m) => m.name], ['与户主关系', (m) => label(m.relation)],
      ['身份证号（已脱敏）', (m) => m.id_number], ['性别', (m) => label(m.sex)],
      ['出生日期', (m) => m.birth_date], ['健康', (m) => label(m.health)],
      ['劳动能力', (m) => label(m.labour_capacity)], ['电话', (m) => m.phone || '—'],
    ], household.members)),
    section('incomes-title', '收入', table('年度收入', [
      ['年度', (y) => y.year], ['家庭纯收入', (y) => yuan(y.total)], ['人均纯收入', (y) => yuan(y.per_capita)],
    ], household.incomes)),
    section('indicators-title', '两不愁三保障', table('保障指标（最近年度）', [
      ['指标', ([name]) => label(name)], ['达标', ([, ok]) => (ok ? '是' : '否')],
    ], Object.entries(household.indicators))),
    section('benefits-title', '政策享受', unavailable(benefits, (items) => table('政策享受', [
      ['年度', (b) => b.year], ['季度', (b) => b.quarter], ['部门', (b) => b.department],
      ['项目', (b) => b.program], ['金额', (b) => yuan(b.amount)],
    ], items))),
    section('pairings-title', '结对帮扶', unavailable(pairings, (items) => table('结对', [
      ['帮扶责任人', (p) => name.user(p.helper_id)], ['结对时间', (p) => when(p.paired_at)],
    ], items))),
    section('visits-title', '走访记录', unavailable(visits, (items) => table('走访', [
      ['时间', (v) => when(v.visited_at)], ['帮扶责任人', (v) => name.user(v.helper_id)],
    ], items))),
    section('needs-title', '帮扶需求', unavailable(needs, (items) => table('需求', [
      ['类别', (n) => label(n.category)], ['内容', (n) => n.description],
      ['状态', (n) => label(n.status)], ['期限', (n) => when(n.due_at)],
    ], items.filter((n) => n.household_id === household.id)))),
    section('history-title', '变更记录', unavailable(history, (items) => table('变更记录', [
      ['时间', (e) => when(e.at)], ['类型', (e) => label(e.kind)], ['字段', (e) => label(e.field)],
      ['修改前', (e) => label(e.before)], ['修改后', (e) => label(e.after)], ['原因', (e) => e.reason || '—'],
    ], items))));
}
