import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import { MaxCodePoints } from './text-length.decorator';

/** Room for a recovery code typed with spaces and dashes; anything longer is no code at all. */
export const MFA_CODE_MAX_LENGTH = 64;

/**
 * `code`: a 6-digit code of the authenticator app, or a recovery code. A
 * missing or malformed one is a wrong code (403 INVALID_MFA_CODE, counted as a
 * failure), not a validation error, so that every bad code is counted alike.
 */
export function IsMfaCode(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description: 'A 6-digit code of the authenticator app, or one of the recovery codes',
      example: '123456',
      maxLength: MFA_CODE_MAX_LENGTH,
    }),
    IsOptional(),
    IsString(),
    MaxCodePoints(MFA_CODE_MAX_LENGTH),
  );
}
