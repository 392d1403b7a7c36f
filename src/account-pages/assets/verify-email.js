import { callApi, forgetFragment, fragmentValue, onSubmit } from './api.js';

// Nothing happens on load: a mail scanner that opens the link, scripts and all, consumes nothing.
const token = fragmentValue('token');
const form = document.getElementById('confirm');
onSubmit(form, async () => {
  if (!token) throw new Error('This link has no token: open the link from the message again');
  await callApi('POST', '/auth/email-verification/confirm', { token });
  forgetFragment();
  form.hidden = true;
  return 'Your email address is confirmed. You can sign in now.';
});
