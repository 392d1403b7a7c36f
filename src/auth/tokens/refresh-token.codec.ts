import { checksummedSecretCodec } from '../../common/crypto/checksummed-secret.codec';

/** A prefix of their own: a refresh token is never mistaken for an access token, before any query. */
export const REFRESH_TOKEN_PREFIX = 'nrt_';

export const refreshTokens = checksummedSecretCodec(REFRESH_TOKEN_PREFIX);
