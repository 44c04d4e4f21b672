// Codes in Chinese: the platform's vocabularies (GET /api/v1/vocabularies), read once, and the
// statuses the registry uses.
import { api } from './api.js';

const STATUS = {
  identified: '识别建档', under_assistance: '帮扶中', exited: '已脱贫', monitored: '监测对象',
  cleared: '风险消除', removed: '已清退', paired: '已结对', unpaired: '未结对',
  changed: '修改', created: '建档', transitioned: '状态变更', revealed: '查看完整信息',
  attribute: '户属性', main_cause: '主要致贫原因', head: '户主', spouse: '配偶', child: '子女',
  parent: '父母', grandchild: '孙子女', other: '其他', male: '男', female: '女', open: '待处理', resolved: '已解决', answered: '已答复',
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

/** A function code → its Chinese label (the code itself when there is none). */
export async function labeller() {
  const found = await vocabularies();
  return (code) => {
    if (code == null || code === '') return '—';
    if (typeof code === 'object') return JSON.stringify(code);
    return STATUS[code] || found.get(code) || String(code);
  };
}

export const yuan = (fen) => (fen == null ? '—' : `${(fen / 100).toFixed(2)} 元`);
export const day = (instant) => (instant ? String(instant).slice(0, 10) : '—');
export const when = (instant) => (instant ? String(instant).replace('T', ' ').slice(0, 16) : '—');
