import { encode as encodeCbor } from 'cbor';
import { createHash, createPublicKey, generateKeyPairSync, KeyObject, randomBytes, sign } from 'node:crypto';

/**
 * A WebAuthn authenticator in software, written from the specification
 * (WebAuthn L2 §6.1, §6.5, §7; COSE ES256 of RFC 9053) and independent of the
 * server's library: ES256 keys of node:crypto, CBOR of the `cbor` package,
 * "none" attestation. It answers options as a browser with a platform
 * authenticator would, and each answer can be bent (another origin, RP ID,
 * challenge, no user verification, a counter) for the refusals to test.
 */

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
const FLAG_ATTESTED_CREDENTIAL = 0x40;
/** No AAGUID: the "Passkey" name. */
export const ZERO_AAGUID = '00000000-0000-0000-0000-000000000000';

export interface Bend {
  origin?: string;
  rpId?: string;
  challenge?: string;
  userVerified?: boolean;
  /** The ceremony's type in the client data (`webauthn.create` or `webauthn.get`). */
  type?: string;
}

export interface SoftCredential {
  id: string;
  privateKey: KeyObject;
  userHandle: string;
  rpId: string;
  /** The counter signed into the next assertion's authenticator data. */
  signCount: number;
}

interface CreationOptions {
  challenge: string;
  rp: { id?: string };
  user: { id: string };
}

interface RequestOptions {
  challenge: string;
  rpId?: string;
}

const b64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest();

function uint32(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return bytes;
}

function aaguidBytes(aaguid: string): Buffer {
  return Buffer.from(aaguid.replaceAll('-', ''), 'hex');
}

function clientData(type: string, challenge: string, origin: string): Buffer {
  return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
}

function flags(userVerified: boolean, attested = false): Buffer {
  return Buffer.from([FLAG_USER_PRESENT | (userVerified ? FLAG_USER_VERIFIED : 0) | (attested ? FLAG_ATTESTED_CREDENTIAL : 0)]);
}

/** The ES256 public key as a COSE_Key map (kty EC2, alg -7, crv P-256, x, y). */
function coseKey(publicKey: KeyObject): Buffer {
  const jwk = publicKey.export({ format: 'jwk' });
  return encodeCbor(
    new Map<number, number | Buffer>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, Buffer.from(jwk.x!, 'base64url')],
      [-3, Buffer.from(jwk.y!, 'base64url')],
    ]),
  );
}

export class SoftAuthenticator {
  readonly credentials: SoftCredential[] = [];

  constructor(
    private readonly origin: string,
    private readonly options: { aaguid?: string; counts?: boolean } = {},
  ) {}

  /** navigator.credentials.create(): a new discoverable credential, answered as RegistrationResponseJSON. */
  register(
    options: CreationOptions,
    bend: Bend & { reuse?: SoftCredential } = {},
  ): { response: Record<string, unknown>; credential: SoftCredential } {
    const rpId = bend.rpId ?? options.rp.id ?? 'localhost';
    const { privateKey } = bend.reuse ?? generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const publicKey = createPublicKey(privateKey);
    const credentialId = bend.reuse ? Buffer.from(bend.reuse.id, 'base64url') : randomBytes(16);
    const credential: SoftCredential = bend.reuse ?? {
      id: b64url(credentialId),
      privateKey,
      userHandle: options.user.id,
      rpId,
      signCount: this.options.counts === false ? 0 : 1,
    };
    const lengthOfId = Buffer.alloc(2);
    lengthOfId.writeUInt16BE(credentialId.length);
    const authData = Buffer.concat([
      sha256(rpId),
      flags(bend.userVerified ?? true, true),
      uint32(0),
      aaguidBytes(this.options.aaguid ?? ZERO_AAGUID),
      lengthOfId,
      credentialId,
      coseKey(publicKey),
    ]);
    const attestationObject = encodeCbor(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]),
    );
    if (!bend.reuse) this.credentials.push(credential);
    return {
      credential,
      response: {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(
            clientData(bend.type ?? 'webauthn.create', bend.challenge ?? options.challenge, bend.origin ?? this.origin),
          ),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
        authenticatorAttachment: 'platform',
        clientExtensionResults: {},
      },
    };
  }

  /** navigator.credentials.get() with an empty allow list: an assertion of `credential` (the first one by default). */
  authenticate(options: RequestOptions, bend: Bend & { credential?: SoftCredential; userHandle?: string } = {}): Record<string, unknown> {
    const credential = bend.credential ?? this.credentials[0];
    const authData = Buffer.concat([
      sha256(bend.rpId ?? options.rpId ?? credential.rpId),
      flags(bend.userVerified ?? true),
      uint32(credential.signCount),
    ]);
    if (this.options.counts !== false) credential.signCount += 1;
    const data = clientData(bend.type ?? 'webauthn.get', bend.challenge ?? options.challenge, bend.origin ?? this.origin);
    const signature = sign('sha256', Buffer.concat([authData, sha256(data)]), credential.privateKey);
    return {
      id: credential.id,
      rawId: credential.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(data),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
        userHandle: bend.userHandle ?? credential.userHandle,
      },
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
    };
  }
}
