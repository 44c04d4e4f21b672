// Sign in with mobile and password; the session lands in HttpOnly cookies (gateway.routes.console).
import { api, ApiError } from '../api.js';
import { errorBox, field, fill, h } from '../dom.js';

export function renderSignIn(main, { onSignedIn }) {
  const message = h('div', { id: 'sign-in-message' });
  const submit = h('button', { type: 'submit', class: 'primary' }, '登录');
  const form = h('form', { class: 'card narrow', 'aria-labelledby': 'sign-in-title', novalidate: true },
    h('h1', { id: 'sign-in-title' }, '登录'),
    field('手机号', { name: 'mobile', type: 'tel', autocomplete: 'username', inputmode: 'numeric', required: true }),
    field('密码', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
    message, submit);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    fill(message);
    submit.disabled = true;
    try {
      await api.post('/console/session', {
        mobile: form.elements.mobile.value.trim(), password: form.elements.password.value,
      });
      await onSignedIn();
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      fill(message, errorBox(error));
      form.elements.password.select();
    } finally {
      submit.disabled = false;
    }
  });
  fill(main, form);
  form.elements.mobile.focus();
}
