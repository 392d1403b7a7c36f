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

/**
 * Runs `action` when `form` is submitted, its button disabled meanwhile. What
 * it returns is shown in the page's status element, an error's message in its
 * alert element, as text only; focus moves to whichever speaks.
 */
export function onSubmit(form, action) {
  const status = document.getElementById('status');
  const alert = document.getElementById('alert');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"]');
    button.disabled = true;
    alert.textContent = '';
    status.textContent = '';
    try {
      status.textContent = await action(new FormData(form));
      status.focus();
    } catch (error) {
      alert.textContent = error.message;
      alert.focus();
    } finally {
      button.disabled = false;
    }
  });
}
