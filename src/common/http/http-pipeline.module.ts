import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { ErrorBodyExtensions } from '../errors/error-body-extensions';
import { AllExceptionsFilter } from './all-exceptions.filter';
import { BodyParserMiddleware } from './body-parser.middleware';
import { CorsMiddleware } from './cors.middleware';
import { HttpPipelineMiddleware } from './http-pipeline.middleware';
import { RequestDeadlineMiddleware } from './request-deadline.middleware';
import { RequestValidationPipe } from './request-validation.pipe';
import { SecurityHeadersMiddleware } from './security-headers.middleware';

/**
 * Security headers, the request deadline, CORS, body parsing, validation and error mapping, registered in a module rather
 * than in main.ts so that every test application gets the production pipeline.
 * Global for ErrorBodyExtensions, which the modules of a protocol add their members to.
 */
@Global()
@Module({
  providers: [
    ErrorBodyExtensions,
    { provide: APP_PIPE, useClass: RequestValidationPipe },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    SecurityHeadersMiddleware,
    RequestDeadlineMiddleware,
    CorsMiddleware,
    BodyParserMiddleware,
  ],
  exports: [ErrorBodyExtensions],
})
export class HttpPipelineModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpPipelineMiddleware).forRoutes('{*path}');
  }
}
