import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ReplicaHealth {
  @ApiProperty({
    enum: ['up', 'down', 'lagging'],
    description: 'lagging: further behind than DATABASE_REPLICA_MAX_LAG; down: unreachable. Either way its reads go to the primary',
  })
  status!: 'up' | 'down' | 'lagging';
}

export class HealthResponse {
  @ApiProperty({ enum: ['ok', 'error'] })
  status!: 'ok' | 'error';

  @ApiProperty({ enum: ['up', 'down'] })
  database!: 'up' | 'down';

  @ApiPropertyOptional({ type: [ReplicaHealth], description: 'Each replica of DATABASE_REPLICA_URLS, in order; absent without replicas' })
  replicas?: ReplicaHealth[];
}
