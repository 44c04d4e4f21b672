// What the leaders' screen (一屏) and the map (一张图) share: ECharts (vendored), the charts of
// the page shown (disposed when another page is), their stylesheet, the Chinese names of the
// household statuses, and the trail of regions from the caller's own down to the one shown.
import * as echarts from '../../vendor/echarts-6.1.0.esm.min.js';
import { h } from '../dom.js';

export { echarts };

export const STATUS_NAMES = {
  identified: '已识别', under_assistance: '帮扶中', exited: '已脱贫', monitored: '监测中', removed: '已清退',
};

export const STATUS_COLOURS = {
  identified: '#c0392b', under_assistance: '#e67e22', exited: '#27ae60', monitored: '#2471a3', removed: '#7f8c8d',
};

const open = new Set();

export const charts = {
  /** A chart on the element, resized with it, disposed by closeAll. */
  open(element) {
    const chart = echarts.init(element, null, { renderer: 'canvas' });
    // Not while the element is away or hidden: a geo view of no size has no transform.
    const observer = new ResizeObserver(() => {
      if (element.isConnected && element.clientWidth > 0 && element.clientHeight > 0) chart.resize();
    });
    observer.observe(element);
    open.add({ chart, observer });
    return chart;
  },
  closeAll() {
    for (const { chart, observer } of open) {
      observer.disconnect();
      chart.dispose();
    }
    open.clear();
  },
};

/** The page's stylesheet, once (the console's CSP allows 'self' styles only). */
export function loadStyle() {
  if (document.getElementById('screen-style')) return;
  document.head.append(h('link', { id: 'screen-style', rel: 'stylesheet', href: 'screen.css' }));
}

/** 山东省 › 聊城市 › 阳谷县: links from the caller's own region down to the one shown. */
export function regionTrail(region, ownCode, link) {
  const chain = [...(region.ancestors || []), region];
  const start = Math.max(0, chain.findIndex((r) => r.code === ownCode));
  const items = chain.slice(start).map((r, i, shown) => h('li', {},
    i === shown.length - 1 ? h('span', { 'aria-current': 'page' }, r.name) : h('a', { href: link(r.code) }, r.name)));
  return h('nav', { class: 'trail', 'aria-label': '区划层级' }, h('ol', {}, items));
}
