// Imports (批量导入): the templates, an upload (a dry run first, all or nothing or valid rows
// only), the job's outcome and its row report (row, field, problem); recent jobs; and the export
// of a subtree (identity numbers masked) — all the registry's files through the REST API.
import { api, request, ApiError } from '../api.js';
import { errorBox, field, fill, h } from '../dom.js';
import { labeller, options, when } from '../labels.js';
import { table } from '../table.js';

export const title = '批量导入';

/** The rows of a CSV text (RFC 4180: quoted fields, doubled quotes, a BOM first). */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let cell = '';
  let quoted = false;
  const source = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < source.length; i += 1) {
    const c = source[i];
    if (quoted) {
      if (c === '"' && source[i + 1] === '"') { cell += '"'; i += 1; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && source[i + 1] === '\n') i += 1;
      row.push(cell); rows.push(row); row = []; cell = '';
    } else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function reportOf(job) {
  const reply = await request('GET', job.report_url, { raw: true, headers: { Accept: 'text/csv' } });
  return parseCsv(await reply.text());
}

async function jobView(job, label) {
  const [header = [], ...rows] = job.findings ? await reportOf(job) : [];
  return h('section', { class: 'card', 'aria-labelledby': 'job-title', id: 'import-job' },
    h('h2', { id: 'job-title' }, `导入结果：${job.file_name || job.id}`),
    h('dl', { class: 'facts' },
      h('dt', {}, '结果'), h('dd', { id: 'import-outcome' }, label(job.outcome)),
      h('dt', {}, '类型'), h('dd', {}, `${label(job.kind)}${job.dry_run ? '（试导入，未作修改）' : ''}`),
      h('dt', {}, '方式'), h('dd', {}, label(job.mode)),
      h('dt', {}, '完成时间'), h('dd', {}, when(job.finished_at)),
      Object.entries(job.summary).flatMap(([name, count]) => [h('dt', {}, label(name, 'import_summary')), h('dd', {}, count)]),
      h('dt', {}, '问题数'), h('dd', {}, job.findings)),
    job.findings
      ? [table('错误行报告', header.map((name, i) => [name, (row) => row[i] ?? '']), rows),
        h('p', {}, h('a', { href: job.report_url, download: true }, '下载报告（CSV）'), '　',
          h('a', { href: job.report_url.replace(/\.csv$/, '.xlsx'), download: true }, '下载报告（Excel）'))]
      : h('p', { class: 'ok' }, '没有发现问题。'));
}

function uploadForm(label, navigate) {
  const message = h('div', {});
  const kind = field('文件类型', { name: 'kind' }, 'select');
  kind.querySelector('select').append(...options(['households', 'benefits'], label));
  const mode = field('导入方式', { name: 'mode' }, 'select');
  mode.querySelector('select').append(...options(['all_or_nothing', 'valid_rows_only'], label));
  const form = h('form', { class: 'card', 'aria-labelledby': 'upload-title', novalidate: true },
    h('h2', { id: 'upload-title' }, '上传文件'),
    field('文件（.csv 或 .xlsx，按模板填写）', { name: 'file', type: 'file', accept: '.csv,.xlsx', required: true }),
    h('div', { class: 'inline' }, kind, mode,
      h('div', { class: 'field checkbox' },
        h('label', {}, h('input', { type: 'checkbox', name: 'dry_run', checked: true }), ' 试导入（只检查，不修改）'))),
    message, h('button', { type: 'submit', class: 'primary' }, '上传'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(message);
    const file = form.elements.file.files[0];
    if (!file) { fill(message, errorBox({ message: '请选择要上传的文件。' })); return; }
    const body = new FormData();
    body.append('file', file);
    body.append('kind', form.elements.kind.value);
    body.append('mode', form.elements.mode.value);
    body.append('dry_run', String(form.elements.dry_run.checked));
    let job;
    try {
      job = await api.post('/api/v1/imports', body);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      fill(message, errorBox(error));
      return;
    }
    navigate('imports', job.id);  // the job with its report, and the recent jobs read again
  });
  return form;
}

function exportForm(me, label) {
  const region = field('区划代码', { name: 'region_code', value: me.region_code, inputmode: 'numeric', pattern: '\\d{12}' });
  const format = field('格式', { name: 'file_format' }, 'select');
  format.querySelector('select').append(h('option', { value: 'xlsx' }, 'Excel（.xlsx）'), h('option', { value: 'csv' }, 'CSV'));
  const status = field('状态', { name: 'status' }, 'select');
  status.querySelector('select').append(...options(['', 'identified', 'under_assistance', 'exited', 'monitored'], label));
  const link = h('a', { class: 'primary button-link', id: 'export-link', download: true }, '导出');
  const update = () => {
    const query = new URLSearchParams({ region_code: region.querySelector('input').value.trim() });
    const wanted = status.querySelector('select').value;
    if (wanted) query.set('status', wanted);
    link.href = `/api/v1/exports/households.${format.querySelector('select').value}?${query}`;
  };
  const form = h('form', { class: 'card', 'aria-labelledby': 'export-title', oninput: update, onchange: update },
    h('h2', { id: 'export-title' }, '导出辖区农户'),
    h('p', { class: 'hint' }, '按导入模板的格式导出，身份证号已脱敏；导出会记入审计日志。'),
    h('div', { class: 'inline' }, region, status, format, link));
  update();
  return form;
}

export async function render(main, context) {
  const label = await labeller();
  const [jobId] = context.rest;
  const result = h('div', { 'aria-live': 'polite' });
  const recent = await api.get('/api/v1/imports', { page_size: 20 }).then((page) => page.items, () => []);
  fill(main, h('h1', {}, '批量导入'),
    h('p', {}, '模板：',
      h('a', { href: '/api/v1/imports/templates/households.xlsx', download: true }, '农户与成员（Excel）'), '　',
      h('a', { href: '/api/v1/imports/templates/households.csv', download: true }, '农户与成员（CSV）'), '　',
      h('a', { href: '/api/v1/imports/templates/benefits.xlsx', download: true }, '政策补贴（Excel）')),
    uploadForm(label, context.navigate), result,
    h('section', { 'aria-labelledby': 'recent-title' }, h('h2', { id: 'recent-title' }, '最近的导入'),
      table('最近的导入', [
        ['时间', (job) => h('a', { href: `#/imports/${encodeURIComponent(job.id)}` }, when(job.created_at))],
        ['文件', (job) => job.file_name], ['类型', (job) => label(job.kind)],
        ['结果', (job) => label(job.outcome)], ['问题数', (job) => job.findings],
      ], recent, '还没有导入记录。')),
    exportForm(context.me, label));
  if (jobId) fill(result, await jobView(await api.get(`/api/v1/imports/${encodeURIComponent(jobId)}`), label));
}
