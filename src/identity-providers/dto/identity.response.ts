import { ApiProperty } from '@nestjs/swagger';
import type { Identity } from '../../auth/internal';

/** One of the caller's identities at a provider: never the provider's subject or any token. */
export class IdentityResponse {
  @ApiProperty({ example: 7 })
  id!: number;

  @ApiProperty({ description: 'The provider id', example: 'google' })
  provider!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The address the provider gave when last used', example: 'ada@example.com' })
  email!: string | null;

  @ApiProperty()
  createdAt!: Date;

  @ApiProperty({ type: Date, nullable: true })
  lastUsedAt!: Date | null;
}

export function toIdentityResponse({ id, provider, email, createdAt, lastUsedAt }: Identity): IdentityResponse {
  return { id, provider, email, createdAt, lastUsedAt };
}
