import { checksummedSecretCodec } from '../../common/crypto/checksummed-secret.codec';

export const ACCESS_TOKEN_PREFIX = 'nat_';
const accessTokens = checksummedSecretCodec(ACCESS_TOKEN_PREFIX);

/** A new access token: 256 random bits and a checksum, behind its prefix. */
export const generateAccessToken = accessTokens.generate;
/** Whether the text could be one of our access tokens, decided without the database. */
export const isWellFormedAccessToken = accessTokens.isWellFormed;
/** What the database stores and looks up: the SHA-256 digest, never the token. */
export const digestAccessToken = accessTokens.digest;
