/** The CSRF token of the caller's cookie session, to echo in `X-CSRF-Token`. */
export class CsrfTokenResponse {
  csrfToken!: string;
}
