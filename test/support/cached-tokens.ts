import type { TokenWithOwner } from '../../src/auth/tokens/access-tokens.repository';

/** A token check as the guard's lookup returns it, for the unit tests of the token cache and what feeds it. */
export const tokenWithOwner = (tokenId: number, userId: number): TokenWithOwner => ({
  tokenId,
  userId,
  issuedAt: new Date('2026-01-01T00:00:00Z'),
  signedInAt: new Date('2026-01-01T00:00:00Z'),
  expiresAt: new Date('2030-01-01T00:00:00Z'),
  lastUsedAt: new Date('2026-01-01T00:00:00Z'),
  scopes: 'account',
  kind: 'session',
  email: `user${userId}@example.com`,
  role: 'user',
  isActive: true,
  emailVerifiedAt: null,
  pendingEmail: null,
  mfaEnabledAt: null,
  userCreatedAt: new Date('2025-01-01T00:00:00Z'),
});

/** A stand-in digest, one per token id. */
export const tokenDigest = (tokenId: number) => Buffer.from(`digest-${tokenId}`);
