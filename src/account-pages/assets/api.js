// The pages' one way to the API: JSON over fetch, on this origin, with the session cookie. An error
// answer becomes an Error holding the contract's code and message, which the page shows as text.

/** The value of `name` in the page's fragment (`#token=...`): mailed links carry their token there. */
export function fragmentValue(name) {
  return new URLSearchParams(window.location.hash.slice(1)).get(name);
}

/** Drops the fragment from the address bar and history: a used token leaves no trace in the page. */
export function forgetFragment() {
  window.history.replaceState(null, '', window.location.pathname + window.location.search);
}

/** The session's CSRF token, from the cookie the service sets beside the session's (`__Host-csrf` over https). */
function csrfToken() {
  const cookies = new Map(document.cookie.split('; ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
  return cookies.get('__Host-csrf') ?? cookies.get('csrf');
}

export async function callApi(method, path, body) {
  const headers = body === undefined ? {} : { 'Content-Type': 'application/json' };
  // Every write of a cookie session carries its CSRF token (signed double submit).
  const csrf = csrfToken();
  if (method !== 'GET' && csrf !== undefined) headers['X-CSRF-Token'] = csrf;
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    // A refused field says what is wrong with it; any other error, the contract's message.
    const fields = Array.isArray(answer?.errors) ? answer.errors.map((field) => field.message).join(' ') : '';
    const error = new Error(fields || answer?.message || `The service answered ${response.status}`);
    error.code = answer?.code;
    error.details = answer;
    throw error;
  }
  return answer;
}

/** Says `text` in the page's status or alert element (as text only), clears the other, and moves focus there. */
export function say(role, text) {
  const spoken = document.getElementById(role);
  document.getElementById(role === 'status' ? 'alert' : 'status').textContent = '';
  spoken.textContent = text;
  if (text) spoken.focus();
}

/**
 * Runs `action` with `button` disabled meanwhile. What it returns is said in
 * the page's status element, an error's message in its alert element.
 */
async function act(button, action) {
  button.disabled = true;
  say('status', '');
  say('alert', '');
  try {
    say('status', await action());
  } catch (error) {
    say('alert', error.message);
  } finally {
    button.disabled = false;
  }
}

/** Acts when `form` is submitted, with its fields and the button that submitted it. */
export function onSubmit(form, action) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const button = event.submitter ?? form.querySelector('button[type="submit"]');
    void act(button, () => action(new FormData(form), button));
  });
}

/** A button that acts on its own, outside any form (an item's Remove, Revoke, Unlink). */
export function button(name, action, label = name) {
  const made = element('button', name, { type: 'button', 'aria-label': label });
  made.addEventListener('click', () => void act(made, action));
  return made;
}

/** An element with its text (never HTML: what the API or a person wrote stays inert). */
export function element(tag, text = '', attributes = {}) {
  const made = document.createElement(tag);
  made.textContent = text;
  for (const [name, value] of Object.entries(attributes)) made.setAttribute(name, value);
  return made;
}

/** A date of the API (ISO 8601) as the reader's locale writes it; null as `never`. */
export function when(isoDate, never = 'never') {
  return isoDate ? new Date(isoDate).toLocaleString() : never;
}

// What an identity provider's flow came back with (`#error=<code>`), in words.
const FLOW_ERRORS = {
  ACCESS_DENIED: 'The sign-in was cancelled at the provider.',
  ACCOUNT_EXISTS: 'An account already has this email. Sign in to it another way, then link the provider from your account page.',
  IDENTITY_TAKEN: 'This provider account is already linked to another account.',
  EMAIL_NOT_VERIFIED: 'Confirm your email address first: a link is on its way to it.',
  INVALID_CREDENTIALS: 'This account cannot sign in.',
  TOO_MANY_REQUESTS: 'Too many attempts. Wait a minute, then try again.',
};

export function flowErrorMessage(code) {
  return FLOW_ERRORS[code] ?? 'The sign-in with the provider did not succeed. Try again, or sign in another way.';
}
