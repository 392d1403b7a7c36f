import { Matches, ValidateBy } from 'class-validator';
import { isOriginList, RP_ID_PATTERN, webAuthnOriginsProblem, type WebAuthnOriginSettings } from './web-origins';

/** Passkeys: the relying party and its origins (the webauthn namespace). */
export class WebAuthnSettings {
  /** The mail settings' APP_URL: the origin passkeys are used from when WEBAUTHN_ORIGINS is empty. */
  declare APP_URL: string;

  // The domain passkeys are bound to: changing it later makes every registered passkey unusable.
  @Matches(RP_ID_PATTERN, { message: 'WEBAUTHN_RP_ID must be a domain name such as example.com (no scheme, port or path)' })
  WEBAUTHN_RP_ID = 'localhost';

  // The name the browser and the authenticator show beside the passkey.
  @Matches(/^[^\p{Cc}]{1,64}$/u, { message: 'WEBAUTHN_RP_NAME must be 1 to 64 characters, with no control character' })
  WEBAUTHN_RP_NAME = 'Nest Auth';

  @ValidateBy({
    name: 'isWebAuthnOriginList',
    validator: {
      validate: (value: unknown, args) => isOriginList(value) && webAuthnOriginsProblem(args?.object as WebAuthnOriginSettings) === null,
      defaultMessage: (args) =>
        isOriginList(args?.value)
          ? (webAuthnOriginsProblem(args?.object as WebAuthnOriginSettings) ?? '')
          : 'WEBAUTHN_ORIGINS must be a comma-separated list of origins such as https://app.example.com (empty: the origin of APP_URL)',
    },
  })
  WEBAUTHN_ORIGINS = '';
}
