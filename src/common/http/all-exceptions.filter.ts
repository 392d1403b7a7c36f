import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailableError } from '../../database/database-errors';
import { DomainError, validationFailed } from '../errors/domain-error';
import { ErrorBody, errorBody } from '../errors/error-body';
import { ERROR_STATUS, ErrorCode } from '../errors/error-code';

interface Resolved {
  body: ErrorBody;
  retryAfterSeconds?: number;
}

/**
 * The one place where failures become HTTP answers: the error body of the
 * contract, no stack trace, no SQL, no internal names. Anything unexpected is
 * logged here and answered with a generic 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    // Already answered (by the request deadline, most often): the late failure
    // of the work behind it, typically "headers already sent", is no news.
    if (response.headersSent) {
      response.end();
      return;
    }
    const { body, retryAfterSeconds } = this.resolve(exception);
    if (body.statusCode === HttpStatus.UNAUTHORIZED) {
      response.setHeader('WWW-Authenticate', body.code === 'INVALID_TOKEN' ? 'Bearer error="invalid_token"' : 'Bearer');
    }
    if (retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(retryAfterSeconds));
    }
    response.status(body.statusCode).json(body);
  }

  private resolve(exception: unknown): Resolved {
    if (exception instanceof DomainError) {
      return {
        body: errorBody(exception.code, exception.message, exception.fieldErrors),
        retryAfterSeconds: exception.retryAfterSeconds,
      };
    }
    if (exception instanceof HttpException) {
      return { body: errorBody(this.codeForStatus(exception.getStatus())) };
    }
    if (this.isUnparsableBody(exception)) {
      return this.resolve(validationFailed([{ field: 'body', message: 'must be valid JSON or form data' }]));
    }
    const clientError = this.clientErrorOf(exception);
    if (clientError) {
      return { body: errorBody(clientError) };
    }
    if (isDatabaseUnavailableError(exception)) {
      this.logger.warn({ event: 'database.unavailable', error: this.describe(exception) });
      return { body: errorBody('SERVICE_UNAVAILABLE'), retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS };
    }
    this.logger.error({ event: 'request.failed', error: this.describe(exception) });
    return { body: errorBody('INTERNAL_ERROR') };
  }

  private isUnparsableBody(exception: unknown): boolean {
    return typeof exception === 'object' && exception !== null && (exception as { type?: unknown }).type === 'entity.parse.failed';
  }

  /** Other errors of Express's body parsers (http-errors): too large, bad encoding or charset. */
  private clientErrorOf(exception: unknown): ErrorCode | undefined {
    if (typeof exception !== 'object' || exception === null) return undefined;
    const { status } = exception as { status?: unknown };
    if (typeof status === 'number' && status >= 400 && status < 500) return this.codeForStatus(status);
    return undefined;
  }

  private codeForStatus(status: number): ErrorCode {
    if (status === HttpStatus.UNAUTHORIZED) return 'UNAUTHENTICATED';
    const named = HttpStatus[status] as ErrorCode | undefined;
    if (named && named in ERROR_STATUS) return named;
    return status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST';
  }

  private describe(exception: unknown): { name?: string; message?: string; stack?: string } {
    if (exception instanceof Error) {
      return { name: exception.name, message: exception.message, stack: exception.stack };
    }
    return { message: String(exception) };
  }
}
