import { Controller, Get, HttpStatus, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import type { Response } from 'express';
import { Public } from '../auth';
import { DATABASE_RETRY_AFTER_SECONDS } from '../common/errors/database-errors';
import { ReadReplicas } from '../database/replicas/read-replicas';
import { HealthResponse } from './health.response';

/** A probe that waits longer than this tells the orchestrator nothing it can act on in time. */
const DATABASE_PING_TIMEOUT_MS = 2000;

@ApiTags('Health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger(HealthController.name);

  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly replicas: ReadReplicas,
  ) {}

  @ApiOperation({
    summary: 'Liveness and readiness: 200 while the primary database answers within two seconds, whatever the replicas',
  })
  @ApiOkResponse({ type: HealthResponse })
  @ApiServiceUnavailableResponse({ type: HealthResponse, description: 'The database is down or slower than two seconds' })
  @Public()
  @Get()
  async check(@Res({ passthrough: true }) response: Response): Promise<HealthResponse> {
    try {
      await this.health.check([() => this.database.pingCheck('database').withTimeout(DATABASE_PING_TIMEOUT_MS)]);
      return { status: 'ok', database: 'up', ...replicaStates(this.replicas) };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      this.logger.warn({ event: 'health.database_down' });
      response.status(HttpStatus.SERVICE_UNAVAILABLE).setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
      return { status: 'error', database: 'down', ...replicaStates(this.replicas) };
    }
  }
}

/** As the last check of each replica found it (every half second): a probe adds no query to a replica. */
function replicaStates(replicas: ReadReplicas): Pick<HealthResponse, 'replicas'> {
  const states = replicas.statuses();
  return states.length === 0 ? {} : { replicas: states.map(({ status }) => ({ status })) };
}
