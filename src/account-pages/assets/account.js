import { startRegistration } from '/pages/simplewebauthn/index.js';
import { button, callApi, element, flowErrorMessage, forgetFragment, fragmentValue, onSubmit, say, when } from './api.js';

const byId = (id) => document.getElementById(id);
/** An optional field: empty is left out, so that a sign-in less than 10 minutes old may stand in for the password. */
const optional = (fields, name) => fields.get(name) || undefined;

let me = await callApi('GET', '/users/me').catch(() => null);
// Signed out (no session, or it ended): back to the sign-in page.
if (me === null) window.location.replace('/');
const providers = me === null ? [] : await callApi('GET', '/auth/providers');
const providerName = (id) => providers.find((provider) => provider.id === id)?.name ?? id;

function showUser(user) {
  me = user;
  byId('email').textContent = user.email;
  byId('email-state').textContent = user.emailVerified ? 'confirmed' : 'not confirmed yet';
  byId('pending-email').textContent = user.pendingEmail ? ` Waiting for the link mailed to ${user.pendingEmail}.` : '';
  byId('verification').hidden = user.emailVerified;
  byId('mfa-state').textContent = user.mfaEnabled ? 'On: signing in asks for a code after the password.' : 'Off.';
  byId('mfa-start').hidden = user.mfaEnabled || !byId('mfa-confirm').hidden;
  byId('mfa-stop').hidden = !user.mfaEnabled;
  // The code of the second factor is asked beside the password only while it is on.
  for (const label of document.querySelectorAll('.when-mfa')) label.hidden = !user.mfaEnabled;
}

async function showPasskeys() {
  const passkeys = await callApi('GET', '/auth/passkeys');
  byId('passkeys').replaceChildren(
    ...passkeys.map((passkey) => {
      const item = element('li', `${passkey.name}, added ${when(passkey.createdAt)}, last used ${when(passkey.lastUsedAt)} `);
      item.append(
        button(
          'Remove',
          async () => {
            await callApi('DELETE', `/auth/passkeys/${passkey.id}`);
            await refresh();
            return `The passkey ${passkey.name} is removed.`;
          },
          `Remove passkey ${passkey.name}`,
        ),
      );
      return item;
    }),
  );
  if (passkeys.length === 0) byId('passkeys').append(element('li', 'No passkey yet.'));
}

async function showIdentities() {
  byId('providers-section').hidden = providers.length === 0;
  if (providers.length === 0) return;
  const identities = await callApi('GET', '/auth/identities');
  byId('identities').replaceChildren(
    ...identities.map((identity) => {
      const name = providerName(identity.provider);
      const item = element('li', `${name}${identity.email ? ` (${identity.email})` : ''}, linked ${when(identity.createdAt)} `);
      item.append(
        button(
          'Unlink',
          async () => {
            await callApi('DELETE', `/auth/identities/${identity.id}`);
            await refresh();
            return `${name} is unlinked.`;
          },
          `Unlink ${name}`,
        ),
      );
      return item;
    }),
  );
  const linked = new Set(identities.map((identity) => identity.provider));
  const unlinked = providers.filter((provider) => !linked.has(provider.id));
  byId('link-provider').hidden = unlinked.length === 0;
  byId('link-buttons').replaceChildren(
    ...unlinked.map((provider) => element('button', `Link ${provider.name}`, { type: 'submit', value: provider.id })),
  );
}

async function showTokens() {
  const tokens = await callApi('GET', '/auth/tokens');
  byId('tokens').replaceChildren(
    ...tokens.map((token) => {
      const started = when(token.createdAt);
      const what = token.kind === 'personal' ? `Personal token ${token.name}` : `Session started ${started}`;
      const item = element(
        'li',
        `${what}${token.current ? ' (this one)' : ''}, last used ${when(token.lastUsedAt)}, ends ${when(token.expiresAt)} `,
      );
      // This session ends with Sign out.
      if (!token.current) {
        const name = token.kind === 'personal' ? `Revoke token ${token.name}` : `End session started ${started}`;
        item.append(
          button(
            token.kind === 'personal' ? 'Revoke' : 'End',
            async () => {
              await callApi('DELETE', `/auth/tokens/${token.id}`);
              await refresh();
              return token.kind === 'personal' ? `The token ${token.name} is revoked.` : 'The session is ended.';
            },
            name,
          ),
        );
      }
      return item;
    }),
  );
  // A personal token holds scopes of this session's, never more.
  const scopes = tokens.find((token) => token.current)?.scopes ?? [];
  const fieldset = byId('token-scopes');
  fieldset.replaceChildren(
    fieldset.querySelector('legend'),
    ...scopes.map((scope) => {
      const label = element('label', ` ${scope}`, { class: 'choice' });
      label.prepend(element('input', '', { type: 'checkbox', name: 'scopes', value: scope }));
      return label;
    }),
  );
}

async function showEvents() {
  const { items } = await callApi('GET', '/users/me/security-events?limit=20');
  byId('events').replaceChildren(
    ...items.map((event) => {
      const row = element('tr');
      row.append(
        element('td', event.type),
        element('td', when(event.createdAt)),
        element('td', [event.ip, event.userAgent].filter(Boolean).join(', ')),
      );
      return row;
    }),
  );
}

async function refresh() {
  showUser(await callApi('GET', '/users/me'));
  await Promise.all([showPasskeys(), showIdentities(), showTokens(), showEvents()]);
}

onSubmit(byId('sign-out'), async () => {
  await callApi('POST', '/auth/cookie/logout');
  window.location.replace('/');
  return 'Signed out.';
});

onSubmit(byId('verification'), async () => {
  await callApi('POST', '/auth/email-verification');
  return `A link to confirm ${me.email} is on its way to it.`;
});

onSubmit(byId('change-email'), async (fields) => {
  const user = await callApi('PATCH', '/users/me', { email: fields.get('email'), currentPassword: optional(fields, 'currentPassword') });
  byId('change-email').reset();
  await refresh();
  return `A link to confirm ${user.pendingEmail} is on its way to it. Your email stays ${user.email} until it is used.`;
});

onSubmit(byId('change-password'), async (fields) => {
  await callApi('PATCH', '/users/me', { password: fields.get('password'), currentPassword: optional(fields, 'currentPassword') });
  byId('change-password').reset();
  await refresh();
  return 'Your password is changed.';
});

onSubmit(byId('mfa-start'), async (fields) => {
  const enrolment = await callApi('POST', '/auth/mfa/totp', { currentPassword: optional(fields, 'currentPassword') });
  byId('mfa-start').reset();
  byId('mfa-start').hidden = true;
  // The service's own SVG, as an image: an image runs no script, whatever it holds.
  byId('mfa-qr').src = `data:image/svg+xml;base64,${btoa(enrolment.qrCodeSvg)}`;
  byId('mfa-secret').textContent = enrolment.secret;
  byId('mfa-confirm').hidden = false;
  byId('mfa-confirm').querySelector('input').focus();
  return '';
});

onSubmit(byId('mfa-confirm'), async (fields) => {
  const { recoveryCodes } = await callApi('POST', '/auth/mfa/totp/confirm', { code: fields.get('code') });
  // The secret is in the app now: it leaves the page, and the recovery codes are shown this once.
  byId('mfa-confirm').reset();
  byId('mfa-confirm').hidden = true;
  byId('mfa-secret').textContent = '';
  byId('mfa-qr').removeAttribute('src');
  byId('recovery-codes').replaceChildren(...recoveryCodes.map((code) => element('li', code)));
  byId('recovery').hidden = false;
  await refresh();
  return 'Two-factor authentication is on.';
});

onSubmit(byId('mfa-stop'), async (fields) => {
  await callApi('DELETE', '/auth/mfa', { currentPassword: optional(fields, 'currentPassword'), code: fields.get('code') });
  byId('mfa-stop').reset();
  byId('recovery').hidden = true;
  byId('recovery-codes').replaceChildren();
  await refresh();
  return 'Two-factor authentication is off.';
});

onSubmit(byId('passkey-add'), async (fields) => {
  const optionsJSON = await callApi('POST', '/auth/passkeys/registration-options', {
    currentPassword: optional(fields, 'currentPassword'),
    code: optional(fields, 'code'),
  });
  byId('passkey-add').reset();
  const passkey = await callApi('POST', '/auth/passkeys', { response: await startRegistration({ optionsJSON }) });
  await refresh();
  return `The passkey ${passkey.name} is added.`;
});

// Linking leaves for the provider and comes back here with #linked=<provider> or #error=<code>.
onSubmit(byId('link-provider'), async (fields, submitter) => {
  const { authorizationUrl } = await callApi('POST', '/auth/identities', {
    provider: submitter.value,
    redirectTo: `${window.location.origin}/account`,
    currentPassword: optional(fields, 'currentPassword'),
  });
  window.location.assign(authorizationUrl);
  return `On to ${providerName(submitter.value)}…`;
});

onSubmit(byId('token-create'), async (fields) => {
  const token = await callApi('POST', '/auth/tokens', { name: fields.get('name'), scopes: fields.getAll('scopes') });
  byId('token-create').reset();
  byId('new-token-value').textContent = token.token;
  byId('new-token').hidden = false;
  await refresh();
  return `The token ${token.name} is created.`;
});

onSubmit(byId('delete-account'), async (fields) => {
  await callApi('DELETE', '/users/me', { currentPassword: optional(fields, 'currentPassword'), code: optional(fields, 'code') });
  for (const part of document.querySelectorAll('main > :not(h1, [role])')) part.hidden = true;
  return 'Your account is deleted, with everything of it.';
});

if (me !== null) {
  const linked = fragmentValue('linked');
  const error = fragmentValue('error');
  forgetFragment();
  await refresh();
  if (linked !== null) say('status', `${providerName(linked)} is linked: you can sign in with it.`);
  if (error !== null) say('alert', flowErrorMessage(error));
}
