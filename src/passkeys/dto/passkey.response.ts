import { ApiProperty } from '@nestjs/swagger';
import { type Passkey } from '../../auth/internal';

/** A passkey as its owner sees it: no key, no credential id, no counter. */
export class PasskeyResponse {
  @ApiProperty({ example: 3 })
  id!: number;
  @ApiProperty({ example: 'Apple Passwords' })
  name!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String, description: 'The last login with it; null until one' })
  lastUsedAt!: string | null;
}

export function toPasskeyResponse(passkey: Pick<Passkey, 'id' | 'name' | 'createdAt' | 'lastUsedAt'>): PasskeyResponse {
  return {
    id: passkey.id,
    name: passkey.name,
    createdAt: passkey.createdAt.toISOString(),
    lastUsedAt: passkey.lastUsedAt?.toISOString() ?? null,
  };
}
