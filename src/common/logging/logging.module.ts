import { Module } from '@nestjs/common';
import type { Request } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import pino, { DestinationStream, LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';
import { loggingConfig, LoggingConfig } from '../../config/app.config';
import { assignRequestId } from './request-id';

/** Where log lines go: standard output, unless a test captures them. */
export const LOG_DESTINATION = Symbol('LOG_DESTINATION');

/** Anything a secret could sit under, wherever a caller might log it: replaced before the line is written. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...['password', 'currentPassword', 'token', 'access_token', 'csrfToken'].flatMap((key) => [key, `*.${key}`]),
];

function destinationFor(config: LoggingConfig, destination: DestinationStream): DestinationStream {
  if (config.format === 'json') return destination;
  return pretty({ destination, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
}

/**
 * One JSON line per request (request id, method, route, status, duration) and
 * the application's own events, with the request id of the request they
 * belong to. Headers and bodies are never logged.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [{ provide: LOG_DESTINATION, useFactory: () => pino.destination({ dest: 1, sync: true }) }],
      inject: [loggingConfig.KEY, LOG_DESTINATION],
      useFactory: (config: LoggingConfig, destination: DestinationStream) => ({
        pinoHttp: [
          {
            level: config.level,
            redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
            genReqId: assignRequestId,
            customAttributeKeys: { reqId: 'requestId', responseTime: 'durationMs' },
            quietReqLogger: true,
            quietResLogger: true,
            customLogLevel: (_request, response, error): LevelWithSilent => (error || response.statusCode >= 500 ? 'error' : 'info'),
            customSuccessMessage: () => 'request completed',
            customErrorMessage: () => 'request failed',
            customSuccessObject: (request, response, value) => ({ ...requestSummary(request, response), durationMs: value.durationMs }),
            customErrorObject: (request, response, _error, value) => ({ ...requestSummary(request, response), durationMs: value.durationMs }),
          },
          destinationFor(config, destination),
        ],
      }),
    }),
  ],
})
export class LoggingModule {}

function requestSummary(incoming: IncomingMessage, response: ServerResponse) {
  const request = incoming as Request;
  return {
    method: request.method,
    route: routeTemplate(request),
    path: request.originalUrl.split('?', 1)[0],
    status: response.statusCode,
  };
}

/**
 * The matched route's template (/auth/tokens/:id), so that lines group by
 * route; null when no controller route matched. Nest mounts middleware as
 * wildcard routes, which Express leaves in `req.route` when nothing else matched.
 */
function routeTemplate(request: Request): string | null {
  const path = request.route?.path as string | undefined;
  return path === undefined || path.includes('*') ? null : path;
}
