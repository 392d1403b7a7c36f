import { HttpStatus } from '@nestjs/common';
import { defineErrorCodes } from '../../common/errors/error-codes';

/** Passkeys one user may have: enough for every device and a spare key, few enough to list in every registration's options. */
export const MAX_PASSKEYS_PER_USER = 20;

export const PasskeyErrors = defineErrorCodes({
  PASSKEY_LIMIT_REACHED: {
    status: HttpStatus.CONFLICT,
    message: `This account has as many passkeys as it may (${MAX_PASSKEYS_PER_USER}): remove one first`,
  },
});
