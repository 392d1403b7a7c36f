import { ApiProperty } from '@nestjs/swagger';
import { SECURITY_EVENT_TYPES, SecurityEvent } from './security-event.entity';

export class SecurityEventResponse {
  @ApiProperty({ example: 81 })
  id!: number;
  @ApiProperty({ enum: SECURITY_EVENT_TYPES })
  type!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The client address, as TRUST_PROXY resolves it' })
  ip!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Cut to 255 characters' })
  userAgent!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The admin who acted, when it was not the user' })
  actorId!: number | null;
}

export class SecurityEventPageResponse {
  @ApiProperty({ type: [SecurityEventResponse] })
  items!: SecurityEventResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass it as cursor for the next (older) page; null on the last page' })
  nextCursor!: string | null;
}

export function toSecurityEventResponse(event: SecurityEvent): SecurityEventResponse {
  return {
    id: Number(event.id),
    type: event.type,
    createdAt: event.createdAt.toISOString(),
    ip: event.ip,
    userAgent: event.userAgent,
    actorId: event.actorId,
  };
}
