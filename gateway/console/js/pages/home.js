// The first page after signing in: who you are, your territory, and where to go.
import { fill, h } from '../dom.js';
import { PAGES, ROLE_NAMES, visibleTo } from '../nav.js';

export const title = '首页';

export async function render(main, { me, region }) {
  const pages = PAGES.filter((page) => !page.hidden && page.route !== 'home' && visibleTo(page, me.roles));
  const chain = region ? [...region.ancestors, region].map((r) => r.name).join(' › ') : me.region_code;
  fill(main,
    h('h1', {}, `您好，${me.name}`),
    h('dl', { class: 'facts' },
      h('dt', {}, '角色'), h('dd', {}, me.roles.map((role) => ROLE_NAMES[role] || role).join('、')),
      h('dt', {}, '辖区'), h('dd', { id: 'home-territory' }, chain),
      h('dt', {}, '区划代码'), h('dd', {}, me.region_code)),
    h('h2', {}, '常用功能'),
    h('ul', { class: 'tiles' }, pages.map((page) => h('li', {}, h('a', { href: `#/${page.route}` }, page.label)))),
    h('p', {}, h('a', { href: '#/password' }, '修改密码')));
}
