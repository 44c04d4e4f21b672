// The API's problem details (RFC 9457, `urn:jingzhun:problem:<reason>`) in Chinese.

const BY_REASON = {
  'invalid-grant': '手机号或密码不正确。',
  'account-locked': '密码错误次数过多，账户已被临时锁定，请稍后再试。',
  'token-missing': '请先登录。',
  'token-expired': '登录已过期，请重新登录。',
  'token-invalid': '登录信息无效，请重新登录。',
  'token-revoked': '登录已失效（已退出或修改了密码），请重新登录。',
  'password-change-required': '首次登录须先修改初始密码。',
  'wrong-password': '当前密码不正确。',
  'weak-password': '新密码强度不够：至少 8 位，同时包含字母和数字，且不含手机号。',
  'password-reused': '新密码不能与原密码相同。',
  'csrf-token-invalid': '页面已过期，请刷新后重试。',
  'bearer-token-required': '此接口只供接入系统使用（令牌认证），控制台不能调用。',
  'unknown-format': '请上传 .csv 或 .xlsx 文件。',
  'not-a-workbook': '该文件不是 Excel（.xlsx）工作簿。',
  'rate-limited': '操作过于频繁，请稍后再试。',
  'permission-denied': '您没有进行此操作的权限。',
  'policy-unavailable': '权限策略尚未加载，请稍后再试。',
  'revocations-unavailable': '服务暂时不可用，请稍后再试。',
  'not-found': '未找到（或不在您的辖区内）。',
  'version-conflict': '该记录已被他人修改，请查看最新内容后再保存。',
  'validation-failed': '填写的内容有误，请检查。',
};

const BY_STATUS = {
  400: '请求有误，请检查填写的内容。',
  401: '请先登录。',
  403: '您没有进行此操作的权限。',
  404: '未找到（或不在您的辖区内）。',
  409: '与现有数据冲突（可能已被他人修改），请刷新后重试。',
  413: '文件或内容过大。',
  415: '不支持的文件类型。',
  422: '填写的内容有误，请检查。',
  429: '操作过于频繁，请稍后再试。',
  503: '服务暂时不可用，请稍后再试。',
};

export function reasonOf(problem) {
  const type = (problem && problem.type) || '';
  return type.startsWith('urn:jingzhun:problem:') ? type.slice('urn:jingzhun:problem:'.length) : '';
}

/** {message, fields, reason, detail}: what the page shows for a problem. */
export function describe(status, problem, retryAfter) {
  const reason = reasonOf(problem);
  let message = BY_REASON[reason] || BY_STATUS[status] || `请求失败（${status}）。`;
  if (status === 429 && retryAfter) message = `操作过于频繁，请 ${retryAfter} 秒后再试。`;
  const fields = ((problem && problem.errors) || []).map(
    (item) => `${item.field}：${item.description}`);
  return { message, fields, reason, detail: (problem && problem.detail) || '' };
}
