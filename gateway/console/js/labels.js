// Codes in Chinese: the national standard's code lists (GET /api/v1/vocabularies), read once,
// and — for the codes that API does not carry (the registry's attributes, causes and statuses,
// needs, tasks, messages, imports, audit actions) — the one table below. Pages never show a raw
// code where a label is known.
import { api } from './api.js';
import { h } from './dom.js';

/** The registry's own vocabularies (services/registry/vocabulary.py), in their order. */
export const ATTRIBUTES = ['general', 'subsistence_allowance', 'destitute_support'];
export const CAUSES = ['illness', 'disability', 'schooling', 'disaster', 'lack_of_land',
  'lack_of_water', 'lack_of_skills', 'lack_of_labour', 'lack_of_funds', 'poor_transport',
  'lack_of_drive'];
export const HOUSEHOLD_STATUSES = ['identified', 'under_assistance', 'exited', 'monitored', 'cleared', 'removed'];
export const NEED_CATEGORIES = ['medical', 'schooling', 'housing', 'employment', 'industry', 'funds', 'other'];
export const LEVELS = ['village', 'town', 'county', 'city', 'province'];
export const TASK_KINDS = ['visit', 'verify_data', 'spot_check'];

// The audit's actions a person looks for (the audit filter suggests them; others are typed).
const AUDIT_TERMS = {
  'user.created': '创建用户', 'user.password_reset': '重置密码', 'user.region_recoded': '用户区划调整',
  'change_request.reviewed': '审核修改申请', 'household.bank_account_revealed': '查看银行账号',
  'member.revealed': '查看成员完整信息', 'households.exported': '导出农户', 'import.finished': '导入文件',
  'division.changed': '区划调整', logout: '退出登录', 'client.created': '创建接入系统',
  'client.disabled': '停用接入系统', 'client.login_failed': '接入系统认证失败',
  'client.quota_changed': '调整接入配额', 'client.registered': '注册接入系统',
  'client.region_recoded': '接入系统区划调整',
  'broadcast.created': '发送通知', 'attachment.upload': '上传附件',
  'handbook.ledger_applied': '收支登记计入收入', 'assessment.circular.issued': '发布考核通报',
  'spot_check.created': '发起抽查', 'spot_check.finding_recorded': '登记抽查发现',
  'household_notice.objection_resolved': '处理公示异议', 'institution.screened': '审核培训机构',
  'project.proposed': '申报项目', 'project.benefit_recorded': '登记项目受益', 'projects.exported': '导出项目',
};
export const AUDIT_ACTIONS = Object.keys(AUDIT_TERMS);

const TERMS = {
  // households
  general: '一般贫困户', subsistence_allowance: '低保贫困户', destitute_support: '特困供养贫困户',
  illness: '因病', disability: '因残', schooling: '因学', disaster: '因灾', lack_of_land: '缺土地',
  lack_of_water: '缺水', lack_of_skills: '缺技术', lack_of_labour: '缺劳力', lack_of_funds: '缺资金',
  poor_transport: '交通条件落后', lack_of_drive: '自身发展动力不足',
  identified: '识别建档', under_assistance: '帮扶中', exited: '已脱贫', monitored: '监测对象',
  cleared: '风险消除', removed: '已清退', paired: '已结对', unpaired: '未结对',
  unstable_exited: '脱贫不稳定户', marginal: '边缘易致贫户', sudden_hardship: '突发严重困难户',
  changed: '修改', created: '建档', transitioned: '状态变更', revealed: '查看完整信息',
  attribute: '户属性', main_cause: '主要致贫原因', secondary_causes: '其他致贫原因',
  head: '户主', spouse: '配偶', child: '子女', parent: '父母', grandchild: '孙子女', other: '其他',
  male: '男', female: '女',
  // needs: categories, levels, statuses and the steps of their path
  medical: '医疗', housing: '住房', employment: '就业', industry: '产业', funds: '资金',
  village: '村级', town: '乡镇级', county: '县级', city: '市级', province: '省级',
  open: '待处理', resolved: '已解决', answered: '已答复', filed: '提出', escalated: '上报',
  auto_escalated: '到期自动上报', resolve: '解决', answer: '答复', escalate: '上报上级',
  // tasks
  visit: '入户走访', verify_data: '核实数据', spot_check: '抽查', assigned: '已派发',
  accepted: '已接受', completed: '已完成', api: '平台', sms: '短信',
  assigned_to_me: '派给我的', assigned_by_me: '我派发的',
  // messages and notices
  queued: '排队中', held: '暂缓发送', submitted: '已提交运营商', delivered: '已送达',
  failed: '发送失败', expired: '回执超时', resolving: '正在确定收件人', sending: '发送中',
  done: '发送完毕', notice: '通知', welcome: '开户通知', need_escalated: '需求上报提醒',
  alert_raised: '预警提醒', alert_verified: '预警核实', task_assigned: '任务派发',
  leader_candidate_decided: '致富带头人评定', leader_candidate_step: '致富带头人进度',
  training_institution_screened: '培训机构审核', training_seat_granted: '培训名额',
  reply_unmatched: '回复未匹配', reply_unknown_sender: '未知号码回复', reply_unrecognised: '回复无法识别',
  // imports
  households: '农户与成员', benefits: '政策补贴', reconciliation: '与国家系统比对',
  applied: '已导入', partially_applied: '部分导入', nothing_applied: '未导入（有错误行）',
  checked: '已检查（试导入）', all_or_nothing: '全部正确才导入', valid_rows_only: '只导入正确的户',
  rows: '行数', rows_refused: '错误行', households_refused: '有错误的户', new_households: '新增户',
  changed_households: '修改的户', unchanged_households: '未变的户', new_members: '新增成员',
  // roles
  admin: '管理员', info_officer: '信息员', secretary: '书记', work_team: '驻村工作队',
  helper: '帮扶责任人', inspector: '督查员', training_institution: '培训机构',
  leader_candidate: '致富带头人', integrator: '接入系统',
  ...AUDIT_TERMS,
  identity: '身份认证', registry: '建档立卡', projects: '项目库', assistance: '帮扶', training: '培训', notification: '通知短信',
};

// Where one code means something else in another list.
const IN_LIST = {
  need_category: { schooling: '就学', other: '其他需求' },
  import_summary: { households: '户数', benefits: '补贴条数' },
};

let terms = null;
async function vocabularies() {
  if (!terms) {
    terms = api.get('/api/v1/vocabularies').then((reply) => {
      const found = new Map();
      for (const vocabulary of reply.items) {
        for (const term of vocabulary.terms) found.set(term.code, term.label);
      }
      return found;
    }, () => new Map());
  }
  return terms;
}

/** A function (code, list?) → its Chinese label (the code itself when there is none). */
export async function labeller() {
  const found = await vocabularies();
  return (code, list = '') => {
    if (code == null || code === '') return '—';
    if (list && IN_LIST[list]?.[code]) return IN_LIST[list][code];
    if (typeof code === 'boolean') return code ? '是' : '否';
    if (typeof code === 'object') return JSON.stringify(code);
    return TERMS[code] || found.get(code) || String(code);
  };
}

/** <option>s of codes with their labels; '' first is "全部" (all). */
export function options(codes, label, selected = '', list = '') {
  return codes.map((code) => h('option', { value: code, selected: code === selected },
    code ? label(code, list) : '全部'));
}

export const yuan = (fen) => (fen == null ? '—' : `${(fen / 100).toFixed(2)} 元`);
export const day = (instant) => (instant ? String(instant).slice(0, 10) : '—');
export const when = (instant) => (instant ? String(instant).replace('T', ' ').slice(0, 16) : '—');
