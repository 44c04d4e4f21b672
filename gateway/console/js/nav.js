// The console's pages: where each lives (hash route), its module, and the roles that see it in
// the navigation (from services/identity/policy.csv; the API still decides what each may do).
// A page module exports `title` and `render(main, context)`; context = {me, region, params}.

const OFFICERS = ['admin', 'info_officer'];
const READERS = ['admin', 'info_officer', 'secretary', 'work_team', 'helper', 'inspector'];
const LEADERS = ['admin', 'secretary', 'info_officer', 'inspector'];

export const PAGES = [
  { route: 'home', label: '首页', module: './pages/home.js', roles: null },
  { route: 'households', label: '农户档案', module: './pages/households.js', roles: READERS },
  { route: 'reviews', label: '待审核修改', module: './pages/reviews.js', roles: [...OFFICERS, 'work_team'] },
  { route: 'imports', label: '批量导入', module: './pages/imports.js', roles: OFFICERS },
  { route: 'notices', label: '通知公告', module: './pages/notices.js', roles: ['admin', 'secretary', 'info_officer', 'inspector'] },
  { route: 'needs', label: '需求台账', module: './pages/needs.js', roles: READERS },
  { route: 'tasks', label: '工作任务', module: './pages/tasks.js', roles: READERS },
  { route: 'users', label: '用户与结对', module: './pages/users.js', roles: ['admin', 'info_officer', 'secretary', 'work_team'] },
  { route: 'audit', label: '审计日志', module: './pages/audit.js', roles: ['admin', 'secretary', 'inspector'] },
  // The leaders' screen (一屏) and the map (一张图): the screen helper's pages.
  { route: 'screen', label: '一屏', module: './pages/screen.js', roles: LEADERS },
  { route: 'map', label: '一张图', module: './pages/map.js', roles: LEADERS },
  // Reached from other pages, not listed in the navigation.
  { route: 'household', label: '农户档案', module: './pages/household.js', roles: READERS, hidden: true },
  { route: 'password', label: '修改密码', module: './pages/password.js', roles: null, hidden: true },
];

export const ROLE_NAMES = {
  admin: '管理员', info_officer: '信息员', secretary: '书记', work_team: '驻村工作队',
  helper: '帮扶责任人', inspector: '督查员', training_institution: '培训机构',
  leader_candidate: '致富带头人', integrator: '接入系统',
};

export function visibleTo(page, roles) {
  return !page.roles || page.roles.some((role) => roles.includes(role));
}

export function pageOf(route) {
  return PAGES.find((page) => page.route === route);
}
