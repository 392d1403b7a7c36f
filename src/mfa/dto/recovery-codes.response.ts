import { ApiProperty } from '@nestjs/swagger';

export class RecoveryCodesResponse {
  @ApiProperty({
    type: [String],
    description: 'Ten single-use codes, shown this once: each stands in for an authenticator code one time',
    example: ['7K2M-Q9XD-4HRT-0VBN'],
  })
  recoveryCodes!: string[];
}
