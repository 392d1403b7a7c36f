import { callApi, onSubmit } from './api.js';

const passwordForm = document.getElementById('password');
const secondFactor = document.getElementById('second-factor');
let mfaToken = null;

const toAccount = () => window.location.assign('/account');

onSubmit(passwordForm, async (fields) => {
  try {
    await callApi('POST', '/auth/cookie/login', { email: fields.get('email'), password: fields.get('password') });
  } catch (error) {
    if (error.code !== 'MFA_REQUIRED') throw error;
    // The right password of an account with two-factor authentication: its code comes next.
    mfaToken = error.details?.mfaToken;
    passwordForm.hidden = true;
    secondFactor.hidden = false;
    secondFactor.querySelector('input').focus();
    return 'Your password is right. Now the code of your second factor.';
  }
  toAccount();
  return 'Signed in.';
});

onSubmit(secondFactor, async (fields) => {
  await callApi('POST', '/auth/mfa/verify', { mfaToken, code: fields.get('code') });
  toAccount();
  return 'Signed in.';
});

// A button per configured provider: the flow ends on the account page with the session cookies.
const providers = await callApi('GET', '/auth/providers');
const list = document.getElementById('providers');
for (const provider of providers) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = `Sign in with ${provider.name}`;
  button.addEventListener('click', () => {
    const query = new URLSearchParams({ redirectTo: `${window.location.origin}/account` });
    window.location.assign(`/auth/providers/${encodeURIComponent(provider.id)}/authorize?${query}`);
  });
  list.append(button);
}
