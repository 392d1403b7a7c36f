import { prefixedSecretCodec } from '../../common/crypto/prefixed-secret.codec';

const codec = prefixedSecretCodec('lnk_');

export const generateLinkToken = codec.generate;
export const isWellFormedLinkToken = codec.isWellFormed;
export const digestLinkToken = codec.digest;
