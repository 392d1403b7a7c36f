import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/**
 * `response`: what `@simplewebauthn/browser` returned, passed on as sent.
 * Its checks belong to the ceremony, which refuses anything that is not a
 * valid response its own way (400 PASSKEY_INVALID, or 401 for a login),
 * malformed or missing alike (docs/bad-inputs.md row 34).
 */
export function IsWebAuthnResponse(kind: 'RegistrationResponseJSON' | 'AuthenticationResponseJSON', returnedBy: string): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      type: 'object',
      additionalProperties: true,
      description: `The ${kind} that ${returnedBy} of @simplewebauthn/browser returns, as it is`,
    }),
    Allow(),
  );
}
