import { createHash } from 'node:crypto';
import { digestAccessToken, generateAccessToken, isWellFormedAccessToken } from './access-token.codec';
import { refreshTokens } from './refresh-token.codec';

describe('access token codec', () => {
  it('makes 1,000 distinct tokens of one length and alphabet, with the fixed prefix', () => {
    const tokens = Array.from({ length: 1000 }, generateAccessToken);

    expect(new Set(tokens).size).toBe(1000);
    for (const token of tokens) {
      expect(token).toMatch(/^nat_[A-Za-z0-9_-]{49}$/);
      expect(isWellFormedAccessToken(token)).toBe(true);
    }
  });

  it('carries at least 256 random bits', () => {
    const secret = generateAccessToken().slice(4, 4 + 43);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
  });

  it.each([
    ['an empty string', ''],
    ['another prefix', 'ghp_' + 'a'.repeat(49)],
    ['a short token', 'nat_abc'],
    ['a padded token', generateAccessToken() + '='],
  ])('refuses %s offline', (_case, token) => {
    expect(isWellFormedAccessToken(token)).toBe(false);
  });

  it('detects a change of any single character through the checksum', () => {
    const token = generateAccessToken();
    for (let i = 4; i < token.length; i++) {
      const swapped = token[i] === 'A' ? 'B' : 'A';
      expect(isWellFormedAccessToken(token.slice(0, i) + swapped + token.slice(i + 1))).toBe(false);
    }
  });

  it('digests with SHA-256 into 32 bytes', () => {
    const token = generateAccessToken();
    const digest = digestAccessToken(token);

    expect(digest).toHaveLength(32);
    expect(digest.equals(createHash('sha256').update(token).digest())).toBe(true);
  });
});

describe('refresh token codec', () => {
  it('has a prefix of its own: neither kind of token passes for the other offline', () => {
    const refreshToken = refreshTokens.generate();

    expect(refreshToken).toMatch(/^nrt_[A-Za-z0-9_-]{49}$/);
    expect(refreshTokens.isWellFormed(refreshToken)).toBe(true);
    expect(isWellFormedAccessToken(refreshToken)).toBe(false);
    expect(refreshTokens.isWellFormed(generateAccessToken())).toBe(false);
  });
});
