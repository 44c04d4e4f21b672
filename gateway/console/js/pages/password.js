// Change the password: required on the first sign-in (the one-time password), and on demand.
import { api, ApiError } from '../api.js';
import { errorBox, field, fill, h, toast } from '../dom.js';

export const title = '修改密码';

export async function render(main, { me, reload }) {
  const message = h('div', {});
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'password-title', novalidate: true },
    h('h1', { id: 'password-title' }, '修改密码'),
    me.must_change_password ? h('p', { class: 'notice' }, '首次登录，请先把初始密码改为您自己的密码。') : null,
    field('当前密码', { name: 'current', type: 'password', autocomplete: 'current-password', required: true }),
    field('新密码（至少 8 位，含字母和数字）', { name: 'fresh', type: 'password', autocomplete: 'new-password', required: true }),
    field('再次输入新密码', { name: 'again', type: 'password', autocomplete: 'new-password', required: true }),
    message, h('button', { type: 'submit', class: 'primary' }, '保存新密码'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { current, fresh, again } = form.elements;
    if (fresh.value !== again.value) {
      fill(message, errorBox({ message: '两次输入的新密码不一致。' }));
      return;
    }
    try {
      await api.post('/console/session/password', {
        current_password: current.value, new_password: fresh.value,
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      fill(message, errorBox(error));
      return;
    }
    toast('密码已修改。');
    await reload('home');
  });
  fill(main, form);
}
