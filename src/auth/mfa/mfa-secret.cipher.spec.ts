import { randomBytes } from 'node:crypto';
import type { MfaConfig } from '../../config/app.config';
import { encryptionKeyId, MfaSecretCipher, UnreadableSecretError } from './mfa-secret.cipher';

const cipherWith = (encryptionKey: MfaConfig['encryptionKey'], previousEncryptionKeys: MfaConfig['previousEncryptionKeys'] = []) =>
  new MfaSecretCipher({ encryptionKey, previousEncryptionKeys, issuer: 'Test', unreadableSecretsStopStartup: false });

describe('MfaSecretCipher (AES-256-GCM)', () => {
  const secret = randomBytes(20);
  const current = randomBytes(32);
  const previous = randomBytes(32);

  it('encrypts under the current key, tagged with its id, with a fresh nonce each time, and decrypts back', () => {
    const cipher = cipherWith(current);
    const first = cipher.encrypt(secret, 7);
    const second = cipher.encrypt(secret, 7);

    expect(first.keyId).toBe(encryptionKeyId(current));
    expect(first.ciphertext).toHaveLength(12 + 20 + 16);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
    expect(first.ciphertext.includes(secret)).toBe(false);
    expect(cipher.decrypt(first, 7).equals(secret)).toBe(true);
  });

  it('reads what a previous key encrypted, and tells it is not current', () => {
    const old = cipherWith(previous).encrypt(secret, 7);
    const rotated = cipherWith(current, [previous]);

    expect(rotated.decrypt(old, 7).equals(secret)).toBe(true);
    expect(rotated.isCurrent(old.keyId)).toBe(false);
    expect(rotated.keyIds).toEqual([encryptionKeyId(current), encryptionKeyId(previous)]);
  });

  it('refuses a ciphertext of an unknown key, of another user, or altered, with UnreadableSecretError', () => {
    const stored = cipherWith(previous).encrypt(secret, 7);
    const cipher = cipherWith(current, [previous]);
    const altered = Buffer.from(stored.ciphertext);
    altered[15] ^= 1;

    expect(() => cipherWith(current).decrypt(stored, 7)).toThrow(UnreadableSecretError);
    expect(() => cipher.decrypt(stored, 8)).toThrow(UnreadableSecretError);
    expect(() => cipher.decrypt({ ...stored, ciphertext: altered }, 7)).toThrow(UnreadableSecretError);
    expect(() => cipher.decrypt({ ...stored, ciphertext: stored.ciphertext.subarray(0, 20) }, 7)).toThrow(UnreadableSecretError);
  });
});
