import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { RequestLogMiddleware } from './request-log.middleware';
import { ROOT_LOGGER, RootLoggerModule } from './root-logger.module';

// nestjs-pino's own request middleware (a pino-http child logger per request, run in
// an AsyncLocalStorage) is mounted on no route: RequestLogMiddleware writes the request lines.
const NO_ROUTE = '/nestjs-pino-request-logging-is-replaced';

/**
 * Structured logs: Nest's Logger goes through nestjs-pino to the root pino
 * logger, and RequestLogMiddleware writes one line per request. Headers and
 * bodies are never logged.
 */
@Module({
  imports: [
    RootLoggerModule,
    LoggerModule.forRootAsync({
      imports: [RootLoggerModule],
      inject: [ROOT_LOGGER],
      useFactory: (logger: Logger) => ({ pinoHttp: { logger }, forRoutes: [NO_ROUTE] }),
    }),
  ],
  providers: [RequestLogMiddleware],
})
export class LoggingModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(RequestLogMiddleware).forRoutes('{*path}');
  }
}
