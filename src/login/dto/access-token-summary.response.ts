import { ApiProperty } from '@nestjs/swagger';
import { AccessTokenSummary } from '../../auth/internal';

export class AccessTokenSummaryResponse {
  @ApiProperty({ example: 7 })
  id!: number;
  @ApiProperty({ enum: ['session', 'personal'], description: 'A login’s session, or a personal access token' })
  kind!: 'session' | 'personal';
  @ApiProperty({ type: String, nullable: true, description: 'A personal token’s name; null for a session' })
  name!: string | null;
  @ApiProperty({ type: [String], example: ['account'] })
  scopes!: string[];
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  expiresAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Written at most once a minute' })
  lastUsedAt!: string;
  @ApiProperty({ description: 'True for the token of this request' })
  current!: boolean;
}

export function toAccessTokenSummaryResponse(summary: AccessTokenSummary): AccessTokenSummaryResponse {
  return {
    id: summary.id,
    kind: summary.kind,
    name: summary.name,
    scopes: summary.scopes,
    createdAt: summary.createdAt.toISOString(),
    expiresAt: summary.expiresAt.toISOString(),
    lastUsedAt: summary.lastUsedAt.toISOString(),
    current: summary.current,
  };
}
