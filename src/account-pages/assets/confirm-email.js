import { callApi, forgetFragment, fragmentValue, onSubmit } from './api.js';

// Nothing happens on load: only the button confirms the change.
const token = fragmentValue('token');
const form = document.getElementById('confirm');
onSubmit(form, async () => {
  if (!token) throw new Error('This link has no token: open the link from the message again');
  const user = await callApi('POST', '/users/me/email/confirm', { token });
  forgetFragment();
  form.hidden = true;
  return `Your account's email is now ${user.email}.`;
});
