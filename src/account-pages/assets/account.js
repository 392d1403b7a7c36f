import { callApi, onSubmit } from './api.js';

// Signed out (no session, or it ended): back to the sign-in page.
const me = await callApi('GET', '/users/me').catch(() => null);
if (me === null) window.location.replace('/');
else {
  document.getElementById('email').textContent = me.email;
  document.getElementById('email-state').textContent = me.emailVerified ? 'confirmed' : 'not confirmed yet';
}

onSubmit(document.getElementById('sign-out'), async () => {
  await callApi('POST', '/auth/cookie/logout');
  window.location.replace('/');
  return 'Signed out.';
});
