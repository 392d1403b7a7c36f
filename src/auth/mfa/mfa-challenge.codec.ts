import { prefixedSecretCodec } from '../../common/crypto/prefixed-secret.codec';

/** The `mfaToken` of a login waiting for its second factor. */
export const mfaTokens = prefixedSecretCodec('mfa_');
