import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorResponse {
  @ApiProperty({ example: 'email' })
  field!: string;

  @ApiProperty({ example: 'must be an email address' })
  message!: string;
}

/** The body of every error answer, whatever the route. */
export class ErrorResponse {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({
    example: 'VALIDATION_FAILED',
    description: 'Stable and machine-readable: branch on this, not on the message. Each answer below lists the codes it may carry',
  })
  code!: string;

  @ApiProperty({ example: 'The request is invalid' })
  message!: string;

  @ApiPropertyOptional({ type: [FieldErrorResponse], description: 'With VALIDATION_FAILED: what is wrong with which field' })
  errors?: FieldErrorResponse[];

  @ApiPropertyOptional({ description: 'With MFA_REQUIRED: send it to POST /auth/mfa/verify with a code', example: 'mfa_...' })
  mfaToken?: string;

  @ApiPropertyOptional({ description: 'With MFA_REQUIRED: seconds the mfaToken lives', example: 300 })
  expiresIn?: number;
}
