import { Matches, ValidateBy, ValidateIf } from 'class-validator';
import { isEncryptionKey, listItems } from './setting-rules';

/** Two-factor authentication: the keys of the TOTP secrets, the issuer apps show (the mfa namespace). */
export class MfaSettings {
  /** The server's NODE_ENV, read for the rules that tighten in production. */
  declare NODE_ENV?: string;

  // Without it a random key per process encrypts TOTP secrets: a restart leaves them unreadable (recovery codes still work).
  @ValidateIf((settings: MfaSettings) => settings.NODE_ENV === 'production' || settings.MFA_ENCRYPTION_KEY !== '')
  @ValidateBy(
    { name: 'isEncryptionKey', validator: { validate: isEncryptionKey } },
    { message: 'MFA_ENCRYPTION_KEY must be 32 random bytes in base64, from `openssl rand -base64 32` (required when NODE_ENV=production)' },
  )
  MFA_ENCRYPTION_KEY = '';

  // Keys that encrypted secrets before the current one: still read, and replaced by the current key at each secret's next use.
  @ValidateBy(
    {
      name: 'isEncryptionKeyList',
      validator: { validate: (value: unknown) => typeof value === 'string' && listItems(value).every(isEncryptionKey) },
    },
    { message: 'MFA_ENCRYPTION_KEYS_PREVIOUS must be a comma-separated list of keys like MFA_ENCRYPTION_KEY (32 bytes in base64)' },
  )
  MFA_ENCRYPTION_KEYS_PREVIOUS = '';

  // The name authenticator apps show beside the account; a colon would end it early in the otpauth:// label.
  @Matches(/^[^:\p{Cc}]{1,64}$/u, { message: 'MFA_ISSUER must be 1 to 64 characters, with no colon or control character' })
  MFA_ISSUER = 'Nest Auth';
}
