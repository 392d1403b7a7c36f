import { callApi, onSubmit } from './api.js';

const form = document.getElementById('register');
onSubmit(form, async (fields) => {
  const email = fields.get('email');
  await callApi('POST', '/auth/register', { email, password: fields.get('password') });
  form.hidden = true;
  return `Your account is created. Check your mail: a link to confirm ${email} is on its way.`;
});
