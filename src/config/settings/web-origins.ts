import { listItems } from './setting-rules';

/** An origin as browsers send it: scheme, host and optional port, nothing else. */
const ORIGIN_PATTERN = /^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)(:\d{1,5})?$/;

export function isOriginList(value: unknown): boolean {
  return typeof value === 'string' && listItems(value).every((origin) => ORIGIN_PATTERN.test(origin));
}

/** A host name as an RP ID: lower case labels, no scheme, port or path (WebAuthn refuses IP addresses). */
export const RP_ID_PATTERN = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

export interface WebAuthnOriginSettings {
  WEBAUTHN_RP_ID: string;
  WEBAUTHN_ORIGINS: string;
  APP_URL: string;
}

/** The origins passkeys are used from: WEBAUTHN_ORIGINS, or APP_URL's origin when it is empty. */
export function webAuthnOrigins(settings: Pick<WebAuthnOriginSettings, 'WEBAUTHN_ORIGINS' | 'APP_URL'>): string[] {
  const listed = listItems(settings.WEBAUTHN_ORIGINS);
  return listed.length > 0 ? listed : [new URL(settings.APP_URL).origin];
}

/**
 * Browsers create and use a passkey only on an origin whose host is the RP ID
 * or ends with `.` and it, and only over https (or http on localhost): any
 * other origin would make passkeys that cannot be used, found at start-up
 * rather than by the first user.
 */
export function webAuthnOriginsProblem(settings: WebAuthnOriginSettings): string | null {
  // A malformed RP ID, origin list or APP_URL (PUBLIC_URL, PORT) has its own message.
  if (!RP_ID_PATTERN.test(settings.WEBAUTHN_RP_ID) || !isOriginList(settings.WEBAUTHN_ORIGINS) || !URL.canParse(settings.APP_URL)) {
    return null;
  }
  const fromAppUrl = listItems(settings.WEBAUTHN_ORIGINS).length === 0 ? ' (the origin of APP_URL)' : '';
  for (const origin of webAuthnOrigins(settings)) {
    const { protocol, hostname } = new URL(origin);
    const rpId = settings.WEBAUTHN_RP_ID;
    if (hostname !== rpId && !hostname.endsWith(`.${rpId}`)) {
      return `the origin ${origin}${fromAppUrl} is not on WEBAUTHN_RP_ID ${rpId}: set WEBAUTHN_RP_ID to ${hostname} or a domain it ends with`;
    }
    if (protocol === 'http:' && hostname !== 'localhost' && !hostname.endsWith('.localhost')) {
      return `the origin ${origin}${fromAppUrl} must be https (browsers allow http for localhost only)`;
    }
  }
  return null;
}
