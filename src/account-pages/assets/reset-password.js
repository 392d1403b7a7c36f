import { callApi, forgetFragment, fragmentValue, onSubmit } from './api.js';

// Without a token: ask for a link. With one (from the mailed link): set the new password, on the button only.
const token = fragmentValue('token');
const request = document.getElementById('request');
const reset = document.getElementById('reset');
request.hidden = token !== null;
reset.hidden = token === null;
// The mailed link opened in the tab that asked for it changes only the fragment: the page starts again with its token.
window.addEventListener('hashchange', () => window.location.reload());

onSubmit(request, async (fields) => {
  await callApi('POST', '/auth/password-reset', { email: fields.get('email') });
  return 'If an account has this address, a link to set a new password is on its way to it.';
});

onSubmit(reset, async (fields) => {
  await callApi('POST', '/auth/password-reset/confirm', { token, password: fields.get('password') });
  forgetFragment();
  reset.hidden = true;
  return 'Your password is set, and every session of your account has ended. You can sign in with it now.';
});
