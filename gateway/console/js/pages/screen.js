// The leaders' screen (一屏): the live figures of a region of the caller's territory, as tiles
// and charts, with drill-down region by region to the village (#/screen?region=<code>). Every
// figure is one REST answer: statistics, needs menu, alert counts, visits, text messages.
import { api, ApiError } from '../api.js';
import { fill, h } from '../dom.js';
import { charts, loadStyle, regionTrail, STATUS_COLOURS, STATUS_NAMES } from './screen_common.js';

export const title = '一屏';

const percent = (value) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(2)}%`);

/** The first instant of this month, in the browser's time zone (本月). */
function monthStart(now = new Date()) {
  return new Date(now.getFullYear(), now.getMonth(), 1).toISOString();
}

/** The answer, or null when the caller's role may not read it (the tile then says so). */
async function optional(path, params) {
  try {
    return await api.get(path, params);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return null;
    throw error;
  }
}

async function figuresOf(code, since) {
  const region = { region_code: code };
  const [stats, needs, alerts, visits, messages] = await Promise.all([
    api.get('/api/v1/statistics/households', region),
    optional('/api/v1/needs/menu', region),
    optional('/api/v1/alerts/counts', region),
    optional('/api/v1/visits/frequency', { ...region, from: since }),
    optional('/api/v1/messages/counts', { ...region, from: since }),
  ]);
  return { stats, needs, alerts, visits, messages };
}

function tile(name, label, value, note = '') {
  const shown = value === null || value === undefined ? '—' : value;
  return h('li', { class: 'figure' },
    h('span', { class: 'figure-label', id: `label-${name}` }, label),
    h('strong', { class: 'figure-value', 'data-figure': name, 'aria-labelledby': `label-${name}` }, String(shown)),
    note ? h('small', {}, note) : null);
}

function tiles({ stats, needs, alerts, visits, messages }) {
  const none = '无权查看';
  return h('ul', { class: 'figures', 'aria-label': '主要指标' },
    tile('poor_households', '贫困户（户）', stats.poor_households),
    tile('poor_people', '贫困人口（人）', stats.poor_people),
    tile('incidence', '贫困发生率', percent(stats.incidence), stats.incidence === null ? '需村情人口' : ''),
    tile('exited_households', '已脱贫（户）', stats.exited_households),
    tile('monitored_households', '监测户（户）', stats.by_status.monitored || 0),
    tile('needs_open', '需求未办结', needs?.open, needs ? '' : none),
    tile('needs_overdue', '需求已逾期', needs?.overdue, needs ? '' : none),
    tile('alerts_open', '返贫预警处理中', alerts?.open, alerts ? `逾期未核实 ${alerts.overdue}` : none),
    tile('visits_month', '本月走访（次）', visits?.visits, visits ? '' : none),
    tile('sms_delivered_month', '本月短信送达（条）', messages?.by_status.delivered ?? (messages ? 0 : null),
      messages ? '' : none));
}

function chartBox(id, label) {
  return h('figure', { class: 'chart-card' },
    h('figcaption', { id: `${id}-caption` }, label),
    h('div', { class: 'chart', id, role: 'img', 'aria-labelledby': `${id}-caption` }));
}

function exitsChart(element, stats) {
  const years = Object.keys(stats.exits_by_year).sort();
  const chart = charts.open(element);
  chart.setOption({
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    grid: { left: 48, right: 16, top: 24, bottom: 32 },
    xAxis: { type: 'category', data: years },
    yAxis: { type: 'value', minInterval: 1, name: '户' },
    graphic: years.length ? [] : [{ type: 'text', left: 'center', top: 'middle',
      style: { text: '暂无脱贫记录', fill: '#4a4a4a', fontSize: 14 } }],
    series: [{ type: 'bar', barMaxWidth: 48, name: '脱贫户数', data: years.map((y) => stats.exits_by_year[y]) }],
  });
  element.setAttribute('aria-label', years.map((y) => `${y}年 ${stats.exits_by_year[y]} 户`).join('，') || '暂无脱贫');
}

function statusChart(element, stats) {
  const data = Object.entries(stats.by_status).map(([status, value]) => ({
    name: STATUS_NAMES[status] || status, value, itemStyle: { color: STATUS_COLOURS[status] },
  }));
  const chart = charts.open(element);
  chart.setOption({
    tooltip: { trigger: 'item', renderMode: 'richText' },
    legend: { bottom: 0 },
    series: [{ type: 'pie', radius: ['35%', '65%'], name: '农户状态', data,
      label: { position: 'inside', formatter: '{c}', color: '#fff', fontWeight: 'bold' } }],
  });
  element.setAttribute('aria-label', data.map((d) => `${d.name} ${d.value} 户`).join('，') || '暂无农户');
}

const CHART_CHILDREN = 20;
const EMPTY = { households: 0, people: 0, poor_households: 0, poor_people: 0, exited_households: 0, by_status: {}, incidence: null };

/** The children with households, most poor households first (the table lists them all). */
function childrenChart(element, allRows, onPick) {
  const rows = allRows.filter((r) => r.stats.households > 0)
    .sort((a, b) => b.stats.poor_households - a.stats.poor_households).slice(0, CHART_CHILDREN);
  const chart = charts.open(element);
  chart.setOption({
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 32, bottom: 64 },
    xAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { rotate: 30, interval: 0 } },
    yAxis: { type: 'value', minInterval: 1, name: '户' },
    series: [
      { type: 'bar', barMaxWidth: 48, name: '贫困户', stack: 'all', data: rows.map((r) => r.stats.poor_households),
        itemStyle: { color: STATUS_COLOURS.identified } },
      { type: 'bar', barMaxWidth: 48, name: '已脱贫', stack: 'all', data: rows.map((r) => r.stats.exited_households),
        itemStyle: { color: STATUS_COLOURS.exited } },
      { type: 'bar', barMaxWidth: 48, name: '监测户', stack: 'all', data: rows.map((r) => r.stats.by_status.monitored || 0),
        itemStyle: { color: STATUS_COLOURS.monitored } },
    ],
  });
  chart.on('click', (event) => onPick(rows[event.dataIndex].code));
}

function childrenTable(rows, link) {
  return h('table', { class: 'data', id: 'screen-children' },
    h('caption', {}, '下级区划（点击名称逐级查看）'),
    h('thead', {}, h('tr', {}, ['区划', '农户', '贫困户', '贫困人口', '已脱贫', '监测户'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, rows.map((r) => h('tr', { 'data-code': r.code },
      h('th', { scope: 'row' }, h('a', { href: link(r.code) }, r.name)),
      h('td', {}, r.stats.households), h('td', {}, r.stats.poor_households),
      h('td', {}, r.stats.poor_people), h('td', {}, r.stats.exited_households),
      h('td', {}, r.stats.by_status.monitored || 0)))));
}

/** The live children with their figures: one call for all (a child with no households is
 * not in the answer: zeros). */
async function childRows(code) {
  const [children, figures] = await Promise.all([
    api.get(`/api/v1/regions/${code}/children`, { page_size: 200 }).then((page) => page.items),
    api.get('/api/v1/statistics/households/children', { region_code: code }).then((answer) => answer.items),
  ]);
  const byCode = new Map(figures.map((f) => [f.region_code, f]));
  return children.filter((c) => !c.retired).map((c) => ({ code: c.code, name: c.name, stats: byCode.get(c.code) || EMPTY }));
}

export async function render(main, { me, query, navigate }) {
  loadStyle();
  charts.closeAll();
  const code = query.get('region') || me.region_code;
  const since = monthStart();
  const [region, figures] = await Promise.all([api.get(`/api/v1/regions/${code}`), figuresOf(code, since)]);
  const link = (c) => `#/screen?region=${c}`;
  const exits = chartBox('chart-exits', '历年脱贫户数');
  const status = chartBox('chart-status', '农户状态构成');
  const below = chartBox('chart-children', '下级区划对比（有农户的前 20 个）');
  below.classList.add('wide');
  const childrenSlot = h('section', { 'aria-label': '下级区划' }, h('p', { class: 'loading', role: 'status' }, '正在统计下级区划……'));
  fill(main,
    h('h1', {}, `一屏 · ${region.name}`),
    regionTrail(region, me.region_code, link),
    h('p', { class: 'screen-period', 'data-since': since }, `本月自 ${new Date(since).toLocaleDateString('zh-CN')} 起；数据实时取自平台接口。`),
    h('div', { id: 'screen-figures', 'data-region': code }, tiles(figures)),
    h('div', { class: 'chart-grid' }, exits, status, region.level === 'village' ? null : below),
    region.level === 'village' ? null : childrenSlot);
  exitsChart(exits.querySelector('.chart'), figures.stats);
  statusChart(status.querySelector('.chart'), figures.stats);
  if (region.level === 'village') return;
  const rows = await childRows(code);
  childrenChart(below.querySelector('.chart'), rows, (picked) => navigate('screen', '', { region: picked }));
  fill(childrenSlot, childrenTable(rows, link));
}
