// Find households: the registry's search and filters, within the caller's territory.
import { api } from '../api.js';
import { field, fill, h } from '../dom.js';
import { ATTRIBUTES, HOUSEHOLD_STATUSES, labeller } from '../labels.js';
import { names } from '../names.js';
import { table } from '../table.js';

export const title = '农户档案';

const FILTERS = [
  ['name_prefix', '户主姓名（开头）', 'text'],
  ['number', '户编号', 'text'],
  ['id_number', '身份证号', 'text'],
  ['region_code', '区划代码', 'text'],
];
const CHOICES = {
  status: ['状态', ['', ...HOUSEHOLD_STATUSES]],
  attribute: ['户属性', ['', ...ATTRIBUTES]],
  pairing: ['结对', ['', 'paired', 'unpaired']],
};

function headOf(household) {
  const head = household.members.find((m) => m.relation === 'head') || household.members[0];
  return head ? head.name : '—';
}

export async function render(main, { query, navigate }) {
  const label = await labeller();
  const form = h('form', { class: 'card', role: 'search', 'aria-label': '查找农户' },
    h('div', { class: 'inline' },
      FILTERS.map(([name, text, type]) => field(text, { name, type, value: query.get(name) || '' })),
      Object.entries(CHOICES).map(([name, [text, codes]]) => {
        const select = field(text, { name }, 'select');
        const control = select.querySelector('select');
        for (const code of codes) {
          control.append(h('option', { value: code, selected: query.get(name) === code }, code ? label(code) : '全部'));
        }
        return select;
      }),
      h('button', { type: 'submit', class: 'primary' }, '查询')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    navigate('households', '', Object.fromEntries(new FormData(form)));
  });
  const results = h('section', { 'aria-labelledby': 'results-title' }, h('h2', { id: 'results-title' }, '查询结果'));
  fill(main, h('h1', {}, '农户档案'), form, results);

  const params = Object.fromEntries(query);
  const page = await api.get('/api/v1/households', { ...params, page_size: 50, sort: 'updated' });
  const name = await names({ regions: page.items.map((row) => row.village_code) });
  results.append(table('农户', [
    ['户编号', (row) => h('a', { href: `#/household/${encodeURIComponent(row.id)}` }, row.number)],
    ['户主', headOf],
    ['人口', (row) => row.members.length],
    ['状态', (row) => label(row.status)],
    ['户属性', (row) => label(row.attribute)],
    ['主要致贫原因', (row) => label(row.main_cause)],
    ['村', (row) => name.region(row.village_code)],
  ], page.items, '没有符合条件的农户。'));
  if (page.next_page_token) results.append(h('p', {}, '只显示前 50 户，请缩小查询条件。'));
}
