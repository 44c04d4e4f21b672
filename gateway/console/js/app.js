// The console's shell: who is signed in, the navigation their roles see, their territory, and
// the hash router (#/households?..., #/household/<id>) that loads each page's module.
import { api, ApiError } from './api.js';
import { errorBox, fill, h } from './dom.js';
import { forgetNames, remember } from './names.js';
import { PAGES, ROLE_NAMES, pageOf, visibleTo } from './nav.js';
import { renderSignIn } from './pages/signin.js';

const main = document.getElementById('main');
const navigation = document.getElementById('navigation');
const menuToggle = document.getElementById('menu-toggle');
const session = { me: null, region: null };

function parseHash() {
  const [path, query = ''] = window.location.hash.replace(/^#\/?/, '').split('?');
  const [route = 'home', ...rest] = path.split('/').filter(Boolean).map(decodeURIComponent);
  return { route, rest, query: new URLSearchParams(query) };
}

/** Go to a page: navigate('household', id) or navigate('households', '', {q: '...'}). */
export function navigate(route, rest = '', query = {}) {
  const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '' && v != null));
  const tail = rest ? `/${encodeURIComponent(rest)}` : '';
  const hash = `#/${route}${tail}${search.size ? `?${search}` : ''}`;
  if (window.location.hash === hash) showPage();
  else window.location.hash = hash;
}

function territoryText(region) {
  if (!region) return '';
  return [...(region.ancestors || []), region].map((r) => r.name).join(' › ');
}

function showAccount() {
  const { me, region } = session;
  document.getElementById('account').hidden = false;
  const roles = me.roles.map((role) => ROLE_NAMES[role] || role).join('、');
  fill(document.getElementById('account-name'), `${me.name}（${roles}）`);
  fill(document.getElementById('account-territory'), `辖区：${territoryText(region)}`);
  const current = parseHash().route;
  const links = PAGES.filter((page) => !page.hidden && visibleTo(page, me.roles)).map((page) =>
    h('li', {}, h('a', {
      href: `#/${page.route}`,
      'aria-current': page.route === current ? 'page' : null,
    }, page.label)));
  fill(navigation, h('ul', {}, links));
  navigation.hidden = false;
  menuToggle.hidden = false;
}

function hideAccount() {
  document.getElementById('account').hidden = true;
  navigation.hidden = true;
  menuToggle.hidden = true;
}

async function showPage() {
  if (!session.me) return;
  const { route, rest, query } = parseHash();
  if (session.me.must_change_password && route !== 'password') {
    window.location.hash = '#/password';
    return;
  }
  const page = pageOf(route) || pageOf('home');
  showAccount();
  navigation.classList.remove('open');
  menuToggle.setAttribute('aria-expanded', 'false');
  if (!visibleTo(page, session.me.roles)) {
    fill(main, h('h1', {}, page.label), h('p', {}, '您的角色不能使用此页面。'));
    return;
  }
  document.title = `${page.label} · 精准扶贫工作平台`;
  fill(main, h('p', { class: 'loading', role: 'status' }, '正在加载……'));
  let module;
  try {
    module = await import(page.module);
  } catch {
    fill(main, h('h1', {}, page.label), h('p', {}, '此页面尚在建设中。'));
    return;
  }
  try {
    await module.render(main, { ...session, rest, query, navigate, reload: start });
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    fill(main, h('h1', {}, page.label), errorBox(error));
  }
  main.focus();
}

/** Who is signed in (the sign-in page when nobody is), then the page of the address (or of
 * `next`, a route, once signed in). */
export async function start(next = '') {
  try {
    session.me = await api.get('/api/v1/me');
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    signedOut();
    return;
  }
  session.region = await api.get(`/api/v1/regions/${session.me.region_code}`).catch(() => null);
  forgetNames();
  remember(session.me, session.region);
  if (next && parseHash().route !== next) window.location.hash = `#/${next}`;  // hashchange shows it
  else await showPage();
}

function signedOut() {
  session.me = null;
  session.region = null;
  forgetNames();
  hideAccount();
  document.title = '登录 · 精准扶贫工作平台';
  renderSignIn(main, { onSignedIn: start });
}

document.getElementById('sign-out').addEventListener('click', async () => {
  await api.delete('/console/session').catch(() => null);
  window.location.hash = '';
  signedOut();
});
menuToggle.addEventListener('click', () => {
  const open = navigation.classList.toggle('open');
  menuToggle.setAttribute('aria-expanded', String(open));
});
window.addEventListener('hashchange', showPage);
window.addEventListener('jz:signed-out', signedOut);
start();
