import { AccessTokenSummary } from '../tokens/access-token.service';

export class AccessTokenSummaryResponse {
  id!: number;
  createdAt!: string;
  expiresAt!: string;
  lastUsedAt!: string;
  current!: boolean;
}

export function toAccessTokenSummaryResponse(summary: AccessTokenSummary): AccessTokenSummaryResponse {
  return {
    id: summary.id,
    createdAt: summary.createdAt.toISOString(),
    expiresAt: summary.expiresAt.toISOString(),
    lastUsedAt: summary.lastUsedAt.toISOString(),
    current: summary.current,
  };
}
