import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { decodeClientDataJSON } from '@simplewebauthn/server/helpers';

/** WebAuthn's bound on a credential id; the `passkeys.credential_id` column is this wide. */
export const MAX_CREDENTIAL_ID_BYTES = 1023;
const MAX_TRANSPORTS = 8;
const TRANSPORT = /^[a-z-]{1,32}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const isBase64Url = (value: unknown): value is string => typeof value === 'string' && BASE64URL.test(value);

/** A credential id as the browser spells it: canonical base64url (one spelling per id), 1 to 1,023 bytes. */
export function credentialIdBytes(value: unknown): Buffer | null {
  if (!isBase64Url(value)) return null;
  const bytes = Buffer.from(value, 'base64url');
  return bytes.length > 0 && bytes.length <= MAX_CREDENTIAL_ID_BYTES && bytes.toString('base64url') === value ? bytes : null;
}

/** The parts every credential response shares: an id (twice, as `id` and `rawId`) and the type. */
function hasCredentialHeader(value: Fields): boolean {
  return credentialIdBytes(value.id) !== null && value.rawId === value.id && value.type === 'public-key';
}

function transportsOf(value: unknown): string[] | undefined | null {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length > MAX_TRANSPORTS) return null;
  return value.every((transport) => typeof transport === 'string' && TRANSPORT.test(transport)) ? (value as string[]) : null;
}

/**
 * What a browser's registration gave, checked for shape only (the library
 * judges the content): a fresh object with the fields the verification reads,
 * or null for anything else.
 */
export function asRegistrationResponse(value: unknown): RegistrationResponseJSON | null {
  if (!isObject(value) || !hasCredentialHeader(value) || !isObject(value.response)) return null;
  const { clientDataJSON, attestationObject, transports } = value.response;
  const checkedTransports = transportsOf(transports);
  if (!isBase64Url(clientDataJSON) || !isBase64Url(attestationObject) || checkedTransports === null) return null;
  return {
    id: value.id as string,
    rawId: value.id as string,
    type: 'public-key',
    response: { clientDataJSON, attestationObject, ...(checkedTransports ? { transports: checkedTransports } : {}) },
    clientExtensionResults: {},
  };
}

/** As asRegistrationResponse, for a login's assertion. */
export function asAuthenticationResponse(value: unknown): AuthenticationResponseJSON | null {
  if (!isObject(value) || !hasCredentialHeader(value) || !isObject(value.response)) return null;
  const { clientDataJSON, authenticatorData, signature, userHandle } = value.response;
  if (!isBase64Url(clientDataJSON) || !isBase64Url(authenticatorData) || !isBase64Url(signature)) return null;
  if (userHandle !== undefined && userHandle !== null && !isBase64Url(userHandle)) return null;
  return {
    id: value.id as string,
    rawId: value.id as string,
    type: 'public-key',
    response: { clientDataJSON, authenticatorData, signature, ...(typeof userHandle === 'string' ? { userHandle } : {}) },
    clientExtensionResults: {},
  };
}

/** The challenge a response answers, read from its client data; null when that is not JSON with a challenge. */
export function answeredChallenge(response: RegistrationResponseJSON | AuthenticationResponseJSON): string | null {
  try {
    const { challenge } = decodeClientDataJSON(response.response.clientDataJSON);
    return typeof challenge === 'string' && challenge.length > 0 ? challenge : null;
  } catch {
    return null;
  }
}
