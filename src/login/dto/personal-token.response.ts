import { ApiProperty } from '@nestjs/swagger';
import { IssuedPersonalToken } from '../../auth/internal';

/** A new personal access token: the only answer that ever shows it. */
export class PersonalTokenResponse {
  @ApiProperty({ example: 12 })
  id!: number;
  @ApiProperty({ example: 'CI deploys' })
  name!: string;
  @ApiProperty({ description: 'Shown this once: keep it like a password', example: 'nat_...' })
  token!: string;
  @ApiProperty({ type: [String], example: ['notes:read'] })
  scopes!: string[];
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
}

export function toPersonalTokenResponse(issued: IssuedPersonalToken): PersonalTokenResponse {
  return {
    id: issued.id,
    name: issued.name,
    token: issued.token,
    scopes: issued.scopes,
    createdAt: issued.createdAt.toISOString(),
    expiresAt: issued.expiresAt.toISOString(),
  };
}
