import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailableError, isValueTooLongError } from '../errors/database-errors';
import { DomainError } from '../errors/domain-error';
import { ErrorBody, errorBody } from '../errors/error-body';
import { ErrorBodyExtensions } from '../errors/error-body-extensions';
import { codeForStatus } from '../errors/error-codes';

/** The error's details after the body's own fields, none of which they may replace. */
function withDetails(body: ErrorBody, details: Readonly<Record<string, unknown>> = {}): ErrorBody {
  for (const [name, value] of Object.entries(details)) if (!(name in body)) body[name] = value;
  return body;
}

interface Resolved {
  body: ErrorBody;
  retryAfterSeconds?: number;
  headers?: Readonly<Record<string, string>>;
}

/**
 * The one place where failures become HTTP answers: the error body of the
 * contract, no stack trace, no SQL, no internal names. Anything unexpected is
 * logged here and answered with a generic 500.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Optional() private readonly extensions?: ErrorBodyExtensions) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    // Already answered (by the request deadline, most often): the late failure
    // of the work behind it, typically "headers already sent", is no news.
    if (response.headersSent) {
      response.end();
      return;
    }
    const { body, retryAfterSeconds, headers } = this.resolve(exception);
    const request = host.switchToHttp().getRequest<Request | undefined>();
    if (request) this.extensions?.apply(request, body);
    if (body.statusCode === Number(HttpStatus.UNAUTHORIZED)) {
      response.setHeader('WWW-Authenticate', body.code === 'INVALID_TOKEN' ? 'Bearer error="invalid_token"' : 'Bearer');
    }
    for (const [name, value] of Object.entries(headers ?? {})) response.setHeader(name, value);
    if (retryAfterSeconds !== undefined) {
      response.setHeader('Retry-After', String(retryAfterSeconds));
    }
    response.status(body.statusCode).json(body);
  }

  private resolve(exception: unknown): Resolved {
    if (exception instanceof DomainError) {
      return {
        body: withDetails(errorBody(exception.code, exception.message, exception.fieldErrors), exception.details),
        retryAfterSeconds: exception.retryAfterSeconds,
        headers: exception.headers,
      };
    }
    if (exception instanceof HttpException) {
      return { body: this.httpExceptionBody(exception) };
    }
    if (this.isUnparsableBody(exception)) {
      return this.resolve(DomainError.invalidFields([{ field: 'body', message: 'must be valid JSON or form data' }]));
    }
    const clientError = this.clientErrorStatusOf(exception);
    if (clientError !== undefined) {
      return { body: errorBody(codeForStatus(clientError), undefined, undefined, clientError) };
    }
    if (isValueTooLongError(exception)) {
      // The request's fault, whatever check let it through: a 400, and a warning that a length check is missing.
      this.logger.warn({ event: 'request.value_too_long', error: this.describe(exception).message });
      return this.resolve(DomainError.invalidFields([{ field: 'body', message: 'a value is longer than the service stores' }]));
    }
    if (isDatabaseUnavailableError(exception)) {
      this.logger.warn({ event: 'database.unavailable', error: this.describe(exception) });
      return { body: errorBody('SERVICE_UNAVAILABLE'), retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS };
    }
    this.logger.error({ event: 'request.failed', error: this.describe(exception) });
    return { body: errorBody('INTERNAL_ERROR') };
  }

  /**
   * Nest's exceptions, thrown by Nest or by any module, keep their status and
   * get the code named after it (CONFLICT, GONE...). A client error keeps the
   * thrower's message when it is one string (`new ConflictException('Note
   * title taken')`); a server error keeps only the generic message, and is logged.
   */
  private httpExceptionBody(exception: HttpException): ErrorBody {
    const status = exception.getStatus();
    const code = codeForStatus(status);
    if (status >= 500) {
      this.logger.error({ event: 'request.failed', status, error: this.describe(exception) });
      return errorBody(code, undefined, undefined, status);
    }
    return errorBody(code, this.messageOf(exception), undefined, status);
  }

  private messageOf(exception: HttpException): string | undefined {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const { message } = response as { message?: unknown };
    return typeof message === 'string' ? message : undefined;
  }

  private isUnparsableBody(exception: unknown): boolean {
    return typeof exception === 'object' && exception !== null && (exception as { type?: unknown }).type === 'entity.parse.failed';
  }

  /** Other errors of Express's body parsers (http-errors): too large, bad encoding or charset. */
  private clientErrorStatusOf(exception: unknown): number | undefined {
    if (typeof exception !== 'object' || exception === null) return undefined;
    const { status } = exception as { status?: unknown };
    return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
  }

  private describe(exception: unknown): { name?: string; message?: string; stack?: string } {
    if (exception instanceof Error) {
      return { name: exception.name, message: exception.message, stack: exception.stack };
    }
    return { message: String(exception) };
  }
}
