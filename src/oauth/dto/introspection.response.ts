import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 7662 §2.2: `{ "active": false }` alone for anything but a live access token. */
export class IntrospectionResponse {
  @ApiProperty()
  active!: boolean;
  @ApiPropertyOptional({ enum: ['Bearer'] })
  token_type?: 'Bearer';
  @ApiPropertyOptional({ description: 'Space-separated scopes of the token', example: 'account' })
  scope?: string;
  @ApiPropertyOptional({ description: 'The user id, as a string', example: '42' })
  sub?: string;
  @ApiPropertyOptional({ description: 'The user’s email', example: 'ada@example.com' })
  username?: string;
  @ApiPropertyOptional({ description: 'Expiry, seconds since the epoch' })
  exp?: number;
  @ApiPropertyOptional({ description: 'Issue time (for a session, its login or latest refresh), seconds since the epoch' })
  iat?: number;
  @ApiPropertyOptional({ enum: ['user', 'admin'] })
  role?: string;
}
