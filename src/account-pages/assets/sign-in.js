import { startAuthentication } from '/pages/simplewebauthn/index.js';
import { callApi, flowErrorMessage, forgetFragment, fragmentValue, onSubmit, say } from './api.js';

const passwordForm = document.getElementById('password');
const secondFactor = document.getElementById('second-factor');
const otherWays = document.getElementById('other-ways');
let mfaToken = null;

const toAccount = () => window.location.assign('/account');

/** The account has two-factor authentication on: its code comes next, whichever way the first step went. */
function askForCode(token) {
  mfaToken = token;
  passwordForm.hidden = true;
  otherWays.hidden = true;
  secondFactor.hidden = false;
  secondFactor.querySelector('input').focus();
}

onSubmit(passwordForm, async (fields) => {
  try {
    await callApi('POST', '/auth/cookie/login', { email: fields.get('email'), password: fields.get('password') });
  } catch (error) {
    if (error.code !== 'MFA_REQUIRED') throw error;
    askForCode(error.details?.mfaToken);
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

// A passkey is a whole sign-in of its own (it proves possession and the person): no second step.
onSubmit(document.getElementById('passkey'), async () => {
  const optionsJSON = await callApi('POST', '/auth/passkeys/authentication-options');
  const response = await startAuthentication({ optionsJSON });
  await callApi('POST', '/auth/cookie/passkey-login', { response });
  toAccount();
  return 'Signed in.';
});

// A provider's sign-in comes back here: with the session cookies, with the MFA step, or with an error code.
const returnedMfaToken = fragmentValue('mfaToken');
const returnedError = fragmentValue('error');
forgetFragment();
if (returnedMfaToken !== null) {
  askForCode(returnedMfaToken);
  say('status', 'Now the code of your second factor.');
} else if (returnedError !== null) {
  say('alert', flowErrorMessage(returnedError));
} else if (await callApi('GET', '/users/me').catch(() => null)) {
  toAccount();
}

// A button per configured provider; its flow ends on this page.
const providers = await callApi('GET', '/auth/providers');
const list = document.getElementById('providers');
for (const provider of providers) {
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = `Sign in with ${provider.name}`;
  button.addEventListener('click', () => {
    const query = new URLSearchParams({ redirectTo: `${window.location.origin}/` });
    window.location.assign(`/auth/providers/${encodeURIComponent(provider.id)}/authorize?${query}`);
  });
  list.append(button);
}
