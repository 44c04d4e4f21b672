// The one map (一张图): the households of a region (its villages at the province and city levels)
// on the shipped boundaries of its children, coloured by status, the areas by a chosen
// indicator; a box or polygon drawn on the map (or typed in) selects, and the map API's answer
// for that area is the list and the statistics shown. No tile server: all lines are shipped.
import { api, ApiError } from '../api.js';
import { errorBox, field, fill, h } from '../dom.js';
import { names } from '../names.js';
import { charts, echarts, loadStyle, regionTrail, STATUS_COLOURS, STATUS_NAMES } from './screen_common.js';

export const title = '一张图';

const INDICATORS = {
  none: '不着色',
  poor_households: '贫困户数',
  exited_households: '已脱贫户数',
  monitored: '监测户数',
  incidence: '贫困发生率',
};
const MAX_VERTICES = 150; // the map API takes a polygon of about 170 vertices in a GET
const SHOWN_ROWS = 200;
const LARGE = 2000; // points drawn in ECharts' large mode (a province's villages)

function indicatorOf(stats, name) {
  if (name === 'monitored') return stats.by_status.monitored || 0;
  if (name === 'incidence') return stats.incidence === null ? null : Math.round(stats.incidence * 10000) / 100;
  return stats[name];
}

function pointLayer(code, level) {
  const villages = level === 'province' || level === 'city';
  return { villages, params: villages ? { region_code: code, aggregate: 'village' } : { region_code: code } };
}

function dominantStatus(byStatus) {
  return Object.entries(byStatus).sort((a, b) => b[1] - a[1])[0]?.[0] || 'identified';
}

/** The map's geometry: the children's outlines, the region's own when it has no children drawn. */
function mapOf(boundaries, points) {
  const drawn = boundaries.features.length ? boundaries.features : [boundaries.outline].filter(Boolean);
  if (drawn.length) return { type: 'FeatureCollection', features: drawn.map((f) => ({ ...f, properties: { ...f.properties } })) };
  const xs = points.map((p) => p.geometry.coordinates[0]);
  const ys = points.map((p) => p.geometry.coordinates[1]);
  const [w, e, s, n] = xs.length ? [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)] : [115, 123, 34, 38.5];
  const ring = [[w - 0.01, s - 0.01], [e + 0.01, s - 0.01], [e + 0.01, n + 0.01], [w - 0.01, n + 0.01], [w - 0.01, s - 0.01]];
  return { type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: '' }, geometry: { type: 'Polygon', coordinates: [ring] } }] };
}

function pointSeries(points, villages) {
  const groups = {};
  for (const p of points) {
    const status = villages ? dominantStatus(p.properties.by_status) : p.properties.status;
    const size = villages ? Math.min(24, 4 + Math.sqrt(p.properties.households) * 2) : 6;
    (groups[status] ||= []).push({ value: [...p.geometry.coordinates, p.id], symbolSize: size });
  }
  return Object.entries(groups).map(([status, data]) => ({
    type: 'scatter', coordinateSystem: 'geo', geoIndex: 0, name: STATUS_NAMES[status] || status,
    itemStyle: { color: STATUS_COLOURS[status] || '#555' }, data, zlevel: 2, large: data.length > LARGE, symbolSize: 6, // per point unless large
  }));
}

/** Brush areas in map coordinates -> the map API's bbox or polygon parameter. */
function areaParams(area) {
  const round = (v) => Math.round(v * 1e5) / 1e5;
  if (area.brushType === 'rect') {
    const [[w, e], [s, n]] = area.coordRange;
    return { bbox: [w, s, e, n].map(round).join(',') };
  }
  let ring = area.coordRange.map(([x, y]) => [round(x), round(y)]);
  const step = Math.ceil(ring.length / MAX_VERTICES);
  ring = ring.filter((_, i) => i % step === 0);
  ring.push(ring[0]);
  return { polygon: JSON.stringify({ type: 'Polygon', coordinates: [ring] }) };
}

function selectionStats(features, villages) {
  const byStatus = {};
  let households = 0;
  for (const f of features) {
    const counts = villages ? f.properties.by_status : { [f.properties.status]: 1 };
    for (const [status, n] of Object.entries(counts)) {
      byStatus[status] = (byStatus[status] || 0) + n;
      households += n;
    }
  }
  return { byStatus, households };
}

function selectionView(answer, villages, described, name) {
  const { byStatus, households } = selectionStats(answer.features, villages);
  const rows = answer.features.slice(0, SHOWN_ROWS);
  const head = villages ? ['村', '农户', '主要状态'] : ['农户', '所在村', '状态'];
  return [
    h('h2', {}, '选区统计'),
    h('p', {}, described),
    h('dl', { class: 'facts', id: 'selection-stats', 'data-households': households, 'data-items': answer.features.length },
      h('dt', {}, villages ? '村' : '农户'), h('dd', {}, `${answer.features.length}${villages ? ' 个' : ' 户'}`),
      villages ? [h('dt', {}, '农户'), h('dd', {}, `${households} 户`)] : null,
      Object.entries(byStatus).map(([s, n]) => [h('dt', {}, STATUS_NAMES[s] || s), h('dd', { 'data-status': s }, `${n} 户`)])),
    answer.truncated ? h('p', { class: 'warning' }, '选区内农户超过 5000 户，仅列出前 5000 户：请缩小范围。') : null,
    answer.features.length > SHOWN_ROWS ? h('p', {}, `下表列出前 ${SHOWN_ROWS} 项。`) : null,
    h('table', { class: 'data', id: 'selection-list' },
      h('caption', {}, '选中的' + (villages ? '村' : '农户')),
      h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.map((f) => h('tr', { 'data-id': f.id }, villages
        ? [h('td', {}, name.region(f.id)), h('td', {}, f.properties.households), h('td', {}, STATUS_NAMES[dominantStatus(f.properties.by_status)])]
        : [h('td', {}, h('a', { href: `#/household/${encodeURIComponent(f.id)}` }, f.id)), h('td', {}, name.region(f.properties.village_code)),
          h('td', {}, STATUS_NAMES[f.properties.status] || f.properties.status)])))),
  ];
}

function boxForm(onBox) {
  const inputs = ['west', 'south', 'east', 'north'];
  const labels = { west: '西（经度）', south: '南（纬度）', east: '东（经度）', north: '北（纬度）' };
  const form = h('form', { class: 'box-form', 'aria-label': '按经纬度范围选择' },
    inputs.map((name) => field(labels[name], { name: `box-${name}`, type: 'number', step: 'any', required: true })),
    h('button', { type: 'submit' }, '选择此范围'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    onBox(inputs.map((name) => form.elements[`box-${name}`].value).join(','));
  });
  return form;
}

async function colourAreas(chart, boundaries, indicator) {
  if (indicator === 'none' || !boundaries.features.length) return;
  const figures = (await api.get('/api/v1/statistics/households/children', { region_code: boundaries.region_code })).items;
  const byCode = new Map(figures.map((f) => [f.region_code, f]));
  const none = { poor_households: 0, exited_households: 0, by_status: {}, incidence: null };
  const data = boundaries.features.map((f) => ({ name: f.properties.name, value: indicatorOf(byCode.get(f.id) || none, indicator) }));
  const values = data.map((d) => d.value).filter((v) => v !== null);
  chart.setOption({
    visualMap: { type: 'continuous', min: 0, max: Math.max(1, ...values), seriesIndex: 0, text: [INDICATORS[indicator], ''],
      calculable: true, left: 8, bottom: 8, inRange: { color: ['#fdf2e9', '#d35400'] } },
    series: [{ id: 'areas', type: 'map', geoIndex: 0, data }],
  });
}

export async function render(main, { me, query, navigate }) {
  loadStyle();
  charts.closeAll();
  const code = query.get('region') || me.region_code;
  const indicator = INDICATORS[query.get('colour')] ? query.get('colour') : 'none';
  const region = await api.get(`/api/v1/regions/${code}`);
  const layer = pointLayer(code, region.level);
  const [boundaries, points] = await Promise.all([
    api.get('/api/v1/map/boundaries', { region_code: code }),
    api.get('/api/v1/map/households', layer.params),
  ]);
  const link = (c) => `#/map?region=${c}&colour=${indicator}`;
  const picker = h('select', { id: 'map-colour', name: 'colour' },
    Object.entries(INDICATORS).map(([value, label]) => h('option', { value, selected: value === indicator }, label)));
  picker.addEventListener('change', () => navigate('map', '', { region: code, colour: picker.value }));
  const canvas = h('div', { class: 'map', id: 'map-canvas', role: 'img',
    'aria-label': `${region.name}地图：${points.features.length} 个${layer.villages ? '村' : '农户'}点位` });
  const selection = h('section', { id: 'map-selection', 'aria-live': 'polite' },
    h('p', {}, '在地图右上角选择“矩形选择”或“多边形选择”后在图上框选，或在下方输入经纬度范围。'));
  const generated = boundaries.features.some((f) => f.properties.generated);
  fill(main,
    h('h1', {}, `一张图 · ${region.name}`),
    regionTrail(region, me.region_code, link),
    h('div', { class: 'map-tools' },
      h('label', { for: 'map-colour' }, '区域着色'), picker,
      h('span', {}, `${points.features.length} 个${layer.villages ? '村（按主要状态着色，大小示户数）' : '农户（按状态着色）'}`),
      points.truncated ? h('strong', { class: 'warning' }, '农户超过 5000 户，仅显示前 5000 户') : null),
    canvas,
    h('p', { class: 'map-source' },
      generated ? h('strong', {}, '乡镇边界为示意，非测绘边界。') : '',
      boundaries.missing.length ? `${boundaries.missing.length} 个下级区划（开发区等）无公开边界；` : '',
      `边界来源：${boundaries.source}。`),
    boxForm((bbox) => select({ bbox }, `范围 ${bbox}`)),
    selection);

  const mapName = `jz-${code}`;
  echarts.registerMap(mapName, mapOf(boundaries, points.features));
  const codeByName = Object.fromEntries(boundaries.features.map((f) => [f.properties.name, f.id]));
  const chart = charts.open(canvas);
  chart.setOption({
    tooltip: { trigger: 'item', renderMode: 'richText' },
    legend: { top: 8, left: 8, orient: 'vertical' },
    toolbox: { right: 12, top: 8, feature: { brush: { type: ['rect', 'polygon', 'clear'],
      title: { rect: '矩形选择', polygon: '多边形选择', clear: '清除选择' } } } },
    brush: { geoIndex: 0, throttleType: 'debounce', throttleDelay: 300, removeOnClick: false },
    geo: { map: mapName, roam: true, label: { show: boundaries.features.length <= 40, fontSize: 11 },
      itemStyle: { areaColor: '#f4f6f7', borderColor: '#7b8a8b' }, emphasis: { itemStyle: { areaColor: '#d6eaf8' } } },
    series: [{ id: 'areas', type: 'map', geoIndex: 0, data: [] }, ...pointSeries(points.features, layer.villages)],
  });
  chart.on('click', (event) => {
    if (event.componentType === 'geo' || event.seriesType === 'map') {
      const child = codeByName[event.name];
      if (child) navigate('map', '', { region: child, colour: indicator });
    }
  });
  chart.on('brushEnd', (event) => {
    const area = event.areas?.[0];
    if (area?.coordRange) select(areaParams(area), area.brushType === 'rect' ? '矩形选区' : '多边形选区');
  });
  canvas.dataset.ready = 'true';

  async function select(where, described) {
    fill(selection, h('p', { class: 'loading', role: 'status' }, '正在查询选区……'));
    try {
      const answer = await api.get('/api/v1/map/households', { ...layer.params, ...where });
      selection.dataset.query = new URLSearchParams({ ...layer.params, ...where }).toString();
      const shown = answer.features.slice(0, SHOWN_ROWS);
      const name = await names({ regions: shown.map((f) => (layer.villages ? f.id : f.properties.village_code)) });
      fill(selection, selectionView(answer, layer.villages, described, name));
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      fill(selection, errorBox(error));
    }
  }
  await colourAreas(chart, boundaries, indicator);
}
