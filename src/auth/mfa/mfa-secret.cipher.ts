import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { mfaConfig, MfaConfig } from '../../config/app.config';

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptedSecret {
  ciphertext: Buffer;
  keyId: string;
}

/** A secret no configured key can read: the key that encrypted it is missing, or the stored bytes were altered. */
export class UnreadableSecretError extends Error {
  constructor(readonly keyId: string) {
    super(
      `A TOTP secret encrypted with key ${keyId} cannot be decrypted: set MFA_ENCRYPTION_KEY or MFA_ENCRYPTION_KEYS_PREVIOUS to that key`,
    );
    this.name = 'UnreadableSecretError';
  }
}

/** A key's public name: the first 8 bytes of its SHA-256, enough to tell keys apart and nothing to recover one. */
export function encryptionKeyId(key: Buffer): string {
  return createHash('sha256').update(key).digest().subarray(0, 8).toString('hex');
}

/**
 * Encrypts TOTP secrets with AES-256-GCM under MFA_ENCRYPTION_KEY, and reads
 * those of the previous keys too. The user's id is the additional
 * authenticated data: a ciphertext copied onto another account does not decrypt.
 */
@Injectable()
export class MfaSecretCipher {
  private readonly currentKeyId: string;
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(@Inject(mfaConfig.KEY) config: MfaConfig) {
    this.currentKeyId = encryptionKeyId(config.encryptionKey);
    this.keys = new Map([config.encryptionKey, ...config.previousEncryptionKeys].map((key) => [encryptionKeyId(key), key]));
  }

  /** The ids of the keys this instance can decrypt with, the current one first. */
  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  isCurrent(keyId: string): boolean {
    return keyId === this.currentKeyId;
  }

  encrypt(secret: Buffer, userId: number): EncryptedSecret {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.currentKeyId)!, nonce);
    cipher.setAAD(this.associatedData(userId));
    const ciphertext = Buffer.concat([nonce, cipher.update(secret), cipher.final(), cipher.getAuthTag()]);
    return { ciphertext, keyId: this.currentKeyId };
  }

  /** The secret; UnreadableSecretError when its key is not configured or the bytes do not authenticate. */
  decrypt({ ciphertext, keyId }: EncryptedSecret, userId: number): Buffer {
    const key = this.keys.get(keyId);
    if (!key || ciphertext.length < NONCE_BYTES + TAG_BYTES) throw new UnreadableSecretError(keyId);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, ciphertext.subarray(0, NONCE_BYTES));
      decipher.setAAD(this.associatedData(userId));
      decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_BYTES));
      return Buffer.concat([decipher.update(ciphertext.subarray(NONCE_BYTES, ciphertext.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new UnreadableSecretError(keyId);
    }
  }

  private associatedData(userId: number): Buffer {
    return Buffer.from(`totp-secret:${userId}`, 'utf8');
  }
}
